"""Shared helpers for the input tests: fixtures, the sample, the CLI in a subprocess, snapshots."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook

from govreport_kit.core import format as fmt
from govreport_kit.core.model import Agency, cells_from_dict, from_cells

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
INPUTS = HERE / "fixtures" / "inputs"
SAMPLE_JSON = HERE / "fixtures" / "sample" / "seed-xishan-edu-2023.json"
SAMPLE_PARAMS = ROOT / "params" / "xishan-edu" / "2023.yaml"
SAMPLE_XLSX = ROOT / "params" / "xishan-edu" / "2023.xlsx"
AGENCY = Agency(name="测试区教育局", code="test-edu", region="测试省测试市", postcode="650118", phone="0871-1234567")


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    """{relative path: (sha256, mtime_ns)} of every file under ``folder``."""
    out = {}
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            out[p.relative_to(folder).as_posix()] = (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
    return out


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "govreport_kit.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=120)


def assert_cli_refuses(path: Path, *needles: str, folder: Path | None = None) -> str:
    """`govreport check PATH` exits 2 with a message containing every needle, no traceback, no file changed."""
    folder = folder or path.parent
    before = snapshot(folder)
    res = run_cli("check", str(path))
    assert res.returncode == 2, (res.returncode, res.stdout, res.stderr)
    assert "Traceback" not in res.stderr
    assert res.stderr.startswith("错误："), res.stderr
    for needle in needles:
        assert needle in res.stderr, (needle, res.stderr)
    assert snapshot(folder) == before
    return res.stderr


def sample_cells():
    """(table, row, column, value) of the seed report, from the expected JSON."""
    data = json.loads(SAMPLE_JSON.read_text(encoding="utf-8"))
    return cells_from_dict({t: data[t] for t in ("table2", "table3", "table4")})


def varied_model(year: int = 2023):
    """A model with every kind of cell: counts, a 万元 decimal, blanks and not-applicable cells."""
    cells = []
    for t, r, c, v in sample_cells():
        cells.append((t, r, c, v))
    m = from_cells(AGENCY, year, cells)
    m.set("table2", "fees_wan_yuan", "value", Decimal("103.3879"))
    m.set("table2", "licensing", "value", 1234)
    m.set("table3", "granted", "commercial", None, state="na")
    m.set("table4", "review", "pending", None, state="blank")
    return m


def edit_workbook(src: Path, dst: Path, sheet: str, **cells) -> Path:
    """Copy a workbook with some cells changed (``D5="两件"``; None clears)."""
    wb = load_workbook(src)
    ws = wb[sheet]
    for ref, value in cells.items():
        ws[ref] = value
    wb.save(dst)
    return dst


def label_cell(table: str, label: str, form: str = "2021") -> str:
    """The template address of a label (e.g. the cell holding “2.重复申请”)."""
    from openpyxl.utils import get_column_letter

    from govreport_kit.inputs.template import layout

    labels, _ = layout(table, form)
    for p in labels:
        if p.text == label:
            return f"{get_column_letter(p.col)}{p.row}"
    raise KeyError(label)


def value_cell(table: str, row: str, column: str, form: str = "2021") -> str:
    from openpyxl.utils import get_column_letter

    from govreport_kit.inputs.template import layout

    _, cells = layout(table, form)
    r, c = cells[(row, column)]
    return f"{get_column_letter(c)}{r}"


T3_SHEET, T2_SHEET, T4_SHEET = (fmt.TABLE_SHORT_NAMES[t] for t in ("table3", "table2", "table4"))
