"""Charts drawn as figure-level matplotlib artists, in data coordinates, without an ``Axes``.

An ``Axes`` builds and lays out a tick machinery (tick objects, locators, formatters, label
boxes) that the report's small fixed charts barely use, and that was most of the time spent
drawing them. Measured per chart, before (an ``Axes``, ``savefig(bbox_inches="tight")``) and
after (this module, drawn once and cropped by :func:`govreport_kit.report.charts._draw_tight`):
each bar chart 53 -> 20 ms, the trend 121 -> 41 ms, the review results 66 -> 27 ms.

:class:`Plot` places rectangles, lines, texts and a legend where matplotlib's default subplot
would put them for the given data limits: the same box (``figure.subplot.*``), the same
paddings (``ytick.major.pad``, ``bar_label``'s ``padding``), the same tick values
(``AutoLocator``'s rule), the same cropped size. Rendering is still matplotlib's, so the SVG is
drawn with the same fonts, text as paths, deterministic as before.
``tests/report/test_plot.py`` compares the pixels in Chromium with matplotlib's own ``Axes``.

Imports matplotlib: import it only where a chart is drawn (see :mod:`govreport_kit.report.charts`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import offset_copy

#: matplotlib's default subplot box, in figure fractions (left, right, bottom, top).
BOX = (0.125, 0.9, 0.11, 0.88)
TICK_PAD = 3.5  # points between an axis line and its tick labels (``xtick/ytick.major.pad``)
MARGIN = 0.05  # ``axes.xmargin`` / ``axes.ymargin``


def padded(lo: float, hi: float) -> tuple[float, float]:
    """Data limits with matplotlib's 5% margins, as autoscaling gives them."""
    pad = MARGIN * (hi - lo)
    return lo - pad, hi + pad


class Plot:
    """A figure with one plotting box and the data limits ``xlim`` × ``ylim`` mapped onto it."""

    #: The plotting box as figure fractions (x0, y0, x1, y1): an Axes' tight box includes all of
    #: it, so the crop (``charts._draw_tight``) does too.
    FRAME = (BOX[0], BOX[2], BOX[1], BOX[3])

    def __init__(self, fig, xlim: tuple[float, float], ylim: tuple[float, float]):
        self.fig, self.xlim, self.ylim = fig, xlim, ylim
        self._offsets: dict[tuple[float, float], Any] = {}

    def fx(self, x: float) -> float:
        left, right, _, _ = BOX
        return left + (right - left) * (x - self.xlim[0]) / (self.xlim[1] - self.xlim[0])

    def fy(self, y: float, ylim: tuple[float, float] | None = None) -> float:
        lo, hi = ylim or self.ylim
        _, _, bottom, top = BOX
        return bottom + (top - bottom) * (y - lo) / (hi - lo)

    def offset(self, dx: float = 0, dy: float = 0):
        """The figure transform shifted by (dx, dy) points (one per distinct shift)."""
        if (dx, dy) not in self._offsets:
            self._offsets[dx, dy] = offset_copy(self.fig.transFigure, fig=self.fig, x=dx, y=dy, units="points")
        return self._offsets[dx, dy]

    def bar(self, x0: float, x1: float, y0: float, y1: float, color: str) -> Rectangle:
        fx0, fy0 = self.fx(x0), self.fy(y0)
        return self.fig.add_artist(bar_key(color, (fx0, fy0), self.fx(x1) - fx0, self.fy(y1) - fy0))

    def text(self, x: float, y: float, s: str, dx: float = 0, dy: float = 0, **kw):
        """``s`` at data point (x, y) moved by (dx, dy) points; ``kw``: alignment, size, colour."""
        return self.fig.text(self.fx(x), self.fy(y), s, transform=self.offset(dx, dy), **kw)

    def at(self, fx: float, fy: float, s: str, dx: float = 0, dy: float = 0, **kw):
        """``s`` at figure fractions (fx, fy) moved by (dx, dy) points."""
        return self.fig.text(fx, fy, s, transform=self.offset(dx, dy), **kw)

    def spines(self, *sides: str) -> None:
        """The box's edges named (``left``, ``right``, ``bottom``, ``top``), as an axes draws its spines."""
        left, right, bottom, top = BOX
        ends = {
            "left": ([left, left], [bottom, top]),
            "right": ([right, right], [bottom, top]),
            "bottom": ([left, right], [bottom, bottom]),
            "top": ([left, right], [top, top]),
        }
        for side in sides:
            xs, ys = ends[side]
            self.fig.add_artist(Line2D(xs, ys, color="black", linewidth=0.8, solid_capstyle="projecting"))

    def yticks(self, ylim: tuple[float, float], side: str = "left", fontsize: float = 10) -> None:
        """Tick labels (no tick marks) of a y axis with limits ``ylim`` on one side of the box."""
        fx, dx, ha = (BOX[0], -TICK_PAD, "right") if side == "left" else (BOX[1], TICK_PAD, "left")
        height_pt = (BOX[3] - BOX[2]) * self.fig.get_figheight() * 72
        values = auto_ticks(ylim, height_pt, fontsize)
        for v, label in zip(values, tick_labels(values)):
            self.at(fx, self.fy(v, ylim), label, dx=dx, ha=ha, va="center_baseline", fontsize=fontsize)

    def xticks(self, positions: Sequence[float], labels: Sequence[str], fontsize: float = 10) -> None:
        """Tick labels (no tick marks) under the box, centred on each data x."""
        for x, label in zip(positions, labels):
            self.at(self.fx(x), BOX[2], label, dy=-TICK_PAD, ha="center", va="top", fontsize=fontsize)

    def legend(self, handles: list, labels: list[str], loc: str, anchor: tuple[float, float], **kw) -> Legend:
        """A legend placed like an axes legend whose ``bbox_to_anchor`` is ``anchor`` in axes fractions."""
        left, right, bottom, top = BOX
        at = (left + (right - left) * anchor[0], bottom + (top - bottom) * anchor[1])
        legend = Legend(
            self.fig, handles, labels, loc=loc, bbox_to_anchor=at, bbox_transform=self.fig.transFigure, **kw
        )
        self.fig.legends.append(legend)
        return legend


def bar_key(color: str, xy: tuple[float, float] = (0, 0), width: float = 1, height: float = 1) -> Rectangle:
    """A bar as ``bar``/``barh`` draw it (no edge); with the defaults, its key in a legend."""
    return Rectangle(xy, width, height, facecolor=color, edgecolor="none", lw=0)


def auto_ticks(lim: tuple[float, float], length_pt: float, fontsize: float = 10) -> list[float]:
    """The tick values matplotlib's default ``AutoLocator`` gives an axis ``length_pt`` points long.

    As ``YAxis.get_tick_space``: room for one tick per two label heights, at most 9 intervals.
    """
    nbins = max(1, min(9, math.floor(length_pt / (fontsize * 2))))
    values = MaxNLocator(nbins=nbins, steps=[1, 2, 2.5, 5, 10]).tick_values(*lim)
    lo, hi = lim
    eps = (hi - lo) * 1e-10
    return [float(v) for v in values if lo - eps <= v <= hi + eps]


def tick_labels(values: Sequence[float]) -> list[str]:
    """Labels as matplotlib's ``ScalarFormatter`` writes them: one number of decimals for all."""
    decimals = 0
    for v in values:
        while decimals < 6 and abs(round(v, decimals) - v) > 1e-9 * max(1.0, abs(v)):
            decimals += 1
    return [f"{v:.{decimals}f}" for v in values]
