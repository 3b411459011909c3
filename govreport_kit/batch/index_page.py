"""``outputs/index.html`` and ``outputs/manifest.json``: every agency-year of a batch run.

The page follows the report's rules: one offline file, no ``<script>``, no external URL, inline
CSS, every value escaped. Columns sort without JavaScript: the rows are rendered once, each
carrying its rank for every sort key as a CSS custom property (``--k-errors: 3``); a header link
targets an empty anchor (``#sort-errors-desc``) and a ``:target`` rule sets the rows' flexbox
``order`` from that property. One copy of the data whatever the number of sort keys; without CSS
the table still reads in discovery order.

The manifest carries the same rows for machines: canonical keys (sorted, UTF-8), input hashes,
package versions, totals.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from markupsafe import Markup

from govreport_kit import __version__
from govreport_kit.batch import store as batch_store
from govreport_kit.batch.jobs import EMPTY, FAILED, FINDINGS, OK, SKIPPED, STATUS_LABELS, STATUSES, JobResult

MANIFEST_SCHEMA = "govreport-batch-manifest/1"
_STATUS_RANK = {FAILED: 0, EMPTY: 1, FINDINGS: 2, OK: 3, SKIPPED: 4}

# (key, header, value used for sorting, cell content: text, or Markup for HTML).
Column = tuple[str, str, Callable[[JobResult], Any], Callable[[JobResult], Any]]


def _link(href: str | None, text: str) -> Markup:
    return Markup('<a href="{}">{}</a>').format(href, text) if href else Markup("")


def _status_cell(r: JobResult) -> Markup:
    label = STATUS_LABELS.get(r.status, r.status)
    extra = ""
    if r.status == SKIPPED:
        extra = f"（上次{STATUS_LABELS.get(r.previous_status or OK, '')}）"
    if r.attempts > 1:
        extra += "（重试后）"
    return Markup('<span class="st st-{}">{}</span>{}').format(r.status, label, extra)


def _files_cell(r: JobResult) -> Markup:
    links = []
    if r.report and r.status != FAILED:
        links.append(_link(r.report, "报告"))
    if r.findings and r.status != FAILED:
        links.append(_link(r.findings, "检查结果"))
    if r.status == FAILED and r.notebook:
        links.append(_link(r.notebook, "失败的 notebook"))
    out = Markup(" · ").join(links)
    if r.status == FAILED and r.reason:
        out += Markup('<div class="reason">{}</div>').format(r.reason)
    return out


COLUMNS: tuple[Column, ...] = (
    ("agency", "机构代码", lambda r: r.agency, lambda r: Markup("<code>{}</code>").format(r.agency)),
    ("name", "机构名称", lambda r: r.name or "", lambda r: r.name or ""),
    ("year", "年度", lambda r: r.year, lambda r: r.year),
    ("status", "状态", lambda r: _STATUS_RANK.get(r.status, 9), _status_cell),
    ("errors", "错误", lambda r: r.errors, lambda r: r.errors),
    ("warnings", "警告", lambda r: r.warnings, lambda r: r.warnings),
    ("seconds", "用时（秒）", lambda r: r.seconds, lambda r: f"{r.seconds:.1f}" if r.status != SKIPPED else "—"),
)
_GRID = "10em 14em 5em 8em 5em 5em 7em minmax(12em, 1fr)"


def totals(results: Sequence[JobResult]) -> dict[str, int]:
    t = {"jobs": len(results), **{status: 0 for status in STATUSES}, "errors": 0, "warnings": 0}
    for r in results:
        t[r.status] = t.get(r.status, 0) + 1
        t["errors"] += r.errors
        t["warnings"] += r.warnings
    return t


def render_index(results: Sequence[JobResult], title: str = "政府信息公开工作年度报告：批量运行结果") -> str:
    """The index page as a string (pure): ``report/templates/pages/batch_index.html.j2``."""
    from govreport_kit.report.pages import render_page, sort_context

    # ties sort by agency and year, as the rows are listed
    ordered = sorted(range(len(results)), key=lambda i: (results[i].agency, results[i].year))
    tie = {i: n for n, i in enumerate(ordered)}
    keyed = [(r, tie[i]) for i, r in enumerate(results)]
    sorts, styles = sort_context(keyed, [(key, lambda x, v=value: (v(x[0]), x[1])) for key, _, value, _ in COLUMNS])
    rows = [
        {"status": r.status, "style": styles[i], "cells": [cell(r) for *_, cell in COLUMNS], "files": _files_cell(r)}
        for i, r in enumerate(results)
    ]
    seconds = f"{sum(r.seconds for r in results if r.status != SKIPPED):.1f}"
    return render_page(
        "batch_index.html.j2",
        title=title,
        version=__version__,
        grid=_GRID,
        sorts=sorts,
        headers=[(key, header) for key, header, *_ in COLUMNS],
        rows=rows,
        t=totals(results),
        statuses=[(s, STATUS_LABELS[s]) for s in STATUSES],
        seconds=seconds,
    )


def manifest(results: Sequence[JobResult], *, params_dir: str | None = None) -> dict[str, Any]:
    from govreport_kit.core.versions import package_versions

    return {
        "schema": MANIFEST_SCHEMA,
        "versions": package_versions(),
        "params_dir": params_dir,
        "totals": totals(results),
        "jobs": [r.to_dict() for r in results],
    }


def write_outputs(root: str, results: Sequence[JobResult], *, params_dir: str | None = None) -> tuple[str, str]:
    """Write ``index.html`` and ``manifest.json`` under ``root`` (each atomically)."""
    index, man = f"{root}/index.html", f"{root}/manifest.json"
    batch_store.write_bytes(index, render_index(results).encode("utf-8"))
    batch_store.write_bytes(man, batch_store.dumps(manifest(results, params_dir=params_dir)))
    return index, man
