"""Shared test fixtures: the sample agency-year in code and on disk, input fixtures, the CLI, HTML grids.

Every helper is a session-scoped fixture (stateless: a constant, a path or a function), so that
tests ask for what they use by name and hypothesis tests can use them too. Audit-specific
generators stay in tests/audit/_synth.py (a library of report renderings, imported by the audit
tests and tests/core/test_model.py).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest

from govreport_kit.core import format as fmt
from govreport_kit.core import model as M

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SEED_JSON = HERE / "fixtures" / "sample" / "seed-xishan-edu-2023.json"

XISHAN = dict(
    name="昆明市西山区教育体育局",
    code="xishan-edu",
    region="云南省昆明市西山区",
    address="昆明市西山区秀苑路188号604室",
    postcode="650118",
    phone="0871-68226567",
    email="kmxsjyjbgs@126.com",
)

# ------------------------------------------------------------------------------ paths and constants


@pytest.fixture(scope="session")
def INPUTS() -> Path:
    """tests/fixtures/inputs: files named for the input behaviour they exercise."""
    return HERE / "fixtures" / "inputs"


@pytest.fixture(scope="session")
def SAMPLE_JSON() -> Path:
    """The seed report's tables as expected JSON (canonical codes)."""
    return SEED_JSON


@pytest.fixture(scope="session")
def SAMPLE_PARAMS() -> Path:
    return ROOT / "params" / "xishan-edu" / "2023.yaml"


@pytest.fixture(scope="session")
def SAMPLE_XLSX() -> Path:
    return ROOT / "params" / "xishan-edu" / "2023.xlsx"


@pytest.fixture(scope="session")
def SAMPLE_NARRATIVE() -> Path:
    return ROOT / "params" / "xishan-edu" / "2023.md"


@pytest.fixture(scope="session")
def AGENCY() -> M.Agency:
    """A test agency that is not the sample's."""
    return M.Agency(
        name="测试区教育局", code="test-edu", region="测试省测试市", postcode="650118", phone="0871-1234567"
    )


@pytest.fixture(scope="session")
def SHEETS() -> SimpleNamespace:
    """The workbook's table sheet names: ``SHEETS.t2``, ``SHEETS.t3``, ``SHEETS.t4``."""
    return SimpleNamespace(
        t2=fmt.TABLE_SHORT_NAMES["table2"], t3=fmt.TABLE_SHORT_NAMES["table3"], t4=fmt.TABLE_SHORT_NAMES["table4"]
    )


# ------------------------------------------------------------------------------ models in code


def _seed_cells(path: Path = SEED_JSON):
    """(table, row, column, value) of the seed report's three tables (expected JSON layout)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return M.cells_from_dict({t: data[t] for t in fmt.TABLE_CODES})


@pytest.fixture(scope="session")
def seed_model():
    """``seed_model(narrative=None, **kw)``: the sample agency-year (西山区教育体育局 2023), with a part 五."""

    def make(narrative: dict[str, str] | None = None, **kwargs) -> M.AgencyYear:
        if narrative is None:
            narrative = {"problems": "部分稿件存在错敏字词，已整改。"}
        return M.from_cells(M.Agency(**XISHAN), 2023, _seed_cells(), narrative=narrative, **kwargs)

    return make


@pytest.fixture(scope="session")
def previous_of():
    """``previous_of(model)``: a previous year consistent with it for R-X-CARRY and R-X-STOCK."""

    def make(model: M.AgencyYear) -> M.AgencyYear:
        cells = [("table3", "carried_forward", c, model.get("table3", "carried", c)) for c in model.table3.columns]
        if model.format == "2021":
            for row in ("regulations", "normative_documents"):
                prev = (
                    model.get("table2", row, "in_force")
                    - model.get("table2", row, "issued")
                    + model.get("table2", row, "repealed")
                )
                cells.append(("table2", row, "in_force", prev))
        return M.from_cells(model.agency, model.year - 1, cells, form=model.format)

    return make


@pytest.fixture(scope="session")
def sample_model():
    """``sample_model(name=…, code=…, **kw)``: the sample's tables under the given agency name and code."""

    def make(name: str = "昆明市西山区教育体育局", code: str = "xishan-edu", **kwargs) -> M.AgencyYear:
        agency = M.Agency(
            name=name,
            code=code,
            address="昆明市西山区秀苑路188号604室",
            postcode="650118",
            phone="0871-68226567",
            email="kmxsjyjbgs@126.com",
        )
        return M.from_cells(agency, 2023, list(_seed_cells()), **kwargs)

    return make


@pytest.fixture(scope="session")
def varied_model(AGENCY):
    """``varied_model(year=2023)``: every kind of cell: counts, a 万元 decimal, blanks, not-applicable cells."""

    def make(year: int = 2023) -> M.AgencyYear:
        m = M.from_cells(AGENCY, year, list(_seed_cells()))
        m.set("table2", "fees_wan_yuan", "value", Decimal("103.3879"))
        m.set("table2", "licensing", "value", 1234)
        m.set("table3", "granted", "commercial", None, state="na")
        m.set("table4", "review", "pending", None, state="blank")
        return m

    return make


# ------------------------------------------------------------------------------ files and the CLI


def _snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    out = {}
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            out[p.relative_to(folder).as_posix()] = (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
    return out


def _run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "govreport_kit.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


@pytest.fixture(scope="session")
def snapshot():
    """``snapshot(folder)``: {relative path: (sha256, mtime_ns)} of every file under it."""
    return _snapshot


@pytest.fixture(scope="session")
def run_cli():
    """``run_cli(*args, cwd=ROOT)``: ``python -m govreport_kit.cli`` in a subprocess (text, UTF-8)."""
    return _run_cli


@pytest.fixture(scope="session")
def assert_cli_refuses():
    """``assert_cli_refuses(path, *needles, folder=None)``: `govreport check PATH` exits 2 with every
    needle in its message, no traceback, and no file in ``folder`` changed."""

    def check(path: Path, *needles: str, folder: Path | None = None) -> str:
        folder = folder or path.parent
        before = _snapshot(folder)
        res = _run_cli("check", str(path))
        assert res.returncode == 2, (res.returncode, res.stdout, res.stderr)
        assert "Traceback" not in res.stderr
        assert res.stderr.startswith("错误："), res.stderr
        for needle in needles:
            assert needle in res.stderr, (needle, res.stderr)
        assert _snapshot(folder) == before
        return res.stderr

    return check


@pytest.fixture(scope="session")
def edit_workbook():
    """``edit_workbook(src, dst, sheet, D5="两件", …)``: a copy of a workbook with some cells changed."""

    def edit(src: Path, dst: Path, sheet: str, **cells) -> Path:
        from openpyxl import load_workbook

        wb = load_workbook(src)
        ws = wb[sheet]
        for ref, value in cells.items():
            ws[ref] = value
        wb.save(dst)
        return dst

    return edit


def _address(table: str, form: str, find) -> str:
    from openpyxl.utils import get_column_letter

    from govreport_kit.inputs.template import layout

    r, c = find(*layout(table, form))
    return f"{get_column_letter(c)}{r}"


@pytest.fixture(scope="session")
def label_cell():
    """``label_cell(table, label, form="2021")``: the template address of a label (e.g. of “2.重复申请”)."""

    def find(table: str, label: str, form: str = "2021") -> str:
        def pick(labels, _cells):
            for p in labels:
                if p.text == label:
                    return p.row, p.col
            raise KeyError(label)

        return _address(table, form, pick)

    return find


@pytest.fixture(scope="session")
def value_cell():
    """``value_cell(table, row, column, form="2021")``: the template address of a value cell."""

    def find(table: str, row: str, column: str, form: str = "2021") -> str:
        return _address(table, form, lambda _labels, cells: cells[(row, column)])

    return find


# ------------------------------------------------------------------------------ HTML


@pytest.fixture(scope="session")
def parse():
    """``parse(html)``: an lxml element wrapping the fragment."""
    from lxml import html as lxml_html

    return lambda html: lxml_html.fromstring(f"<div>{html}</div>")


@pytest.fixture(scope="session")
def grid():
    """``grid(table_el)``: the table as a rectangular grid of cell elements, spans applied (None where none lands)."""

    def make(table_el) -> list[list[object]]:
        rows = table_el.xpath("./thead/tr | ./tbody/tr | ./tr")
        occupied: dict[tuple[int, int], object] = {}
        for i, tr in enumerate(rows):
            j = 0
            for cell in tr.xpath("./th | ./td"):
                while (i, j) in occupied:
                    j += 1
                rs, cs = int(cell.get("rowspan", 1)), int(cell.get("colspan", 1))
                for di in range(rs):
                    for dj in range(cs):
                        assert (i + di, j + dj) not in occupied, f"overlapping cells at row {i + di}, column {j + dj}"
                        occupied[(i + di, j + dj)] = cell
                j += cs
        n_cols = max(j for _, j in occupied) + 1
        return [[occupied.get((i, j)) for j in range(n_cols)] for i in range(len(rows))]

    return make


# ------------------------------------------------------------------------------ agency-years on disk, runs

INJECTION_NAME = "<script>alert(1)</script><img src=x onerror=alert(1)>测试局"
INJECTION_NARRATIVE = """开头：<script>alert(1)</script>

# 一、总体情况

正文里的 <img src=x onerror=alert(1)> 与 [点我](javascript:alert(1)) 以及 <a href="javascript:alert(2)">链接</a>。
本年新收申请{{ table3.new.total }}件。

# 五、存在的主要问题及改进情况

无。

# 六、其他需要报告的事项

无。
"""


@pytest.fixture(scope="session")
def INJECTION() -> SimpleNamespace:
    """Hostile text for an agency name and a narrative (``INJECTION.name``, ``INJECTION.narrative``)."""
    return SimpleNamespace(name=INJECTION_NAME, narrative=INJECTION_NARRATIVE)


@pytest.fixture(scope="session")
def write_agency():
    """``write_agency(root, code, *, name, narrative, changes, year)``: ``root/params/<code>/<year>.yaml``
    with workbook and narrative, from the repository's sample; returns the params path."""

    def write(
        root: Path,
        code: str = "xishan-edu",
        *,
        name: str | None = None,
        narrative: str | None = None,
        changes: dict[tuple[str, str, str], object] | None = None,
        year: int = 2023,
    ) -> Path:
        from govreport_kit.core import paths
        from govreport_kit.inputs.load import load_agency_year
        from govreport_kit.inputs.template import write_workbook

        sample = load_agency_year(paths.sample_params())
        sample.agency.code = code
        if name is not None:
            sample.agency.name = name
        for (t, r, c), v in (changes or {}).items():
            sample.set(t, r, c, v)
        folder = root / "params" / code
        folder.mkdir(parents=True, exist_ok=True)
        write_workbook(folder / f"{year}.xlsx", sample)
        md = (
            narrative if narrative is not None else paths.sample_params().with_suffix(".md").read_text(encoding="utf-8")
        )
        (folder / f"{year}.md").write_text(md, encoding="utf-8")
        yaml_text = paths.sample_params().read_text(encoding="utf-8").replace("code: xishan-edu", f"code: {code}")
        if name is not None:
            yaml_text = yaml_text.replace(
                "name: 昆明市西山区教育体育局", "name: " + json.dumps(name, ensure_ascii=False)
            )
        (folder / f"{year}.yaml").write_text(yaml_text, encoding="utf-8")
        return folder / f"{year}.yaml"

    return write


@pytest.fixture(scope="session")
def notebook_with_cell():
    """``notebook_with_cell(dest, source, before_last=True)``: the report notebook with one extra code cell."""

    def make(dest: Path, source: str, *, before_last: bool = True) -> Path:
        import nbformat

        from govreport_kit.core import paths

        nb = nbformat.read(str(paths.report_notebook()), as_version=4)
        cell = nbformat.v4.new_code_cell(source, id="extra")
        nb.cells.insert(len(nb.cells) - 1 if before_last else len(nb.cells), cell)
        nbformat.write(nb, str(dest))
        return dest

    return make


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory):
    """``sample_run(key="review", **kw)``: the sample rendered once per session (a real kernel run), by key."""
    from govreport_kit.running.runner import run_report

    runs: dict[str, object] = {}

    def run(key: str = "review", **kwargs):
        if key not in runs:
            runs[key] = run_report(None, outputs_root=tmp_path_factory.mktemp(f"sample-{key}"), **kwargs)
        return runs[key]

    return run
