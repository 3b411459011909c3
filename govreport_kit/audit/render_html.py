"""The ``govreport audit --html`` page: one offline file for any number of audited reports.

No script, no external URL, inline CSS, ``lang="zh-CN"``; every text from a report is escaped.
Per report: what it is, its findings (each linked to its cell), what could not be read (with the
possible readings of an ambiguous row), and tables 二, 三 and 四 in the official layout
(:mod:`govreport_kit.report.render`) with the cells behind findings highlighted and unread cells shown
as “？”.
"""

from __future__ import annotations

import re
from typing import Iterable

from markupsafe import Markup, escape

from govreport_kit.core import format as fmt
from govreport_kit.report import render
from govreport_kit.checks.findings import count_by_severity, sort_findings
from govreport_kit.checks.wording import place_text
from govreport_kit.audit.result import AuditResult
from govreport_kit.audit.summary import FORMAT_NAMES

CSS = """
body{font-family:""" + render.FONT_STACK + """;margin:1.5em auto;max-width:1180px;padding:0 1em;color:#222;line-height:1.5}
h1{font-size:1.5em}h2{font-size:1.25em;border-bottom:2px solid #b22;padding-bottom:.2em;margin-top:2em}
h3{font-size:1.05em;margin:1.2em 0 .4em}
table.form{border-collapse:collapse;margin:.5em 0 1em;font-size:.85em}
table.form th,table.form td{border:1px solid #666;padding:.2em .4em;text-align:center}
table.form th.label{text-align:left}table.form th.section{background:#f3f3f3}
td.v{min-width:2.5em}td.flag-error{background:#f8c9c4;outline:2px solid #c0392b}
td.flag-warning{background:#fde9b6}td.flag-info{background:#e3eefb}
td.unread{background:repeating-linear-gradient(45deg,#eee,#eee 4px,#fff 4px,#fff 8px);color:#777}
.sev-error .badge{background:#c0392b}.sev-warning .badge{background:#d68910}.sev-info .badge{background:#2874a6}
.badge{color:#fff;border-radius:3px;padding:0 .35em;font-size:.85em;margin-right:.3em}
ul.findings li,ul.unreadable li{margin:.25em 0}dl.meta{display:grid;grid-template-columns:6em 1fr;gap:.1em .8em}
dl.meta dt{color:#666}.cands{font-family:monospace;color:#555}nav ol{columns:2}
.ok{color:#1e8449}details summary{cursor:pointer;color:#2874a6}
"""


def _ids(markup: str, prefix: str) -> str:
    return re.sub(r'(id="|href="#)(cell-|row-|table-|part-)', lambda m: f"{m.group(1)}{prefix}{m.group(2)}", markup)


def _mark_unread(markup: str, res: AuditResult) -> str:
    for t, r, c in res.unread_cells:
        code = re.escape(render.cell_code(t, r, c))
        markup = re.sub(rf'(data-cell="{code}" class="v)([^"]*")([^>]*)></td>',
                        r'\1 unread\2\3 title="未能读出">？</td>', markup)
    return markup


def _findings(res: AuditResult, prefix: str) -> Markup:
    main = [f for f in res.findings if f.severity != fmt.INFO]
    infos = [f for f in res.findings if f.severity == fmt.INFO]
    out = _finding_list(main, prefix) if main else Markup('<p class="ok">没有发现错误或警告。</p>')
    if infos:
        out += Markup("<details><summary>提示 {} 项（展开查看）</summary>{}</details>").format(
            len(infos), _finding_list(infos, prefix))
    return out


def _finding_list(findings, prefix: str) -> Markup:
    items = []
    for f in sort_findings(findings):
        target = render.finding_target(f)
        place = escape(place_text(f, source=False))
        if target and target.startswith(("cell-", "row-", "part-table")):
            place = Markup('<a href="#{}{}">{}</a>').format(prefix, target, place_text(f, source=False))
        items.append(Markup('<li class="sev-{}"><span class="badge">{}</span><code>{}</code> {}：{}</li>').format(
            f.severity, fmt.SEVERITY_LABELS.get(f.severity, f.severity), f.rule, place, f.message))
    return Markup('<ul class="findings">{}</ul>').format(Markup("").join(items))


def _unreadable(res: AuditResult) -> Markup:
    if not res.unreadable:
        return Markup('<p class="ok">表格已全部读出。</p>')
    items = []
    for u in res.unreadable:
        cands = Markup("")
        if u.candidates:
            text = "；".join("/".join("空" if v is None else str(v) for v in row) for row in u.candidates)
            cands = Markup('<br><span class="cands">可能的读法：{}</span>').format(text)
        items.append(Markup("<li><code>{}</code> {}{}</li>").format(u.kind, u.message, cands))
    return Markup('<ul class="unreadable">{}</ul>').format(Markup("").join(items))


def report_html(res: AuditResult, index: int) -> Markup:
    prefix = f"r{index}-"
    meta = Markup("").join(Markup("<dt>{}</dt><dd>{}</dd>").format(k, v) for k, v in (
        ("文件", res.source), ("标题", res.title or "（未能识别）"), ("机关", res.agency or "（未能识别）"),
        ("年度", res.year or "（未能识别）"),
        ("格式", FORMAT_NAMES.get(res.format, res.format) + (f"（{res.format_reason}）" if res.format_reason else ""))))
    parts = [Markup('<section class="report" id="report-{}">').format(index),
             Markup("<h2>{}. {}</h2>").format(index, res.source), Markup('<dl class="meta">{}</dl>').format(meta),
             Markup("<h3>检查结果</h3>"), _findings(res, prefix), Markup("<h3>未能读出或需要人工核对</h3>"), _unreadable(res)]
    if res.model is not None:
        for table in fmt.TABLE_CODES:
            html = str(render.table_section_html(res.model, table, res.findings))
            html = _ids(_mark_unread(html, res), prefix)
            html = html.replace("<h2>", "<h3>").replace("</h2>", "</h3>")
            parts.append(Markup(html))
    parts.append(Markup("</section>"))
    return Markup("\n").join(parts)


def render_page(results: Iterable[AuditResult]) -> str:
    """The whole offline page as a string."""
    results = list(results)
    toc = Markup("").join(
        Markup('<li><a href="#report-{}">{}</a>：{}</li>').format(
            i, r.source, "错误 {error} 项，警告 {warning} 项，".format(**count_by_severity(r.findings))
            + f"未能读出 {len(r.unreadable)} 项")
        for i, r in enumerate(results, 1))
    body = Markup("\n").join(report_html(r, i) for i, r in enumerate(results, 1))
    page = Markup('<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
                  '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
                  "<title>政府信息公开工作年度报告审核结果</title>\n<style>{}</style>\n</head>\n<body>\n"
                  "<h1>政府信息公开工作年度报告审核结果</h1>\n<p>共 {} 份报告。</p>\n<nav><ol>{}</ol></nav>\n{}\n"
                  "</body>\n</html>\n").format(Markup(CSS), len(results), toc, body)
    return str(page)
