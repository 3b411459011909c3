"""Where things are: the analyst's project (params/, outputs/, notebooks/) and the package's own files.

The project is found the way git finds a repository: ``--project DIR`` on the command line (which
sets ``GOVREPORT_PROJECT``), else the environment variable ``GOVREPORT_PROJECT``, else the nearest
folder, from the working directory upwards, that holds a ``params/`` folder, else the working
directory itself. Nothing is resolved from where the package is installed, so a non-editable
install works the same as a checkout. Each function looks again when called (tests and the Lab may
change the working directory); the cost is a few ``stat`` calls.

The notebook and the nbconvert template ship inside the package; a project with its own
``notebooks/report.ipynb`` uses that copy instead.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent
TEMPLATES_DIR = PACKAGE_DIR / "report" / "templates"
PROJECT_ENV = "GOVREPORT_PROJECT"

SAMPLE_AGENCY = "xishan-edu"
SAMPLE_YEAR = 2023


def project_root() -> Path:
    """The analyst's project folder (see the module docstring for how it is found)."""
    env = os.environ.get(PROJECT_ENV)
    if env:
        return Path(env).expanduser().absolute()
    cwd = Path.cwd()
    for folder in (cwd, *cwd.parents):
        if (folder / "params").is_dir():
            return folder
    return cwd


def params_dir() -> Path:
    return project_root() / "params"


def outputs_dir() -> Path:
    return project_root() / "outputs"


def notebooks_dir() -> Path:
    return project_root() / "notebooks"


def report_notebook() -> Path:
    """The project's ``notebooks/report.ipynb`` when it has one, else the copy shipped with the package."""
    own = notebooks_dir() / "report.ipynb"
    if own.is_file():
        return own
    return packaged_notebook("report.ipynb")


def packaged_notebook(name: str) -> Path:
    """A notebook shipped with the package: ``govreport_kit/report/notebooks/<name>`` (package data).

    That copy is the canonical one; the checkout's top-level ``notebooks/report.ipynb`` (what
    ``make lab`` opens) is kept identical to it by tests/core/test_packaging.py.
    """
    return PACKAGE_DIR / "report" / "notebooks" / name


def sample_params() -> Path:
    """The built-in sample's params file in the current project."""
    return params_dir() / SAMPLE_AGENCY / f"{SAMPLE_YEAR}.yaml"
