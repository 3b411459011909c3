"""Shared helpers for the checks, schemas and narrative tests: the sample model built in code."""

from __future__ import annotations

import json
from pathlib import Path

from govreport_kit.core import format as fmt
from govreport_kit.core import model as m

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures" / "checks"
SEED_JSON = HERE / "fixtures" / "sample" / "seed-xishan-edu-2023.json"
SAMPLE_NARRATIVE = HERE.parent / "params" / "xishan-edu" / "2023.md"

XISHAN = dict(name="昆明市西山区教育体育局", code="xishan-edu", region="云南省昆明市西山区",
              address="昆明市西山区秀苑路188号604室", postcode="650118", phone="0871-68226567",
              email="kmxsjyjbgs@126.com")


def seed_cells(path: Path = SEED_JSON):
    """(table, row, column, value) of the seed report's three tables (expected JSON layout)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return m.cells_from_dict({t: data[t] for t in fmt.TABLE_CODES})


def seed_model(narrative: dict[str, str] | None = None, **kwargs) -> m.AgencyYear:
    """The sample agency-year (西山区教育体育局 2023), with a part 五 unless told otherwise."""
    if narrative is None:
        narrative = {"problems": "部分稿件存在错敏字词，已整改。"}
    return m.from_cells(m.Agency(**XISHAN), 2023, seed_cells(), narrative=narrative, **kwargs)


def previous_of(model: m.AgencyYear) -> m.AgencyYear:
    """A previous year consistent with ``model`` for R-X-CARRY and R-X-STOCK (other cells blank)."""
    cells = [("table3", "carried_forward", c, model.get("table3", "carried", c)) for c in model.table3.columns]
    if model.format == "2021":
        for row in ("regulations", "normative_documents"):
            prev = (model.get("table2", row, "in_force") - model.get("table2", row, "issued")
                    + model.get("table2", row, "repealed"))
            cells.append(("table2", row, "in_force", prev))
    return m.from_cells(model.agency, model.year - 1, cells, form=model.format)
