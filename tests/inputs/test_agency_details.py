"""One source for agency details: params file first, the workbook's 机构信息 fills the gaps,
a disagreement is a warning; `govreport new` writes every key the narrative needs."""

from __future__ import annotations

import json
import re

from govreport_kit.core import format as fmt
from govreport_kit.inputs.load import load_agency_year
from govreport_kit.inputs.params import load_params

ROW = {code: i for i, (code, _) in enumerate(fmt.AGENCY_FIELDS, 1)}  # 机构信息: label in A, value in B


def _new(run_cli, tmp_path, code="info-a"):
    params = tmp_path / "params"
    params.mkdir()
    res = run_cli("new", code, "--year", "2024", "--name", "某区某局", "--params-dir", str(params))
    assert res.returncode == 0, res.stderr
    return params / code / "2024.yaml"


def test_new_writes_every_agency_key_with_a_comment_and_check_names_the_empty_ones(run_cli, tmp_path):
    path = _new(run_cli, tmp_path)
    text = path.read_text(encoding="utf-8")
    for code, label in fmt.AGENCY_FIELDS:
        line = re.search(rf"^  {code}:(.*)$", text, re.M)
        assert line, code
        if code not in ("code", "name"):
            assert line.group(1).startswith("  # " + label), line.group(0)  # empty value, what to fill
    assert "两处都填时以本文件为准" in text
    assert load_params(path).agency.address == ""
    res = run_cli("check", str(path))
    assert res.returncode == 1
    findings = json.loads(run_cli("check", "--json", str(path)).stdout)
    empty = [f for f in findings if f["rule"] == "R-AGENCY-EMPTY"]
    assert [f["source"]["key"] for f in empty] == ["agency.address", "agency.phone", "agency.email"]
    assert all(f["severity"] == "error" and "2024.yaml 的 agency." in f["message"] for f in empty)
    assert "R-PLACEHOLDER" not in {f["rule"] for f in findings}  # not placeholders the analyst never saw
    assert "通信地址”未填写" in res.stdout and "agency.address" in res.stdout


def test_the_params_file_wins_the_workbook_fills_the_gaps_and_a_conflict_is_a_warning(edit_workbook, run_cli, tmp_path):
    path = _new(run_cli, tmp_path)
    path.write_text(
        re.sub(r"^  phone:.*$", "  phone: 0871-1111111", path.read_text(encoding="utf-8"), flags=re.M), encoding="utf-8"
    )
    book = path.with_suffix(".xlsx")
    edit_workbook(
        book,
        book,
        fmt.AGENCY_SHEET,
        **{
            f"B{ROW['address']}": "某市某路1号",
            f"B{ROW['phone']}": "0871-2222222",
            f"B{ROW['email']}": "  ",
            f"B{ROW['region']}": "某省某市",
        },
    )
    model = load_agency_year(path)
    assert (model.agency.address, model.agency.phone, model.agency.region) == (
        "某市某路1号",
        "0871-1111111",
        "某省某市",
    )
    assert model.agency_origin["address"].cell == f"B{ROW['address']}"
    assert model.agency_origin["phone"].key == "agency.phone"
    findings = json.loads(run_cli("check", "--json", str(path)).stdout)
    conflicts = [f for f in findings if f["rule"] == "R-AGENCY-CONFLICT"]
    assert len(conflicts) == 1
    c = conflicts[0]
    assert c["severity"] == "warning" and (c["expected"], c["found"]) == ("0871-1111111", "0871-2222222")
    for needle in ("agency.phone", "0871-1111111", f"{fmt.AGENCY_SHEET}!B{ROW['phone']}", "0871-2222222", "参数文件"):
        assert needle in c["message"], needle
    assert [f["source"]["key"] for f in findings if f["rule"] == "R-AGENCY-EMPTY"] == ["agency.email"]


def test_the_same_detail_written_twice_is_no_conflict(edit_workbook, run_cli, tmp_path):
    path = _new(run_cli, tmp_path)
    path.write_text(
        re.sub(r"^  phone:.*$", "  phone: 0871-1111111", path.read_text(encoding="utf-8"), flags=re.M), encoding="utf-8"
    )
    book = path.with_suffix(".xlsx")
    edit_workbook(book, book, fmt.AGENCY_SHEET, **{f"B{ROW['phone']}": " ０８７１-1111111 "})
    findings = json.loads(run_cli("check", "--json", str(path)).stdout)
    assert "R-AGENCY-CONFLICT" not in {f["rule"] for f in findings}
