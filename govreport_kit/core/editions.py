"""Report years and editions: one valid year range and one list of audiences, for every input and output.

Params files, data files (CSV, YAML, workbook), ``govreport new``/``template``, batch discovery,
output folders and the year rules (R-META, R-FMT) all use :func:`year_problem`. Re-exported by
:mod:`govreport_kit.core.format`; imports nothing.
"""

from __future__ import annotations

# Report editions: ``review`` lists the findings on top; ``publish`` is refused while errors stand.

REVIEW, PUBLISH = "review", "publish"
AUDIENCES = (REVIEW, PUBLISH)

# Report years: one valid range for params, data files, workbooks, output folders and R-META.

#: Valid report years, inclusive: the disclosure regulations (条例) took effect in 2008.
YEAR_RANGE = (2008, 2100)
#: The year of a data file that names none (long-form CSV without meta rows): rules that need a
#: year (:data:`YEAR_RULES`) are not run on it.
UNKNOWN_YEAR = 0
YEAR_RULES = ("R-META", "R-FMT")


def year_problem(year: object) -> str | None:
    """None for a valid report year (an ``int`` in :data:`YEAR_RANGE`), else a Chinese sentence why not."""
    lo, hi = YEAR_RANGE
    if isinstance(year, bool) or not isinstance(year, int):
        return f"年度“{year}”不是整数"
    if not lo <= year <= hi:
        return f"年度 {year} 不在 {lo}–{hi} 之间"
    return None
