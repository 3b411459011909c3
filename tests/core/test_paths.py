"""The project is the analyst's folder (working directory, --project, GOVREPORT_PROJECT), never the install."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from govreport_kit.core import paths

REPO = Path(__file__).resolve().parents[2]


def make_project(root: Path) -> Path:
    """A folder holding only ``params/`` with the sample agency."""
    shutil.copytree(REPO / "params" / paths.SAMPLE_AGENCY, root / "params" / paths.SAMPLE_AGENCY)
    return root


def govreport(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k != paths.PROJECT_ENV}
    return subprocess.run(
        [sys.executable, "-m", "govreport_kit", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**base, **(env or {})},
        timeout=300,
    )


def test_shipped_notebooks_are_the_top_level_copies():
    top = sorted(p.name for p in (REPO / "notebooks").glob("*.ipynb"))
    assert "report.ipynb" in top
    assert sorted(p.name for p in (paths.PACKAGE_DIR / "report" / "notebooks").glob("*.ipynb")) == top
    for name in top:
        shipped = paths.packaged_notebook(name)
        assert shipped.read_bytes() == (REPO / "notebooks" / name).read_bytes(), (
            f"notebooks/{name} and {shipped} differ: copy one over the other"
        )


def test_project_is_found_from_a_subfolder(tmp_path, monkeypatch):
    project = make_project(tmp_path / "proj")
    monkeypatch.delenv(paths.PROJECT_ENV, raising=False)
    monkeypatch.chdir(project / "params" / paths.SAMPLE_AGENCY)
    assert paths.project_root() == project
    assert paths.outputs_dir() == project / "outputs"
    assert paths.report_notebook() == paths.packaged_notebook("report.ipynb")  # the project has no notebooks/
    (project / "notebooks").mkdir()
    (project / "notebooks" / "report.ipynb").write_text("{}", encoding="utf-8")
    assert paths.report_notebook() == project / "notebooks" / "report.ipynb"  # its own copy wins
    monkeypatch.setenv(paths.PROJECT_ENV, str(tmp_path))
    assert paths.project_root() == tmp_path


def test_check_uses_the_project_of_the_working_directory(tmp_path):
    project = make_project(tmp_path / "proj")
    r = govreport("check", cwd=project / "params")
    assert r.returncode == 0, r.stderr
    assert "检查 params/xishan-edu/2023.yaml" in r.stdout


@pytest.mark.parametrize("where", ["before", "after"])
def test_project_option_before_or_after_the_command(tmp_path, where):
    project = make_project(tmp_path / "proj")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    args = ["--project", str(project), "check"] if where == "before" else ["check", "--project", str(project)]
    r = govreport(*args, cwd=elsewhere)
    assert r.returncode == 0, r.stderr
    assert "检查 params/xishan-edu/2023.yaml" in r.stdout


def test_project_option_names_a_missing_folder_in_chinese(tmp_path):
    r = govreport("--project", str(tmp_path / "nope"), "check", cwd=tmp_path)
    assert r.returncode == 2 and "项目文件夹不存在" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.kernel
@pytest.mark.slow
def test_run_with_project_option_writes_into_that_project(tmp_path):
    project = make_project(tmp_path / "proj")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    r = govreport("--project", str(project), "run", cwd=elsewhere)
    assert r.returncode == 0, r.stderr
    html = project / "outputs" / "xishan-edu" / "2023" / "report.html"
    assert r.stdout.strip() == str(html) and html.is_file()
    assert not (elsewhere / "outputs").exists()
    assert '<meta name="govreport:param:params_path" content="params/xishan-edu/2023.yaml">' in html.read_text(
        encoding="utf-8"
    )
