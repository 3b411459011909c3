"""``govreport audit`` and ``govreport import`` through the CLI entry point."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from govreport_kit.cli import main
from govreport_kit.core import format as fmt
from govreport_kit.inputs.params import load_params
from govreport_kit.inputs.workbook import read_workbook

from ._synth import make_cells, render_pipe

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "fixtures" / "corpus"
SEED = ROOT / "tests" / "fixtures" / "seeds" / "000_1470c6164cb70c53.txt"
KEYS = {"source", "agency", "year", "format", "tables", "findings", "unreadable"}


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_seed_exits_0_with_the_r_n_t2_warning(capsys):
    code, out, _ = run(capsys, "audit", str(SEED))
    assert code == 0
    assert "R-N-T2" in out and "昆明市西山区教育体育局" in out and "没有错误" in out


def test_json_shape_and_canonical_codes(capsys):
    code, out, _ = run(capsys, "audit", str(SEED), str(CORPUS / "shanghai-office-2019.html"), "--json")
    assert code == 1  # shanghai's blank 总计 cells break R-T3-ROW / R-T3-COL
    data = json.loads(out)
    assert [set(d) for d in data] == [KEYS, KEYS]
    seed, sh = data
    assert seed["format"] == "2021" and set(seed["tables"]) == {"table2", "table3", "table4"}
    assert set(seed["tables"]["table2"]) == {r.code for r in fmt.T2_ROWS}
    assert seed["tables"]["table2"]["licensing"] == 56
    assert list(seed["tables"]["table3"]) == [r.code for r in fmt.T3_ROWS]
    assert list(seed["tables"]["table3"]["new"]) == [c.code for c in fmt.T3_COLUMNS]
    assert list(seed["tables"]["table4"]) == [g.code for g in fmt.T4_GROUPS]
    assert sh["format"] == "2019" and "table2_2019" in sh["tables"]
    assert sh["tables"]["table2_2019"]["government_procurement"] == {"projects": 6, "total_amount_yuan": 251000}
    assert sh["tables"]["table3"]["granted"]["total"] is None
    f = next(x for x in sh["findings"] if x["rule"] == "R-T3-COL")
    assert {
        "rule",
        "severity",
        "table",
        "row",
        "column",
        "row_label",
        "column_label",
        "expected",
        "found",
        "message",
    } <= set(f)


def test_unreadable_lists_kind_table_row_candidates_nearest(capsys):
    code, out, _ = run(capsys, "audit", str(CORPUS / "pingtan-2021.txt"), str(CORPUS / "pingtan-2022.txt"), "--json")
    assert code == 0
    d21, d22 = json.loads(out)
    amb = [u for u in d21["unreadable"] if u["kind"] == "ambiguous_row"]
    assert amb[0]["table"] == "table2" and amb[0]["row"] == "normative_documents"
    assert [69, 3, 665] in amb[0]["candidates"] and amb[0]["message"]
    typo = [u for u in d22["unreadable"] if u["kind"] == "unknown_label"]
    assert typo[0]["nearest"] == fmt.PART_BY_CODE["table4"].title and "行政法复议" in typo[0]["found"]


def test_folder_and_truncated_reports(capsys):
    code, out, _ = run(capsys, "audit", str(CORPUS), "--json")
    data = json.loads(out)
    assert len(data) == 17  # INDEX.md is not a report and is skipped
    assert code == 1  # shanghai
    excerpt = next(d for d in data if d["source"].endswith("excerpt-013.txt"))
    assert excerpt["tables"]["table3"]["new"]["total"] == 66
    assert any(u["kind"] == "truncated" for u in excerpt["unreadable"])


def test_nothing_readable_exits_2(tmp_path, capsys):
    junk = tmp_path / "notes.txt"
    junk.write_text("这是一份会议纪要，与年度报告无关。", encoding="utf-8")
    code, out, _ = run(capsys, "audit", str(junk))
    assert code == 2 and "未能读出" in out
    code, _, err = run(capsys, "audit", str(tmp_path / "missing.txt"))
    assert code == 2
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, err = run(capsys, "audit", str(empty))
    assert code == 2 and "没有找到可审核的报告文件" in err


def test_html_page_is_offline_escaped_and_highlights(tmp_path, capsys):
    cells = make_cells(7, "2021")
    cells[("table3", "granted", "total")] += 1  # an inconsistent 总计
    text = render_pipe(cells, "2021").replace("（一）主动公开", "（一）主动公开<script>alert(1)</script>")
    src = tmp_path / "bad.txt"
    src.write_text(text, encoding="utf-8")
    out = tmp_path / "audit.html"
    code, _, _ = run(capsys, "audit", str(src), str(CORPUS / "pingtan-2021.txt"), "--html", str(out))
    assert code == 1
    page = out.read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in page
    assert "<script" not in page.lower() and "http://" not in page and "https://" not in page
    assert "<link" not in page and "src=" not in page
    assert 'data-cell="table3.granted.total" class="v flag flag-error"' in page
    assert re.search(r'data-cell="table2\.normative_documents\.issued" class="v unread[^"]*"[^>]*>？</td>', page)
    assert page.count('<section class="report"') == 2
    assert "ambiguous_row" in page and "69/3/665" in page


def test_import_writes_params_workbook_and_narrative(tmp_path, capsys):
    code, out, err = run(capsys, "import", str(SEED), "--agency", "xishan-edu", "--params-dir", str(tmp_path))
    assert code == 0
    folder = tmp_path / "xishan-edu"
    assert sorted(p.name for p in folder.iterdir()) == ["2023.md", "2023.xlsx", "2023.yaml"]
    params = load_params(folder / "2023.yaml")
    assert params.agency.name == "昆明市西山区教育体育局" and params.year == 2023
    assert params.agency.phone == "0871-68226567" and params.agency.email == "kmxsjyjbgs@126.com"
    model = read_workbook(folder / "2023.xlsx")
    assert model.get("table2", "licensing", "value") == 56 and model.get("table3", "new", "total") == 2
    md = (folder / "2023.md").read_text(encoding="utf-8")
    assert "# 一、总体情况" in md and "# 五、存在的主要问题及改进情况" in md and "行政许可104件" in md
    before = (folder / "2023.yaml").read_bytes()
    code, _, err = run(capsys, "import", str(SEED), "--agency", "xishan-edu", "--params-dir", str(tmp_path))
    assert code == 2 and "不会覆盖" in err and "--force" in err
    assert (folder / "2023.yaml").read_bytes() == before
    code, _, err = run(capsys, "import", str(SEED), "--agency", "xishan-edu", "--params-dir", str(tmp_path), "--force")
    assert code == 0 and "已覆盖" in err


@pytest.mark.parametrize("code", ["../x", "CON", "a/b", "x" * 200])
def test_import_rejects_bad_agency_codes_before_any_path(tmp_path, capsys, code):
    rc, _, err = run(capsys, "import", str(SEED), "--agency", code, "--params-dir", str(tmp_path))
    assert rc == 2 and "机构代码" in err
    assert list(tmp_path.iterdir()) == []
