"""Where things are: the project tree (params/, notebooks/, outputs/) and the built-in sample."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent
PARAMS_DIR = PROJECT_ROOT / "params"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
OUTPUTS_DIR = PROJECT_ROOT / "outputs"
REPORT_NOTEBOOK = NOTEBOOKS_DIR / "report.ipynb"

SAMPLE_AGENCY = "xishan-edu"
SAMPLE_YEAR = 2023
SAMPLE_PARAMS = PARAMS_DIR / SAMPLE_AGENCY / f"{SAMPLE_YEAR}.yaml"
