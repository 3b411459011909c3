"""Notebooks never carry outputs or an analyst's parameter values into git, whatever is saved.

The ``make install`` git filter (``govreport_kit.report.nbclean``) is installed into a fresh
repository holding the report notebook; the notebook is then edited (parameters), executed in a
real kernel and saved with its outputs, as JupyterLab would; git must see no change.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from govreport_kit.core import paths
from govreport_kit.report.nbclean import PARAMETERS_SOURCE, clean_text

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK = "notebooks/report.ipynb"


def git(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    )


def test_committed_notebooks_are_clean():
    for path in (REPO / NOTEBOOK, paths.packaged_notebook("report.ipynb")):
        text = path.read_text(encoding="utf-8")
        assert clean_text(text) == text, f"{path} is not as the git filter stores it"
        params = next(c for c in nbformat.reads(text, 4).cells if "parameters" in c.metadata.get("tags", []))
        assert params.source == PARAMETERS_SOURCE


@pytest.mark.kernel
@pytest.mark.slow
def test_saved_outputs_and_parameters_never_reach_git(tmp_path):
    repo = tmp_path / "repo"
    (repo / "notebooks").mkdir(parents=True)
    for name in (NOTEBOOK, ".gitattributes", "Makefile"):
        shutil.copy(REPO / name, repo / name)
    git(repo, "init", "-q")
    make = subprocess.run(["make", "-s", "git-filter", f"VENV={sys.prefix}"], cwd=repo, capture_output=True, text=True)
    assert make.returncode == 0, make.stderr
    assert "nbclean" in git(repo, "config", "--get", "filter.govreport-notebook.clean").stdout
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "notebook")

    # The analyst edits the parameters, runs everything and saves (outputs, counts, metadata).
    from nbclient import NotebookClient

    path = repo / NOTEBOOK
    nb = nbformat.read(path, as_version=4)
    params = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    params.source = params.source.replace('params_path = ""', f'params_path = "{paths.sample_params()}"').replace(
        'audience = "review"', 'audience = "publish"'
    )
    os.environ.setdefault(paths.PROJECT_ENV, str(REPO))
    NotebookClient(nb, kernel_name="python3", resources={"metadata": {"path": str(repo)}}).execute()
    nbformat.write(nb, path)
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert sum(len(c.get("outputs", [])) for c in saved["cells"]) >= 8
    assert "publish" in "".join(next(c for c in saved["cells"] if c.get("id") == "parameters")["source"])

    diff = subprocess.run(["git", "diff", "--exit-code"], cwd=repo, capture_output=True, text=True)
    assert diff.returncode == 0 and diff.stdout == "", diff.stdout[:2000]
    git(repo, "add", "-A")  # (before this, git status may list the file by its size alone, as with nbstripout)
    assert git(repo, "status", "--porcelain").stdout == ""
    assert git(repo, "diff", "--cached", "--stat").stdout == ""
