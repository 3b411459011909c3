"""Inputs built to hang the tool or eat its memory: each ends within seconds, under a memory limit,
with a message that names the limit (or the offending cell), and leaves the project unchanged."""

from __future__ import annotations

import os
import zipfile

import pytest
from openpyxl import load_workbook

from govreport_kit.core import limits

#: Seconds before a run counts as hung (a guard, not a timing assertion: normal runs take 1–3 s).
HANG = 60


@pytest.fixture
def project(tmp_path, make_project):
    return make_project(tmp_path / "proj")


@pytest.fixture
def guarded(cli, MEMORY_LIMIT):
    """``guarded(*args, cwd=)``: the CLI under the memory limit, a hang failing after HANG seconds."""
    return lambda *args, cwd: cli(*args, cwd=cwd, timeout=HANG, memory=MEMORY_LIMIT)


def test_one_value_at_xfd1048576_is_cheap_and_named(project, snapshot, assert_refused, guarded):
    xlsx = project / "params" / "xishan-edu" / "2023.xlsx"
    wb = load_workbook(xlsx)
    wb["表三"]["XFD1048576"] = 1
    wb.save(xlsx)
    before = snapshot(project)
    for args in (["check", str(xlsx)], ["check", "params/xishan-edu/2023.yaml"]):
        assert_refused(guarded(*args, cwd=project), "XFD1048576", "表三")
    assert snapshot(project) == before


def test_xlsx_whose_xml_part_unpacks_to_a_huge_comment_is_refused_unread(project, tmp_path, assert_refused, guarded):
    src = project / "params" / "xishan-edu" / "2023.xlsx"
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item, zin.read(item.filename))
        big = b"<comments><!--" + b"A" * (limits.XLSX_MEMBER_BYTES.value + 1024) + b"--></comments>"
        zout.writestr("xl/comments1.xml", big)
    assert bomb.stat().st_size < 1024 * 1024
    assert_refused(guarded("check", str(bomb), cwd=project), "xl/comments1.xml", limits.XLSX_MEMBER_BYTES.name)


@pytest.mark.parametrize("command", ["audit", "check"])
def test_dev_zero_is_refused_at_once(project, command, assert_refused, guarded):
    proc = guarded(command, "/dev/zero", cwd=project)
    if command == "audit":
        assert proc.returncode == 2 and "Traceback" not in proc.stderr
        assert "设备文件" in proc.stdout + proc.stderr
    else:
        assert_refused(proc)


@pytest.mark.parametrize("name", ["page.html", "2023.yaml", "data.csv", "book.xlsx"])
def test_fifo_is_refused_without_blocking(project, tmp_path, name, guarded):
    fifo = tmp_path / name
    os.mkfifo(fifo)
    command = "audit" if name.endswith(".html") else "check"
    proc = guarded(command, str(fifo), cwd=project)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert "命名管道" in proc.stdout + proc.stderr


def test_40000_digit_run_in_a_published_text_is_audited_quickly(project, tmp_path, guarded):
    text = (
        "某某区人民政府2023年政府信息公开工作年度报告\n一、总体情况\n本年收到申请"
        + "1" * 40_000
        + "件，其中1件。\n"
        + "信息处理费"
        + "9" * 2_000
        + "万元。\n"
    )
    page = tmp_path / "digits.txt"
    page.write_text(text, encoding="utf-8")
    proc = guarded("audit", str(page), cwd=project)
    assert proc.returncode in (1, 2) and "Traceback" not in proc.stderr, proc.stderr


def test_35_mb_params_file_is_refused_naming_the_limit(project, assert_refused, guarded):
    params = project / "params" / "xishan-edu" / "2023.yaml"
    with open(params, "a", encoding="utf-8") as f:
        f.write(("# " + "填充" * 500 + "\n") * 35_000)
    assert params.stat().st_size > 30 * 1024 * 1024
    assert_refused(guarded("check", str(params), cwd=project), limits.FILE_BYTES["params"].name)
    assert_refused(guarded("run", str(params), cwd=project), limits.FILE_BYTES["params"].name)
    assert not (project / "outputs").exists()


def test_yaml_nested_5000_deep_is_refused_naming_the_limit(project, assert_refused, guarded):
    params = project / "params" / "xishan-edu" / "2023.yaml"
    params.write_text("agency: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    assert_refused(guarded("check", str(params), cwd=project), limits.YAML_DEPTH.name)


def test_narrative_of_200000_open_braces_is_refused_naming_the_limit(project, assert_refused, guarded):
    md = project / "params" / "xishan-edu" / "2023.md"
    md.write_text("# 一、总体情况\n\n" + "{{" * 200_000 + "\n", encoding="utf-8")
    assert_refused(guarded("check", "params/xishan-edu/2023.yaml", cwd=project), limits.NARRATIVE_CHARS.name)


def test_many_bad_placeholders_are_capped_in_findings_and_in_the_report(project, cli, guarded):
    md = project / "params" / "xishan-edu" / "2023.md"
    md.write_text("# 一、总体情况\n\n" + "{{ nope }}" * 20_000 + "\n", encoding="utf-8")
    proc = guarded("check", "--json", "params/xishan-edu/2023.yaml", cwd=project)
    assert proc.returncode == 1, proc.stderr
    import json

    placeholder = [f for f in json.loads(proc.stdout) if f["rule"] == "R-PLACEHOLDER"]
    assert len(placeholder) == limits.FINDINGS_SHOWN.value + 1
    assert "另有 19800 处" in placeholder[-1]["message"]
    run = cli("run", "params/xishan-edu/2023.yaml", cwd=project, timeout=240)
    assert run.returncode == 1, run.stderr
    html = (project / "outputs" / "xishan-edu" / "2023" / "report.html").read_text(encoding="utf-8")
    assert "另有" in html and len(html) < 3_000_000
