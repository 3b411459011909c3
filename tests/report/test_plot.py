"""Charts without an Axes (report/plot.py) look as matplotlib's own Axes draws them.

The reference charts here are drawn the plain matplotlib way (``Axes``, ``barh``/``bar``,
``twinx``, ``bar_label``, ``legend``, ``savefig(bbox_inches="tight")``), as the report drew them
before; both SVGs are rendered in Chromium and compared pixel by pixel.
"""

from __future__ import annotations

import io
import re

import pytest

from govreport_kit.report import charts

pytestmark = pytest.mark.skipif(charts.font_file() is None, reason="no CJK font (fonts-noto-cjk)")

ITEMS = [("予以公开", 57), ("部分公开", 0), ("不予公开", 12), ("无法提供", 3), ("不予处理", 5), ("其他处理", 1)]
#: Years as (year, 本年新收, disclosed share in %, a whole number here: see _trend_model).
TRENDS = {
    "trend": [(2021, 40, 55.0), (2022, 8, None), (2023, 84, 48.0)],
    "trend-no-share-all-zero": [(2021, 0, None), (2022, 0, None)],
    "trend-eight-years": [
        (2016, 12000, 99.0),
        (2017, 15000, 100.0),
        (2018, 0, None),
        (2019, 5, 0.0),
        (2020, 7, 12.0),
        (2021, 9, 50.0),
        (2022, 11, 33.0),
        (2023, 130000, 0.0),
    ],
}
BARS = {"hbar": ITEMS, "hbar-large-and-fractional": [("a", 123456), ("b", 0), ("c", 2.25)]}
GROUPS = ["行政复议", "未经复议直接起诉", "复议后起诉"]
RESULTS = [("结果维持", [4, 0, 2]), ("结果纠正", [1, 0, 0]), ("其他结果", [0, 1, 0]), ("尚未审结", [2, 0, 0])]


def _axes_svg(fig) -> str:
    import matplotlib

    buf = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": "ref", "svg.fonttype": "path"}):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    return buf.getvalue()[buf.getvalue().index("<svg") :]


def _style(ax) -> None:
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(length=0)


def reference_hbar(items) -> str:
    fig = charts._figure(6.4, 0.42 * len(items) + 0.6)
    ax = fig.add_subplot()
    labels, values = [x[0] for x in items][::-1], [x[1] for x in items][::-1]
    bars = ax.barh(labels, values, color=charts.COLORS[0])
    ax.bar_label(bars, labels=[f"{v:g}件" for v in values], padding=3, fontsize=10)
    ax.set_xlim(0, max(values + [1]) * 1.18)
    ax.xaxis.set_visible(False)
    _style(ax)
    ax.spines["bottom"].set_visible(False)
    return _axes_svg(fig)


def reference_trend(points) -> str:
    fig = charts._figure(6.4, 3.0)
    ax = fig.add_subplot()
    xs = [f"{y}年" for y, _, _ in points]
    bars = ax.bar(xs, [n for _, n, _ in points], color=charts.COLORS[1], width=0.5, label="本年新收申请（件）")
    ax.bar_label(bars, labels=[f"{n}件" for _, n, _ in points], padding=2, fontsize=10)
    ax.set_ylim(0, max([n for _, n, _ in points] + [1]) * 1.25)
    _style(ax)
    share = ax.twinx()
    known = [(x, s) for x, (_, _, s) in zip(xs, points) if s is not None]
    if known:
        share.plot(
            [x for x, _ in known],
            [s for _, s in known],
            color=charts.COLORS[2],
            marker="o",
            label="予以公开及部分公开占比（%）",
        )
        for x, s in known:
            share.annotate(
                f"{s:.1f}%",
                (x, s),
                textcoords="offset points",
                xytext=(0, 6),
                ha="center",
                fontsize=9,
                color=charts.COLORS[2],
            )
    share.set_ylim(0, 115)
    share.spines[["top"]].set_visible(False)
    share.tick_params(length=0)
    handles = ax.get_legend_handles_labels()[0] + share.get_legend_handles_labels()[0]
    ax.legend(handles=handles, loc="upper left", fontsize=9, frameon=False, ncols=2, bbox_to_anchor=(0, 1.16))
    return _axes_svg(fig)


def reference_reviews(groups, results) -> str:
    fig = charts._figure(6.4, 2.8)
    ax = fig.add_subplot()
    width = 0.8 / len(results)
    for i, (label, values) in enumerate(results):
        xs = [g + (i - (len(results) - 1) / 2) * width for g in range(len(groups))]
        bars = ax.bar(xs, values, width * 0.95, label=label, color=charts.COLORS[i % len(charts.COLORS)])
        ax.bar_label(bars, labels=[str(v) if v else "" for v in values], padding=2, fontsize=9)
    ax.set_xticks(range(len(groups)), groups)
    ax.set_ylim(0, max(max(v) for _, v in results) * 1.3 + 0.5)
    ax.yaxis.set_visible(False)
    _style(ax)
    ax.spines["left"].set_visible(False)
    ax.legend(loc="upper right", fontsize=9, frameon=False, ncols=2)
    return _axes_svg(fig)


class _Model:
    """Just enough of a model for trend_chart and review_chart."""

    year = 2023
    format = "2021"

    def __init__(self, cells, history=None):
        self.cells, self.history = cells, history or {}

    def value_or_zero(self, table, row, column):
        return self.cells.get((table, row, column), 0)


def _trend_model(points):
    def year_model(year, new, share):
        total = 100
        granted = round(share) if share is not None else 0
        cells = {("table3", "new", "total"): new, ("table3", "granted", "total"): granted}
        if share is not None:
            cells[("table3", "total", "total")] = total
        m = _Model(cells)
        m.year = year
        return m

    models = [year_model(*p) for p in points]
    now = models[-1]
    now.history = {m.year: m for m in models[:-1]}
    return now


def _review_cells():
    from govreport_kit.core import format as fmt

    cells = {}
    for (_, values), col in zip(RESULTS, [c.code for c in fmt.T4_RESULTS if c.code != "total"]):
        for g, v in zip([g.code for g in fmt.T4_GROUPS], values):
            cells[("table4", g, col)] = v
    return cells


def _ours():
    with charts.chart_style():
        out = {key: charts.hbar_chart("h", "", items).svg for key, items in BARS.items()}
        out.update({key: charts.trend_chart(_trend_model(points)).svg for key, points in TRENDS.items()})
        out["reviews"] = charts.review_chart(_Model(_review_cells())).svg
    return out


def _references():
    from govreport_kit.core import format as fmt

    groups = [g.label for g in fmt.T4_GROUPS]
    labels = [c.label for c in fmt.T4_RESULTS if c.code != "total"]
    with charts.chart_style():
        out = {key: reference_hbar(items) for key, items in BARS.items()}
        out.update({key: reference_trend(points) for key, points in TRENDS.items()})
        out["reviews"] = reference_reviews(groups, [(lab, v) for lab, (_, v) in zip(labels, RESULTS)])
    return out


def _size(svg: str) -> tuple[float, float]:
    m = re.search(r'width="([\d.]+)pt" height="([\d.]+)pt"', svg)
    return float(m.group(1)), float(m.group(2))


def test_auto_ticks_and_labels_are_matplotlib_s():
    from matplotlib.figure import Figure

    from govreport_kit.report.plot import BOX, auto_ticks, tick_labels

    for height, top in [(3.0, 11.25), (3.0, 115), (2.8, 1.25), (3.0, 105.0), (4.0, 7.5), (3.0, 1_250)]:
        fig = Figure(figsize=(6.4, height), dpi=72)
        ax = fig.add_subplot()
        ax.set_ylim(0, top)
        fig.canvas.draw()
        want = [t for t in ax.get_yticks() if 0 <= t <= top]
        labels = [t.get_text() for t in ax.get_yticklabels() if 0 <= t.get_position()[1] <= top]
        got = auto_ticks((0, top), (BOX[3] - BOX[2]) * height * 72)
        assert got == pytest.approx(want), (height, top)
        assert tick_labels(got) == [s.replace("\u2212", "-") for s in labels], (height, top)


@pytest.mark.browser
def test_charts_look_as_matplotlib_s_axes_draw_them(launch_chromium, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    from PIL import Image, ImageChops, ImageFilter

    ours, refs = _ours(), _references()
    with sync_api.sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": 720, "height": 360})
        for key in ours:
            assert _size(ours[key]) == pytest.approx(_size(refs[key]), abs=0.01), (
                key
            )  # the same cropped size (ours: 2 decimals)
            shots = []
            for svg in (ours[key], refs[key]):
                page.set_content(f'<html><body style="margin:0;background:#fff">{svg}</body></html>')
                shots.append(Image.open(io.BytesIO(page.screenshot())).convert("L"))
            shots[0].save(tmp_path / f"{key}-ours.png")
            shots[1].save(tmp_path / f"{key}-matplotlib.png")
            # antialiasing may move an edge by a pixel: compare after a 3-pixel blur
            a, b = (s.filter(ImageFilter.BoxBlur(1)) for s in shots)
            diff = ImageChops.difference(a, b)
            off = sum(diff.histogram()[65:])  # pixels whose grey level differs by more than 64
            ink = sum(b.histogram()[:200])  # pixels the reference drew on
            assert ink > 2000, key  # the reference drew something
            assert off < ink * 0.01, (key, off, ink)
        browser.close()
