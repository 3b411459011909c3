"""Word documents (.docx) → the report's text, tables rendered as pipe rows like web pages.

Agencies write their reports in Word from the official template. The document is read from its
structure (python-docx for the package, the body's XML for the order of paragraphs and tables):

* paragraphs and tables in body order (content controls ``w:sdt`` opened), one line per paragraph;
* a table's merged cells resolved: a horizontal merge (``w:gridSpan``) and a vertical merge
  (``w:vMerge`` restart … continue) are read once, at the place where they start, exactly as a
  web page's ``colspan``/``rowspan`` cells are (:class:`audit.html.HtmlTable`), so the same row
  reader takes both; grid columns empty in every row at the table's edges are dropped;
* a table drawn with tab stops instead of a table (``规章⇥0⇥0⇥0``) becomes a pipe row; several tabs
  in a row are alignment, read as padding whose position is unknown (``||``), never as a blank.

The old binary Word format (.doc, an OLE2 compound file) and RTF are refused with the fix (save
as .docx). The file and its zip members are bounded (:data:`MAX_DOCX_BYTES`,
:data:`MAX_MEMBER_BYTES`, :data:`MAX_TOTAL_BYTES`) before anything is decompressed.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from govreport_kit.audit.html import HtmlCell, HtmlTable
from govreport_kit.core.errors import InputError, Location
from govreport_kit.core.normalize import normalize_text

#: Limits (module constants until core/limits.py lands; see docs/audit.md).
MAX_DOCX_BYTES = 50 * 1024 * 1024  # the .docx file itself
MAX_MEMBER_BYTES = 64 * 1024 * 1024  # one zip member, uncompressed (document.xml of a long report is ~1 MB)
MAX_TOTAL_BYTES = 256 * 1024 * 1024  # every member, uncompressed
MAX_MEMBERS = 2000

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
RTF_MAGIC = b"{\\rtf"
SAVE_AS_DOCX = "在 Word 或 WPS 中打开该文件，“另存为” Word 文档（.docx）后再审核"

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_WS = re.compile(r"[ \r\n\f\v\u00a0\u3000]+")


@dataclass
class WordText:
    title: str | None
    text: str
    tables: list[HtmlTable]


def sniff(head: bytes) -> str | None:
    """ "docx", "doc" (OLE2), "rtf" or None from a file's first bytes."""
    if head.startswith(OLE2_MAGIC):
        return "doc"
    if head.startswith(RTF_MAGIC):
        return "rtf"
    if head.startswith(ZIP_MAGIC):
        return "docx"
    return None


def refuse_old_format(path: str | Path, kind: str) -> InputError:
    what = "旧版 Word 文件（.doc，二进制格式）" if kind == "doc" else "RTF 文件"
    return InputError(f"这是{what}，本工具只读 Word 2007 及以后的 .docx", Location(file=str(path)), SAVE_AS_DOCX)


def _check_zip(path: Path) -> None:
    where = Location(file=str(path))
    size = path.stat().st_size
    if size > MAX_DOCX_BYTES:
        raise InputError(
            f"Word 文件过大（{size // (1024 * 1024)} MB，上限 {MAX_DOCX_BYTES // (1024 * 1024)} MB）",
            where,
            "请确认选对了文件；可删除文中的大图片后另存",
        )
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise InputError(
            "文件不是有效的 Word 文档（.docx 应是一个 zip 包，此文件已损坏或不完整）", where, SAVE_AS_DOCX
        ) from None
    if len(infos) > MAX_MEMBERS:
        raise InputError(f"Word 文件的内部条目过多（{len(infos)} 个，上限 {MAX_MEMBERS}）", where, SAVE_AS_DOCX)
    big = next((i for i in infos if i.file_size > MAX_MEMBER_BYTES), None)
    total = sum(i.file_size for i in infos)
    if big is not None or total > MAX_TOTAL_BYTES:
        name = big.filename if big is not None else "全部条目"
        raise InputError(
            f"Word 文件解压后过大（{name}），可能是恶意构造的文件", where, "请确认文件来源；正常的报告解压后只有几 MB"
        )
    if not any(i.filename == "word/document.xml" for i in infos):
        raise InputError("这个 zip 包不是 Word 文档（没有 word/document.xml）", where, SAVE_AS_DOCX)


def _text_of(el) -> str:
    """The text of a paragraph (or any element): w:t, tabs as \\t, breaks as \\n; deleted text skipped."""
    out = []
    for node in el.iter(W + "t", W + "tab", W + "br", W + "cr", W + "noBreakHyphen"):
        tag = node.tag
        if tag == W + "t":
            out.append(node.text or "")
        elif tag == W + "tab":
            if node.getparent() is not None and node.getparent().tag == W + "tabs":
                continue  # a tab-stop definition in the paragraph properties, not a tab
            out.append("\t")
        elif tag == W + "noBreakHyphen":
            out.append("-")
        else:
            out.append("\n")
    return "".join(out)


def _int_val(el, path: str, default: int = 0) -> int:
    found = el.find(path)
    if found is None:
        return default
    try:
        return max(0, min(int(found.get(W + "val", default)), 1000))
    except (TypeError, ValueError):
        return default


def _vmerge(tc) -> str | None:
    """ "restart", "continue" or None (not merged vertically)."""
    vm = tc.find(f"{W}tcPr/{W}vMerge")
    if vm is None:
        return None
    return "restart" if vm.get(W + "val") == "restart" else "continue"


def _cell_text(tc) -> str:
    paras = [_text_of(p) for p in tc.iter(W + "p")]
    return _WS.sub(" ", " ".join(p.replace("\t", " ") for p in paras)).strip()


def read_word_table(tbl) -> HtmlTable:
    """A ``w:tbl`` as an :class:`HtmlTable`: merged cells once, at their place, with their spans."""
    grid: list[list[tuple[int, int, object]]] = []  # per row: (grid column, span, tc)
    for tr in tbl.findall(W + "tr"):
        col = _int_val(tr, f"{W}trPr/{W}gridBefore")
        row = []
        for tc in tr.findall(W + "tc"):
            span = max(1, _int_val(tc, f"{W}tcPr/{W}gridSpan", 1))
            row.append((col, span, tc))
            col += span
        grid.append(row)
    out = HtmlTable()
    for r, row in enumerate(grid):
        cells = []
        if row and row[0][0] > 0:
            cells.append(HtmlCell("", colspan=row[0][0]))  # w:gridBefore: empty positions, kept in place
        for col, span, tc in row:
            merge = _vmerge(tc)
            if merge == "continue":
                continue
            rowspan = 1
            if merge == "restart":
                for below in grid[r + 1 :]:
                    if any(c == col and _vmerge(t) == "continue" for c, _, t in below):
                        rowspan += 1
                    else:
                        break
            cells.append(HtmlCell(_cell_text(tc), colspan=span, rowspan=rowspan))
        if cells:
            out.rows.append(cells)
    out.trim_empty_edges()
    return out


_DIGIT = re.compile(r"\d")


def tab_row(text: str) -> str | None:
    """A paragraph laid out with tabs as a pipe row (``None`` when it is prose)."""
    if "\t" not in text or not _DIGIT.search(text):
        return None
    parts = [p.strip() for p in text.strip("\t ").split("\t")]
    return "| " + "|".join(parts) + " |"


def _blocks(parent):
    """Body-level paragraphs and tables in order, content controls opened."""
    for child in parent:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in (W + "p", W + "tbl"):
            yield child
        elif tag == W + "sdt":
            content = child.find(W + "sdtContent")
            if content is not None:
                yield from _blocks(content)


def read_docx(path: str | Path) -> WordText:
    """The report's text of a .docx: paragraphs as lines, tables as pipe rows (see the module doc)."""
    p = Path(path)
    with open(p, "rb") as f:
        head = f.read(8)
    kind = sniff(head)
    if kind in ("doc", "rtf"):
        raise refuse_old_format(p, kind)
    _check_zip(p)
    import docx  # python-docx

    try:
        document = docx.Document(str(p))
    except Exception as e:  # a broken package: python-docx raises KeyError, ValueError, lxml errors …
        raise InputError(f"无法打开 Word 文档（{type(e).__name__}）", Location(file=str(p)), SAVE_AS_DOCX) from None
    lines: list[str] = []
    tables: list[HtmlTable] = []
    for block in _blocks(document.element.body):
        if block.tag == W + "tbl":
            table = read_word_table(block)
            tables.append(table)
            lines.extend(table.pipe_lines())
            continue
        text = _text_of(block)
        row = tab_row(text)
        for line in [row] if row else text.replace("\t", " ").split("\n"):
            line = _WS.sub(" ", line).strip()
            if line:
                lines.append(line)
    text = normalize_text("\n".join(lines))
    return WordText(_title(document, text), text, tables)


def _title(document, text: str) -> str | None:
    prop = (document.core_properties.title or "").strip()
    if "报告" in prop:
        return normalize_text(prop)
    for line in text.split("\n")[:8]:
        if "年度报告" in line and not line.startswith("|"):
            return line.strip()
    return None
