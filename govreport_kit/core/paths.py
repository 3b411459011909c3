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


def job_output_dir(outputs_root: str | os.PathLike | None, agency_code: str, year: int) -> Path:
    """``<outputs_root>/<agency_code>/<year>``, refusing anything that resolves outside the root.

    The one check shared by the report runner and the batch record writer: the agency code and
    year are validated, symlinks are resolved, and a folder that leads out of the outputs root
    (``outputs/<code>`` a link to ``/etc``) is refused naming that folder.
    """
    from govreport_kit.core.agency import require_agency_code
    from govreport_kit.core.editions import year_problem
    from govreport_kit.core.errors import InputError, Location, ParamsError

    require_agency_code(agency_code, Location(key="agency.code"))
    problem = year_problem(year)
    if problem:
        raise ParamsError(problem, where=Location(key="year"))
    root = Path(outputs_root or outputs_dir()).resolve()
    given = root / agency_code / str(year)
    out = given.resolve()
    if not out.is_relative_to(root) or out == root:
        link = next((q for q in (root / agency_code, given) if q.is_symlink()), given)
        raise InputError(
            f"输出文件夹 {link} 指向输出根目录 {root} 之外（{out}），不会写入",
            Location(file=str(link)),
            "请删除这个链接，或换一个输出根目录（--outputs）",
        )
    return out
