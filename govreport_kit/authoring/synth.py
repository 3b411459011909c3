"""Synthetic agencies for tests and benchmarks, deterministic from a seed.

:func:`synth_agency_years` builds consistent models (every E-rule holds; year-to-year carry and
stock chains hold too) of realistic sizes: most agencies receive a handful of applications, a few
receive hundreds; table 二 counts are skewed the same way; fees are exact Decimals in 万元 with 2–6
decimals. :func:`write_agencies` writes them as ``params/<code>/<year>.yaml`` plus a long-form
CSV and a narrative Markdown whose numbers are placeholders, using the inputs helper's writers.

Injected errors (``errors={code_or_index: kind}``):

* ``"identity"``: one table 三 cell changed so R-T3-BAL/R-T3-COL/R-T3-ROW fail (a ``findings`` job);
* ``"unreadable"``: text in a count cell of the data file (the input cannot be read: ``failed``);
* ``"cell_error"``, ``"slow"``, ``"kernel_death"``: faults that happen *while the notebook runs*.
  Production code has no switch for them: they are listed in ``<params_dir>/faults.json`` and only
  the test notebook made by :func:`write_fault_notebook` (the real notebook plus one cell after
  the parameters) reads that file. Pass that notebook to the batch (``notebook=``).
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from govreport_kit.authoring.synth_narrative import narrative_markdown  # noqa: F401 (part of this module's API)
from govreport_kit.core import format as fmt
from govreport_kit.core.model import Agency, AgencyYear, agency_code_problem, from_cells

DATA_ERRORS = ("identity", "unreadable")
RUNTIME_FAULTS = ("cell_error", "slow", "kernel_death")
ERROR_KINDS = DATA_ERRORS + RUNTIME_FAULTS
FAULTS_FILE = "faults.json"

_REGIONS = (
    ("xishan", "昆明市西山区"),
    ("wuhua", "昆明市五华区"),
    ("panlong", "昆明市盘龙区"),
    ("guandu", "昆明市官渡区"),
    ("chenggong", "昆明市呈贡区"),
    ("jinning", "昆明市晋宁区"),
    ("anning", "安宁市"),
    ("fumin", "富民县"),
    ("yiliang", "宜良县"),
    ("shilin", "石林彝族自治县"),
    ("songming", "嵩明县"),
    ("luquan", "禄劝彝族苗族自治县"),
)
_DEPARTMENTS = (
    ("gov", "人民政府办公室"),
    ("edu", "教育体育局"),
    ("health", "卫生健康局"),
    ("nrp", "自然资源局"),
    ("housing", "住房和城乡建设局"),
    ("hrss", "人力资源和社会保障局"),
    ("finance", "财政局"),
    ("market", "市场监督管理局"),
    ("transport", "交通运输局"),
    ("water", "水务局"),
    ("agri", "农业农村局"),
    ("civil", "民政局"),
    ("eco", "生态环境分局"),
    ("emergency", "应急管理局"),
    ("culture", "文化和旅游局"),
    ("stats", "统计局"),
)
# Relative weights of the 21 outcome rows (granted, partial, denied…, unable…, not processed…, other…).
_OUTCOME_WEIGHTS = dict(
    zip(
        fmt.T3_OUTCOME_ROWS,
        (
            40,
            9,
            0.3,
            1,
            0.3,
            1.5,
            1.5,
            2,
            0.5,
            0.5,  # granted … denied_query_matter
            18,
            2,
            2,  # unable_*
            3,
            3,
            0.5,
            1,
            2,  # not_processed_*
            3,
            0.3,
            2,  # other_*
        ),
    )
)
_COLUMN_WEIGHTS = {
    "natural_person": 85,
    "commercial": 9,
    "research": 0.5,
    "social_welfare": 0.5,
    "legal_service": 2,
    "other_org": 3,
}


@dataclass(frozen=True)
class SynthAgency:
    """One synthetic agency and its models, oldest year first."""

    agency: Agency
    years: tuple[AgencyYear, ...]
    error: str | None = None


# ------------------------------------------------------------------------------- pure generation
def _size_class(rng: random.Random) -> int:
    """Applications received in a year: mostly a handful, sometimes dozens, rarely hundreds."""
    u = rng.random()
    if u < 0.70:
        return rng.randint(0, 12)
    if u < 0.95:
        return rng.randint(13, 90)
    return rng.randint(100, 700)


def _split(rng: random.Random, total: int, weights: Mapping[str, float]) -> dict[str, int]:
    """``total`` items spread over ``weights``' keys at random (a multinomial draw)."""
    keys = list(weights)
    out = dict.fromkeys(keys, 0)
    if total <= 0:
        return out
    picks = rng.choices(keys, weights=[weights[k] for k in keys], k=total)
    for k in picks:
        out[k] += 1
    return out


def _table3(rng: random.Random, carried: Mapping[str, int]) -> dict[tuple[str, str], int]:
    """Table 三 cells (row, column) for the component columns and 总计, every identity holding."""
    new = _split(rng, _size_class(rng), _COLUMN_WEIGHTS)
    cells: dict[tuple[str, str], int] = {}
    for col in fmt.T3_COMPONENT_COLUMNS:
        n, c = new[col], carried.get(col, 0)
        open_ = n + c
        forward = sum(1 for _ in range(open_) if rng.random() < 0.04)
        outcomes = _split(rng, open_ - forward, _OUTCOME_WEIGHTS)
        cells[("new", col)], cells[("carried", col)] = n, c
        cells.update({(r, col): v for r, v in outcomes.items()})
        cells[("total", col)] = open_ - forward
        cells[("carried_forward", col)] = forward
    for r in fmt.T3_ROWS:
        cells[(r.code, "total")] = sum(cells[(r.code, c)] for c in fmt.T3_COMPONENT_COLUMNS)
    return cells


def _table4(rng: random.Random, applications: int) -> dict[tuple[str, str], int]:
    cells: dict[tuple[str, str], int] = {}
    scale = 0.02 + 0.03 * rng.random()
    for g in fmt.T4_GROUPS:
        n = sum(1 for _ in range(applications) if rng.random() < scale * (1 if g.code == "review" else 0.4))
        parts = _split(rng, n, {"upheld": 75, "corrected": 8, "other": 10, "pending": 7})
        cells.update({(g.code, k): v for k, v in parts.items()})
        cells[(g.code, "total")] = n
    return cells


def _fees(rng: random.Random) -> Decimal:
    if rng.random() < 0.6:
        return Decimal("0")
    places = rng.randint(2, 6)
    units = rng.randint(1, 50_000 * 10**places // 100)  # up to about 500 万元
    return Decimal(units).scaleb(-places)


def _table2(rng: random.Random, stock: Mapping[str, int]) -> tuple[dict[tuple[str, str], Any], dict[str, int]]:
    cells: dict[tuple[str, str], Any] = {}
    new_stock = {}
    for row in fmt.T2_STOCK_ROWS:
        base = stock.get(row, 0)
        if row == "regulations":
            issued = 1 if rng.random() < 0.05 else 0
        else:
            issued = rng.choice((0, 0, 0, 1, 1, 2, 3, 5, 8))
        repealed = min(base, rng.choice((0, 0, 0, 1, 2)))
        cells[(row, "issued")], cells[(row, "repealed")] = issued, repealed
        cells[(row, "in_force")] = new_stock[row] = base + issued - repealed
    heavy = rng.random() < 0.15
    cells[("licensing", "value")] = rng.randint(200, 6000) if heavy else rng.choice((0, 0, 3, 12, 56, 104))
    cells[("punishment", "value")] = rng.randint(20, 600) if heavy else rng.choice((0, 0, 1, 4, 9))
    cells[("enforcement", "value")] = rng.randint(0, 40) if heavy else 0
    cells[("fees_wan_yuan", "value")] = _fees(rng)
    return cells, new_stock


def _agency(rng: random.Random, index: int, used: set[str]) -> Agency:
    (rcode, rname), (dcode, dname) = rng.choice(_REGIONS), rng.choice(_DEPARTMENTS)
    code, k = f"{rcode}-{dcode}", 2
    while code in used:
        code, k = f"{rcode}-{dcode}-{k}", k + 1
    used.add(code)
    assert agency_code_problem(code) is None, code
    name = rname + dname
    return Agency(
        name=name,
        code=code,
        region=rname,
        address=f"{rname}{rng.choice(('人民路', '滇池路', '春城路', '环城西路'))}{rng.randint(1, 400)}号",
        postcode=f"650{rng.randint(100, 999)}",
        phone=f"0871-6{rng.randint(1000000, 9999999)}",
        email=f"{code.replace('-', '')}@example.gov.cn",
        website=f"https://{rcode}.example.gov.cn/",
    )


def synth_agency_years(
    n: int, seed: int = 0, years: Iterable[int] = (2023,), errors: Mapping[Any, str] | None = None
) -> list[SynthAgency]:
    """``n`` agencies, each with a consistent model for every year in ``years``.

    ``errors`` maps an agency index (0-based) or code to one of :data:`ERROR_KINDS`; the error is
    applied to the latest year only (``"identity"`` here; the others when files are written).
    """
    rng = random.Random(seed)
    years = sorted(years)
    used: set[str] = set()
    out = []
    errors = dict(errors or {})
    for i in range(n):
        agency = _agency(rng, i, used)
        kind = errors.get(i, errors.get(agency.code))
        if kind is not None and kind not in ERROR_KINDS:
            raise ValueError(f"unknown injected error {kind!r}; known: {', '.join(ERROR_KINDS)}")
        carried: dict[str, int] = {}
        stock = {"regulations": rng.choice((0, 0, 0, 2)), "normative_documents": rng.randint(0, 30)}
        models = []
        for y in years:
            t3 = _table3(rng, carried)
            t2, stock = _table2(rng, stock)
            t4 = _table4(rng, t3[("new", "total")])
            cells = [("table2", r, c, v) for (r, c), v in t2.items()]
            cells += [("table3", r, c, v) for (r, c), v in t3.items()]
            cells += [("table4", r, c, v) for (r, c), v in t4.items()]
            models.append(from_cells(agency, y, cells))
            carried = {c: t3[("carried_forward", c)] for c in fmt.T3_COMPONENT_COLUMNS}
        if kind == "identity":
            m = models[-1]
            m.set("table3", "granted", "natural_person", int(m.get("table3", "granted", "natural_person")) + 3)
        out.append(SynthAgency(agency, tuple(models), kind))
    return out


# ------------------------------------------------------------------------------- files
def _break_data_file(path: Path) -> None:
    """Put text where table 三's first count is (the file can no longer be read as numbers)."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.startswith("table3,new,natural_person,"):
            lines[i] = "table3,new,natural_person,约二十件\n"
            break
    else:
        raise RuntimeError(f"no table3,new,natural_person line in {path}")
    path.write_text("".join(lines), encoding="utf-8")


def write_agency(params_dir: str | Path, item: SynthAgency, data_format: str = "csv") -> list[Path]:
    """Write every year of one synthetic agency; returns the params files written."""
    from govreport_kit.authoring.folder import agency_year_files, write_agency_year

    if data_format not in ("csv", "xlsx"):
        raise ValueError(f"data_format must be csv or xlsx, not {data_format!r}")
    written = []
    for i, model in enumerate(item.years):
        files = agency_year_files(params_dir, item.agency.code, model.year, data_suffix=f".{data_format}")
        write_agency_year(files, model, narrative_markdown(model), validate=False)
        if i == len(item.years) - 1 and item.error == "unreadable":
            if data_format != "csv":
                raise ValueError("the 'unreadable' error is injected into CSV data")
            _break_data_file(files.data)
        written.append(files.params)
    return written


def write_agencies(
    params_dir: str | Path,
    n: int,
    seed: int = 0,
    errors: Mapping[Any, str] | None = None,
    *,
    years: Iterable[int] = (2023,),
    data_format: str = "csv",
) -> list[SynthAgency]:
    """Write ``n`` synthetic agencies under ``params_dir`` (``<code>/<year>.yaml`` + data + narrative).

    Runtime faults in ``errors`` go to ``<params_dir>/faults.json`` (read only by the test
    notebook of :func:`write_fault_notebook`).
    """
    items = synth_agency_years(n, seed, years, errors)
    params_dir = Path(params_dir)
    params_dir.mkdir(parents=True, exist_ok=True)
    for item in items:
        write_agency(params_dir, item, data_format)
    faults = {it.agency.code: it.error for it in items if it.error in RUNTIME_FAULTS}
    if faults:
        (params_dir / FAULTS_FILE).write_text(json.dumps(faults, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return items


FAULT_CELL = """\
# 仅用于测试：按参数目录下 faults.json 注入故障（正式的 notebooks/report.ipynb 没有这个单元格）
import json as _json, pathlib as _pathlib
_faults = _pathlib.Path(params_path).resolve().parents[1] / "faults.json"
_fault = _json.loads(_faults.read_text(encoding="utf-8")).get(agency_code) if _faults.is_file() else None
if _fault == "cell_error":
    raise RuntimeError("测试注入的单元格错误")
if _fault == "slow":
    __import__("time").sleep(3600)
if _fault == "kernel_death":
    __import__("os")._exit(1)
del _json, _pathlib, _faults, _fault"""


def write_fault_notebook(target: str | Path, source: str | Path | None = None) -> Path:
    """The report notebook plus :data:`FAULT_CELL` right after its ``parameters`` cell."""
    import nbformat

    from govreport_kit.core import paths

    nb = nbformat.read(str(source or paths.report_notebook()), as_version=4)
    at = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    cell = nbformat.v4.new_code_cell(FAULT_CELL)
    cell.id = "test-fault-injection"
    nb.cells.insert(at + 1, cell)
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(target))
    return target
