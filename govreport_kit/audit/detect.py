"""What a report is: its parts, title, agency, year, statistics period and format version.

Everything here works on :func:`~govreport_kit.core.normalize.normalize_text`-ed text. Part
titles are found exactly (allowing broken lines) or, failing that, by similarity, so that
"四、政府信息公开行政法复议、行政诉讼情况" still opens table 四; such a deviation from the
official title is reported.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from govreport_kit.core import format as fmt
from govreport_kit.core.normalize import label_key, squeeze

OLDER = "older"
#: Official title variants per part (the form's, then older wordings seen in published reports).
TITLE_VARIANTS: dict[str, tuple[str, ...]] = {p.code: (p.title,) for p in fmt.PARTS if p.title}
TITLE_VARIANTS["table4"] = (fmt.PART_BY_CODE["table4"].title, fmt.TABLE4_TITLE_OLD)
PART_ORDER = ("overview", "table2", "table3", "table4", "problems", "other")
TABLE_PARTS = ("table2", "table3", "table4")
#: Where a table starts when its title is missing (a caption or header the form always has).
TABLE_FALLBACK_ANCHORS = {
    "table2": ("第二十条第(一)项", "第二十条第"),
    "table3": ("(本列数据的勾稽关系", label_key(fmt.T3_ROWS[0].label)),
    "table4": (label_key(fmt.T4_GROUPS[0].label) + label_key(fmt.T4_LITIGATION_LABEL),),
}
FUZZY_TITLE_MIN = 0.72


def _loose_pattern(title: str) -> re.Pattern:
    chars = [re.escape(c) for c in label_key(title)]
    return re.compile(r"[\s|]*".join(chars))


_EXACT = {code: [_loose_pattern(t) for t in titles] for code, titles in TITLE_VARIANTS.items()}


@dataclass
class Section:
    code: str
    start: int  # where the title starts
    body: int  # where the content starts (after the title)
    end: int = -1  # where the content ends
    title_found: str = ""
    exact: bool = True


@dataclass
class Outline:
    sections: dict[str, Section] = field(default_factory=dict)
    text: str = ""

    def body(self, code: str) -> str | None:
        s = self.sections.get(code)
        return None if s is None else self.text[s.body : s.end]

    def title_deviations(self) -> list[Section]:
        return [s for s in self.sections.values() if not s.exact and s.code in TABLE_PARTS]


def _fuzzy_find(text: str, code: str, start: int) -> tuple[int, int, str] | None:
    numeral = fmt.PART_BY_CODE[code].numeral
    best = None
    for m in re.finditer(numeral + r"\s*[、,.]", text[start:]):
        p = start + m.start()
        window = text[p : p + 60]
        for title in TITLE_VARIANTS[code]:
            key = label_key(title)
            for n in range(max(4, len(key) - 4), len(key) + 9):
                cand = squeeze(window)[:n]
                r = difflib.SequenceMatcher(None, key, label_key(cand), autojunk=False).ratio()
                if r >= FUZZY_TITLE_MIN and (best is None or r > best[0]):
                    best = (r, p, cand)
        if best is not None:
            break  # the first heading that looks like the title
    if best is None:
        return None
    r, p, cand = best
    # map the squeezed candidate back to a span of the original text
    consumed, i = 0, p
    target = len(label_key(cand))
    while i < len(text) and consumed < target:
        if not text[i].isspace():
            consumed += 1
        i += 1
    return p, i, text[p:i]


_LIST_ITEM = re.compile(r"\s*(?:[;,、。]|等|[一二三四五六七]\s*、)")


def _heading(pat: re.Pattern, text: str, pos: int) -> re.Match | None:
    """The first occurrence of a title that is a heading, not an item of a list of the parts
    (“本报告包括：一、总体情况；二、主动公开政府信息情况；…”); the first occurrence if all look listed."""
    first = None
    for m in pat.finditer(text, pos):
        first = first or m
        if not _LIST_ITEM.match(text, m.end()):
            return m
    return first


def find_outline(text: str) -> Outline:
    """Locate the six parts (titles in order; tables by caption when a title is missing)."""
    out = Outline(text=text)
    pos = 0
    for code in PART_ORDER:
        hit = None
        for pat in _EXACT[code]:
            m = _heading(pat, text, pos)
            if m and (hit is None or m.start() < hit[0]):
                hit = (m.start(), m.end(), m.group(0), True)
        if hit is None:
            f = _fuzzy_find(text, code, pos)
            if f is not None:
                hit = (*f, False)
        if hit is None and code in TABLE_FALLBACK_ANCHORS:
            sq_pat = [_loose_pattern(a) for a in TABLE_FALLBACK_ANCHORS[code]]
            for pat in sq_pat:
                m = pat.search(text, pos)
                if m:
                    hit = (m.start(), m.start(), "", True)
                    break
        if hit is None:
            continue
        start, body, found, exact = hit
        out.sections[code] = Section(code, start, body, title_found=found, exact=exact)
        pos = body
    ordered = sorted(out.sections.values(), key=lambda s: s.start)
    for a, b in zip(ordered, ordered[1:]):
        a.end = b.start
    if ordered:
        ordered[-1].end = len(text)
    return out


# ------------------------------------------------------------------ title, agency, year, period
TITLE_RE = re.compile(
    r"(?P<pre>[^\n。,;:!?()《》]{0,40}?)(?P<year>20\d\d)\s*年\s*度?\s*(?P<post>[^\n。,;:!?()《》\d]{0,40}?)"
    r"政\s*府\s*信\s*息\s*公\s*开\s*(?:工\s*作\s*)?年\s*度\s*报\s*告"
)
PERIOD_RE = re.compile(
    r"(?P<y1>20\d\d)\s*年\s*(?P<m1>\d{1,2})\s*月\s*(?P<d1>\d{1,2})\s*日[^\d\n]{0,12}?"
    r"(?:(?P<y2>20\d\d)\s*年\s*)?(?P<m2>\d{1,2})\s*月\s*(?P<d2>\d{1,2})\s*日"
)
#: "…政府信息公开工作2023年度报告": the year after the words.
TITLE_RE_LATE = re.compile(
    r"(?P<pre>[^\n。,;:!?()《》\d]{0,40}?)(?P<post>)政\s*府\s*信\s*息\s*公\s*开\s*(?:工\s*作\s*)?(?P<year>20\d\d)\s*年\s*度?\s*"
    r"(?:工\s*作\s*)?报\s*告"
)
#: "2023.1.1-2023.12.31", "2023-01-01至2023-12-31".
PERIOD_RE_NUMERIC = re.compile(
    r"(?P<y1>20\d\d)[.\-/](?P<m1>\d{1,2})[.\-/](?P<d1>\d{1,2})\s*(?:至|到|[-—–~])\s*"
    r"(?:(?P<y2>20\d\d)[.\-/])?(?P<m2>\d{1,2})[.\-/](?P<d2>\d{1,2})"
)
CONTACT_RE = re.compile(r"请与([^\n,;:()。]{2,40}?)联系")


@dataclass
class Meta:
    title: str | None = None
    agency: str = ""
    year: int | None = None
    period: tuple[str, str] | None = None
    period_text: str | None = None


def _strip_agency(s: str) -> str:
    s = re.sub(r"^(关于|标题[:：]?)", "", s.strip(" -_:：\u3000"))
    s = re.sub(r"(关于|的)$", "", s)
    return s.strip(" -_:：")


def detect_meta(text: str, title_hint: str | None = None) -> Meta:
    meta = Meta()
    head = squeeze(text[:600])
    for cand in ([squeeze(title_hint)] if title_hint else []) + [head]:
        m = TITLE_RE.search(cand) or TITLE_RE_LATE.search(cand)
        if m:
            meta.title = m.group(0).strip()
            meta.year = int(m.group("year"))
            meta.agency = _strip_agency(m.group("pre") or m.group("post") or "")
            break
    pm = None
    for m in [*PERIOD_RE.finditer(text[:20000]), *PERIOD_RE_NUMERIC.finditer(text[:20000])]:
        before = text[max(0, m.start() - 40) : m.start()]
        if "统计" in before or "期限" in before or (m.group("m1") == "1" and m.group("d1") == "1"):
            pm = m
            break
    if pm:
        y1 = int(pm.group("y1"))
        y2 = int(pm.group("y2") or y1)
        meta.period = (
            f"{y1:04d}-{int(pm.group('m1')):02d}-{int(pm.group('d1')):02d}",
            f"{y2:04d}-{int(pm.group('m2')):02d}-{int(pm.group('d2')):02d}",
        )
        meta.period_text = pm.group(0)
        if meta.year is None:
            meta.year = y1
    if meta.year is None:
        years = re.findall(r"(20\d\d)\s*年", text[:3000])
        if years:
            meta.year = int(max(set(years), key=years.count))
    if not meta.agency:
        c = CONTACT_RE.search(text[:5000])
        if c:
            name = c.group(1)
            if name.startswith("本"):  # "请与本局办公室联系": no name
                name = ""
            name = re.sub(r"(办公室|政务公开办公室|信息公开办公室)$", "", name) if len(name) > 6 else name
            meta.agency = name
    return meta


# ------------------------------------------------------------------ format version
MARKERS_2019 = tuple(
    label_key(x)
    for x in (
        fmt.T2_2019_SECTIONS[0].columns[0].label,
        fmt.T2_2019_SECTIONS[0].columns[2].label,
        fmt.T2_2019_SECTIONS[1].columns[0].label,
        fmt.T2_2019_SECTIONS[1].rows[1].label,
        fmt.T2_2019_SECTIONS[4].rows[0].label,
        fmt.T2_2019_SECTIONS[4].caption,
    )
)
MARKERS_2021 = tuple(
    label_key(x)
    for x in (
        fmt.T2_SECTIONS[0].columns[0].label,
        fmt.T2_SECTIONS[0].columns[1].label,
        fmt.T2_SECTIONS[0].columns[2].label,
        "本年收费金额",
    )
)
T3_MARKERS_2021 = tuple(
    label_key(r.label)[2:14] for r in fmt.T3_ROWS if r.code in ("other_no_correction", "other_no_fee")
)
#: Texts only the 2019 and 2021 tables have.
TABLE_SIGNS = (
    "第二十条第",
    label_key(fmt.T3_ROWS[0].label)[2:],
    label_key(fmt.T4_RESULTS[0].label),
    label_key(fmt.T3_HEADER_NOTE)[1:12],
)
OLDER_MARKERS = (
    "依申请公开政府信息和不予公开政府信息的情况",
    "政府信息公开的收费及减免情况",
    "依申请公开政府信息情况",
    "主动公开政府信息的情况",
)


def detect_format(outline: Outline, year: int | None) -> tuple[str, str]:
    """("2021" | "2019" | "older", how it was decided, in Chinese)."""
    t2 = squeeze(outline.body("table2") or "")
    t3 = squeeze(outline.body("table3") or "")
    s19 = sum(m in t2 for m in MARKERS_2019)
    s21 = sum(m in t2 for m in MARKERS_2021)
    if s19 or s21:
        return ("2019", "表二表头为2019年版") if s19 > s21 else ("2021", "表二表头为2021年版")
    if t3:
        if any(m in t3 for m in T3_MARKERS_2021):
            return "2021", "表三“其他处理”分三行（2021年版）"
        key = label_key("（六）其他处理")
        i = t3.find(key)
        if i >= 0 and re.match(r"[\s|]*[\d/—-]", t3[i + len(key) :]):
            return "2019", "表三“其他处理”为单行（2019年版）"
    whole = squeeze(outline.text)
    has_tables = any(m in whole for m in TABLE_SIGNS)
    if not has_tables and ((year is not None and year <= 2018) or any(m in whole for m in OLDER_MARKERS)):
        return OLDER, "未见统一表格，按2019年以前的旧版提纲处理"
    if year is not None and year in (2019, 2020):
        return "2019", "未找到表头，按年度推定为2019年版"
    return "2021", "未找到表头，按年度推定为2021年版"


# ------------------------------------------------------------------ several reports in one file
_REPORT_START = re.compile(
    r"^[^\n]{0,40}?20\d\d\s*年\s*度?[^\n]{0,40}?政\s*府\s*信\s*息\s*公\s*开\s*(?:工\s*作\s*)?年\s*度\s*报\s*告[^\n]{0,6}$",
    re.M,
)


def split_reports(text: str) -> list[str]:
    """The reports in one text (a page carrying this year's and last year's report): a new report
    starts at a title line followed by its own 一、总体情况 and tables. A 解读 (an article about a
    report) is not a report. One report: ``[text]``."""
    if len(text) < 4000:
        return [text]
    starts = []
    overview = _EXACT["overview"][0]
    for m in _REPORT_START.finditer(text):
        line = m.group(0)
        if any(w in line for w in ("解读", "图解", "读懂")):
            continue
        nxt = overview.search(text, m.end(), m.end() + 3000)
        if nxt is not None and (not starts or m.start() > starts[-1][1]):
            starts.append((m.start(), nxt.end()))
    if len(starts) < 2:
        return [text]
    cuts = [0] + [s for s, _ in starts[1:]] + [len(text)]
    chunks = [text[a:b] for a, b in zip(cuts, cuts[1:])]
    has_tables = [any(sig in squeeze(c) for sig in TABLE_SIGNS) for c in chunks]
    return chunks if all(has_tables) else [text]
