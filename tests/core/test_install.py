"""A non-editable install works from the analyst's folder: nothing is resolved from the install.

``pip install`` of the package (a wheel built from a copy of the sources, not editable) into a
fresh venv; its dependencies come from the development venv through a ``.pth`` line added *after*
the install (a full dependency install takes minutes and the network). Then ``govreport run`` in
a folder holding only ``params/`` must write ``outputs/`` there, with the notebook and the
template that ship inside the package.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

import govreport_kit

REPO = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.slow, pytest.mark.kernel]


def site_packages(prefix: Path) -> Path:
    return Path(sysconfig.get_path("purelib", vars={"base": str(prefix), "platbase": str(prefix)}))


def test_non_editable_install_runs_in_a_folder_holding_only_params(tmp_path):
    source = tmp_path / "src"  # a copy, so the build leaves no build/ in the checkout
    shutil.copytree(
        REPO / "govreport_kit", source / "govreport_kit", ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
    )
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    init = source / "govreport_kit" / "__init__.py"  # marks the installed copy: the kernel reports its version
    init.write_text(
        init.read_text(encoding="utf-8").replace(f'"{govreport_kit.__version__}"', '"0.0.0+installed"'),
        encoding="utf-8",
    )

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    clean_env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "GOVREPORT_PROJECT", "VIRTUAL_ENV")}
    pip = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", str(source)],
        capture_output=True,
        text=True,
        env=clean_env,
        timeout=600,
    )
    assert pip.returncode == 0, pip.stderr[-3000:]
    installed = site_packages(env_dir) / "govreport_kit"
    assert (installed / "report" / "notebooks" / "report.ipynb").is_file()
    assert (installed / "report" / "templates" / "govreport" / "index.html.j2").is_file()
    assert not (site_packages(env_dir) / "notebooks").exists()
    # The dependencies: the development venv's packages, after the new venv's own (its .pth files,
    # among them the editable install of govreport_kit, are not processed from there).
    (site_packages(env_dir) / "zz_dev_dependencies.pth").write_text(str(site_packages(Path(sys.prefix))) + "\n")
    # nbconvert's stock templates are data files of the nbconvert install (share/jupyter/nbconvert).
    (env_dir / "share" / "jupyter").mkdir(parents=True, exist_ok=True)
    (env_dir / "share" / "jupyter" / "nbconvert").symlink_to(Path(sys.prefix) / "share" / "jupyter" / "nbconvert")

    project = tmp_path / "analyst"
    shutil.copytree(REPO / "params" / "xishan-edu", project / "params" / "xishan-edu")
    where = subprocess.run(
        [str(python), "-c", "import govreport_kit; print(govreport_kit.__file__)"],
        cwd=project,
        capture_output=True,
        text=True,
        env=clean_env,
    )
    assert Path(where.stdout.strip()).is_relative_to(env_dir), where.stdout + where.stderr

    run = subprocess.run(
        [str(env_dir / "bin" / "govreport"), "run"],
        cwd=project,
        capture_output=True,
        text=True,
        env={**clean_env, "PATH": f"{env_dir / 'bin'}:{clean_env.get('PATH', '')}"},
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    html = project / "outputs" / "xishan-edu" / "2023" / "report.html"
    assert run.stdout.strip() == str(html)
    assert html.is_file() and (html.parent / "findings.json").is_file()
    assert "二、主动公开政府信息情况" in html.read_text(encoding="utf-8")
    assert sorted(p.name for p in project.iterdir()) == ["outputs", "params"]
    assert not (installed / "outputs").exists() and not (installed.parent / "outputs").exists()
    # The kernel ran the installed copy too (the generator <meta> is written in the kernel).
    assert '<meta name="generator" content="govreport_kit 0.0.0+installed">' in html.read_text(encoding="utf-8")
