"""A synthetic region for tests and benchmarks: a three-level tree of agencies, deterministic from a seed.

``city`` (某某市) holds its own agencies and ``districts`` regions (某某区一 …), each with its
agencies. Chosen agencies are left without params (``missing``: 未建立), handed a blank template
(``blank``: 未填写) or given an identity error (``errors``); the rest are consistent, with every
year in ``years`` written (csv data by default, as :func:`synth.write_agency` does).
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from govreport_kit.authoring.synth import SynthAgency, synth_agency_years, write_agency
from govreport_kit.inputs.strict_yaml import dump_scalar

CITY = "city"
NUMERALS = "一二三四五六七八九十"


@dataclass
class SynthRegion:
    regions: dict[str, dict]  # the regions.yaml mapping
    agencies: list[SynthAgency]
    missing: list[str] = field(default_factory=list)
    blank: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def with_data(self) -> list[SynthAgency]:
        skip = set(self.missing) | set(self.blank)
        return [a for a in self.agencies if a.agency.code not in skip]


def _district_name(i: int) -> str:
    return f"某某区{NUMERALS[i] if i < len(NUMERALS) else i + 1}"


def synth_region(
    n: int = 60,
    seed: int = 0,
    *,
    districts: int = 5,
    years: Iterable[int] = (2022, 2023),
    missing: int = 3,
    blank: int = 3,
    errors: int = 3,
) -> SynthRegion:
    """The plan of a region of ``n`` agencies (nothing written)."""
    rng = random.Random(seed)
    picks = rng.sample(range(n), missing + blank + errors)
    miss, blk, err = picks[:missing], picks[missing : missing + blank], picks[missing + blank :]
    items = synth_agency_years(n, seed, years, {i: "identity" for i in err})
    codes = [it.agency.code for it in items]
    per = n // (districts + 1)
    city_members: list[str] = codes[:per]
    regions: dict[str, dict] = {}
    rest = codes[per:]
    for d in range(districts):
        code = f"district-{d + 1}"
        chunk = rest[d::districts]
        regions[code] = {"name": _district_name(d), "members": chunk}
        city_members.append(code)
    regions = {CITY: {"name": "某某市", "members": city_members}, **regions}
    return SynthRegion(regions, items, [codes[i] for i in miss], [codes[i] for i in blk], [codes[i] for i in err])


def regions_yaml(regions: dict[str, dict]) -> str:
    lines = []
    for code, body in regions.items():
        lines.append(f"{code}:")
        lines.append(f"  name: {dump_scalar(body['name'])}")
        lines.append("  members:")
        lines += [f"    - {m}" for m in body["members"]]
        if body.get("own"):
            lines.append(f"  own: {body['own']}")
    return "\n".join(lines) + "\n"


def write_region(params_dir: str | Path, n: int = 60, seed: int = 0, **kw) -> SynthRegion:
    """Write the region under ``params_dir``: regions.yaml and every agency but the missing ones."""
    from govreport_kit.inputs.template import write_template

    plan = synth_region(n, seed, **kw)
    params_dir = Path(params_dir)
    params_dir.mkdir(parents=True, exist_ok=True)
    (params_dir / "regions.yaml").write_text(regions_yaml(plan.regions), encoding="utf-8")
    for item in plan.agencies:
        code = item.agency.code
        if code in plan.missing:
            continue
        write_agency(params_dir, item)
        if code in plan.blank:  # the latest year is still the template as handed out
            model = item.years[-1]
            folder = params_dir / code
            xlsx = folder / f"{model.year}.xlsx"
            write_template(xlsx, item.agency, model.year)
            (folder / f"{model.year}.csv").unlink()
            params = folder / f"{model.year}.yaml"
            text = params.read_text(encoding="utf-8").replace(f"{model.year}.csv", xlsx.name)
            params.write_text(text, encoding="utf-8")
    return plan
