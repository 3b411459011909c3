"""Table 三 from the application ledger: a three-year synthetic ledger against an independent count."""

from __future__ import annotations

import datetime as dt

import pytest

from govreport_kit.checks.rules import check
from govreport_kit.core import format as fmt
from govreport_kit.core.model import Agency
from govreport_kit.inputs.ledger import read_ledger
from govreport_kit.inputs.ledger_template import write_ledger_template
from govreport_kit.inputs.load import load_agency_year, load_previous
from govreport_kit.inputs.params import load_params

YEARS = (2022, 2023, 2024)
TABLE_RULES = {"R-T3-BAL", "R-T3-COL", "R-T3-ROW", "R-X-CARRY", "R-LEDGER", "R-LEDGER-ROW"}


@pytest.fixture(scope="module")
def three_years(synth_ledger, write_project, tmp_path_factory):
    root = tmp_path_factory.mktemp("ledger3")
    rows = synth_ledger()
    paths = {y: write_project(root, y, rows, ledger_name="ledger.csv") for y in YEARS}
    return rows, paths


def test_fixture_is_a_few_hundred_applications_over_three_years(three_years):
    rows, _ = three_years
    assert 300 <= len(rows) <= 500
    assert {r["received"].year for r in rows} == set(YEARS)
    assert any(r["closed"] is None for r in rows) and any(
        r["closed"] and r["closed"].year > r["received"].year for r in rows
    )


@pytest.mark.parametrize("year", YEARS)
def test_table3_equals_independent_count_and_identities_hold(independent_count, three_years, year):
    rows, paths = three_years
    params = load_params(paths[year])
    model = load_agency_year(params)
    expected = independent_count(rows, year)
    got = {(r, c): int(model.get("table3", r, c)) for r, c in fmt.cells("table3")}
    assert got == {k: expected.get(k, 0) for k in got}
    assert sum(got[(r, "total")] for r in ("new", "carried")) > 50
    previous = load_previous(params) if year > YEARS[0] else None
    findings = check(model, previous)
    assert not [f for f in findings if f.rule in TABLE_RULES], [f.message for f in findings if f.rule in TABLE_RULES]
    if previous is not None:  # the chain: this year's 上年结转 is last year's 结转下年度
        for c in fmt.T3_COLUMNS:
            assert model.get("table3", "carried", c.code) == previous.get("table3", "carried_forward", c.code)


def test_xlsx_ledger_gives_the_same_table_as_csv(three_years, tmp_path):
    rows, paths = three_years
    xlsx = write_ledger_template(
        tmp_path / "l.xlsx",
        Agency(name="台账测试局", code="ledger-test"),
        2024,
        [{k: r[k] for k in r if not k.endswith("_code")} for r in rows],
    )
    from govreport_kit.checks.ledger import derive_table3

    csv_ledger = read_ledger(paths[2024].parent / "ledger.csv")
    assert derive_table3(read_ledger(xlsx), 2024) == derive_table3(csv_ledger, 2024)


def test_gbk_csv_ledger_is_read(ledger_csv, synth_ledger, tmp_path):
    rows = synth_ledger(n=40, seed=3)
    (tmp_path / "gbk.csv").write_bytes(ledger_csv(rows, "gbk"))
    ledger = read_ledger(tmp_path / "gbk.csv")
    assert len(ledger.frame) == 40 and not ledger.problems
    assert set(ledger.frame["applicant"]) <= set(fmt.T3_COMPONENT_COLUMNS)


def test_codes_are_accepted_as_headers_and_values(tmp_path):
    text = "id,received,applicant,closed,outcome\nA1,2024-02-01,commercial,2024-02-10,denied_state_secret\n"
    (tmp_path / "codes.csv").write_text(text, encoding="utf-8")
    ledger = read_ledger(tmp_path / "codes.csv")
    row = ledger.frame.iloc[0]
    assert (row["applicant"], row["outcome"], row["closed"]) == (
        "commercial",
        "denied_state_secret",
        dt.date(2024, 2, 10),
    )


def test_fees_and_reply_statistics(three_years):
    rows, paths = three_years
    model = load_agency_year(paths[2023])
    s = model.ledger
    closed = [r for r in rows if r["closed"] and r["closed"].year == 2023]
    assert s.fee_count == sum(1 for r in closed if r["fee_yuan"])
    assert s.fee_total_yuan == sum((r["fee_yuan"] for r in closed if r["fee_yuan"]), 0)
    assert s.on_time + sum(1 for x in s.late if x.replied) + len([u for u in s.undecided]) >= len(closed) - 1
    assert s.median_days is not None and s.median_days > 0
    from govreport_kit.inputs.narrative import fill

    text = fill(
        "收费{{ ledger.fees.count }}件，共{{ ledger.fees.total_yuan }}元；按时答复{{ ledger.on_time }}件。", model
    )
    assert text == f"收费{s.fee_count}件，共{s.fee_total_yuan}元；按时答复{s.on_time}件。"
