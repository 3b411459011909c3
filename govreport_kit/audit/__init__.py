"""Audit published reports: read web pages, texts, PDF and Word files into the model, run every rule,
say what is wrong.

Public API:

* :func:`audit_paths` (files or folders → one :class:`AuditResult` per report, with R-X-* between
  years of one agency), :func:`audit_text` (one report as a string);
* :class:`AuditResult` (``source``, ``agency``, ``year``, ``format``, ``model``, ``findings``,
  ``unreadable``; ``to_dict()`` is the JSON object of ``govreport audit --json``);
* :func:`render_html.render_page` (the offline ``--html`` page), :func:`summary.summarize`
  (the terminal text), :func:`importer.import_report` (``govreport import``).
"""

from govreport_kit.audit.audit import audit_parsed, audit_paths, audit_text, finalize, parse_file, parse_report
from govreport_kit.audit.result import AuditResult, Unreadable

__all__ = [
    "AuditResult",
    "Unreadable",
    "audit_parsed",
    "audit_paths",
    "audit_text",
    "finalize",
    "parse_file",
    "parse_report",
]
