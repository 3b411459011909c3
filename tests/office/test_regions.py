"""params/regions.yaml is validated as strictly as params files, through the real CLI."""

from __future__ import annotations

import json

import pytest


def write(project, text: str) -> None:
    (project / "params" / "regions.yaml").write_text(text, encoding="utf-8")


def test_the_synthetic_tree_lists_all_sixty_agencies_depth_first(region, cli):
    project, plan = region
    res = cli(project, "status", "--year", "2023", "--json")
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    assert doc["region"] == "city" and doc["region_name"] == "某某市"
    assert [a["agency"] for a in doc["agencies"]] == _depth_first(plan.regions, "city")
    assert len(doc["agencies"]) == 60


def _depth_first(regions, code):
    out = []
    for m in regions[code]["members"]:
        out += _depth_first(regions, m) if m in regions else [m]
    return out


@pytest.mark.parametrize(
    "text, needles",
    [
        (
            "city:\n  name: 市\n  members: [a-1, district]\ndistrict:\n  name: 区\n  members: [a-1]\n",
            ["“a-1”在同一棵地区树中出现了两次"],
        ),
        ("city:\n  name: 市\n  members: [district]\ndistrict:\n  name: 区\n  members: [city]\n", ["地区之间有循环"]),
        ("city:\n  name: 市\n  memebers: [a-1]\n", ["未知的键“memebers”", "是否是“members”"]),
        ('city:\n  name: 市\n  members: ["../x"]\n', ["第 1 个成员有误"]),
        ("city:\n  name: 市\n  members: []\n", ["缺少成员列表"]),
        ("city: !!python/object:os.system\n  name: 市\n", ["regions.yaml"]),
    ],
)
def test_bad_regions_file_is_refused_with_the_line_and_the_fix(region, cli, text, needles):
    project, _ = region
    write(project, text)
    res = cli(project, "status", "--year", "2023")
    assert res.returncode == 2, (res.stdout, res.stderr)
    assert "Traceback" not in res.stderr and res.stderr.startswith("错误：")
    assert "regions.yaml" in res.stderr
    for n in needles:
        assert n in res.stderr, res.stderr


def test_a_region_code_that_is_an_agency_folder_is_refused(region, cli):
    project, plan = region
    agency = plan.with_data[0].agency.code
    write(project, f"{agency}:\n  name: 市\n  members: [x-1]\n")
    res = cli(project, "status", "--year", "2023")
    assert res.returncode == 2 and f"地区代码“{agency}”与机构文件夹" in res.stderr


def test_unknown_agency_codes_are_named_and_a_typo_gets_the_nearest_folder(region, cli):
    project, plan = region
    real = plan.with_data[0].agency.code
    typo = real[:-1] + ("x" if real[-1] != "x" else "y")
    write(project, f"city:\n  name: 市\n  members: [{real}, {typo}, not-started-yet]\n")
    res = cli(project, "status", "--year", "2023")
    assert res.returncode == 0, res.stderr
    assert f"“{typo}”在 params/ 下没有文件夹；是否是“{real}”？" in res.stderr
    assert "not-started-yet" in res.stderr and "未建立" in res.stderr


def test_without_a_regions_file_every_agency_folder_is_one_region(region, cli):
    project, plan = region
    (project / "params" / "regions.yaml").unlink()
    res = cli(project, "status", "--year", "2023", "--json")
    doc = json.loads(res.stdout)
    assert doc["region"] == "all" and doc["region_name"] == "全部机构"
    present = sorted(a.agency.code for a in plan.agencies if a.agency.code not in plan.missing)
    assert sorted(a["agency"] for a in doc["agencies"]) == present


def test_an_unknown_region_is_refused_with_the_nearest_code(region, cli):
    project, _ = region
    res = cli(project, "status", "district-l", "--year", "2023")
    assert res.returncode == 2 and "没有名为“district-l”的地区" in res.stderr and "district-1" in res.stderr
