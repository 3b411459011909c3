"""Property tests: consistent tables pass; one changed cell fires exactly the rules that use it.

The expected rules are derived here from the definitions of format-2021.md §5 (and the
conventions of where each rule reports), not from the checker.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govreport_kit.checks import rules as checks
from govreport_kit.core import format as fmt
from govreport_kit.core import model as m

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
COUNTS = st.integers(min_value=0, max_value=40)
APPLICANTS = ["natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org"]


def outcome_rows(form: str) -> list[str]:
    """Rows 3–23 (2021) / 3–21 (2019): everything between 予以公开 and （七）总计."""
    rows = [r.code for r in fmt.table_rows("table3", form)]
    return rows[rows.index("granted") : rows.index("total")]


@st.composite
def consistent_years(draw, form: str = "2021"):
    """(model, previous): tables where every E-rule holds, and a previous year that agrees."""
    year = 2023 if form == "2021" else 2020
    cells = []
    t3: dict[tuple[str, str], int] = {}
    for col in APPLICANTS:
        for row in outcome_rows(form):
            t3[(row, col)] = draw(COUNTS)
        total = sum(t3[(row, col)] for row in outcome_rows(form))
        forward = draw(COUNTS)
        carried = min(draw(COUNTS), total + forward)
        t3[("total", col)], t3[("carried_forward", col)], t3[("carried", col)] = total, forward, carried
        t3[("new", col)] = total + forward - carried  # new + carried = total + carried_forward
    for row in [r.code for r in fmt.table_rows("table3", form)]:
        t3[(row, "total")] = sum(t3[(row, c)] for c in APPLICANTS)
    cells += [("table3", r, c, v) for (r, c), v in t3.items()]
    for group in ("review", "litigation_direct", "litigation_after_review"):
        parts = {k: draw(COUNTS) for k in ("upheld", "corrected", "other", "pending")}
        cells += [("table4", group, k, v) for k, v in parts.items()]
        cells.append(("table4", group, "total", sum(parts.values())))
    prev_cells = [("table3", "carried_forward", c, t3[("carried", c)]) for c in [*APPLICANTS, "total"]]
    for row, column in fmt.cells("table2", form):
        if fmt.is_decimal_cell("table2", row, column, form):
            value = draw(st.decimals(min_value=0, max_value=10000, places=4, allow_nan=False, allow_infinity=False))
        elif column == "change_this_year":
            value = draw(st.integers(-20, 20))
        else:
            value = draw(COUNTS)
        cells.append(("table2", row, column, value))
    if form == "2021":  # in_force = last year's in_force + issued − repealed
        t2 = {(r, c): v for t, r, c, v in cells if t == "table2"}
        for row in ("regulations", "normative_documents"):
            last = draw(COUNTS)
            issued = t2[(row, "issued")]
            repealed = min(t2[(row, "repealed")], last + issued)
            cells = [x for x in cells if x[:3] not in {("table2", row, "repealed"), ("table2", row, "in_force")}]
            cells += [("table2", row, "repealed", repealed), ("table2", row, "in_force", last + issued - repealed)]
            prev_cells.append(("table2", row, "in_force", last))
    agency = m.Agency(name="某区某局", code="some-agency")
    model = m.from_cells(agency, year, cells, form=form, narrative={"problems": "信息更新不够及时。"})
    previous = m.from_cells(agency, year - 1, prev_cells, form=form)
    return model, previous


def expected_hits(table, row, column, new_value, form, with_previous):
    """The (rule, table, row, column) every rule reports when only this one cell changed."""
    out = set()
    if table == "table3":
        out.add(("R-T3-ROW", table, row, "total"))  # every row sums to its 总计 column
        if row in outcome_rows(form) or row == "total":
            out.add(("R-T3-COL", table, "total", column))
        if row in ("new", "carried", "total", "carried_forward"):
            out.add(("R-T3-BAL", table, "carried_forward", column))
        if with_previous and row == "carried":
            out.add(("R-X-CARRY", table, "carried", column))
    elif table == "table4":
        out.add(("R-T4-SUM", table, row, "total"))
    elif form == "2021" and with_previous and row in ("regulations", "normative_documents"):
        out.add(("R-X-STOCK", table, row, "in_force"))
    signed = table == "table2" and column == "change_this_year"
    if new_value < 0 and not signed:
        out.add(("R-INT", table, row, column))
    return out


def hits(findings):
    return {(f.rule, f.table, f.row, f.column) for f in findings}


@st.composite
def one_changed_cell(draw, form: str):
    model, previous = draw(consistent_years(form))
    table = draw(st.sampled_from(fmt.TABLE_CODES))
    row, column = draw(st.sampled_from(list(fmt.cells(table, form))))
    old = model.get(table, row, column)
    delta = draw(st.integers(-5, 5).filter(bool))
    if isinstance(old, Decimal):
        delta = Decimal(delta) / draw(st.sampled_from([1, 4, 100]))
    return model, previous, table, row, column, old + delta


@settings(SETTINGS, max_examples=60)
@given(consistent_years(), st.booleans())
def test_consistent_tables_yield_no_finding(years, with_previous):
    model, previous = years
    assert checks.check(model, previous if with_previous else None) == []


@settings(SETTINGS, max_examples=25)
@given(consistent_years("2019"))
def test_consistent_2019_tables_yield_no_finding(years):
    model, previous = years
    assert checks.check(model, previous) == []


@SETTINGS
@given(one_changed_cell("2021"), st.booleans())
def test_one_changed_cell_fires_exactly_the_rules_that_use_it(case, with_previous):
    model, previous, table, row, column, value = case
    model.set(table, row, column, value)
    findings = checks.check(model, previous if with_previous else None)
    assert hits(findings) == expected_hits(table, row, column, value, "2021", with_previous)
    for f in findings:
        assert f.severity == fmt.RULE_BY_ID[f.rule].severity
        assert f.expected != f.found or f.rule == "R-INT"


@settings(SETTINGS, max_examples=50)
@given(one_changed_cell("2019"), st.booleans())
def test_one_changed_cell_in_the_2019_format(case, with_previous):
    model, previous, table, row, column, value = case
    model.set(table, row, column, value)
    findings = checks.check(model, previous if with_previous else None)
    assert hits(findings) == expected_hits(table, row, column, value, "2019", with_previous)


@settings(SETTINGS, max_examples=40)
@given(consistent_years(), st.data())
def test_blanking_a_zero_cell_only_reports_the_blank(years, data):
    model, _ = years
    zeros = [(t, r, c) for t, r, c, v in model.iter_cells() if v == 0]
    if not zeros:
        return
    table, row, column = data.draw(st.sampled_from(zeros))
    model.set(table, row, column, None)
    assert hits(checks.check(model)) == {("R-BLANK", table, row, column)}
