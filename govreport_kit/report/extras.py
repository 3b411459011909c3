"""What the review copy adds after the six parts: last year beside this year, reply periods, charts.

Pure HTML like :mod:`govreport_kit.report.render`: every input text (an application's 编号) is
escaped; labels come from :mod:`govreport_kit.core.format`; charts are our own SVG
(:mod:`govreport_kit.report.charts`). The publish copy shows these only when the params ask
(``report.compare`` / ``report.charts`` true); :func:`wanted` decides.
"""

from __future__ import annotations

from collections.abc import Iterable

from markupsafe import Markup

from govreport_kit.core import format as fmt

APPENDIX_ID = "appendix"
LATE_SHOWN = 10  # late applications named in the page; the findings list every one


def wanted(option, audience: str) -> bool:
    """A report option of three values: None = review copy only, True = always, False = never."""
    return bool(option) if option is not None else audience == "review"


def key_figures() -> list[tuple[str, str]]:
    """(label, placeholder name) of the figures compared year on year."""
    t3 = {r: fmt.row_label("table3", r) for r in ("new", "carried", "total", "carried_forward")}
    return [
        (t3["new"].split("、", 1)[1], "table3.new.total"),
        (t3["carried"].split("、", 1)[1], "table3.carried.total"),
        ("办理结果" + t3["total"].removeprefix("（七）"), "table3.total.total"),
        (fmt.T3_SUBTOTALS["disclosed"][0], "table3.disclosed.total"),
        (fmt.T3_SUBTOTALS["denied"][0], "table3.denied.total"),
        (t3["carried_forward"].split("、", 1)[1], "table3.carried_forward.total"),
        (fmt.T4_GROUPS[0].label, "table4.review.total"),
        (fmt.T4_LITIGATION_LABEL, "table4.litigation.total"),
        (
            fmt.row_label("table2", "normative_documents")
            + fmt.column_label("table2", "issued", "normative_documents"),
            "table2.normative_documents.issued",
        ),
        (fmt.row_label("table2", "licensing"), "table2.licensing"),
        (fmt.row_label("table2", "punishment"), "table2.punishment"),
    ]


def comparison_html(model) -> Markup:
    """Key figures of last year and this year with the change; empty when last year is unknown."""
    from govreport_kit.inputs.narrative import placeholder_values

    last = (getattr(model, "history", None) or {}).get(model.year - 1)
    if last is None:
        return Markup("")
    now, then = placeholder_values(model), placeholder_values(last)
    rows = []
    for label, name in key_figures():
        if name not in now or name not in then:
            continue
        rows.append(
            Markup('<tr><th scope="row">{}</th><td class="v">{}</td><td class="v">{}</td><td>{}</td></tr>').format(
                label, then[name], now[name], now[f"yoy({name})"]
            )
        )
    head = Markup("<tr><th>项目</th><th>{}年</th><th>{}年</th><th>同比</th></tr>").format(last.year, model.year)
    return Markup(
        '<section class="extra" id="compare">\n<h3>与上年对比</h3>\n'
        '<table class="form compare">\n<thead>{}</thead>\n<tbody>\n{}\n</tbody>\n</table>\n</section>\n'
    ).format(head, Markup("\n").join(rows))


def ledger_html(model) -> Markup:
    """Reply periods and fees from the application ledger; empty without a ledger."""
    s = getattr(model, "ledger", None)
    if s is None:
        return Markup("")
    replied_late = [x for x in s.late if x.replied]
    overdue = [x for x in s.late if not x.replied]
    median = "—" if s.median_days is None else (f"{s.median_days:g}")
    items = [
        Markup("本年答复 {} 件，其中在法定期限内答复 {} 件，逾期答复 {} 件").format(
            s.on_time + len(replied_late), s.on_time, len(replied_late)
        ),
        Markup("到{}年12月31日已超过法定期限仍未答复 {} 件").format(s.year, len(overdue)),
        Markup("答复用时中位数 {} 个工作日（自收到申请或补正完成之次日起算）").format(median),
        Markup("收取信息处理费 {} 件，共 {} 元").format(s.fee_count, format(s.fee_total_yuan, "f")),
    ]
    if s.undecided:
        items.append(Markup("{} 件的期限跨入工作日历尚未公布的年份，无法判断是否超期").format(len(s.undecided)))
    late = ""
    if s.late:
        shown = Markup("、").join(
            Markup("{}（{} 个工作日，期限 {}）").format(x.id, x.used, x.limit) for x in s.late[:LATE_SHOWN]
        )
        more = (
            Markup("等 {} 件（全部见检查结果 R-LEDGER-LATE）").format(len(s.late)) if len(s.late) > LATE_SHOWN else ""
        )
        late = Markup("<p>超期的申请：{}{}。</p>\n").format(shown, more)
    return Markup(
        '<section class="extra" id="ledger">\n<h3>依申请公开办理时限（依台账 {} 件申请统计）</h3>\n'
        "<ul>\n{}\n</ul>\n{}</section>\n"
    ).format(s.applications, Markup("\n").join(Markup("<li>{}。</li>").format(i) for i in items), late)


def charts_html(charts: Iterable) -> Markup:
    """The charts, each a ``<figure>`` holding our own SVG (no input text in it)."""
    from govreport_kit.report.charts import figure_html

    figures = [Markup(figure_html(c)) for c in charts]  # noqa: S704 - SVG drawn by us, text as paths
    if not figures:
        return Markup("")
    return Markup('<section class="extra" id="charts">\n<h3>图表</h3>\n{}</section>\n').format(Markup("").join(figures))


def appendix_html(comparison: Markup, ledger: Markup, charts: Markup) -> Markup:
    body = comparison + ledger + charts
    if not body:
        return Markup("")
    return Markup('<section class="part part-extra" id="{}">\n<h2>附：数据分析</h2>\n{}</section>').format(
        APPENDIX_ID, body
    )
