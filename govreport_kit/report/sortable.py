"""A table page whose columns sort without any script: one offline HTML file.

The rows are rendered once, each carrying its rank for every sort key as a CSS custom property
(``--k-status: 3``); a header link targets an empty anchor (``#sort-status-desc``) and a
``:target`` rule sets the rows' flexbox ``order`` from that property. Without CSS the table still
reads in the given order. Every value is escaped; cell renderers return HTML they escaped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from govreport_kit import __version__
from govreport_kit.report.render import FONT_STACK


@dataclass(frozen=True)
class SortColumn:
    key: str  # ASCII, used in CSS names
    header: str
    sort_value: Callable[[Any], Any]
    cell: Callable[[Any], str]  # returns escaped HTML
    width: str = "8em"


_CSS = """
:root { font-family: FONTS; color: #222; }
body { margin: 1.5em; }
h1 { font-size: 1.4em; }
.summary span { margin-right: 1.2em; }
table.sortable { border-collapse: collapse; width: 100%; }
table.sortable thead, table.sortable tfoot { display: block; }
table.sortable tbody { display: flex; flex-direction: column; }
table.sortable tr { display: grid; grid-template-columns: GRID; border-bottom: 1px solid #ddd; }
table.sortable th, table.sortable td { padding: .35em .5em; text-align: left; overflow-wrap: anywhere; }
table.sortable th { white-space: nowrap; }
table.sortable thead tr, table.sortable tfoot tr { background: #f3f3f3; font-weight: bold; }
th a { color: inherit; text-decoration: none; } th a.dir { color: #888; font-size: .8em; margin-left: .2em; }
.key { display: block; height: 0; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
@media print { th a.dir { display: none; } table.sortable tr { break-inside: avoid; } }
"""


def _ranks(rows: Sequence[Any], value: Callable[[Any], Any]) -> list[int]:
    order = sorted(range(len(rows)), key=lambda i: (value(rows[i]), i))
    ranks = [0] * len(rows)
    for rank, i in enumerate(order, start=1):
        ranks[i] = rank
    return ranks


def render_sortable_page(
    title: str,
    columns: Sequence[SortColumn],
    rows: Sequence[Any],
    *,
    summary_html: str = "",
    foot_cells: Sequence[str] | None = None,
    extra_css: str = "",
    row_class: Callable[[Any], str] | None = None,
    before_table_html: str = "",
) -> str:
    """The whole page as a string (pure). ``summary_html`` and ``foot_cells`` must be escaped already."""
    ranks = {c.key: _ranks(rows, c.sort_value) for c in columns}
    css, anchors, heads = [], [], []
    for c in columns:
        for d, sign, _arrow in (("asc", "", "▲"), ("desc", "-1 * ", "▼")):
            aid = f"sort-{c.key}-{d}"
            anchors.append(f'<span class="key" id="{aid}"></span>')
            css.append(f"#{aid}:target ~ table.sortable tbody tr {{ order: calc({sign}var(--k-{c.key})); }}")
            css.append(f'#{aid}:target ~ table.sortable a[href="#{aid}"] {{ color: #0b57d0; }}')
        heads.append(
            f'<th><a href="#sort-{c.key}-asc" title="升序">{escape(c.header)}</a>'
            f'<a class="dir" href="#sort-{c.key}-asc" title="升序">▲</a>'
            f'<a class="dir" href="#sort-{c.key}-desc" title="降序">▼</a></th>'
        )
    body = []
    for i, r in enumerate(rows):
        style = ";".join(f"--k-{c.key}:{ranks[c.key][i]}" for c in columns)
        cls = f' class="{escape(row_class(r), quote=True)}"' if row_class else ""
        body.append(f'<tr{cls} style="{style}">' + "".join(f"<td>{c.cell(r)}</td>" for c in columns) + "</tr>")
    grid = " ".join(c.width for c in columns)
    style = _CSS.replace("FONTS", FONT_STACK).replace("GRID", grid) + extra_css + "\n".join(css)
    foot = f"<tfoot><tr>{''.join(f'<td>{x}</td>' for x in foot_cells)}</tr></tfoot>" if foot_cells else ""
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="zh-CN">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f'<meta name="generator" content="govreport_kit {escape(__version__, quote=True)}">',
            f"<title>{escape(title)}</title>",
            f"<style>{style}\n</style>",
            "</head>",
            "<body>",
            f"<h1>{escape(title)}</h1>",
            f'<p class="summary">{summary_html}</p>' if summary_html else "",
            before_table_html,
            '<p class="hint">点击列标题排序（▲ 升序，▼ 降序）；页面不含脚本，可离线打开。</p>',
            '<div class="sorter">',
            *anchors,
            '<table class="sortable">',
            f"<thead><tr>{''.join(heads)}</tr></thead>",
            "<tbody>",
            *body,
            "</tbody>",
            foot,
            "</table>",
            "</div>",
            "</body>",
            "</html>",
            "",
        ]
    )
