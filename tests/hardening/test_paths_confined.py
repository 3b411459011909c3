"""Data, narrative and previous-year paths stay inside the project unless govreport.yaml allows more."""

from __future__ import annotations

import pytest


@pytest.fixture
def setup(tmp_path, make_project):
    project = make_project(tmp_path / "proj")
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "secret.md"
    secret.write_text("机密内容\n", encoding="utf-8")
    params = project / "params" / "xishan-edu" / "2023.yaml"
    return project, params, secret


def _point(params, key: str, value: str) -> None:
    lines = [ln for ln in params.read_text(encoding="utf-8").splitlines() if not ln.startswith(f"{key}:")]
    params.write_text("\n".join(lines + [f"{key}: {value}"]) + "\n", encoding="utf-8")


@pytest.mark.parametrize("how", ["absolute", "dotdot", "symlink"])
def test_narrative_outside_the_project_is_refused(setup, how, cli, snapshot, assert_refused):
    project, params, secret = setup
    if how == "absolute":
        _point(params, "narrative", str(secret))
    elif how == "dotdot":
        _point(params, "narrative", "../../../outside/secret.md")
    else:
        (params.parent / "link.md").symlink_to(secret)
        _point(params, "narrative", "link.md")
    before = snapshot(project, secret)
    for cmd in (["check", str(params)], ["run", str(params)]):
        proc = cli(*cmd, cwd=project, timeout=120)
        assert_refused(proc, "narrative", "项目文件夹之外", "allow_paths_outside")
        assert "机密内容" not in proc.stdout + proc.stderr
    assert snapshot(project, secret) == before
    assert not (project / "outputs").exists()


def test_data_through_a_symlink_outside_is_refused(setup, tmp_path, cli, assert_refused):
    project, params, _ = setup
    real = tmp_path / "outside" / "2023.xlsx"
    (params.parent / "2023.xlsx").rename(real)
    (params.parent / "2023.xlsx").symlink_to(real)
    assert_refused(cli("check", str(params), cwd=project), "data", "符号链接")


def test_settings_file_allows_a_folder_outside(setup, cli):
    project, params, secret = setup
    _point(params, "narrative", str(secret))
    (project / "govreport.yaml").write_text(f"allow_paths_outside:\n  - {secret.parent}\n", encoding="utf-8")
    proc = cli("check", str(params), cwd=project)
    assert proc.returncode in (0, 1), proc.stderr


def test_unknown_setting_is_an_error(setup, cli, assert_refused):
    project, params, _ = setup
    (project / "govreport.yaml").write_text("allow_path_outside:\n  - /tmp\n", encoding="utf-8")
    _point(params, "narrative", "2023.md")
    assert_refused(cli("check", str(params), cwd=project), "未知的设置", "allow_paths_outside")
