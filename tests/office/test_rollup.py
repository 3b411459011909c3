"""``govreport rollup``: sums checked against an independent sum, indicators against their formulas."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import pytest

from govreport_kit.core import format as fmt


def read_csv_cells(path: Path) -> dict[tuple[str, str, str], str]:
    """The long-form CSV read with the csv module only (not the code under test)."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        return {
            (r["table"], r["row"], r["column"] or "value"): r["value"]
            for r in csv.DictReader(f)
            if r["table"] != "meta"
        }


def independent_sum(project: Path, agencies: list[str], year: int) -> dict[tuple[str, str, str], Decimal]:
    total: dict[tuple[str, str, str], Decimal] = {}
    for a in agencies:
        for key, v in read_csv_cells(project / "params" / a / f"{year}.csv").items():
            if v.strip():
                total[key] = total.get(key, Decimal(0)) + Decimal(v)
    return total


def rollup_json(project, cli, *extra):
    res = cli(project, "rollup", *extra, "--year", "2023", "--json")
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)


def flat(tables: dict) -> dict[tuple[str, str, str], object]:
    out = {}
    for t, rows in tables.items():
        for r, v in rows.items():
            for c, x in v.items() if isinstance(v, dict) else [("value", v)]:
                out[(t, r, c)] = x
    return out


def test_region_sum_equals_an_independent_sum_and_missing_members_have_reasons(region, cli):
    project, plan = region
    doc = rollup_json(project, cli)
    included = [a.agency.code for a in plan.with_data]
    assert doc["members_included"] == len(included) == 54 and doc["members_expected"] == 60
    want = independent_sum(project, included, 2023)
    got = flat(doc["tables"])
    assert set(got) == set(want) and len(got) == 200
    for key, v in want.items():
        assert Decimal(str(got[key])) == v, key
    reasons = {m["agency"]: m["reason"] for m in doc["missing"]}
    assert set(reasons) == set(plan.missing) | set(plan.blank)
    assert all("未建立" in reasons[c] for c in plan.missing)
    assert all("未填写" in reasons[c] for c in plan.blank)


def test_a_sum_that_breaks_an_identity_names_the_members_that_break_it(region, cli):
    project, plan = region
    doc = rollup_json(project, cli)
    errors = [f for f in doc["findings"] if f["severity"] == "error"]
    assert errors, "three members carry an injected identity error"
    for b in doc["breakers"]:
        assert sorted(b["agencies"]) == sorted(plan.errors), b


def test_a_consistent_region_has_no_findings(region, cli):
    project, plan = region
    doc = rollup_json(project, cli, "district-1")
    members = plan.regions["district-1"]["members"]
    if set(members) & set(plan.errors):
        pytest.skip("district-1 holds an injected error in this seed")
    assert doc["findings"] == [] and doc["breakers"] == []


def ratio(num, den):
    return None if den == 0 else float(Decimal(num) / Decimal(den))


def test_indicators_follow_their_formulas_for_each_member_and_the_region(region, cli):
    project, plan = region
    doc = rollup_json(project, cli)
    t = flat(doc["tables"])
    region = doc["indicators"]
    g = lambda tb, r, c: int(t[(tb, r, c)])  # noqa: E731
    assert region["disclosure_rate"]["value"] == pytest.approx(
        ratio(g("table3", "granted", "total") + g("table3", "partial", "total"), g("table3", "total", "total")),
        abs=1e-6,
    )
    assert region["review_correction_rate"]["value"] == pytest.approx(
        ratio(g("table4", "review", "corrected"), g("table4", "review", "total") - g("table4", "review", "pending")),
        abs=1e-6,
    )
    lit = ("litigation_direct", "litigation_after_review")
    assert region["litigation_correction_rate"]["value"] == pytest.approx(
        ratio(
            sum(g("table4", x, "corrected") for x in lit),
            sum(g("table4", x, "total") - g("table4", x, "pending") for x in lit),
        ),
        abs=1e-6,
    )
    for m in doc["members"]:
        if not m["included"]:
            assert m["indicators"] == {}
            continue
        cells = read_csv_cells(project / "params" / m["agency"] / "2023.csv")
        n = lambda tb, r, c, cells=cells: int(cells[(tb, r, c)] or 0)  # noqa: E731
        den = n("table3", "total", "total")
        want = ratio(n("table3", "granted", "total") + n("table3", "partial", "total"), den)
        got = m["indicators"]["disclosure_rate"]
        if want is None:
            assert got["value"] is None and got["percent"] == "—" and got["reason"] == "分母为 0"
        else:
            assert got["value"] == pytest.approx(want, abs=1e-6)
        prev = read_csv_cells(project / "params" / m["agency"] / "2022.csv")
        before = int(prev[("table3", "new", "total")] or 0)
        yoy = m["indicators"]["new_yoy"]
        if before == 0:
            assert yoy["value"] is None and yoy["reason"] == "上年为 0"
        else:
            assert yoy["value"] == pytest.approx((n("table3", "new", "total") - before) / before, abs=1e-6)


def test_zero_denominators_give_a_dash_and_a_reason_never_an_error(region, cli):
    project, plan = region
    code = plan.with_data[0].agency.code
    data = project / "params" / code / "2023.csv"
    lines = data.read_text(encoding="utf-8").splitlines()
    out = []
    for line in lines:
        parts = line.split(",")
        if parts[0] in ("table3", "table4"):
            parts[-1] = "0"
        out.append(",".join(parts))
    data.write_text("\n".join(out) + "\n", encoding="utf-8")
    (project / "params" / "regions.yaml").write_text(f"solo:\n  name: 单一\n  members: [{code}]\n", encoding="utf-8")
    res = cli(project, "rollup", "solo", "--year", "2023", "--json")
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    for code_, ind in doc["indicators"].items():
        if code_ == "new_yoy":
            continue
        assert ind["value"] is None and ind["percent"] == "—" and ind["reason"] == "分母为 0", (code_, ind)
    assert set(doc["indicator_formulas"]) == {
        "disclosure_rate",
        "review_correction_rate",
        "litigation_correction_rate",
        "new_yoy",
    }


def test_the_region_own_report_is_checked_cell_by_cell_against_the_sum(region, cli):
    project, plan = region
    members = [c for c in plan.regions["district-3"]["members"] if c not in plan.missing + plan.blank + plan.errors][:3]
    own = [a for a in plan.with_data if a.agency.code not in members + plan.errors][0].agency.code
    want = independent_sum(project, members, 2023)
    rows = ["table,row,column,value"]
    for (t, r, c), v in sorted(want.items()):
        rows.append(f"{t},{r},{c},{v}")
    off = ("table3", "new", "natural_person")
    rows = [
        x if not x.startswith(f"{off[0]},{off[1]},{off[2]},") else f"{off[0]},{off[1]},{off[2]},{want[off] + 5}"
        for x in rows
    ]
    data = project / "params" / own / "2023.csv"
    data.write_text("\n".join(rows) + "\n", encoding="utf-8")
    (project / "params" / "regions.yaml").write_text(
        f"part:\n  name: 片区\n  members: [{', '.join(members)}]\n  own: {own}\n", encoding="utf-8"
    )
    doc = rollup_json(project, cli, "part")
    found = doc["own_report"]["findings"]
    assert [(f["rule"], f["table"], f["row"], f["column"]) for f in found] == [("R-ROLLUP-SUM", *off)]
    assert found[0]["expected"] == int(want[off]) and found[0]["found"] == int(want[off]) + 5
    assert fmt.RULE_BY_ID["R-ROLLUP-SUM"].severity == fmt.ERROR


def test_rollup_from_an_audit_keeps_unread_cells_unknown(region, cli, tmp_path):
    project, plan = region
    members = plan.regions["district-4"]["members"]
    with_data = [c for c in members if c not in plan.missing + plan.blank]
    results = []
    for i, code in enumerate(with_data):
        cells = read_csv_cells(project / "params" / code / "2023.csv")
        tables: dict = {"table2": {}, "table3": {}, "table4": {}}
        for (t, r, c), v in cells.items():
            val = None if v == "" else (float(v) if "." in v else int(v))
            if t == "table2" and c == "value":
                tables[t][r] = val
            else:
                tables[t].setdefault(r, {})[c] = val
        if i == 0:  # one cell the audit could not read
            tables["table3"]["granted"]["natural_person"] = None
        results.append(
            {
                "source": f"/x/{code}-2023.html",
                "agency": "某机构",
                "year": 2023,
                "format": "2021",
                "tables": tables,
                "findings": [],
                "unreadable": [],
            }
        )
    audit = tmp_path / "audit.json"
    audit.write_text(json.dumps(results, ensure_ascii=False), encoding="utf-8")
    doc = rollup_json(project, cli, "district-4", "--from-audit", str(audit))
    assert doc["members_included"] == len(with_data)
    assert doc["tables"]["table3"]["granted"]["natural_person"] is None
    assert doc["unknown_cells"] == {"table3/granted/natural_person": 1}
    want = independent_sum(project, with_data, 2023)
    assert doc["tables"]["table3"]["new"]["total"] == int(want[("table3", "new", "total")])


@pytest.mark.browser
def test_rollup_html_in_the_browser_with_charts_and_links_to_member_reports(region, cli, launch_chromium):
    from playwright.sync_api import sync_playwright

    project, plan = region
    district = "district-2"
    members = [c for c in plan.regions[district]["members"] if c not in plan.missing + plan.blank]
    rendered = members[:2]
    for code in rendered:
        res = cli(project, "run", f"params/{code}/2023.yaml")
        assert res.returncode in (0, 1), res.stderr
    res = cli(project, "rollup", district, "--year", "2023")
    assert res.returncode == 0, res.stderr
    html = project / "outputs" / "_regions" / district / "2023" / "rollup.html"
    text = html.read_text(encoding="utf-8")
    assert "<script" not in text
    out = Path(__file__).resolve().parents[1] / "output" / "office-rollup"
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        requests = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(html.as_uri())
        page.screenshot(path=str(out / "rollup.png"), full_page=True)
        assert page.locator("table.t3 tbody tr").count() == 25
        assert page.locator("table.indicators tbody tr").count() == 4
        assert page.locator("figure.chart svg path").count() > len(members)
        assert page.locator("figure.chart svg").first.bounding_box()["height"] > 50
        links = page.locator("table.ranking a").evaluate_all("els => els.map(e => e.href)")
        assert len(links) == len(rendered)
        for href in links:
            target = Path(href.removeprefix("file://"))
            assert target.is_file() and target.parent.parent.name in rendered
            page.goto(href)
            assert page.locator("table.t3").count() == 1
        browser.close()
    assert all(u.startswith("file://") for u in requests)
