"""Packaging: every import is declared, the notebook ships with the package, papermill is pinned.

The clean-venv install (`pip install .` from pyproject.toml alone, then `govreport check` and
`govreport run` in a folder holding only params/) runs in .ci/run: tools/clean_install_check.sh.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "govreport_kit"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
#: Imports that belong to an extra (imported only when that feature is used), module -> extra.
EXTRA_IMPORTS = {"distributed": "dask", "dask": "dask", "keyring": "keyring"}


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _imports() -> dict[str, str]:
    """Top-level module imported anywhere in the package -> one file that imports it."""
    out: dict[str, str] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                out.setdefault(name.split(".")[0], path.relative_to(ROOT).as_posix())
    return out


def test_every_third_party_import_is_declared():
    runtime = {_name(r) for r in PYPROJECT["project"]["dependencies"]}
    extras = {k: {_name(r) for r in v} for k, v in PYPROJECT["project"]["optional-dependencies"].items()}
    dists = packages_distributions()
    missing = {}
    for module, where in _imports().items():
        if module in sys.stdlib_module_names or module == "govreport_kit":
            continue
        declared = extras[EXTRA_IMPORTS[module]] if module in EXTRA_IMPORTS else runtime
        candidates = {d.lower().replace("_", "-") for d in dists.get(module, [module])}
        if not candidates & declared:
            missing[module] = (where, sorted(candidates))
    assert not missing, f"imported but not declared in pyproject.toml: {missing}"


def test_test_and_bench_tools_are_not_runtime_dependencies():
    runtime = {_name(r) for r in PYPROJECT["project"]["dependencies"]}
    assert not runtime & {
        "selectolax",
        "psutil",
        "pytest",
        "hypothesis",
        "playwright",
        "jupyterlab",
        "dask",
        "distributed",
        "ruff",
        "mypy",
    }


def test_the_notebooks_ship_with_the_package_and_the_lab_copies_are_identical():
    from govreport_kit.core import paths

    shipped = paths.packaged_notebook("report.ipynb")
    assert shipped.is_relative_to(PACKAGE) and shipped.is_file()
    assert "report/notebooks/*.ipynb" in PYPROJECT["tool"]["setuptools"]["package-data"]["govreport_kit"]
    lab_copies = sorted((ROOT / "notebooks").glob("*.ipynb"))
    assert lab_copies and {p.name for p in lab_copies} == {p.name for p in shipped.parent.glob("*.ipynb")}
    for lab_copy in lab_copies:
        assert lab_copy.read_bytes() == paths.packaged_notebook(lab_copy.name).read_bytes(), (
            f"notebooks/{lab_copy.name} differs from the canonical govreport_kit/report/notebooks/{lab_copy.name}: "
            "edit one, then copy it over the other (cp notebooks/*.ipynb govreport_kit/report/notebooks/)"
        )


def test_every_extra_and_the_runtime_have_a_hashed_lock():
    locks = ROOT / "requirements"
    for name in ["runtime", *PYPROJECT["project"]["optional-dependencies"]]:
        text = (locks / f"{name}.lock").read_text(encoding="utf-8")
        pins = [ln for ln in text.splitlines() if re.match(r"^[A-Za-z0-9]", ln)]
        assert pins and all("==" in ln for ln in pins), name
        assert text.count("--hash=sha256:") >= len(pins), f"{name}.lock is not hashed"
