"""Text we write into a workbook is never a formula: ``template``, ``new`` and ``import`` through the CLI.

Each written workbook is checked twice: it holds no formula except the template's own 应为 / 核对
self-check cells (each one exactly the formula designed for its place), and LibreOffice (headless, fresh profile) converts the 机构信息 sheet to CSV showing the literal text.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import load_workbook

from govreport_kit.inputs.xlsx import FORMULA_TRIGGERS, set_text

DDE = "=cmd|' /C calc'!A0"
HYPERLINK = '=HYPERLINK("http://evil","点击")'


def assert_no_formula(xlsx: Path) -> None:
    """No formula but the template's own 应为 / 核对 self-check cells, each exactly as designed."""
    from openpyxl.utils import get_column_letter

    from govreport_kit.inputs.selfcheck import check_layout

    ours = {}
    for table, sheet in (("table3", "表三"), ("table4", "表四")):
        checks, _ = check_layout(table)
        for c in checks:
            for (r, col), formula in ((c.expected_at, c.formula), (c.status_at, c.status_formula)):
                ours[(sheet, f"{get_column_letter(col)}{r}")] = formula
    wb = load_workbook(xlsx)
    found = {
        (ws.title, cell.coordinate): cell.value
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.data_type == "f"
    }
    assert not found or found == ours, {k: v for k, v in found.items() if ours.get(k) != v}
    assert not any(sheet == "机构信息" for sheet, _ in found)


@pytest.fixture
def libreoffice_agency_sheet(soffice_convert, tmp_path):
    """``libreoffice_agency_sheet(xlsx)``: the 机构信息 sheet as LibreOffice reads it, as CSV rows
    (filter token 12 picks the sheet)."""

    def read(xlsx: Path) -> list[list[str]]:
        sheet = load_workbook(xlsx, read_only=True).sheetnames.index("机构信息") + 1
        csv_filter = f"csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,{sheet}"
        res = soffice_convert(xlsx, tmp_path / "lo-out", csv_filter, timeout=120)
        assert res.returncode == 0, res.stderr
        with open(tmp_path / "lo-out" / f"{xlsx.stem}-机构信息.csv", encoding="utf-8") as f:
            return list(csv.reader(f))

    return read


def test_template_name_that_looks_like_a_formula_is_stored_and_shown_as_text(tmp_path, cli, libreoffice_agency_sheet):
    proc = cli("template", "--agency", "evil-a", "--year", "2023", "--name", HYPERLINK, "--out", "t.xlsx", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    xlsx = tmp_path / "t.xlsx"
    assert_no_formula(xlsx)
    cell = load_workbook(xlsx)["机构信息"]["B1"]
    assert cell.value == HYPERLINK and cell.data_type == "s" and cell.quotePrefix
    rows = libreoffice_agency_sheet(xlsx)
    assert rows[0][1] == HYPERLINK


def test_new_name_that_looks_like_a_formula_is_stored_as_text(tmp_path, cli, libreoffice_agency_sheet):
    proc = cli("new", "evil-b", "--year", "2023", "--name", "@SUM(1+1)*cmd", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    xlsx = tmp_path / "params" / "evil-b" / "2023.xlsx"
    assert_no_formula(xlsx)
    assert libreoffice_agency_sheet(xlsx)[0][1] == "@SUM(1+1)*cmd"


def test_import_of_a_page_with_a_dde_address_writes_the_address_as_text(
    tmp_path, CORPUS, cli, libreoffice_agency_sheet
):
    page = (CORPUS / "pingtan-2022.txt").read_text(encoding="utf-8")
    page = page.replace("地址：平潭综合实验区金井湾商务营运中心7号楼14层", f"地址：{DDE}")
    assert DDE in page
    src = tmp_path / "page.txt"
    src.write_text(page, encoding="utf-8")
    proc = cli("import", str(src), "--agency", "pingtan", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    xlsx = tmp_path / "params" / "pingtan" / "2022.xlsx"
    assert_no_formula(xlsx)
    ws = load_workbook(xlsx)["机构信息"]
    addresses = [c.value for c in ws["B"] if isinstance(c.value, str) and c.value.startswith("=")]
    assert addresses == [DDE]
    rows = libreoffice_agency_sheet(xlsx)
    assert [r[1] for r in rows if len(r) > 1 and r[1].startswith("=")] == [DDE]
    # and the project reads it back as the same text
    assert cli("check", "params/pingtan/2022.yaml", cwd=tmp_path).returncode in (0, 1)


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@A1", "\t=1", "\r=1", "plain", "中文"])
def test_set_text_stores_every_trigger_as_a_string(text, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    set_text(wb.active["A1"], text)
    wb.save(tmp_path / "x.xlsx")
    assert_no_formula(tmp_path / "x.xlsx")
    cell = load_workbook(tmp_path / "x.xlsx").active["A1"]
    assert cell.value == text and cell.data_type == "s"
    assert bool(cell.quotePrefix) == text.startswith(FORMULA_TRIGGERS)
