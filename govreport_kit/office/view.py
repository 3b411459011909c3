"""What ``notebooks/rollup.ipynb`` calls: the roll-up's parts as HTML outputs, and the end marker.

Pure HTML builders (``*_html``) plus thin ``show_*`` wrappers that display them in the kernel.
Tables reuse the report's renderers (the official layout); indicators print their formula beside
the value; the ranking links to each member's report; charts are inline SVG drawn here from
with the report's chart code (matplotlib SVG, text as paths: no input text in the SVG), deterministic.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from markupsafe import Markup

from govreport_kit.checks.findings import count_by_severity
from govreport_kit.core.model import Agency, cells_from_dict, from_cells
from govreport_kit.office.indicators import INDICATORS
from govreport_kit.report import render
from govreport_kit.report.notebook import MARKER_MIME, show


def load(rollup_json: str) -> dict[str, Any]:
    """The roll-up as written by :func:`govreport_kit.office.report.write_rollup` (``rollup.json``)."""
    return json.loads(Path(rollup_json).read_text(encoding="utf-8"))


def model_of(data: dict[str, Any]):
    return from_cells(
        Agency(name=data["region_name"], code=data["region"]), data["year"], cells_from_dict(data["tables"])
    )


def title_html(data: dict[str, Any]) -> Markup:
    inc, exp = data["members_included"], data["members_expected"]
    return Markup(
        '<h1>{} {} 年政府信息公开工作年度报告汇总</h1>\n<p class="lead">汇总了 {} 个成员中 {} 个的数据。</p>'
    ).format(data["region_name"], data["year"], exp, inc)


def missing_html(data: dict[str, Any]) -> Markup:
    if not data["missing"]:
        return Markup("<section><h2>未计入的成员</h2><p>无：所有成员的数据都已计入。</p></section>")
    items = Markup("").join(
        Markup("<li><code>{}</code> {}：{}</li>").format(m["agency"], m["name"], m["reason"]) for m in data["missing"]
    )
    return Markup('<section><h2>未计入的成员</h2><ul class="missing">{}</ul></section>').format(items)


def checks_html(data: dict[str, Any]) -> Markup:
    parts = []
    if data["findings"]:
        items = []
        for f, b in zip([f for f in data["findings"] if f["severity"] == "error"], data["breakers"]):
            who = "、".join(b["agencies"]) or "（未能定位到成员）"
            items.append(
                Markup('<li>{}：{} <span class="ef">涉及成员：{}</span></li>').format(f["rule"], f["message"], who)
            )
        parts.append(Markup('<h2>汇总表的检查</h2><ul class="finding-list">{}</ul>').format(Markup("").join(items)))
    else:
        parts.append(Markup("<h2>汇总表的检查</h2><p>汇总表的勾稽关系全部成立。</p>"))
    if data["unknown_cells"]:
        parts.append(
            Markup("<p>有 {} 个单元格因部分成员未填写或未读出而无法汇总，表中留空（不按 0 计）。</p>").format(
                len(data["unknown_cells"])
            )
        )
    own = data.get("own_report")
    if own:
        if own["findings"]:
            items = Markup("").join(Markup("<li>{}</li>").format(f["message"]) for f in own["findings"])
            parts.append(
                Markup("<h3>本级汇总报告（{}）与各成员之和不一致</h3><ul>{}</ul>").format(own["agency"], items)
            )
        else:
            parts.append(Markup("<p>本级汇总报告（{}）与各成员之和逐格一致。</p>").format(own["agency"]))
    return Markup('<section class="findings">{}</section>').format(Markup("").join(parts))


def tables_html(data: dict[str, Any]) -> Markup:
    model = model_of(data)
    return Markup("\n").join(render.table_section_html(model, t) for t in ("table2", "table3", "table4"))


def indicators_html(data: dict[str, Any]) -> Markup:
    rows = []
    for ind in INDICATORS:
        v = data["indicators"][ind.code]
        why = Markup(' <span class="ef">（{}）</span>').format(v["reason"]) if v["reason"] else ""
        rows.append(
            Markup(
                '<tr><th scope="row">{}</th><td class="v">{}{}</td><td>{}</td><td class="v">{} / {}</td></tr>'
            ).format(ind.label, v["percent"], why, ind.formula, _n(v["numerator"]), _n(v["denominator"]))
        )
    return Markup(
        '<section><h2>主要指标</h2><table class="form indicators"><thead><tr><th>指标</th><th>本地区</th>'
        "<th>计算公式</th><th>分子 / 分母</th></tr></thead><tbody>{}</tbody></table></section>"
    ).format(Markup("").join(rows))


def _n(v: Any) -> str:
    return "—" if v is None else str(v)


def ranking_html(data: dict[str, Any]) -> Markup:
    members = [m for m in data["members"] if m["included"]]
    heads = Markup("").join(Markup("<th>{}</th>").format(i.label) for i in INDICATORS)
    rows = []
    order = sorted(members, key=lambda m: (-(m["indicators"]["disclosure_rate"]["value"] or -1), m["agency"]))
    for rank, m in enumerate(order, start=1):
        name = (
            Markup('<a href="{}">{}</a>').format(m["report"], m["name"] or m["agency"])
            if m["report"]
            else m["name"] or m["agency"]
        )
        cells = Markup("").join(
            Markup('<td class="v">{}</td>').format(m["indicators"][i.code]["percent"]) for i in INDICATORS
        )
        rows.append(
            Markup(
                '<tr><td class="v">{}</td><th scope="row">{}</th>{}<td class="v">{}</td><td class="v">{}</td></tr>'
            ).format(rank, name, cells, m["errors"], m["warnings"])
        )
    return Markup(
        '<section><h2>成员排名（按实质公开率）</h2><table class="form ranking"><thead><tr><th>名次</th><th>成员</th>'
        "{}<th>错误</th><th>警告</th></tr></thead><tbody>{}</tbody></table></section>"
    ).format(heads, Markup("").join(rows))


def _chart(key: str, title: str, items: list[tuple[str, float]], unit: str = "件") -> Markup:
    """A bar chart drawn as the report's charts are (matplotlib, text as paths, deterministic)."""
    from govreport_kit.report.charts import chart_style, figure_html, hbar_chart

    if not items:
        return Markup("")
    with chart_style() as ok:
        if not ok:
            return Markup("<p>（本机没有中文字体，未绘制图表“{}”）</p>").format(title)
        return Markup(figure_html(hbar_chart(key, title, items, unit)))


def _labels(members: list[dict[str, Any]]) -> dict[str, str]:
    """A bar label per member: its name, with its code where two members share a name."""
    from collections import Counter

    names = Counter(m["name"] or m["agency"] for m in members)
    return {
        m["agency"]: (m["name"] or m["agency"]) + (f"（{m['agency']}）" if names[m["name"] or m["agency"]] > 1 else "")
        for m in members
    }


def charts_html(data: dict[str, Any]) -> Markup:
    members = [m for m in data["members"] if m["included"]]
    label = _labels(members)
    apps = [(label[m["agency"]], m["indicators"]["disclosure_rate"]["denominator"] or 0) for m in members]
    apps.sort(key=lambda x: (-x[1], x[0]))
    shares = [
        (label[m["agency"]], round(100 * (m["indicators"]["disclosure_rate"]["value"] or 0), 1))
        for m in members
        if m["indicators"]["disclosure_rate"]["value"] is not None
    ]
    shares.sort(key=lambda x: (-x[1], x[0]))
    out = [
        _chart("rollup-applications", "各成员办理申请数（（七）总计，前 30 名）", apps[:30]),
        _chart("rollup-disclosure", "各成员实质公开率（前 30 名）", shares[:30], "%"),
    ]
    if len(data.get("trend", [])) > 1:
        out.append(
            _chart("rollup-trend", "本地区历年新收申请数", [(f"{p['year']}年", p["new"]) for p in data["trend"]])
        )
    return Markup("<section><h2>图表</h2>{}</section>").format(Markup("").join(out))


def marker(data: dict[str, Any]) -> dict[str, Any]:
    title = f"{data['region_name']}{data['year']}年政府信息公开工作年度报告汇总"
    meta = Markup("\n").join(
        [
            Markup('<meta name="generator" content="govreport_kit">'),
            Markup('<meta name="govreport:region" content="{}">').format(data["region"]),
        ]
    )
    errors = count_by_severity(data["findings"])["error"]
    return {
        "status": "complete",
        "agency_code": data["region"],
        "year": data["year"],
        "title": title,
        "errors": errors,
        "warnings": 0,
        "infos": 0,
        "meta_html": str(meta),
        "footer_html": "",
        "findings": [],
    }


def page_html(data: dict[str, Any]) -> list[Markup]:
    """Every part in order (the notebook shows them one by one; tests may call this directly)."""
    return [
        title_html(data),
        missing_html(data),
        checks_html(data),
        indicators_html(data),
        tables_html(data),
        ranking_html(data),
        charts_html(data),
    ]


def show_all(data: dict[str, Any]) -> None:
    for part in page_html(data):
        show(part)


def finish(data: dict[str, Any]) -> None:
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover
        return
    if get_ipython() is not None:
        display({"text/plain": "汇总报告已生成。", MARKER_MIME: marker(data)}, raw=True)


__all__ = ["load", "show_all", "finish", "page_html"]
