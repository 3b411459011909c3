"""Text input: exported pages, PDF text, Markdown; and the cells of one table row.

Published text comes in several shapes (format-2021.md §6): pipe-separated rows
(``规章 | 0 | 0 | 0 |``), one cell per line (``规章 |\\n0 |\\n0 |``), Markdown tables, PDF text,
and rows whose digits run together (``规范性文件898989``). :func:`read_text_source` strips
exporter headers, Markdown rule lines and PDF page furniture; :func:`segment_pieces` turns the
text between a row label and the next one into :class:`Piece` s: values, explicit blanks,
not-applicable marks, and padding whose position is unknown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from govreport_kit.core.normalize import normalize_text

# ------------------------------------------------------------------ whole documents
_EXPORT_HEADER = re.compile(r"^(标题|发布时间|文号|发布机构|栏目|原文链接|本地目录|来源|页面链接与图片详见)\s*[:：]")
_BODY_MARK = re.compile(r"^=+\s*正文\s*=+\s*$")
_MD_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_PAGE_FURNITURE = re.compile(
    r"^\s*(?:[-—–]\s*\d{1,3}\s*[-—–]|第\s*\d{1,3}\s*页(?:\s*[,/]?\s*共\s*\d{1,3}\s*页)?|\d{1,3}\s*/\s*\d{1,3})\s*$"
)
#: A line that is only a page number (第 3 页 共 10 页, - 3 -, 3/10); the PDF reader drops these too.
PAGE_FURNITURE = _PAGE_FURNITURE


def read_text_source(raw: str) -> tuple[str | None, str]:
    """(title given by an exporter header, the report text) of a text file."""
    text = normalize_text(raw)
    lines = text.split("\n")
    title = None
    body_start = 0
    for i, line in enumerate(lines[:15]):
        if _BODY_MARK.match(line):
            body_start = i + 1
            break
    if body_start:
        for line in lines[:body_start]:
            m = re.match(r"^标题\s*:\s*(.+)$", line)
            if m:
                title = m.group(1).strip()
    else:
        i = 0
        while i < len(lines) and i < 12 and _EXPORT_HEADER.match(lines[i]):
            m = re.match(r"^标题\s*:\s*(.+)$", lines[i])
            if m:
                title = m.group(1).strip()
            i += 1
        body_start = i
    kept = [ln.rstrip() for ln in lines[body_start:] if not _MD_RULE.match(ln) and not _PAGE_FURNITURE.match(ln)]
    return title, "\n".join(kept).strip("\n")


# ------------------------------------------------------------------ the cells of one row
VALUE, BLANK, NA, PAD = "value", "blank", "na", "pad"
_NA_TOKEN = re.compile(r"^(?:[/／\\]|[-—–]{1,3}|无|空)$")
_TOKEN = re.compile(
    r"(?P<sign>[+\-]{1,2}(?=\d))?(?P<num>\d+(?:,\d{3}(?!\d))*(?:\.\d+)?)\s*(?P<unit>万元|元|件|个|项|条|次)?"
    r"|(?P<na>(?<![\w])(?:[/\\]|[-—–]{1,3})(?![\d\w]))"
)


@dataclass
class Piece:
    kind: str  # VALUE, BLANK, NA or PAD
    raw: str = ""
    value: int | Decimal | None = None
    unit: str | None = None
    strong: bool = True  # delimited as one cell; False: may hold several run-together cells
    digits: str = ""  # the digit run of a weak integer token (what a split divides)
    sign: int = 1
    decimals: str = ""  # ".52" of "13575394432.52元": stays with the last part of a split

    @property
    def splittable(self) -> bool:
        return not self.strong and len(self.digits) > 1


def parse_number(num: str, sign: str | None = None) -> int | Decimal:
    s = num.replace(",", "")
    neg = bool(sign) and "-" in sign
    try:
        v: int | Decimal = int(s) if "." not in s else Decimal(s)
    except (ValueError, InvalidOperation):  # pragma: no cover - the regex admits only digits
        raise
    return -v if neg else v


_CJK = re.compile(r"[\u3400-\u9fff]")


def _tokens(text: str, strong: bool, stop_at_text: bool = False) -> list[Piece]:
    """Number tokens of ``text``; with ``stop_at_text``, stop at words that follow a number."""
    out: list[Piece] = []
    last_end = 0
    for m in _TOKEN.finditer(text):
        if stop_at_text and out and _CJK.search(text[last_end : m.start()]):
            break
        last_end = m.end()
        if m.group("na"):
            out.append(Piece(NA, m.group(0), strong=strong))
            continue
        num, sign, unit = m.group("num"), m.group("sign"), m.group("unit")
        value = parse_number(num, sign)
        plain = num.replace(",", "")
        digits, _, dec = plain.partition(".")
        out.append(
            Piece(
                VALUE,
                m.group(0),
                value=value,
                unit=unit,
                strong=strong,
                sign=-1 if sign and "-" in sign else 1,
                digits=digits if "," not in num else "",
                decimals="." + dec if dec else "",
            )
        )
    return out


def _cell(piece: str, strong: bool = True) -> list[Piece]:
    """Values in one delimited cell (a pipe piece, a line, an HTML cell)."""
    stripped = piece.strip()
    if _NA_TOKEN.match(stripped):
        return [Piece(NA, stripped, strong=True)]
    if _CJK.search(_TOKEN.sub("", stripped)):  # words, not a value: a label, caption or header
        return []
    toks = _tokens(stripped, strong=True)
    if len(toks) == 1:
        return toks
    for t in toks:  # several numbers in one cell: they may be cells run together
        t.strong = False
    return toks


def segment_pieces(segment: str) -> list[Piece]:
    """The cells in the text between a row label and the next label.

    * with pipes: each piece between pipes is one cell; an empty piece is padding (its position
      is unknown), a piece holding only spaces is an explicit blank cell;
    * without pipes, one value per line: each line is one cell;
    * otherwise: space-separated tokens, each possibly several cells run together.

    Words after the first cell (a caption, a header, a group label) end the row.
    """
    out: list[Piece] = []
    if "|" in segment:
        seg = re.sub(r"^[^\S\n]*\|", "", segment, count=1)
        for part in seg.split("|"):
            if not part.strip():
                # "" (||) or a bare line break: padding whose position is unknown; spaces on the
                # cell's own line ("| |", "\n |"): an explicit blank cell
                out.append(Piece(BLANK if part.lstrip("\r\n") else PAD, part))
                continue
            cells = _cell(part)
            if not cells:
                if _CJK.search(part) and any(p.kind != PAD for p in out):
                    break
                continue
            out.extend(cells)
        while out and out[-1].kind == PAD:
            out.pop()
        return out
    lines = [ln for ln in segment.split("\n") if ln.strip()]
    if len(lines) > 1 and all(len(_tokens(ln, True)) <= 1 for ln in lines):
        for ln in lines:
            cells = _cell(ln)
            if not cells:
                if _CJK.search(ln) and out:
                    break
                continue
            out.extend(cells)
        return out
    return _tokens(segment, strong=False, stop_at_text=True)
