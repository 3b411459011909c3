"""Numbers quoted in part 一 against the tables: R-N-T3, R-N-SUB, R-N-T4, R-N-T2, R-N-UNIT.

The prose is read sentence by sentence and clause by clause; a number with its unit is
classified by the nearest keyword before it in its clause (or after it, for "1件结转下年度"),
using the tolerated wordings of format-2021.md §5: "收到N件" may be new or new + carried,
"办理/答复N件" may be the applications handled or received. Every finding is a warning: the
prose may count something else, and a person decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from govreport_kit.checks.findings import Finding
from govreport_kit.core import format as fmt
from govreport_kit.core import limits
from govreport_kit.core.normalize import normalize_text, squeeze

_SENTENCE = re.compile(r"[^。!?\n]+")
_CLAUSE_SPLIT = re.compile(r"[,;:、()《》]")
_COUNT = re.compile(r"(?<![\d.])(\d+(?:,\d{3})*)\s*(件|条)")
_PCT = re.compile(r"占[^\d,;]{0,8}?(\d+(?:\.\d+)?)\s*%")


@dataclass
class Quote:
    kind: str  # what the number is said to be
    value: int
    text: str  # the sentence, for the message
    pct: Decimal | None = None


class Values:
    """Table values as the prose rules read them (None: not read, so not compared)."""

    def __init__(self, cells: dict[tuple[str, str, str], Any], unread: set[tuple[str, str, str]], form: str):
        self.cells, self.unread, self.form = cells, unread, form

    def get(self, t: str, r: str, c: str):
        if (t, r, c) in self.unread or (t, r, c) not in self.cells:
            return None
        v = self.cells[(t, r, c)]
        return 0 if v is None else v

    def t3_row(self, r: str, col: str = "total"):
        """A table 三 cell; a blank 总计 beside numbers counts as the sum of its components."""
        if col != "total":
            return self.get("table3", r, col)
        if any(("table3", r, c.code) in self.unread for c in fmt.T3_COLUMNS):
            return None
        v = self.cells.get(("table3", r, "total"))
        if v is None:
            return sum(self.get("table3", r, c) or 0 for c in fmt.T3_COMPONENT_COLUMNS)
        return v

    def t3_sum(self, rows, col: str = "total"):
        vals = [self.t3_row(r, col) for r in rows]
        return None if any(v is None for v in vals) else sum(vals)


_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_COUNT = re.compile(
    r"(?<![零〇一二两三四五六七八九十百千万第每])([零〇一二两三四五六七八九十百千]+)(?=\s*[件条](?![事套实]))"
)


def cn_number(s: str) -> int | None:
    """ "十二" → 12, "两" → 2, "一百零五" → 105; None for what is not a well-formed count ("一二", "零")."""
    if s in ("零", "〇"):
        return None
    total, cur, prev_digit, last_unit = 0, None, False, 10**6
    for i, ch in enumerate(s):
        if ch in ("零", "〇"):  # a placeholder between units ("一百零五")
            if i == 0 or cur is not None:
                return None
            prev_digit = False
            continue
        if ch in _CN_DIGITS:
            if prev_digit:
                return None
            cur, prev_digit = _CN_DIGITS[ch], True
            continue
        unit = _CN_UNITS[ch]
        if unit >= last_unit or (cur is None and not (ch == "十" and i == 0)):
            return None
        total += (1 if cur is None else cur) * unit
        cur, prev_digit, last_unit = None, False, unit
    return total + (cur or 0)


def cn_counts(text: str) -> str:
    """Counts written in Chinese numerals before 件/条 ("申请两件", "十二件") as digits; "一件事" stays."""

    def one(m: re.Match) -> str:
        n = cn_number(m.group(1))
        return m.group(0) if n is None else str(n)

    return _CN_COUNT.sub(one, text) if any(ch in text for ch in "件条") else text


#: A digit run longer than any real number: replaced before the regexes below see it.
_LONG_DIGITS = re.compile(r"\d{" + str(limits.NUMBER_DIGITS.value + 1) + ",}")


def bounded(sentence: str) -> str:
    """A sentence as the prose regexes may see it: at most ``limits.PROSE_SENTENCE_CHARS`` characters,
    and every digit run longer than ``limits.NUMBER_DIGITS`` replaced by “#”.

    The patterns here start a number anywhere and backtrack over it, so their cost grows with the
    square of a digit run's length (a 40,000-digit run took 101 s); with runs and sentences
    bounded it is linear in the text.
    """
    return _LONG_DIGITS.sub("#", sentence[: limits.PROSE_SENTENCE_CHARS.value])


def _sentences(text: str):
    for m in _SENTENCE.finditer(text):
        yield bounded(m.group(0))


def _clauses(sentence: str) -> list[str]:
    return [c for c in _CLAUSE_SPLIT.split(sentence) if c.strip()]


def _last(pattern: str, s: str) -> re.Match | None:
    found = None
    for m in re.finditer(pattern, s):
        found = m
    return found


# ------------------------------------------------------------------ quotes about applications (表三)
_SUB_KEYS = [
    ("disclosed", r"予以公开(?:及|和|与|、)部分公开|公开(?:及|和)部分公开"),
    ("denied", r"不予公开"),
    ("unable", r"无法提供"),
    ("not_processed", r"不予处理"),
    ("other", r"其他处理"),
    ("granted", r"(?<!不)予以公开|同意公开|全部公开"),
    ("partial", r"部分公开"),
]
_APPLICANT_KEYS = [(c.code, c.label) for c in fmt.T3_COLUMNS if c.code not in ("total", "other_org")]


def application_quotes(text: str) -> list[Quote]:
    out: list[Quote] = []
    for sent in _sentences(text):
        if (
            "申请" not in sent
            and not re.search(r"(结转|顺延)[^,;]{0,4}下一?年", sent)
            and not any(re.search(pat, sent) for _, pat in _SUB_KEYS[:5])
            and not ("主动" not in sent and any(re.search(pat, sent) for _, pat in _SUB_KEYS[5:]))
        ):
            continue
        clauses = _clauses(sent)
        for k, clause in enumerate(clauses):
            for m in _COUNT.finditer(clause):
                pre, post = clause[: m.start()], clause[m.end() :]
                value = int(m.group(1).replace(",", ""))
                kind = _classify_application(pre, post)
                if kind is None:
                    continue
                pct = None
                nxt = clauses[k + 1] if k + 1 < len(clauses) else ""
                pm = _PCT.search(post) or (_PCT.match(nxt.strip()) if nxt.strip().startswith("占") else None)
                if pm and kind.startswith("sub:"):
                    pct = Decimal(pm.group(1))
                out.append(Quote(kind, value, sent.strip(), pct))
        if re.search(r"未(收到|受理|接到|接收)[^,;]{0,12}申请", sent) and not _COUNT.search(sent):
            out.append(Quote("received", 0, sent.strip()))
    return out


def _classify_application(pre: str, post: str) -> str | None:
    near = pre[-14:]
    if re.search(r"上一?年度?结转|上年度?遗留", pre):
        return "carried"
    if re.search(r"(结转|顺延|转入|延期)[^,]{0,4}(下一?年|次年|明年)|下一?年度?(继续)?(办理|答复)", post + pre[-6:]):
        return "carried_forward"
    best = None
    for code, pat in _SUB_KEYS:
        m = _last(pat, near)
        if m and (best is None or m.end() > best[1] or (m.end() == best[1] and m.start() < best[2])):
            best = (code, m.end(), m.start())
    if best is not None:
        return "sub:" + best[0]
    for code, label in _APPLICANT_KEYS:
        if near.endswith(label) or re.search(label + r"[^\d]{0,3}$", near):
            return "applicant:" + code
    if re.search(r"新收|新增", near):
        return "new"
    if re.search(r"收到|受理|接收|接到|收悉|共收", pre):
        return "received"
    if re.search(r"办结|答复|办理|处理完毕|予以回复|回复", pre):
        return "handled"
    return None


# ------------------------------------------------------------------ quotes about table 四 and 二
def review_quotes(text: str) -> list[Quote]:
    out = []
    for sent in _sentences(text):
        if "复议" not in sent and "诉讼" not in sent:
            continue
        for clause in _clauses(sent):
            for m in _COUNT.finditer(clause):
                near = clause[: m.start()][-12:]
                r, s = near.rfind("复议"), near.rfind("诉讼")
                if r < 0 and s < 0:
                    continue
                out.append(Quote("review" if r > s else "litigation", int(m.group(1).replace(",", "")), sent.strip()))
        if re.search(r"均未被(依法)?(纠正|撤销)|(无|没有)[一]?[件例起]?被(依法)?纠正", sent):
            out.append(Quote("none_corrected", 0, sent.strip()))
        if re.search(r"均(获|被|予)?维持|全部(获得?)?维持", sent):
            out.append(Quote("all_upheld", 0, sent.strip()))
        elif re.search(r"均已(审结|结案)|全部(审结|结案)", sent):
            out.append(Quote("all_closed", 0, sent.strip()))
        if re.search(r"未(发生|收到|出现|有)[^,;]{0,20}(行政复议|复议)", sent) and not _COUNT.search(sent):
            out.append(Quote("review", 0, sent.strip()))
        if re.search(r"未(发生|收到|出现|有)[^,;]{0,24}(行政诉讼|诉讼)", sent) and not _COUNT.search(sent):
            out.append(Quote("litigation", 0, sent.strip()))
    return out


_T2_KEYS = [
    ("normative_documents", r"规范性文件"),
    ("regulations", r"规章"),
    ("licensing", r"行政许可"),
    ("punishment", r"行政处罚"),
    ("enforcement", r"行政强制"),
]
_T2_QUALIFIERS = [("in_force", r"现行有效|有效的"), ("repealed", r"废止|失效"), ("issued", r"制发|印发|出台|制定|新发")]


def t2_quotes(text: str) -> list[Quote]:
    out = []
    for sent in _sentences(text):
        for clause in _clauses(sent):
            for m in _COUNT.finditer(clause):
                if m.group(2) != "件":
                    continue
                pre = clause[: m.start()]
                for code, pat in _T2_KEYS:
                    km = _last(pat, pre)
                    if km is None:
                        continue
                    gap = pre[km.end() :]
                    if not re.fullmatch(r"(?:决定|案件|数量)?(?:共|合计|总数|为|达)?(?:计)?", gap):
                        break
                    if re.search(r"部门|等$", pre[max(0, km.start() - 4) : km.start()]):
                        break
                    qual = next(
                        (q for q, qp in _T2_QUALIFIERS if re.search(qp, pre[max(0, km.start() - 12) : km.start()])),
                        None,
                    )
                    out.append(Quote(f"{code}:{qual or ''}", int(m.group(1).replace(",", "")), sent.strip()))
                    break
    return out


def t2_facts(text: str, form: str) -> dict[tuple[str, str], set[int]]:
    """(row, column) → values the prose states for table 二 (used to split run-together rows)."""
    facts: dict[tuple[str, str], set[int]] = {}
    if form != "2021":
        return facts
    for q in t2_quotes(cn_counts(squeeze(normalize_text(text)))):
        row, _, col = q.kind.partition(":")
        if row in ("regulations", "normative_documents") and col:
            facts.setdefault((row, col), set()).add(q.value)
    return facts


# ------------------------------------------------------------------ breakdowns and units
_BREAK_START = re.compile(
    r"(?<![\d.,])(\d+(?:,\d{3})*)\s*(件|条)(?:(?:[^\d。;]{0,3})?[,(]?\s*(?:其中|涉及|包括|分别为)|\s*\((?!含|包含|另|其中))"
)


def breakdown_mismatches(text: str) -> list[tuple[int, int, str, str]]:
    """(total, sum of the listed parts, unit, sentence) where a listed breakdown does not add up."""
    out = []
    for sent in _sentences(text):
        for m in _BREAK_START.finditer(sent):
            pre = sent[max(0, m.start() - 3) : m.start()]
            if re.search(r"[余多近约超]$", pre) or sent[m.end(2) : m.end(2) + 1] == "余":
                continue
            total, unit = int(m.group(1).replace(",", "")), m.group(2)
            rest = sent[m.end() :]
            depth, parts = 0, []
            i = 0
            for tok in re.finditer(r"[()]|(\d+(?:,\d{3})*(?:\.\d+)?)\s*(件|条|%)", rest):
                if tok.group(0) == "(":
                    depth += 1
                elif tok.group(0) == ")":
                    depth -= 1
                    if depth < 0:
                        break
                elif depth == 0 and tok.group(2) == unit:
                    before = rest[i : tok.start()]
                    if "余" in rest[tok.end(2) : tok.end(2) + 1] or re.search(r"[余多近约]$", before):
                        parts = []
                        break
                    parts.append(int(tok.group(1).replace(",", "")))
                i = tok.end()
            tail = rest[i : i + 2]
            listed = rest[:i]
            if re.search(r"另|此外|还有|以及其他", listed):  # more than a breakdown of the total
                continue
            if len(parts) >= 2 and not tail.startswith("等") and sum(parts) != total:
                out.append((total, sum(parts), unit, sent.strip()))
    return out


_UNIT_WAN = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*万\s*(条|件|个|次|篇|人次)")


def unit_problems(text: str) -> list[tuple[str, str]]:
    out = []
    for sent in _sentences(text):
        for m in _UNIT_WAN.finditer(sent):
            if Decimal(m.group(1)) >= 1000:
                out.append((m.group(0), sent.strip()))
        m = re.search(r"信息处理费[^。]{0,20}?(\d+(?:\.\d+)?)\s*万元", sent)
        if m and Decimal(m.group(1)) >= 100:
            out.append((m.group(0), sent.strip()))
    return out


def make_finding(rule: str, message: str, table=None, row=None, column=None, expected=None, found=None) -> Finding:
    return Finding(rule, fmt.RULE_BY_ID[rule].severity, message, table, row, column, expected, found)
