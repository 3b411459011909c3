"""The audit's plain-Python twin of ``checks.check`` gives exactly the same findings."""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

import pytest

from govreport_kit.audit import audit_paths, fastcheck
from govreport_kit.checks import rules as checks
from govreport_kit.core import format as fmt

from ._synth import make_cells, model_of

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "corpus"


def same(a, b):
    assert [f.to_dict() for f in a] == [f.to_dict() for f in b]


def test_identical_on_every_corpus_model():
    results = [r for r in audit_paths([CORPUS]) if r.model is not None]
    assert len(results) == 17
    for r in results:
        same(checks.check(r.model), fastcheck.check(r.model))


@pytest.mark.parametrize("form", fmt.FORMATS)
@pytest.mark.parametrize("seed", range(8))
def test_identical_on_mutated_models(form, seed):
    rng = random.Random(seed)
    cells = make_cells(seed, form, blanks=True)
    keys = list(cells)
    for _ in range(rng.randint(1, 4)):  # break identities, values and blanks at random
        k = rng.choice(keys)
        cells[k] = rng.choice([None, -1, 0, 7, 123, Decimal("1.5") if k[0] == "table2" else 9])
    model = of = model_of(cells, form, year=rng.choice([2020, 2021, 2023]))
    previous = model_of(make_cells(seed + 100, form), form, year=of.year - 1)
    previous.agency = model.agency
    same(checks.check(model, previous), fastcheck.check(model, previous))
    same(checks.check(model), fastcheck.check(model))
    assert fastcheck.check(model)  # blanks at least are reported: the comparison is not vacuous


def test_unread_tables_only_skip_findings_the_audit_drops():
    cells = make_cells(3, "2021", blanks=True)
    for k in list(cells):
        if k[0] == "table3":
            cells[k] = None
    model = model_of(cells, "2021")
    full = fastcheck.check(model)
    lean = fastcheck.check(model, unread_tables=("table3",))
    assert [f.to_dict() for f in full if f.table != "table3"] == [f.to_dict() for f in lean]
    assert any(f.table == "table3" for f in full)
