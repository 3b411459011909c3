"""The ``govreport audit --html`` page: one offline file for any number of audited reports.

No script, no external URL, inline CSS (the report's stylesheet), ``lang="zh-CN"``; every text
from a report is escaped (``report/templates/pages/audit.html.j2``, autoescaping). Per report: what
it is, its findings (each linked to its cell), what could not be read (with the possible readings
of an ambiguous row), and tables 二, 三 and 四 in the official layout
(:mod:`govreport_kit.report.render`, with ids prefixed per report) with the cells behind findings
highlighted and unread cells shown as “？”.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from govreport_kit.audit.result import AuditResult
from govreport_kit.audit.summary import FORMAT_NAMES, candidates_text
from govreport_kit.checks.findings import count_by_severity, sort_findings
from govreport_kit.checks.wording import place_text
from govreport_kit.core import format as fmt
from govreport_kit.core import limits
from govreport_kit.report import render

#: Marks our own audit pages: ``audit FOLDER`` skips files carrying it (see ``audit.is_audit_page``).
GENERATOR = "govreport_kit audit"

#: Finding targets that exist on the audit page (the prose parts are not shown there).
_LINKED = ("cell-", "row-", "part-table")


def _finding(f, prefix: str) -> dict[str, Any]:
    target = render.finding_target(f)
    return {
        "severity": f.severity,
        "label": fmt.SEVERITY_LABELS.get(f.severity, f.severity),
        "rule": f.rule,
        "place": place_text(f, source=False),
        "message": f.message,
        "href": prefix + target if target and target.startswith(_LINKED) else None,
    }


def _shown(findings, prefix: str) -> tuple[list[dict[str, Any]], int]:
    """At most ``limits.FINDINGS_SHOWN`` findings for the page, and how many more there are."""
    cap = limits.FINDINGS_SHOWN.value
    return [_finding(f, prefix) for f in findings[:cap]], max(0, len(findings) - cap)


def report_context(res: AuditResult, index: int) -> dict[str, Any]:
    """What the page shows of one audited report."""
    prefix = f"r{index}-"
    findings = sort_findings(res.findings)
    fmt_name = FORMAT_NAMES.get(res.format, res.format) + (f"（{res.format_reason}）" if res.format_reason else "")
    main, main_more = _shown([f for f in findings if f.severity != fmt.INFO], prefix)
    infos, infos_more = _shown([f for f in findings if f.severity == fmt.INFO], prefix)
    view = render.TableView(prefix=prefix, unread=frozenset(res.unread_cells), heading="h3")
    return {
        "source": res.source,
        "counts": count_by_severity(res.findings),
        "meta": [
            ("文件", res.source),
            ("标题", res.title or "（未能识别）"),
            ("机关", res.agency or "（未能识别）"),
            ("年度", res.year or "（未能识别）"),
            ("格式", fmt_name),
        ],
        "main": main,
        "main_more": main_more,
        "infos": infos,
        "infos_more": infos_more,
        "infos_count": len(infos) + infos_more,
        "more_limit": limits.FINDINGS_SHOWN.describe(),
        "unreadable": [
            {"kind": u.kind, "message": u.message, "candidates": candidates_text(u.candidates)} for u in res.unreadable
        ],
        "tables": []
        if res.model is None
        else [render.table_section_html(res.model, t, res.findings, view) for t in fmt.TABLE_CODES],
    }


def render_page(results: Iterable[AuditResult]) -> str:
    """The whole offline page as a string."""
    from govreport_kit.report.pages import render_page as render_template

    return render_template(
        "audit.html.j2", generator=GENERATOR, reports=[report_context(r, i) for i, r in enumerate(results, 1)]
    )
