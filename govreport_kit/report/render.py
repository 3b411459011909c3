"""Pure HTML rendering of one agency-year: tables 二/三/四 in the official layout, findings, prose.

Every function takes data and returns an HTML string (a :class:`markupsafe.Markup`); nothing
here touches files, kernels or the clock, so the same inputs give the same bytes.

* Table layouts (captions, merged headers, vertical row-group labels, spans) are derived from
  :mod:`govreport_kit.core.format`; no label is typed here.
* Every value cell carries ``id="cell-<table>-<row>-<column>"`` and
  ``data-cell="<table>.<row>.<column>"`` (canonical codes); a cell with findings gets the classes
  ``flag flag-<severity>`` and a ``title`` listing the messages. Findings link to those ids.
* Blank cells render empty, not-applicable cells as “/”, zero as “0”.
* Untrusted text (agency names, narrative, finding messages) is escaped with markupsafe; narrative
  Markdown goes through markdown-it-py with raw HTML disabled, then an nh3 allow-list.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from markupsafe import Markup, escape

from govreport_kit.checks.findings import SEVERITY_ORDER, Finding, count_by_severity, sort_findings
from govreport_kit.checks.wording import place_text
from govreport_kit.core import format as fmt
from govreport_kit.core.limits import FINDINGS_SHOWN
from govreport_kit.report import layout

#: Chinese fonts found on Windows, macOS and Linux, no web fonts; SC named so Noto picks Simplified shapes.
FONT_STACK = (
    '"Microsoft YaHei","微软雅黑","PingFang SC","Hiragino Sans GB","Noto Sans CJK SC","Source Han Sans SC",'
    '"WenQuanYi Micro Hei",sans-serif'
)

# -------------------------------------------------------------------------------------------
# Cell addresses


@dataclass(frozen=True)
class TableView:
    """How the tables are shown on a page that holds more than one report (the audit page).

    ``prefix`` goes before every id (``r2-cell-table3-…``), ``unread`` cells (table, row, column)
    are shown as “？” and marked, ``heading`` is the tag of each table part's title.
    """

    prefix: str = ""
    unread: frozenset[tuple[str, str, str]] = frozenset()
    heading: str = "h2"


REPORT_VIEW = TableView()


def cell_code(table: str, row: str, column: str) -> str:
    """The canonical address of a cell, e.g. ``table3.total.natural_person``."""
    return f"{table}.{row}.{column}"


def cell_id(table: str, row: str, column: str) -> str:
    """The HTML id of a value cell, e.g. ``cell-table3-total-natural_person``."""
    return f"cell-{table}-{row}-{column}"


def row_id(table: str, row: str) -> str:
    return f"row-{table}-{row}"


def part_id(part: str) -> str:
    return f"part-{part}"


def finding_target(f: Finding) -> str | None:
    """The id a finding links to: its cell, else its row, table or part; None when nowhere."""
    if f.table in fmt.TABLE_CODES:
        rows = {r.code for form in fmt.FORMATS for r in fmt.table_rows(f.table, form)}
        if (
            f.row in rows
            and f.column
            and (f.row, f.column) in {rc for form in fmt.FORMATS for rc in fmt.cells(f.table, form)}
        ):
            return cell_id(f.table, f.row, f.column)
        if f.row in rows:
            return row_id(f.table, f.row)
        return part_id(f.table)  # a missing or extra row/column has no cell to point at
    if f.rule.startswith("R-N-"):
        return part_id("overview")
    return {"R-SEC5": part_id("problems"), "R-META": "report-title"}.get(f.rule)


def format_value(value: Any, state: str | None = None) -> str:
    """Text of a cell: “” when blank, “/” when not applicable, exact digits otherwise."""
    if value is None or _is_na(value):
        return "/" if state == fmt.NOT_APPLICABLE else ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "item"):  # numpy scalar
        return format_value(value.item())
    return str(value)


def _is_na(value: Any) -> bool:
    return type(value).__name__ == "NAType"


def _by_cell(findings: Iterable[Finding]) -> dict[tuple[str, str, str], list[Finding]]:
    out: dict[tuple[str, str, str], list[Finding]] = {}
    for f in sort_findings(findings):
        if f.table and f.row and f.column:
            out.setdefault((f.table, f.row, f.column), []).append(f)
        for c in f.cells if f.table else ():  # a table-wide finding (blank-cell summary) flags each cell
            out.setdefault((f.table, c["row"], c["column"]), []).append(f)
    return out


def _attrs(**attrs: Any) -> Markup:
    # Plain string building with escape() on every value: Markup.format costs ~0.1 ms a call,
    # and table 三 alone has 175 cells.
    return Markup(
        "".join(
            f' {k.rstrip("_").replace("_", "-")}="{escape(v)}"'
            for k, v in attrs.items()
            if v is not None and v is not False
        )
    )


def _value_td(
    model, table: str, row: str, column: str, by_cell, colspan: int = 1, view: TableView = REPORT_VIEW
) -> Markup:
    fs = by_cell.get((table, row, column), ())
    classes = "v"
    title = None
    if fs:
        worst = min(fs, key=lambda f: SEVERITY_ORDER.get(f.severity, 9)).severity
        classes += f" flag flag-{worst}"
        title = "\n".join(f"{fmt.SEVERITY_LABELS.get(f.severity, f.severity)} {f.rule}：{f.message}" for f in fs)
    text = format_value(model.get(table, row, column), model.state(table, row, column))
    if view.unread and (table, row, column) in view.unread and not text:
        classes, text, title = "v unread" + classes[1:], "？", title or "未能读出"
    attrs = _attrs(
        id=view.prefix + cell_id(table, row, column),
        data_cell=cell_code(table, row, column),
        class_=classes,
        colspan=colspan if colspan > 1 else None,
        title=title,
    )
    return Markup(f"<td{attrs}>{escape(text)}</td>")


def _th(label: str, rowspan: int = 1, colspan: int = 1, class_: str | None = None, scope: str | None = None) -> Markup:
    attrs = _attrs(
        rowspan=rowspan if rowspan > 1 else None, colspan=colspan if colspan > 1 else None, class_=class_, scope=scope
    )
    return Markup(f"<th{attrs}>{escape(label)}</th>")


def _table(table: str, body: Markup, class_: str, view: TableView) -> Markup:
    return Markup('<table class="form {}" id="{}table-{}" data-table="{}">\n{}\n</table>').format(
        class_, view.prefix, table, table, body
    )


# -------------------------------------------------------------------------------------------
# Tables


_SLOT_TH = {
    layout.CAPTION: ("section", "colgroup"),
    layout.HEADER: (None, "col"),
    layout.GROUP: ("group", "rowgroup"),
    layout.LABEL: (None, "row"),
}


def _slot_html(slot: layout.Slot, model, by_cell, table: str, view: TableView) -> Markup:
    if slot.role == layout.VALUE:
        return _value_td(model, *slot.cell, by_cell, slot.colspan, view)
    class_, scope = _SLOT_TH[slot.role]
    if slot.role == layout.LABEL and table == "table3":
        class_ = "label"
    return _th(slot.text, slot.rowspan, slot.colspan, class_=class_, scope=scope)


def _rows_html(lay: layout.TableLayout, model, by_cell, first: int, end: int, view: TableView) -> list[Markup]:
    out = []
    for i in range(first, end):
        code = lay.row_codes[i]
        attrs = _attrs(id=view.prefix + row_id(lay.table, code)) if code else Markup("")
        out.append(
            Markup("<tr{}>{}</tr>").format(
                attrs, Markup("").join(_slot_html(s, model, by_cell, lay.table, view) for s in lay.rows[i])
            )
        )
    return out


def table2_html(model, findings: Iterable[Finding] = (), view: TableView = REPORT_VIEW) -> Markup:
    """Table 二 as printed: per section a caption row over the grid, a header row, data rows."""
    by_cell = _by_cell(findings)
    lay = layout.table2_layout(model.format)
    bodies = [
        Markup("<tbody>{}</tbody>").format(Markup("\n").join(_rows_html(lay, model, by_cell, a, b, view)))
        for a, b in lay.sections
    ]
    return _table("table2", Markup("\n").join(bodies), "t2", view)


def _thead(lay: layout.TableLayout, model, by_cell, view: TableView) -> Markup:
    rows = _rows_html(lay, model, by_cell, 0, lay.header_rows, view)
    return Markup("<thead>{}</thead>").format(Markup("\n").join(rows))


def table3_html(model, findings: Iterable[Finding] = (), view: TableView = REPORT_VIEW) -> Markup:
    """Table 三: three header rows, a three-column label block with vertical group labels."""
    by_cell = _by_cell(findings)
    lay = layout.table3_layout(model.format)
    rows = _rows_html(lay, model, by_cell, lay.header_rows, len(lay.rows), view)
    body = Markup("{}\n<tbody>\n{}\n</tbody>").format(_thead(lay, model, by_cell, view), Markup("\n").join(rows))
    return _table("table3", body, "t3", view)


def table4_html(model, findings: Iterable[Finding] = (), view: TableView = REPORT_VIEW) -> Markup:
    """Table 四: three header rows (复议 / 诉讼 split in two groups) over one row of 15 values."""
    by_cell = _by_cell(findings)
    lay = layout.table4_layout(model.format)
    tds = Markup("").join(_slot_html(s, model, by_cell, "table4", view) for s in lay.rows[lay.header_rows])
    body = Markup("{}\n<tbody><tr>{}</tr></tbody>").format(_thead(lay, model, by_cell, view), tds)
    return _table("table4", body, "t4", view)


TABLE_RENDERERS = {"table2": table2_html, "table3": table3_html, "table4": table4_html}


def table_section_html(model, table: str, findings: Iterable[Finding] = (), view: TableView = REPORT_VIEW) -> Markup:
    """One table part (二, 三 or 四) with its official heading."""
    title = fmt.TABLE_TITLES[table]
    return Markup('<section class="part part-table" id="{}{}">\n<{}>{}</{}>\n{}\n</section>').format(
        view.prefix, part_id(table), view.heading, title, view.heading, TABLE_RENDERERS[table](model, findings, view)
    )


# -------------------------------------------------------------------------------------------
# Findings


def findings_html(findings: Iterable[Finding]) -> Markup:
    """The review section: counts, then every finding in form order, each linked to its place."""
    fs = sort_findings(findings)
    counts = count_by_severity(fs)
    summary = "，".join(f"{fmt.SEVERITY_LABELS[s]} {n} 项" for s, n in counts.items())
    items = []
    for i, f in enumerate(fs[: FINDINGS_SHOWN.value], 1):
        target = finding_target(f)
        where = place_text(f, source=False)
        place = Markup('<a href="#{}">{}</a>').format(target, where or "查看") if target else Markup("{}").format(where)
        extra = Markup("")
        if f.expected is not None or f.found is not None:
            extra = Markup('<span class="ef">（应为 {}，实为 {}）</span>').format(
                format_value(f.expected) if f.expected is not None else "—",
                format_value(f.found) if f.found is not None else "—",
            )
        items.append(
            Markup(
                '<li class="finding sev-{}" id="finding-{}"><span class="badge">{}</span> <code>{}</code> {}{}{}{}</li>'
            ).format(
                f.severity,
                i,
                fmt.SEVERITY_LABELS.get(f.severity, f.severity),
                f.rule,
                place,
                Markup("：") if place else Markup(""),
                f.message,
                extra,
            )
        )
    if len(fs) > FINDINGS_SHOWN.value:
        items.append(
            Markup('<li class="finding more">另有 {} 项未显示（{}；全部问题见 findings.json）</li>').format(
                len(fs) - FINDINGS_SHOWN.value, FINDINGS_SHOWN.describe()
            )
        )
    body = (
        Markup('<ol class="finding-list">\n{}\n</ol>').format(Markup("\n").join(items))
        if items
        else Markup('<p class="ok">未发现问题。</p>')
    )
    return Markup(
        '<section class="findings" id="findings">\n<h2>检查结果（审阅用，发布版不含本节）</h2>\n'
        '<p class="summary">{}。</p>\n{}\n</section>'
    ).format(summary, body)


# -------------------------------------------------------------------------------------------
# Provenance (used by the nbconvert template for <meta> tags and the footer)


def meta_html(info: Mapping[str, Any]) -> Markup:
    """``<meta>`` tags recording parameters, input hashes and package versions."""
    tags = [("generator", f"govreport_kit {info.get('versions', {}).get('govreport_kit', '')}".strip())]
    tags += [(f"govreport:param:{k}", v) for k, v in sorted(info.get("parameters", {}).items())]
    tags += [(f"govreport:input:{k}", v) for k, v in sorted(info.get("inputs", {}).items())]
    tags += [(f"govreport:version:{k}", v) for k, v in sorted(info.get("versions", {}).items())]
    return Markup("\n").join(Markup('<meta name="{}" content="{}">').format(k, v) for k, v in tags)


def footer_html(info: Mapping[str, Any]) -> Markup:
    """The provenance footer: parameters, input files with SHA-256, package versions."""
    params = Markup("，").join(
        Markup("<code>{}={}</code>").format(k, v) for k, v in sorted(info.get("parameters", {}).items())
    )
    inputs = Markup("").join(
        Markup("<li><code>{}</code> SHA-256 <code>{}</code></li>").format(k, v)
        for k, v in sorted(info.get("inputs", {}).items())
    )
    versions = Markup("，").join(Markup("{} {}").format(k, v) for k, v in sorted(info.get("versions", {}).items()))
    return Markup(
        '<footer class="provenance" id="provenance">\n<p>参数：{}</p>\n<p>输入文件：</p><ul>{}</ul>\n'
        "<p>软件版本：{}</p>\n</footer>"
    ).format(params or "—", inputs or Markup("<li>—</li>"), versions or "—")
