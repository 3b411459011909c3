"""Saved web pages → the report's text, with every table rendered as pipe-separated rows.

A published report page carries site chrome (menus, breadcrumbs, footers), Word-export markup,
and sometimes the article itself only inside a JavaScript string. :func:`parse_html` finds the
report (its tables and the paragraphs around 一、总体情况 … 六、其他需要报告的事项), renders it as
text (one line per paragraph, one line per table row, cells joined by `` | ``, an empty cell as a
blank between two pipes) and returns the tables as cell lists with their spans.
:meth:`HtmlTable.grid` resolves rowspan/colspan into a rectangular grid.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree
from lxml import html as lxml_html

from govreport_kit.core.grid import place_spans, span_grid
from govreport_kit.core.normalize import normalize_text

BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "br",
        "tr",
        "table",
        "tbody",
        "thead",
        "tfoot",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "section",
        "article",
        "header",
        "footer",
        "blockquote",
        "pre",
        "dl",
        "dt",
        "dd",
        "form",
        "fieldset",
        "hr",
        "caption",
        "center",
    ]
)
SKIP_TAGS = frozenset(
    ["script", "style", "noscript", "template", "head", "iframe", "object", "select", "option", "button"]
)
#: Strings that mark a table of the report (table 二, 三 or 四).
TABLE_MARKERS = ("第二十条", "本年新收", "上年结转", "结果维持", "行政复议", "信息内容")
CONTENT_MARKERS = ("总体情况", "其他需要报告")


@dataclass
class HtmlCell:
    text: str
    colspan: int = 1
    rowspan: int = 1


@dataclass
class HtmlTable:
    rows: list[list[HtmlCell]] = field(default_factory=list)

    def grid(self) -> list[list[str]]:
        """A rectangular grid: every position covered by a span holds the spanning cell's text."""
        return [["" if v is None else v for v in line] for line in span_grid(self.rows, lambda cell: cell.text)]

    def _placed(self) -> list[list[tuple[HtmlCell, int]]]:
        """Each row's cells with the grid column they start at (rowspans of rows above skipped)."""
        return place_spans(self.rows)

    def trim_empty_edges(self) -> None:
        """Drop the grid columns at the left and right edges that are empty in every row (the
        zero-width padding columns of Word exports); an empty column inside the table stays."""
        placed = self._placed()
        filled = {c + k for row in placed for cell, c in row if cell.text.strip() for k in range(cell.colspan)}
        if not filled:
            return
        lo, hi = min(filled), max(filled)
        self.rows = [
            kept
            for kept in ([cell for cell, c in row if c + cell.colspan - 1 >= lo and c <= hi] for row in placed)
            if kept
        ]

    def pipe_lines(self) -> list[str]:
        """One line per row, cells as written (no span expansion), an empty cell as " ".

        Lines start with a pipe, so that an empty first cell stays a cell."""
        lines = []
        for row in self.rows:
            lines.append("| " + " | ".join(c.text.replace("|", " ") or " " for c in row) + " |")
        return lines

    def text(self) -> str:
        return "".join(c.text for row in self.rows for c in row)


#: Appended to the text of a page that ends before ``</html>``: the last row read may be cut.
CUT_MARK = "\n\u2026"


@dataclass
class Page:
    title: str | None
    text: str
    tables: list[HtmlTable]
    from_script: bool = False
    truncated: bool = False  # the file ends before </html> (then ``text`` ends with CUT_MARK)


_WS = re.compile(r"[ \t\r\n\f\v\u00a0\u3000]+")


def _clean(s: str | None) -> str:
    return _WS.sub(" ", s or "")


def _int_attr(el, name: str) -> int:
    v = el.get(name)
    if v is None or v == "1":
        return 1
    try:
        return max(1, min(int(str(v).strip() or 1), 1000))
    except (TypeError, ValueError):
        return 1


def _rows(table) -> list:
    """The table's own rows (not those of nested tables)."""
    rows = []
    for child in table:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "tr":
            rows.append(child)
        elif tag in ("tbody", "thead", "tfoot"):
            rows.extend(c for c in child if isinstance(c.tag, str) and c.tag == "tr")
    return rows


def read_table(table) -> HtmlTable:
    out = HtmlTable()
    for tr in _rows(table):
        cells = []
        for td in tr:
            if not isinstance(td.tag, str) or td.tag not in ("td", "th"):
                continue
            text = _clean(td.text_content()).strip()
            cells.append(HtmlCell(text, _int_attr(td, "colspan"), _int_attr(td, "rowspan")))
        if cells:
            out.rows.append(cells)
    out.trim_empty_edges()
    return out


def _is_report_table(table) -> bool:
    if table.find(".//table") is not None:  # a layout table around the real ones
        return False
    text = table.text_content()
    return any(m in text for m in TABLE_MARKERS)


def _render(el, out: list[str], tables: dict) -> None:
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag in SKIP_TAGS or not isinstance(el.tag, str):
        if el.tail:
            out.append(_clean(el.tail))
        return
    if tag == "table":
        out.append("\n")
        tables[el] = read_table(el)
        for line in tables[el].pipe_lines():
            out.append(line + "\n")
    else:
        block = tag in BLOCK_TAGS
        if block:
            out.append("\n")
        if el.text:
            out.append(_clean(el.text))
        for child in el:
            _render(child, out, tables)
        if block:
            out.append("\n")
    if el.tail:
        out.append(_clean(el.tail))


def render_text(root, tables: dict | None = None) -> str:
    out: list[str] = []
    _render(root, out, {} if tables is None else tables)
    lines = (line.strip() for line in "".join(out).split("\n"))
    return "\n".join(line for line in lines if line)


_JS_STRING = re.compile(r"'((?:\\.|[^'\\\n])*)'|\"((?:\\.|[^\"\\\n])*)\"|`((?:\\.|[^`\\])*)`", re.S)
_JS_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)", re.S)
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "", "b": "", "f": "", "v": "", "0": ""}


def _js_unescape(s: str) -> str:
    def one(m):
        e = m.group(1)
        if e[0] in "ux" and len(e) > 1:
            return chr(int(e[1:], 16))
        return _SIMPLE_ESCAPES.get(e, e)

    return _JS_ESCAPE.sub(one, s)


def html_in_scripts(doc) -> str:
    """HTML held in JavaScript string literals (``var content = '<table>…'``), concatenated."""
    parts = []
    for script in doc.iter("script"):
        code = script.text or ""
        if "<" not in code:
            continue
        for m in _JS_STRING.finditer(code):
            lit = next(g for g in m.groups() if g is not None)
            if "<" in lit and (any(k in lit for k in TABLE_MARKERS + CONTENT_MARKERS) or "<t" in lit.lower()):
                parts.append(_js_unescape(lit))
    return "".join(parts)


def _owner_of(doc, marker: str):
    for el in doc.iter():
        if not isinstance(el.tag, str) or el.tag in SKIP_TAGS:
            continue
        if el.text and marker in el.text:
            return el
        if el.tail and marker in el.tail and el.getparent() is not None:
            return el.getparent()
    return None


def _lowest_common_ancestor(nodes):
    paths = []
    for n in nodes:
        path = [n, *n.iterancestors()]
        paths.append(list(reversed(path)))
    common = None
    for level in zip(*paths):
        if all(x is level[0] for x in level):
            common = level[0]
        else:
            break
    return common


def _title(doc) -> str | None:
    for meta in doc.iter("meta"):
        if (meta.get("name") or "").lower() in ("articletitle", "title") and meta.get("content"):
            return _clean(meta.get("content")).strip()
    t = doc.find(".//title")
    if t is not None and t.text_content().strip():
        pieces = re.split(r"\s*[_|｜]\s*|\s+[-–—]\s+", _clean(t.text_content()).strip())
        for p in pieces:
            if "报告" in p:
                return p
        return pieces[0]
    return None


def _parse(source: str):
    source = re.sub(r"^\s*<\?xml[^>]*\?>", "", source)
    try:
        return lxml_html.document_fromstring(source)
    except (etree.ParserError, ValueError):
        return lxml_html.document_fromstring("<html><body></body></html>")


def parse_html(source: str) -> Page:
    """Find the report inside a whole saved page and render it as text."""
    doc = _parse(source)
    title = _title(doc)
    tables = [t for t in doc.iter("table") if _is_report_table(t)]
    from_script = False
    if not tables:
        embedded = html_in_scripts(doc)
        if embedded:
            sub = _parse("<html><body>" + embedded + "</body></html>")
            sub_tables = [t for t in sub.iter("table") if _is_report_table(t)]
            if sub_tables or any(m in sub.text_content() for m in CONTENT_MARKERS):
                doc, tables, from_script = sub, sub_tables, True
    body = doc.find(".//body")
    if body is None:
        body = doc
    key_nodes = list(tables)
    for marker in CONTENT_MARKERS:
        owner = _owner_of(body, marker)
        if owner is not None:
            key_nodes.append(owner)
    root = body
    if len(key_nodes) >= 2:
        lca = _lowest_common_ancestor(key_nodes)
        if lca is not None:
            root = lca
    read: dict = {}
    text = normalize_text(render_text(root, read))
    if title is None:
        m = re.search(r"[^\n]{0,60}政府信息公开[^\n]{0,10}年度报告", text)
        title = m.group(0).strip() if m else None
    truncated = "</html" not in source[-5000:].lower() and "<html" in source[:5000].lower()
    if truncated:
        text += CUT_MARK
    return Page(
        title=normalize_text(title) if title else None,
        text=text,
        tables=[read.get(t) or read_table(t) for t in tables],
        from_script=from_script,
        truncated=truncated,
    )
