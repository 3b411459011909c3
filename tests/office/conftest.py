"""Fixtures for the office tests: a synthetic three-level region of 60 agencies, and the real CLI."""

from __future__ import annotations

from pathlib import Path

import pytest

from govreport_kit.authoring.synth_region import write_region

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def region_template(tmp_path_factory):
    """A project with a synthetic region (60 agencies, 2022 and 2023), written once per session."""
    project = tmp_path_factory.mktemp("region")
    plan = write_region(project / "params", 60, seed=1, districts=5, years=(2022, 2023))
    return project, plan


@pytest.fixture
def region(region_template, tmp_path):
    """A private copy of the region project (tests may change it)."""
    import shutil

    src, plan = region_template
    dst = tmp_path / "project"
    shutil.copytree(src, dst)
    return dst, plan


@pytest.fixture
def cli(run_cli):
    """``cli(cwd, *args, timeout=300)``: the CLI of this checkout in a subprocess."""
    return lambda cwd, *args, timeout=300: run_cli(*args, cwd=cwd, timeout=timeout)
