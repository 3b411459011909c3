"""Findings as a plain-text Chinese table for a terminal (``govreport check``)."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from govreport_kit.checks.findings import Finding, count_by_severity
from govreport_kit.core import format as fmt

HEADERS = ("级别", "规则", "位置", "应为", "实际")
MAX_PLACE = 48


def width(text: str) -> int:
    """Columns a string takes in a terminal (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, w: int) -> str:
    return text + " " * max(0, w - width(text))


def _value(v: Any, cell: bool = False) -> str:
    if v is None:
        return "空白" if cell else "—"
    if v == "na":
        return "不适用"
    if isinstance(v, Decimal):
        return format(v, "f")
    return str(v)


def _row_groups(form: str) -> dict[str, str]:
    """Row code -> the vertical label over it (（三）不予公开 …) for table 三's numbered sub-rows."""
    rows = [r.code for r in fmt.table_rows("table3", form)]
    groups = fmt.spec(form).t3_row_groups
    out = {}
    for g in groups[1:]:  # groups[0] is 三、本年度办理结果, over every outcome row
        for code in rows[rows.index(g.first) : rows.index(g.last) + 1]:
            out[code] = g.label
    return out


def cell_place(table: str, row: str | None, column: str | None, form: str = "2021") -> str:
    """The cell as an analyst finds it in the form, e.g. 表三“（七）总计”行“自然人”列."""
    name = fmt.TABLE_SHORT_NAMES[table]
    rl: str | None = None
    cl: str | None = None
    if table == "table2":
        if row is None:
            return f"{name}的数值列"
        rl = fmt.row_label(table, row, form)
        return f"{name}“{rl}”的“{fmt.column_label(table, column, row, form)}”" if column else f"{name}“{rl}”行"
    if table == "table4":
        if row:
            rl = fmt.row_label(table, row, form)
            if row in fmt.T4_SUBTOTALS["litigation"][1]:
                rl = f"{fmt.T4_LITIGATION_LABEL}／{rl}"
        if column:
            cl = fmt.column_label(table, column, fmt=form)
        if rl and cl:
            return f"{name}“{rl}”的“{cl}”"
        return f"{name}“{rl}”组" if rl else f"{name}“{cl}”列"
    if row:
        rl = fmt.row_label(table, row, form)
        group = _row_groups(form).get(row)
        rl = f"{group} {rl}" if group else rl
    if column:
        cl = fmt.column_label(table, column, fmt=form)
        if column in fmt.T3_ORG_COLUMNS:
            cl = f"{cl}（{fmt.T3_HEADER[1][1].label}）" if column == "other_org" else cl
    if rl and cl:
        return f"{name}“{rl}”行“{cl}”列"
    return f"{name}“{rl}”行" if rl else f"{name}“{cl}”列"


def place_text(f: Finding, form: str | None = None, *, source: bool = True) -> str:
    """Where a finding points, the one wording everywhere (terminal, report, audit page).

    Table, row and column as the analyst finds them in the form (:func:`cell_place`), then, with
    ``source``, the workbook cell or file line in brackets. A finding without a table: “正文”
    for the prose rules (R-N-*), else “整份报告”.
    """
    form = form or f.form
    text = ""
    if f.table in fmt.TABLE_CODES:
        try:
            text = cell_place(f.table, f.row, f.column, form)
        except KeyError:
            text = fmt.TABLE_SHORT_NAMES[f.table]
    src = f.source if source else None
    if src is not None:
        if src.sheet and src.cell:
            ref = f"{src.sheet}!{src.cell}"
        elif src.line is not None:
            ref = f"第 {src.line} 行"
        else:
            ref = src.key or ""
        if ref:
            text = f"{text}（{ref}）" if text else ref
    return text or ("正文" if f.rule.startswith("R-N-") else "整份报告")


def format_findings(findings: Iterable[Finding], form: str = "2021") -> str:
    """The table, each finding's message on the line below it, and a summary line."""
    findings = list(findings)
    rows = [
        (
            fmt.SEVERITY_LABELS.get(f.severity, f.severity),
            f.rule,
            place_text(f, form),
            _value(f.expected),
            _value(f.found, bool(f.table and f.row and f.column)),
        )
        for f in findings
    ]
    lines = []
    if rows:
        widths = [max(width(h), *(min(width(r[i]), MAX_PLACE) for r in rows)) for i, h in enumerate(HEADERS)]
        lines.append("  ".join(_pad(h, w) for h, w in zip(HEADERS, widths)).rstrip())
        lines.append("  ".join("-" * w for w in widths))
        for f, r in zip(findings, rows):
            lines.append("  ".join(_pad(c, w) for c, w in zip(r, widths)).rstrip())
            lines.append(f"    {f.message}")
        lines.append("")
    lines.append(summary(findings))
    return "\n".join(lines) + "\n"


def summary(findings: Iterable[Finding]) -> str:
    findings = list(findings)
    if not findings:
        return "检查通过：没有发现问题。"
    counts = count_by_severity(findings)
    parts = "，".join(f"{fmt.SEVERITY_LABELS[s]} {n} 个" for s, n in counts.items() if n)
    verdict = "有错误，需要改正" if counts[fmt.ERROR] else "没有错误"
    return f"共 {len(findings)} 个问题（{parts}）：{verdict}。"
