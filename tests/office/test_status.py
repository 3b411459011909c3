"""``govreport status``: every expected agency with its state, through the real CLI."""

from __future__ import annotations

import csv
import io
import json
import time

from openpyxl import load_workbook


def status(project, cli, *extra):
    res = cli(project, "status", *extra, "--year", "2023", "--json")
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)


def test_states_follow_the_plan_and_a_blank_template_is_never_ok(region, cli):
    project, plan = region
    doc = status(project, cli)
    state = {a["agency"]: a["state"] for a in doc["agencies"]}
    assert all(state[c] == "missing" for c in plan.missing)
    assert all(state[c] == "blank" for c in plan.blank)
    assert all(state[c] == "errors" for c in plan.errors)
    others = set(state) - set(plan.missing) - set(plan.blank) - set(plan.errors)
    assert {state[c] for c in others} == {"ok"}
    assert doc["counts"] == {"missing": 3, "blank": 3, "errors": 3, "warnings": 0, "ok": 51, "returned": 0, "sent": 0}
    labels = {a["state"]: a["state_label"] for a in doc["agencies"]}
    assert labels == {"missing": "未建立", "blank": "未填写", "errors": "有错误", "ok": "正常"}


def test_a_subregion_lists_only_its_members(region, cli):
    project, plan = region
    doc = status(project, cli, "district-2")
    assert [a["agency"] for a in doc["agencies"]] == plan.regions["district-2"]["members"]
    assert {a["region_name"] for a in doc["agencies"]} == {"某某区二"}


def test_pages_and_exports_are_written_and_agree(region, cli):
    project, plan = region
    res = cli(project, "status", "--year", "2023")
    assert res.returncode == 0, res.stderr
    assert "未建立 3，未填写 3，有错误 3，正常 51" in res.stdout
    out = project / "outputs" / "_regions" / "city" / "2023"
    html = (out / "status.html").read_text(encoding="utf-8")
    assert "<script" not in html and 'id="sort-state-desc"' in html and html.count("<tr ") == 60
    rows = list(csv.reader(io.StringIO((out / "status.csv").read_bytes().decode("utf-8-sig"))))
    assert rows[0][:5] == ["机构代码", "机构名称", "所属地区", "年度", "状态"] and len(rows) == 61
    ws = load_workbook(out / "status.xlsx").active
    assert ws.freeze_panes == "A2" and ws.max_row == 61
    assert [ws.cell(r, 5).value for r in range(2, 62)] == [r[4] for r in rows[1:]]


def test_formula_like_names_stay_text_in_the_exports(region, cli):
    project, plan = region
    code = plan.errors[0]
    params = project / "params" / code / "2023.yaml"
    text = params.read_text(encoding="utf-8")
    name = next(a.agency.name for a in plan.agencies if a.agency.code == code)
    params.write_text(text.replace(name, '"=HYPERLINK(\\"http://evil\\",\\"点击\\")"'), encoding="utf-8")
    res = cli(project, "status", "--year", "2023")
    assert res.returncode == 0, res.stderr
    out = project / "outputs" / "_regions" / "city" / "2023"
    ws = load_workbook(out / "status.xlsx").active
    cells = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert cells and all(c.data_type == "s" for c in cells)
    raw = (out / "status.csv").read_bytes().decode("utf-8-sig")
    assert "'=HYPERLINK" in raw
    html = (out / "status.html").read_text(encoding="utf-8")
    assert "=HYPERLINK(&#34;http://evil&#34;" in html or "=HYPERLINK(&quot;http://evil&quot;" in html


def _ledger(project, records):
    outbox = project / "outputs" / "outbox"
    outbox.mkdir(parents=True, exist_ok=True)
    (outbox / "ledger.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )


def test_mail_ledger_marks_sent_and_returned_until_the_agency_changes_its_data(region, cli):
    project, plan = region
    ok = next(a.agency.code for a in plan.with_data if a.agency.code not in plan.errors)
    bad = plan.errors[0]
    now = time.time() + 5
    _ledger(
        project,
        [
            {"agency": ok, "year": 2023, "audience": "publish", "status": "sent", "errors": 0, "time": now},
            {"agency": bad, "year": 2023, "audience": "review", "status": "sent", "errors": 2, "time": now},
            {"agency": plan.blank[0], "year": 2023, "audience": "review", "status": "sent", "errors": 0, "time": now},
        ],
    )
    state = {a["agency"]: a["state"] for a in status(project, cli)["agencies"]}
    assert state[ok] == "sent" and state[bad] == "returned"
    assert state[plan.blank[0]] == "blank"  # a blank template stays 未填写 whatever was mailed
    time.sleep(0.01)
    data = project / "params" / bad / "2023.csv"
    data.write_text(data.read_text(encoding="utf-8"), encoding="utf-8")
    import os

    os.utime(data, (now + 10, now + 10))
    state = {a["agency"]: a["state"] for a in status(project, cli)["agencies"]}
    assert state[bad] == "errors"


def test_mail_region_only_failing_writes_the_outbox_for_the_members_with_errors(region, cli):
    project, plan = region
    (project / "params" / "mail.yaml").write_text(
        "host: localhost\nport: 25\nfrom: 公开办 <office@example.gov.cn>\n", encoding="utf-8"
    )
    district = next(d for d, body in plan.regions.items() if d != "city" and set(body["members"]) & set(plan.errors))
    failing = sorted(set(plan.regions[district]["members"]) & set(plan.errors))
    res = cli(
        project,
        "mail",
        "--region",
        district,
        "--year",
        "2023",
        "--only-failing",
        "--dry-run",
        "--to",
        "me@example.gov.cn",
        timeout=600,
    )
    assert res.returncode == 0, (res.stdout, res.stderr)
    outbox = project / "outputs" / "outbox"
    assert sorted(p.name for p in outbox.iterdir() if p.is_dir()) == failing
    records = [json.loads(x) for x in (outbox / "ledger.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {r["agency"] for r in records} == set(failing) and all(r["errors"] > 0 for r in records)
    res = cli(project, "mail", "--region", district, "--dry-run")
    assert res.returncode == 2 and "--year" in res.stderr
