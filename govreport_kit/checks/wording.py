"""Findings as a plain-text Chinese table for a terminal (``govreport check``)."""

from __future__ import annotations

import unicodedata
from decimal import Decimal
from typing import Any, Iterable

from govreport_kit.core import format as fmt
from govreport_kit.checks.findings import Finding

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


def place_text(f: Finding, form: str = "2021") -> str:
    """Where a finding points: table, row and column labels, and the source cell or line."""
    text = ""
    if f.table:
        try:
            from govreport_kit.checks.rules import place

            text = place(f.table, f.row, f.column, form)
        except (ImportError, KeyError, TypeError, AttributeError):
            text = " ".join(x for x in (fmt.TABLE_SHORT_NAMES.get(f.table, f.table), f.row_label, f.column_label) if x)
    src = f.source
    if src is not None:
        if src.sheet and src.cell:
            ref = f"{src.sheet}!{src.cell}"
        elif src.line is not None:
            ref = f"第 {src.line} 行"
        else:
            ref = src.key or ""
        if ref:
            text = f"{text}（{ref}）" if text else ref
    return text or "整份报告"


def format_findings(findings: Iterable[Finding], form: str = "2021") -> str:
    """The table, each finding's message on the line below it, and a summary line."""
    findings = list(findings)
    rows = [(fmt.SEVERITY_LABELS.get(f.severity, f.severity), f.rule, place_text(f, form), _value(f.expected),
             _value(f.found, bool(f.table and f.row and f.column))) for f in findings]
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
    counts = {s: sum(f.severity == s for f in findings) for s in (fmt.ERROR, fmt.WARNING, fmt.INFO)}
    parts = "，".join(f"{fmt.SEVERITY_LABELS[s]} {n} 个" for s, n in counts.items() if n)
    verdict = "有错误，需要改正" if counts[fmt.ERROR] else "没有错误"
    return f"共 {len(findings)} 个问题（{parts}）：{verdict}。"
