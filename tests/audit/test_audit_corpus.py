"""The real published reports of the corpus (a copy under tests/fixtures/corpus) against expected/."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from govreport_kit.audit import audit_paths
from govreport_kit.core import format as fmt

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "fixtures" / "corpus"
SEED = ROOT / "tests" / "fixtures" / "seeds" / "000_1470c6164cb70c53.txt"
EXPECTED = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted((CORPUS / "expected").glob("*.json"))}
COMPLETE = [
    "hangzhou-style-2025.html",
    "pingtan-2019.html",
    "pingtan-2021.html",
    "pingtan-2022.txt",
    "shanghai-office-2019.html",
    "seed",
]
EXCERPTS = sorted(p.name for p in CORPUS.glob("excerpt-*.txt"))


@pytest.fixture(scope="module")
def results():
    files = sorted(p for p in CORPUS.iterdir() if p.suffix in (".html", ".txt")) + [SEED]
    res = audit_paths(files)
    return {("seed" if Path(r.source) == SEED else Path(r.source).name): r for r in res}


def expected_for(name: str) -> dict:
    if name == "seed":
        return EXPECTED["seed-xishan-edu-2023"]
    return EXPECTED[Path(name).stem]


def cells(exp: dict):
    form = exp["format"]
    for table in fmt.TABLE_CODES:
        key = ("table2" if form == "2021" else "table2_2019") if table == "table2" else table
        for r, c in fmt.cells(table, form):
            v = exp[key][r]
            yield key, r, c, (v.get(c) if isinstance(v, dict) else v)


def same(a, b) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and Decimal(str(a)) == Decimal(str(b)))


@pytest.mark.parametrize("name", COMPLETE)
def test_every_cell_of_complete_reports(results, name):
    res, exp = results[name], expected_for(name)
    assert (res.format, res.year) == (exp["format"], exp["year"])
    assert exp["agency"].startswith(res.agency) and res.agency
    got = res.to_dict()["tables"]
    wrong = [
        (k, r, c, v, (got[k][r].get(c) if isinstance(got[k][r], dict) else got[k][r]))
        for k, r, c, v in cells(exp)
        if not same(v, got[k][r].get(c) if isinstance(got[k][r], dict) else got[k][r])
    ]
    assert wrong == []
    assert not res.unread_cells


@pytest.mark.parametrize(
    "name, ambiguous_rows",
    [
        ("pingtan-2021.txt", {"normative_documents"}),  # "693665": 69/3/665 or 6/93/665 …, nothing decides
        (
            "pingtan-2019.txt",
            {
                "normative_documents",
                "licensing",
                "other_external_management_services",
                "punishment",
                "enforcement",
                "administrative_fees",
                "government_procurement",
            },
        ),
    ],
)
def test_run_together_text_exports_read_right_or_say_ambiguous(results, name, ambiguous_rows):
    res, exp = results[name], expected_for(name)
    got = res.to_dict()["tables"]
    for k, r, c, v in cells(exp):
        table = "table2" if k.startswith("table2") else k
        g = got[k][r].get(c) if isinstance(got[k][r], dict) else got[k][r]
        if (table, r, c) in res.unread_cells:
            assert table == "table2" and r in ambiguous_rows
        else:
            assert same(v, g), (k, r, c, v, g)
    amb = {u.row: u for u in res.unreadable if u.kind == "ambiguous_row"}
    assert set(amb) == ambiguous_rows
    truth = exp["table2" if exp["format"] == "2021" else "table2_2019"]
    for row, u in amb.items():
        want = [truth[row][c.code] for c in fmt.table_columns("table2", row, exp["format"])]
        assert any(all(same(a, b) for a, b in zip(want, cand)) for cand in u.candidates)


@pytest.mark.parametrize("name", COMPLETE + ["pingtan-2019.txt", "pingtan-2021.txt"])
def test_expected_violations_found_and_no_other_error(results, name):
    res, exp = results[name], expected_for(name)
    for v in exp["violations"]:
        rule, where = v.split(":")
        assert any(f.rule == rule and where in (f.row, f.column) for f in res.findings), v
    expected_rules = {v.split(":")[0] for v in exp["violations"]}
    assert {f.rule for f in res.findings if f.severity == "error"} <= expected_rules
    for m in exp["narrative_mismatches"]:
        assert m.split(":")[0] in {f.rule for f in res.findings}, m


def test_seed_has_no_error_and_flags_r_n_t2(results):
    res = results["seed"]
    assert not res.has_errors
    t2 = sorted((f.row, f.expected, f.found) for f in res.findings if f.rule == "R-N-T2")
    assert t2 == [("licensing", 56, 104), ("punishment", 4, 3)]
    assert all(f.severity == "warning" for f in res.findings if f.rule == "R-N-T2")


def test_shanghai_blank_totals_are_errors_by_the_arithmetic_and_reported_as_blank(results):
    res = results["shanghai-office-2019.html"]
    rows = {f.row for f in res.findings if f.rule == "R-T3-ROW"}
    assert len(rows) == 11
    assert {f.row for f in res.findings if f.rule == "R-BLANK-TOTAL"} == rows


def test_cross_year_rules_between_pingtan_reports(results):
    res = results["pingtan-2022.txt"]
    assert not [f for f in res.findings if f.rule in ("R-X-CARRY", "R-X-STOCK")]  # both hold (notes of expected)
    assert any(u.kind == "unknown_label" and u.nearest == fmt.PART_BY_CODE["table4"].title for u in res.unreadable)


@pytest.mark.parametrize("name", EXCERPTS)
def test_excerpts_yield_what_they_hold(results, name):
    res = results[name]
    assert res.model is not None
    assert not res.has_errors
    assert any(u.kind == "truncated" for u in res.unreadable)
    read = sum(1 for _ in res.model.iter_cells()) - len(res.unread_cells)
    assert read > 0
    for t, _r, _c in res.unread_cells:  # what was not read is named
        assert any(u.table in (None, t) for u in res.unreadable)


def test_excerpt_values(results):
    r13 = results["excerpt-013.txt"].to_dict()["tables"]
    assert r13["table2"]["normative_documents"] == {"issued": 5, "repealed": 1, "in_force": 25}
    assert r13["table3"]["new"]["total"] == 66 and r13["table3"]["denied_internal_affairs"]["total"] == 1
    assert r13["table3"]["denied_law_enforcement_files"]["total"] is None  # cut inside the row
    r43 = results["excerpt-043.txt"]
    assert r43.model.get("table2", "fees_wan_yuan", "value") == Decimal("18.8710")
    r46 = results["excerpt-046.txt"].to_dict()["tables"]["table2_2019"]
    assert r46["punishment"] == {"previous_year_items": 253, "change_this_year": -253, "decisions_this_year": 0}
    assert r46["government_procurement"]["total_amount_yuan"] == 1033879  # 103.3879万元
    r30 = results["excerpt-030.txt"].to_dict()["tables"]["table3"]
    assert r30["new"] == {
        "natural_person": 0,
        "commercial": None,
        "research": None,
        "social_welfare": None,
        "legal_service": None,
        "other_org": None,
        "total": 0,
    }
    assert results["excerpt-015.txt"].format == "2019" and results["excerpt-029.txt"].format == "2019"
    assert "R-FMT" in {f.rule for f in results["excerpt-015.txt"].findings}


def test_bench_script_on_the_copy():
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "audit_corpus.py"), str(CORPUS), "--seconds", "0.2"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    last = json.loads(out.stdout.strip().splitlines()[-1])
    assert set(last) >= {
        "reports",
        "cells_total",
        "cells_correct",
        "violations_expected",
        "violations_found",
        "unexpected_errors",
        "exceptions",
        "reports_per_second",
    }
    assert last["reports"] == 18 and last["exceptions"] == 0 and last["unexpected_errors"] == 0
    assert last["violations_found"] == last["violations_expected"]
    assert last["cells_wrong"] == 0
