"""Charts of the report as inline SVG: outcomes, applicants, a multi-year trend, 复议/诉讼.

Drawn with matplotlib (≥ 3.11, which picks the SC face of the Noto CJK collection), imported
only when a chart is drawn so that ``govreport check`` stays fast. Every chart is:

* deterministic: ``svg.hashsalt`` fixed per chart, no date or creator metadata, so the same
  numbers give the same bytes;
* text as paths (``svg.fonttype = "path"``): the SVG holds no ``<text>`` and needs no font on the
  reader's machine; its labels are the format's own (:mod:`govreport_kit.core.format`) and counts,
  never text from an input file;
* inline, namespace-free (HTML parses ``<svg>`` into the SVG namespace by itself) and free of URLs;
* self-contained inside the page: every ``id`` (glyphs, clip paths) gets the chart's prefix, so
  several SVGs in one HTML page never share an id.

:func:`report_charts` returns ``[Chart]`` for a model; a chart with nothing to show is left out.
Without a CJK font (Debian's ``fonts-noto-cjk``) it returns ``[]`` instead of drawing boxes.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from govreport_kit.core import format as fmt

FONT_FAMILY = "Noto Sans CJK SC"
FONT_FILES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto-cjk/NotoSansCJK-Regular.ttc",
)
COLORS = ("#2f6fae", "#5a9bd4", "#c0504d", "#e39b3b", "#8c8c8c", "#7aa65a")
_ID_RE = re.compile(r'\bid="([^"]+)"')
_REF_RE = re.compile(r'(href="#|url\(#)([^")]+)')


@dataclass(frozen=True)
class Chart:
    key: str  # outcomes, applicants, trend, reviews
    title: str  # Chinese, shown above the chart (built from format labels and numbers only)
    svg: str


# ------------------------------------------------------------------------------------ the data


def _n(model, table: str, row: str, column: str) -> int:
    v = model.value_or_zero(table, row, column)
    return int(v)


def outcome_counts(model) -> list[tuple[str, int]]:
    """(label, count) of the six outcome groups of table 三, 总计 column."""

    def short(code: str) -> str:
        return re.sub(r"（[^）]*）$", "", re.sub(r"^（.）", "", fmt.row_label("table3", code)))

    out = [
        (short("granted"), _n(model, "table3", "granted", "total")),
        (short("partial"), _n(model, "table3", "partial", "total")),
    ]
    rows = {r.code for r in fmt.table_rows("table3", model.format)}
    for code in ("denied", "unable", "not_processed", "other"):
        label, members = fmt.T3_SUBTOTALS[code]
        out.append(
            (
                label,
                sum(_n(model, "table3", m, "total") for m in members if m in rows)
                + (_n(model, "table3", "other", "total") if code == "other" and "other" in rows else 0),
            )
        )
    return out


def applicant_counts(model) -> list[tuple[str, int]]:
    """(applicant type, 本年新收) for the six applicant columns."""
    return [
        (c.label if c.code != "other_org" else "其他组织", _n(model, "table3", "new", c.code))
        for c in fmt.T3_COLUMNS
        if c.code != "total"
    ]


def review_counts(model) -> tuple[list[str], list[tuple[str, list[int]]]]:
    """(group labels, [(result label, counts per group)]) of table 四 without its 总计."""
    groups = [g.label for g in fmt.T4_GROUPS]
    results = [
        (c.label, [_n(model, "table4", g.code, c.code) for g in fmt.T4_GROUPS])
        for c in fmt.T4_RESULTS
        if c.code != "total"
    ]
    return groups, results


def trend_points(model) -> list[tuple[int, int, float | None]]:
    """(year, 新收 total, share 予以公开+部分公开 of 办理结果总计 in %) for the known years, oldest first."""
    years = {**(getattr(model, "history", None) or {}), model.year: model}
    out = []
    for y in sorted(years):
        m = years[y]
        total = _n(m, "table3", "total", "total")
        disclosed = _n(m, "table3", "granted", "total") + _n(m, "table3", "partial", "total")
        out.append((y, _n(m, "table3", "new", "total"), round(disclosed * 100 / total, 1) if total else None))
    return out


# ------------------------------------------------------------------------------------ drawing


def font_file() -> str | None:
    return next((f for f in FONT_FILES if Path(f).is_file()), None)


def _figure(width: float, height: float):
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=72)


def _svg(plot, key: str) -> str:
    """The chart of a :class:`~govreport_kit.report.plot.Plot` as an inline ``<svg>`` element,
    deterministic, ids prefixed with ``key``."""
    text = _draw_tight(plot.fig, key, plot.FRAME)
    text = text[text.index("<svg") :]
    # Inline SVG in HTML needs no namespaces, and the page names no URL at all (it is offline):
    # drop the xmlns declarations and the RDF metadata, use SVG 2's plain ``href``.
    text = re.sub(r'\s+xmlns(:xlink)?="[^"]*"', "", text, count=2)
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text, flags=re.S)
    text = text.replace("xlink:href=", "href=")
    text = _ID_RE.sub(lambda m: f'id="{key}-{m.group(1)}"', text)
    text = _REF_RE.sub(lambda m: f"{m.group(1)}{key}-{m.group(2)}", text)
    return re.sub(r"\n\s*", "\n", text).strip() + "\n"


def _draw_tight(fig, key: str, frame: tuple[float, float, float, float]) -> str:
    """The SVG of ``fig`` cropped to its tight bounding box and ``frame`` (figure fractions x0, y0,
    x1, y1), as ``savefig(bbox_inches="tight")`` crops a figure with an Axes in that box.

    savefig lays the figure out twice for that (a draw to measure, then the real one); here the
    figure is drawn once, measured with the same renderer (whose text sizes are cached), and the
    crop is the root element's ``viewBox``: a third less time per chart (0.18 -> 0.14 s for a
    report's three, measured), the same picture.
    """
    import matplotlib
    from matplotlib.backends.backend_mixed import MixedModeRenderer
    from matplotlib.backends.backend_svg import RendererSVG
    from matplotlib.transforms import Bbox

    buf = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": f"govreport-{key}", "svg.fonttype": "path"}):
        width, height = fig.get_size_inches()
        svg = RendererSVG(width * 72, height * 72, buf, image_dpi=72, metadata={"Date": None, "Creator": None})
        renderer = MixedModeRenderer(fig, width, height, 72, svg)
        fig.draw(renderer)
        inches = Bbox.from_extents(*(f * d for f, d in zip(frame, (width, height) * 2)))
        box = Bbox.union([fig.get_tightbbox(renderer), inches]).padded(matplotlib.rcParams["savefig.pad_inches"])
        renderer.finalize()
    x, y, w, h = box.x0 * 72, (height - box.y1) * 72, box.width * 72, box.height * 72
    size = f'width="{w:.2f}pt" height="{h:.2f}pt" viewBox="{x:.2f} {y:.2f} {w:.2f} {h:.2f}"'
    text, n = re.subn(r'width="[^"]*" height="[^"]*" viewBox="[^"]*"', size, buf.getvalue(), count=1)
    if n != 1:  # pragma: no cover - a matplotlib whose SVG header we do not know
        raise RuntimeError("matplotlib 的 SVG 输出格式与预期不同，无法裁剪图表")
    return text


def hbar_chart(key: str, title: str, items: list[tuple[str, float]], unit: str = "件") -> Chart:
    """A horizontal bar chart, labelled with each value and ``unit`` (call inside :func:`chart_style`).

    Drawn without an ``Axes`` (:mod:`govreport_kit.report.plot`) where ``barh`` would draw it.
    """
    from govreport_kit.report.plot import TICK_PAD, Plot, padded

    n = len(items)
    plot = Plot(_figure(6.4, 0.42 * n + 0.6), (0, max([v for _, v in items] + [1]) * 1.18), padded(-0.4, n - 0.6))
    for i, (label, v) in enumerate(items):  # the first item on top
        y = n - 1 - i
        plot.bar(0, v, y - 0.4, y + 0.4, COLORS[0])
        plot.text(0, y, label, dx=-TICK_PAD, ha="right", va="center_baseline")  # a tick label
        plot.text(v, y, f"{v:g}{unit}", dx=3, ha="left", va="center", fontsize=10)  # bar_label, padding 3
    plot.spines("left")
    return Chart(key, title, _svg(plot, key))


def outcome_chart(model) -> Chart | None:
    items = outcome_counts(model)
    total = sum(v for _, v in items)
    if not total:
        return None
    return hbar_chart("outcomes", f"本年度办理结果（共{total}件）", items)


def applicant_chart(model) -> Chart | None:
    items = applicant_counts(model)
    total = sum(v for _, v in items)
    if not total:
        return None
    return hbar_chart("applicants", f"本年新收申请的申请人类型（共{total}件）", items)


def trend_chart(model) -> Chart | None:
    """Bars of 本年新收 per year (left axis), the line of the disclosed share in % (right axis)."""
    from matplotlib.lines import Line2D

    from govreport_kit.report.plot import Plot, bar_key, padded

    points = trend_points(model)
    if len(points) < 2:
        return None
    counts, share_lim = [n for _, n, _ in points], (0, 115)
    plot = Plot(_figure(6.4, 3.0), padded(-0.25, len(points) - 0.75), (0, max(counts + [1]) * 1.25))
    for x, n in enumerate(counts):
        plot.bar(x - 0.25, x + 0.25, 0, n, COLORS[1])
        plot.text(x, n, f"{n}件", dy=2, ha="center", va="bottom", fontsize=10)  # bar_label, padding 2
    handles: list = [bar_key(COLORS[1])]
    labels = ["本年新收申请（件）"]
    known = [(x, s) for x, (_, _, s) in enumerate(points) if s is not None]
    if known:
        line = dict(color=COLORS[2], marker="o")
        xs, ys = [plot.fx(x) for x, _ in known], [plot.fy(s, share_lim) for _, s in known]
        plot.fig.add_artist(Line2D(xs, ys, **line))
        for (x, s), fy in zip(known, ys):
            plot.at(plot.fx(x), fy, f"{s:.1f}%", dy=6, ha="center", va="baseline", fontsize=9, color=COLORS[2])
        handles.append(Line2D([], [], **line))
        labels.append("予以公开及部分公开占比（%）")
    plot.spines("left", "bottom", "right")
    plot.yticks(plot.ylim, "left")
    plot.yticks(share_lim, "right")
    plot.xticks(range(len(points)), [f"{y}年" for y, _, _ in points])
    plot.legend(handles, labels, "upper left", (0, 1.16), fontsize=9, frameon=False, ncols=2)
    return Chart("trend", f"{points[0][0]}—{points[-1][0]}年新收申请及予以公开、部分公开占比", _svg(plot, "trend"))


def review_chart(model) -> Chart | None:
    """Grouped bars: for 行政复议 and the two kinds of 行政诉讼, the count of each result."""
    from govreport_kit.report.plot import Plot, bar_key, padded

    groups, results = review_counts(model)
    if not any(sum(v) for _, v in results):
        return None
    k, width = len(results), 0.8 / len(results)
    bar_half = width * 0.95 / 2  # bars a little narrower than their slot
    half = (k - 1) / 2 * width + bar_half  # from a group's centre to its outermost bar's edge
    ylim = (0, max(max(v) for _, v in results) * 1.3 + 0.5)
    plot = Plot(_figure(6.4, 2.8), padded(-half, len(groups) - 1 + half), ylim)
    handles = []
    for i, (_, values) in enumerate(results):
        color = COLORS[i % len(COLORS)]
        for g, v in enumerate(values):
            x = g + (i - (k - 1) / 2) * width
            plot.bar(x - bar_half, x + bar_half, 0, v, color)
            if v:
                plot.text(x, v, str(v), dy=2, ha="center", va="bottom", fontsize=9)  # bar_label, padding 2
        handles.append(bar_key(color))
    plot.spines("bottom")
    plot.xticks(range(len(groups)), groups)
    plot.legend(handles, [label for label, _ in results], "upper right", (1, 1), fontsize=9, frameon=False, ncols=2)
    total = _n(model, "table4", "review", "total")
    lit = sum(_n(model, "table4", g, "total") for g in fmt.T4_SUBTOTALS["litigation"][1])
    return Chart("reviews", f"行政复议{total}件、行政诉讼{lit}件的结果", _svg(plot, "reviews"))


@contextmanager
def chart_style() -> Iterator[bool]:
    """The charts' matplotlib settings (CJK font, text as paths); yields False when no CJK font is installed."""
    font = font_file()
    if font is None:
        yield False
        return
    import matplotlib
    from matplotlib import font_manager

    if FONT_FAMILY not in {f.name for f in font_manager.fontManager.ttflist}:
        font_manager.fontManager.addfont(font)
    rc: dict[str, Any] = {
        "font.family": "sans-serif",
        "font.sans-serif": [FONT_FAMILY],
        "axes.unicode_minus": False,
        "font.size": 10,
        "svg.fonttype": "path",
    }
    with matplotlib.rc_context(rc):
        yield True


def report_charts(model) -> list[Chart]:
    """Every chart that has something to show, in report order; [] without a CJK font."""
    with chart_style() as ok:
        if not ok:
            return []
        charts = [outcome_chart(model), applicant_chart(model), trend_chart(model), review_chart(model)]
    return [c for c in charts if c is not None]


def figure_html(chart: Chart) -> str:
    """One chart as ``<figure>``: the SVG (ours, no input text) and an escaped caption."""
    title = html.escape(chart.title)
    svg = chart.svg.replace("<svg ", f'<svg role="img" aria-label="{title}" style="max-width:100%;height:auto" ', 1)
    return f'<figure class="chart" id="chart-{chart.key}">\n<figcaption>{title}</figcaption>\n{svg}</figure>\n'
