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

from html import escape
from typing import Any, Callable, Sequence

from govreport_kit import __version__
from govreport_kit.batch import store as batch_store
from govreport_kit.report.render import FONT_STACK
from govreport_kit.batch.jobs import FAILED, FINDINGS, OK, SKIPPED, STATUS_LABELS, JobResult

MANIFEST_SCHEMA = "govreport-batch-manifest/1"
_STATUS_RANK = {FAILED: 0, FINDINGS: 1, OK: 2, SKIPPED: 3}


def _status_of(r: JobResult) -> str:
    return r.previous_status if r.status == SKIPPED and r.previous_status else r.status


# (key, header, value used for sorting, cell renderer); numeric keys sort descending first.
Column = tuple[str, str, Callable[[JobResult], Any], Callable[[JobResult], str]]


def _link(href: str | None, text: str) -> str:
    return f'<a href="{escape(href, quote=True)}">{escape(text)}</a>' if href else ""


def _status_cell(r: JobResult) -> str:
    label = STATUS_LABELS.get(r.status, r.status)
    extra = ""
    if r.status == SKIPPED:
        extra = f"（上次{STATUS_LABELS.get(r.previous_status or OK, '')}）"
    if r.attempts > 1:
        extra += "（重试后）"
    return f'<span class="st st-{escape(r.status)}">{escape(label)}</span>{escape(extra)}'


def _files_cell(r: JobResult) -> str:
    links = []
    if r.report and r.status != FAILED:
        links.append(_link(r.report, "报告"))
    if r.findings and r.status != FAILED:
        links.append(_link(r.findings, "检查结果"))
    if r.status == FAILED and r.notebook:
        links.append(_link(r.notebook, "失败的 notebook"))
    out = " · ".join(links)
    if r.status == FAILED and r.reason:
        out += f'<div class="reason">{escape(r.reason)}</div>'
    return out


COLUMNS: tuple[Column, ...] = (
    ("agency", "机构代码", lambda r: r.agency, lambda r: f"<code>{escape(r.agency)}</code>"),
    ("name", "机构名称", lambda r: r.name or "", lambda r: escape(r.name or "")),
    ("year", "年度", lambda r: r.year, lambda r: escape(str(r.year))),
    ("status", "状态", lambda r: _STATUS_RANK.get(r.status, 9), _status_cell),
    ("errors", "错误", lambda r: r.errors, lambda r: escape(str(r.errors))),
    ("warnings", "警告", lambda r: r.warnings, lambda r: escape(str(r.warnings))),
    ("seconds", "用时（秒）", lambda r: r.seconds, lambda r: f"{r.seconds:.1f}" if r.status != SKIPPED else "—"),
)
_GRID = "10em 14em 5em 8em 5em 5em 7em minmax(12em, 1fr)"

_CSS = """
:root { font-family: """ + FONT_STACK + """; color: #222; }
body { margin: 1.5em; }
h1 { font-size: 1.4em; }
.totals span { margin-right: 1.2em; }
table.jobs { border-collapse: collapse; width: 100%; }
table.jobs thead, table.jobs tfoot { display: block; }
table.jobs tbody { display: flex; flex-direction: column; }
table.jobs tr { display: grid; grid-template-columns: GRID; border-bottom: 1px solid #ddd; }
table.jobs th, table.jobs td { padding: .35em .5em; text-align: left; overflow-wrap: anywhere; }
table.jobs th { white-space: nowrap; }
table.jobs thead tr { background: #f3f3f3; font-weight: bold; }
table.jobs tfoot tr { background: #f3f3f3; font-weight: bold; }
th a { color: inherit; text-decoration: none; } th a.dir { color: #888; font-size: .8em; margin-left: .2em; }
.st-ok { color: #1a7f37; } .st-findings { color: #b35900; font-weight: bold; }
.st-failed { color: #c62828; font-weight: bold; } .st-skipped { color: #666; }
.reason { color: #c62828; font-size: .9em; }
.key { display: block; height: 0; }
@media print { th a.dir { display: none; } table.jobs tr { break-inside: avoid; } }
""".replace("GRID", _GRID)


def _ranks(results: Sequence[JobResult], value: Callable[[JobResult], Any]) -> list[int]:
    order = sorted(range(len(results)), key=lambda i: (value(results[i]), results[i].agency, results[i].year))
    ranks = [0] * len(results)
    for rank, i in enumerate(order, start=1):
        ranks[i] = rank
    return ranks


def totals(results: Sequence[JobResult]) -> dict[str, int]:
    t = {"jobs": len(results), OK: 0, FINDINGS: 0, FAILED: 0, SKIPPED: 0, "errors": 0, "warnings": 0}
    for r in results:
        t[r.status] = t.get(r.status, 0) + 1
        t["errors"] += r.errors
        t["warnings"] += r.warnings
    return t


def render_index(results: Sequence[JobResult], title: str = "政府信息公开工作年度报告：批量运行结果") -> str:
    """The index page as a string (pure)."""
    ranks = {key: _ranks(results, value) for key, _, value, _ in COLUMNS}
    css_rules = []
    anchors, heads = [], []
    for key, header, _, _ in COLUMNS:
        for d, sign, arrow in (("asc", "", "▲"), ("desc", "-1 * ", "▼")):
            aid = f"sort-{key}-{d}"
            anchors.append(f'<span class="key" id="{aid}"></span>')
            css_rules.append(f"#{aid}:target ~ table.jobs tbody tr {{ order: calc({sign}var(--k-{key})); }}")
            css_rules.append(f'#{aid}:target ~ table.jobs a[href="#{aid}"] {{ color: #0b57d0; }}')
        heads.append(f'<th><a href="#sort-{key}-asc" title="升序">{escape(header)}</a>'
                     f'<a class="dir" href="#sort-{key}-asc" title="升序">▲</a>'
                     f'<a class="dir" href="#sort-{key}-desc" title="降序">▼</a></th>')
    heads.append("<th>报告与检查结果</th>")
    rows = []
    for i, r in enumerate(results):
        style = ";".join(f"--k-{key}:{ranks[key][i]}" for key, *_ in COLUMNS)
        cells = "".join(f"<td>{render(r)}</td>" for *_, render in COLUMNS)
        rows.append(f'<tr class="row-{escape(r.status)}" style="{style}">{cells}<td>{_files_cell(r)}</td></tr>')
    t = totals(results)
    summary = (f'<span>共 {t["jobs"]} 份</span><span class="st-ok">正常 {t[OK]}</span>'
               f'<span class="st-findings">有错误 {t[FINDINGS]}</span><span class="st-failed">失败 {t[FAILED]}</span>'
               f'<span class="st-skipped">跳过 {t[SKIPPED]}</span><span>错误合计 {t["errors"]}</span>'
               f'<span>警告合计 {t["warnings"]}</span>')
    foot = (f'<tr><td>合计</td><td>{t["jobs"]} 份</td><td></td><td>失败 {t[FAILED]}</td>'
            f'<td>{t["errors"]}</td><td>{t["warnings"]}</td>'
            f'<td>{sum(r.seconds for r in results if r.status != SKIPPED):.1f}</td><td></td></tr>')
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="govreport_kit {escape(__version__, quote=True)}">',
        f"<title>{escape(title)}</title>",
        "<style>" + _CSS + "\n".join(css_rules) + "\n</style>",
        "</head>",
        "<body>",
        f"<h1>{escape(title)}</h1>",
        f'<p class="totals">{summary}</p>',
        '<p class="hint">点击列标题排序（▲ 升序，▼ 降序）；页面不含脚本，可离线打开。</p>',
        '<div class="sorter">',
        *anchors,
        '<table class="jobs">',
        f"<thead><tr>{''.join(heads)}</tr></thead>",
        "<tbody>",
        *rows,
        "</tbody>",
        f"<tfoot>{foot}</tfoot>",
        "</table>",
        "</div>",
        "</body>",
        "</html>",
        "",
    ])


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
