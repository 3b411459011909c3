"""PDF reports → the report's text, tables found by their place on the page and rendered as pipe rows.

Published PDFs (printed from Word, WPS or a browser) keep the table grid as drawn lines. Reading
only the text stream (pypdf) loses the cell boundaries; here pdfplumber (MIT, pure Python over
pdfminer.six) gives every character with its position:

* ruled tables are found from their lines (``page.find_tables()``), each row's cells read by
  their box; a merged cell is read once, where it starts (pdfplumber's ``None`` for the covered
  positions is skipped, as a web page's ``rowspan`` cell), an empty cell is an explicit blank;
  grid columns empty in every row at the table's edges are dropped (Word's padding columns);
* the text outside tables is grouped into lines by position; a line whose words stand apart by
  more than two characters' width is a row of cells drawn without lines (pipe row); wrapped
  lines of one paragraph are joined again (a line that ends at the right margin);
* page furniture is dropped: page numbers (第 n 页 共 N 页, - 3 -, 3/10) and headers/footers that
  repeat in the top or bottom band of the pages;
* a table that continues on the next page (table 三 often does) is joined to its first part and
  the header rows the printer repeated on the new page are dropped;
* look-alike radicals (U+2F00–U+2FDF, U+2E80–U+2EFF, as Chromium's print-to-PDF embeds them) are
  mapped back by :func:`core.normalize.normalize_text`;
* a PDF without a text layer (a scan) is refused with the reason: the tool does no OCR.

Bounded: :data:`MAX_PDF_BYTES` and :data:`MAX_PDF_PAGES` (module constants until core/limits.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from govreport_kit.audit.text import PAGE_FURNITURE
from govreport_kit.core.errors import InputError, Location
from govreport_kit.core.normalize import normalize_text

MAX_PDF_BYTES = 100 * 1024 * 1024
MAX_PDF_PAGES = 300
PDF_MAGIC = b"%PDF-"
#: Top and bottom bands of a page (fraction of its height) where headers, footers and page numbers live.
FURNITURE_BAND = 0.09
#: Words further apart than this many character widths are separate cells.
CELL_GAP_CHARS = 2.0
NO_TEXT_FIX = (
    "本工具不做文字识别（OCR）：请使用报告的 Word 或网页版本，或请发布单位提供可复制文字的 PDF"
    "（由 Word/WPS 直接导出，而不是扫描）"
)

_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")
_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|\d{1,2}[.、])")
_SENTENCE_END = "。；;！？!?"
_NUMBER = re.compile(r"^[-+]?\d[\d,.]*(?:万元|元|件|个|项|条|次)?$|^[/／—–-]$")


@dataclass
class Line:
    text: str
    top: float
    bottom: float
    x0: float
    x1: float
    size: float
    cells: bool = False  # a row of cells drawn without lines (rendered as a pipe row)


@dataclass
class Table:
    rows: list[list[str | None]]
    top: float
    bottom: float


@dataclass
class PageItems:
    height: float
    right: float  # the right edge of the text block
    items: list = field(default_factory=list)  # Line and Table, top to bottom


@dataclass
class PdfText:
    title: str | None
    text: str
    pages: int
    tables: list[list[list[str]]]  # each table's pipe cells, after joining across pages


def _open(path: Path):
    import pdfplumber

    where = Location(file=str(path))
    size = path.stat().st_size
    if size > MAX_PDF_BYTES:
        raise InputError(
            f"PDF 文件过大（{size // (1024 * 1024)} MB，上限 {MAX_PDF_BYTES // (1024 * 1024)} MB）",
            where,
            "请确认选对了文件",
        )
    try:
        pdf = pdfplumber.open(str(path))
        n = len(pdf.pages)
    except Exception as e:  # pdfminer raises many kinds: PDFSyntaxError, PDFPasswordIncorrect, PSEOF …
        name = type(e).__name__
        if "Password" in name or "Encrypt" in name:
            raise InputError("PDF 有密码保护，无法读取", where, "请提供没有打开密码的 PDF") from None
        raise InputError(f"无法打开 PDF（{name}），文件可能已损坏或不完整", where, "请重新下载或导出该 PDF") from None
    if n > MAX_PDF_PAGES:
        pdf.close()
        raise InputError(
            f"PDF 页数过多（{n} 页，上限 {MAX_PDF_PAGES} 页）", where, "年度报告一般不超过 30 页；请确认选对了文件"
        )
    return pdf


def _cell_text(s: str | None) -> str | None:
    if s is None:
        return None
    s = re.sub(r"(?<=\d)\s*\n\s*(?=\d)", " ", s.strip())
    return re.sub(r"\s*\n\s*", "", s)


def _trim_edges(rows: list[list[str | None]]) -> list[list[str | None]]:
    """Drop grid columns empty in every row at the left and right edges."""
    width = max((len(r) for r in rows), default=0)
    filled = [j for j in range(width) if any(j < len(r) and r[j] for r in rows)]
    if not filled:
        return []
    lo, hi = filled[0], filled[-1]
    return [r[lo : hi + 1] for r in rows]


def _lines(words: list[dict]) -> list[Line]:
    """Words grouped into lines by their vertical position; far-apart words make a row of cells."""
    words = sorted(words, key=lambda w: (round(w["top"]), w["x0"]))
    groups: list[list[dict]] = []
    for w in words:
        g = groups[-1] if groups else None
        if g and abs(w["top"] - g[0]["top"]) <= max(2.0, 0.4 * g[0]["size"]):
            g.append(w)
        else:
            groups.append([w])
    out = []
    for g in groups:
        g.sort(key=lambda w: w["x0"])
        size = max(w["size"] for w in g)
        pieces, cells = [g[0]["text"]], False
        for a, b in zip(g, g[1:]):
            gap = b["x0"] - a["x1"]
            numbers = _NUMBER.match(a["text"]) and _NUMBER.match(b["text"])
            if gap > CELL_GAP_CHARS * size or (numbers and gap > 0.5 * size):
                pieces.append(" | ")
                cells = True
            elif gap > 0.15 * size:
                pieces.append(" ")
            pieces.append(b["text"])
        text = "".join(pieces)
        out.append(
            Line(
                "| " + text + " |" if cells else text,
                min(w["top"] for w in g),
                max(w["bottom"] for w in g),
                g[0]["x0"],
                g[-1]["x1"],
                size,
                cells,
            )
        )
    return out


def _rejoin_wrapped_labels(items: list) -> list:
    """A row label wrapped over two or three lines around its row of numbers (a table without
    lines): the label's pieces above and below, left of the numbers, go back in front of them."""
    out = list(items)
    i = 0
    while i < len(out):
        row = out[i]
        if isinstance(row, Line) and row.cells and _NUMBER.match(row.text.strip("| ").split(" | ")[0]):
            pitch = 1.8 * row.size
            above = out[i - 1] if i else None
            below = out[i + 1] if i + 1 < len(out) else None
            parts = []
            if isinstance(above, Line) and not above.cells and above.x1 < row.x0 and row.top - above.bottom < pitch:
                parts.append(above)
            if (
                parts
                and isinstance(below, Line)
                and not below.cells
                and below.x1 < row.x0
                and below.top - row.bottom < pitch
            ):
                parts.append(below)
            if parts:
                label = "".join(p.text for p in parts)
                out[i] = Line(
                    "| " + label + " " + row.text[2:],
                    parts[0].top,
                    max(row.bottom, parts[-1].bottom),
                    parts[0].x0,
                    row.x1,
                    row.size,
                    True,
                )
                del out[i + 1 : i + len(parts)]  # the label below, if it was taken
                del out[i - 1]  # the label above
                i -= 1
        i += 1
    return out


def _page_items(page) -> PageItems:
    tables, boxes = [], []
    for t in page.find_tables():
        rows = _trim_edges([[_cell_text(c) for c in row] for row in t.extract()])
        boxes.append(t.bbox)
        if rows:
            tables.append(Table(rows, t.bbox[1], t.bbox[3]))

    def outside(obj) -> bool:
        if obj.get("object_type") != "char":
            return True
        cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in boxes)

    src = page.filter(outside) if boxes else page
    words = src.extract_words(extra_attrs=["size"], keep_blank_chars=False, use_text_flow=False)
    lines = _lines(words)
    right = max((ln.x1 for ln in lines if not ln.cells), default=page.width)
    items = _rejoin_wrapped_labels(sorted([*lines, *tables], key=lambda it: it.top))
    return PageItems(page.height, right, items)


def _furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def _drop_furniture(pages: list[PageItems]) -> None:
    """Page numbers anywhere on their own line; lines repeated in the top/bottom band of the pages."""
    seen: dict[str, int] = {}
    for pg in pages:
        keys = {_furniture_key(it.text) for it in pg.items if isinstance(it, Line) and _in_band(it, pg)}
        for k in keys:
            seen[k] = seen.get(k, 0) + 1
    repeated = {k for k, n in seen.items() if n >= 2 and n * 2 >= len(pages)}
    for pg in pages:
        pg.items = [
            it
            for it in pg.items
            if not (
                isinstance(it, Line)
                and (PAGE_FURNITURE.match(it.text) or (_in_band(it, pg) and _furniture_key(it.text) in repeated))
            )
        ]


def _in_band(line: Line, pg: PageItems) -> bool:
    return line.bottom <= pg.height * FURNITURE_BAND or line.top >= pg.height * (1 - FURNITURE_BAND)


def _key(row: list[str | None]) -> tuple:
    return tuple(re.sub(r"\s+", "", c) for c in row if c is not None)


def _join_tables(pages: list[PageItems]) -> None:
    """A table that opens a page right after a table that closed the previous one is its
    continuation: drop the header rows repeated from the first part and merge the two."""
    prev: Table | None = None
    for i, pg in enumerate(pages):
        if (
            i
            and prev is not None
            and pg.items
            and isinstance(pg.items[0], Table)
            and isinstance(pages[i - 1].items[-1] if pages[i - 1].items else None, Table)
        ):
            cont = pg.items[0]
            heads = {_key(r) for r in prev.rows[:4]}
            k = 0
            while k < len(cont.rows) and _key(cont.rows[k]) in heads:
                k += 1
            prev.rows.extend(cont.rows[k:])
            pg.items.pop(0)
        tables = [it for it in pg.items if isinstance(it, Table)]
        if tables:
            prev = tables[-1]
        elif pg.items:
            prev = None


def _joins(a: Line, b: Line, right: float) -> bool:
    """Is ``b`` the wrapped continuation of ``a`` (same paragraph)?"""
    if a.cells or b.cells or not a.text or not b.text or a.text[-1] in _SENTENCE_END or _HEADING.match(b.text):
        return False
    if abs(a.size - b.size) > 0.5:
        return False
    m = re.match(r"[A-Za-z0-9@._\-/:]+", b.text)
    need = len(m.group(0)) * 0.55 * b.size if m else b.size
    return right - a.x1 < need + 0.6 * a.size


def _glue(a: str, b: str) -> str:
    return a + (" " if re.match(r"[A-Za-z0-9]", b) and re.search(r"[A-Za-z0-9]$", a) else "") + b


def _pipe(row: list[str | None]) -> str:
    return "| " + " | ".join((c.replace("|", " ") or " ") for c in row if c is not None) + " |"


def _render(pages: list[PageItems]) -> tuple[str, list[list[list[str]]]]:
    out: list[str] = []
    tables: list[list[list[str]]] = []
    last: tuple[Line, float] | None = None
    for pg in pages:
        for it in pg.items:
            if isinstance(it, Table):
                tables.append([[c for c in r if c is not None] for r in it.rows])
                out.extend(_pipe(r) for r in it.rows)
                last = None
                continue
            if last is not None and _joins(last[0], it, last[1]):
                out[-1] = _glue(out[-1], it.text)
            else:
                out.append(it.text)
            last = (it, pg.right)
    return "\n".join(out), tables


def read_pdf(path: str | Path) -> PdfText:
    """The report's text of a PDF (see the module doc); :class:`InputError` for a PDF without text."""
    p = Path(path)
    pdf = _open(p)
    try:
        pages, chars = [], 0
        for page in pdf.pages:
            chars += len(page.chars)
            pages.append(_page_items(page))
            page.close()
        meta_title = str((pdf.metadata or {}).get("Title") or "")
    except InputError:
        raise
    except Exception as e:  # a broken content stream deep inside pdfminer
        raise InputError(
            f"读取 PDF 内容时出错（{type(e).__name__}），文件可能已损坏",
            Location(file=str(p)),
            "请重新下载或导出该 PDF",
        ) from None
    finally:
        pdf.close()
    if chars == 0:
        raise InputError(
            f"PDF 没有文字层（{len(pages)} 页都只有图像，可能是扫描件）", Location(file=str(p)), NO_TEXT_FIX
        )
    _drop_furniture(pages)
    _join_tables(pages)
    text, tables = _render(pages)
    text = normalize_text(text)
    title = normalize_text(meta_title) if "报告" in meta_title else None
    if title is None:
        title = next((ln for ln in text.split("\n")[:6] if "年度报告" in ln and not ln.startswith("|")), None)
    return PdfText(title, text, len(pages), tables)
