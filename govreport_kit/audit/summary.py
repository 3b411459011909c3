"""The terminal text of ``govreport audit``: a readable Chinese summary per report."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from govreport_kit.audit.result import AuditResult
from govreport_kit.checks.wording import format_findings
from govreport_kit.core import format as fmt

FORMAT_NAMES = {"2021": "2021 年版", "2019": "2019 年版（试行）", "older": "2019 年以前的旧版提纲", None: "无法识别"}


def _cells(res: AuditResult) -> tuple[int, int]:
    if res.model is None:
        return 0, 0
    total = sum(1 for _ in res.model.iter_cells())
    return total - len(res.unread_cells), total


def candidates_text(c: list) -> str:
    """The possible readings of an ambiguous row: “1/2/3；1/23/…” (a blank as 空)."""
    return "；".join("/".join("空" if v is None else str(v) for v in row) for row in c)


def summarize(res: AuditResult) -> str:
    lines = [f"== {res.source}"]
    lines.append(
        f"   机关：{res.agency or '（未能识别）'}    年度：{res.year or '（未能识别）'}    "
        f"格式：{FORMAT_NAMES.get(res.format, res.format)}" + (f"（{res.format_reason}）" if res.format_reason else "")
    )
    if res.title:
        lines.append(f"   标题：{res.title}")
    read, total = _cells(res)
    if total:
        lines.append(
            f"   表格单元格：读出 {read}/{total} 个" + (f"，{total - read} 个未能读出（见下）" if read < total else "")
        )
    shown = [f for f in res.findings if f.severity != fmt.INFO]
    infos = [f for f in res.findings if f.severity == fmt.INFO]
    if shown:
        body = format_findings(shown, res.format if res.format in fmt.FORMATS else "2021")
        lines.extend("   " + ln if ln else "" for ln in body.rstrip("\n").split("\n"))
    elif res.model is not None:
        lines.append("   没有发现错误或警告。")
    if infos:
        counts = Counter(f.rule for f in infos)
        lines.append(
            "   提示："
            + "，".join(
                f"{fmt.RULE_BY_ID[r].title if r in fmt.RULE_BY_ID else r} {n} 处" for r, n in sorted(counts.items())
            )
        )
    if res.unreadable:
        lines.append("   未能读出或需要人工核对：")
        for u in res.unreadable:
            extra = f"（可能的读法：{candidates_text(u.candidates)}）" if u.candidates else ""
            lines.append(f"     - {u.message}{extra}")
    return "\n".join(lines) + "\n"


def summarize_all(results: Iterable[AuditResult]) -> str:
    results = list(results)
    parts = [summarize(r) for r in results]
    errors = sum(r.has_errors for r in results)
    unreadable = sum(1 for r in results if not r.readable)
    tail = f"共审核 {len(results)} 份报告：{errors} 份有错误"
    if unreadable:
        tail += f"，{unreadable} 份未能读出任何表格数据"
    return "\n".join(parts) + "\n" + tail + "。\n"
