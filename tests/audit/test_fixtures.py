"""The audit fixtures (tests/fixtures/audit/), one per kind of published input, read as expected.

Each ``NAME.expected.json`` holds the tables the report was written from; a cell is either read
exactly or, for run-together digits without an identity to decide, left empty and named.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from govreport_kit.audit import audit_paths

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "audit"
CASES = sorted(
    p
    for p in FIXTURES.iterdir()
    if p.suffix in (".txt", ".md", ".html") and (FIXTURES / (p.stem + ".expected.json")).exists()
)


def flat(tables: dict):
    for key, rows in tables.items():
        for row, v in rows.items():
            if isinstance(v, dict):
                for col, x in v.items():
                    yield (key, row, col), x
            else:
                yield (key, row, "value"), v


def same(a, b):
    return (a is None and b is None) or (a is not None and b is not None and Decimal(str(a)) == Decimal(str(b)))


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.name)
def test_fixture_reads_as_written(path):
    exp = json.loads((FIXTURES / (path.stem + ".expected.json")).read_text(encoding="utf-8"))
    res = audit_paths([path])[0]
    assert res.format == exp["format"]
    assert res.agency == "测试县市场监督管理局" and res.year == 2023
    got = dict(flat(res.to_dict()["tables"]))
    unread = {
        (
            ("table2" if t == "table2" and exp["format"] == "2021" else "table2_2019" if t == "table2" else t),
            r,
            c if not (t == "table2" and c == "value") else "value",
        )
        for t, r, c in res.unread_cells
    }
    for key, v in flat(exp["tables"]):
        if key in unread:
            assert key[0].startswith("table2"), key  # only table 二 lacks identities
            assert any(u.kind == "ambiguous_row" and u.row == key[1] for u in res.unreadable)
        else:
            assert same(got[key], v), (key, got[key], v)
    errors = [f for f in res.findings if f.severity == "error"]
    assert errors == []
    narrative = {f.rule for f in res.findings if f.rule.startswith("R-N-")}
    assert narrative == ({"R-N-T3"} if "prose_disagrees" in path.name else set())


def test_truncated_fixture():
    res = audit_paths([FIXTURES / "truncated_in_table3.txt"])[0]
    assert not res.has_errors
    assert res.model.get("table3", "denied_third_party_rights", "total") == 2
    assert ("table3", "total", "total") in res.unread_cells and ("table4", "review", "total") in res.unread_cells
    kinds = [u.kind for u in res.unreadable]
    assert kinds.count("truncated") >= 2


def test_older_outline_fixture():
    res = audit_paths([FIXTURES / "older_outline_2018.txt"])[0]
    assert res.format == "older" and res.year == 2018 and res.agency == "某县民政局"
    assert res.readable and res.to_dict()["tables"] == {}
