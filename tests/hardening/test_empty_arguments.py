"""An empty path argument (``"$F"`` with F unset) is an error, never “the sample” or “here”."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "args",
    [
        ["check", ""],
        ["run", ""],
        ["audit", ""],
        ["audit", "report.html", ""],
        ["batch", ""],
        ["batch", "--outputs", ""],
        ["run", "--outputs", ""],
        ["template", "--agency", "a-b", "--year", "2023", "--out", ""],
        ["new", "a-b", "--year", "2023", "--name", "某局", "--params-dir", ""],
        ["import", "", "--agency", "a-b"],
    ],
)
def test_empty_argument_is_refused(tmp_path, args, make_project, cli, snapshot, assert_refused):
    project = make_project(tmp_path / "proj")
    before = snapshot(project)
    proc = cli(*args, cwd=project, timeout=120)
    assert_refused(proc, "空字符串")
    assert snapshot(project) == before
    assert not (project / "outputs").exists()
