"""``govreport collect INBOX``: identify, validate, file, never overwrite silently; through the real CLI."""

from __future__ import annotations

import hashlib
import json

from govreport_kit.core.model import Agency
from govreport_kit.inputs.load import load_agency_year
from govreport_kit.inputs.template import write_template, write_workbook


def digest(p):
    return hashlib.sha256(p.read_bytes()).hexdigest()


def filled_workbook(project, code, year, target):
    """The agency's own data of ``year - 1`` sent back as its ``year`` workbook."""
    m = load_agency_year(project / "params" / code / f"{year - 1}.yaml")
    m.year = year
    write_workbook(target, m)
    return m


def test_a_filled_template_is_identified_from_its_agency_sheet_and_filed(region, cli):
    project, plan = region
    code = plan.blank[0]
    inbox = project / "inbox"
    inbox.mkdir()
    filled_workbook(project, code, 2023, inbox / "回传-任意文件名.xlsx")
    before = json.loads(cli(project, "status", "--year", "2023", "--json").stdout)
    assert {a["agency"]: a["state"] for a in before["agencies"]}[code] == "blank"
    res = cli(project, "collect", str(inbox), "--year", "2023")
    assert res.returncode == 0, (res.stdout, res.stderr)
    assert f"[已归档] 回传-任意文件名.xlsx → {code} 2023 年" in res.stdout
    assert "按文件中的机构信息识别" in res.stdout and "原文件是空白模板" in res.stdout
    assert digest(project / "params" / code / "2023.xlsx") == digest(inbox / "回传-任意文件名.xlsx")
    assert (project / "params" / code / "2023.xlsx.bak").is_file()  # the blank template, kept
    after = json.loads(cli(project, "status", "--year", "2023", "--json").stdout)
    assert {a["agency"]: a["state"] for a in after["agencies"]}[code] in ("ok", "warnings")


def test_a_different_file_is_not_overwritten_without_force_and_force_keeps_a_backup(region, cli):
    project, plan = region
    code = plan.blank[1]
    target = project / "params" / code / "2023.xlsx"
    old = digest(target)
    inbox = project / "inbox"
    inbox.mkdir()
    sent = inbox / "x.xlsx"
    filled_workbook(project, code, 2023, sent)
    target.write_bytes(target.read_bytes())  # the blank template, as handed out
    m = load_agency_year(project / "params" / code / "2022.yaml")
    m.year = 2023
    write_workbook(target, m)  # the office already holds a filled (different) version
    m.table3.loc["new", "natural_person"] = int(m.table3.loc["new", "natural_person"]) + 1
    write_workbook(sent, m)
    held = digest(target)
    res = cli(project, "collect", str(inbox))
    assert res.returncode == 1 and "[未覆盖]" in res.stdout and "--force" in res.stdout
    assert digest(target) == held != old
    assert "表三" in res.stdout and "→" in res.stdout  # what would change, cell by cell
    res = cli(project, "collect", str(inbox), "--force")
    assert res.returncode == 0, res.stdout
    assert digest(target) == digest(sent)
    assert digest(target.with_name("2023.xlsx.bak")) == held
    res = cli(project, "collect", str(inbox))
    assert res.returncode == 0 and "[未变化]" in res.stdout


def test_identification_by_file_name_and_the_unidentifiable_one(region, cli):
    project, plan = region
    code = plan.missing[0]  # the agency never set up: collect creates its params
    inbox = project / "inbox"
    inbox.mkdir()
    source = next(a for a in plan.agencies if a.agency.code == code).years[-1]
    source.agency = Agency(name=source.agency.name, code="")
    write_workbook(inbox / f"{code}-2023.xlsx", source)
    write_template(inbox / "空白.xlsx", Agency(name="", code=""), 2023)
    (inbox / "说明.txt").write_text("附件", encoding="utf-8")
    res = cli(project, "collect", str(inbox))
    assert res.returncode == 1, res.stdout
    assert f"[已归档] {code}-2023.xlsx → {code} 2023 年" in res.stdout and "按文件名识别" in res.stdout
    assert "[无法识别] 空白.xlsx" in res.stdout and "机构代码" in res.stdout
    assert "[已忽略] 说明.txt" in res.stdout
    assert (project / "params" / code / "2023.yaml").is_file()
    check = cli(project, "check", f"params/{code}/2023.yaml")
    assert check.returncode == 0, check.stdout + check.stderr


def test_an_unreadable_file_is_reported_and_nothing_is_written(region, cli):
    project, plan = region
    inbox = project / "inbox"
    inbox.mkdir()
    (inbox / "broken.xlsx").write_bytes(b"not a zip")
    before = {p: digest(p) for p in (project / "params").rglob("*") if p.is_file()}
    res = cli(project, "collect", str(inbox))
    assert res.returncode == 2 and "[无法读取] broken.xlsx" in res.stdout and "Traceback" not in res.stderr
    assert {p: digest(p) for p in (project / "params").rglob("*") if p.is_file()} == before
    res = cli(project, "collect", str(project / "nope"))
    assert res.returncode == 2 and res.stderr.startswith("错误：")
