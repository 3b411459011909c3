"""``audit --html`` never replaces one of its inputs; our own audit pages are not audited again."""

from __future__ import annotations

import shutil

import pytest


@pytest.fixture(scope="session")
def PAGE(ROOT):
    """A published 2019-format web page."""
    return ROOT / "tests" / "fixtures" / "audit" / "format_2019_web_page.html"


def test_html_output_that_is_the_input_is_refused(tmp_path, cli, snapshot, assert_refused, PAGE):
    page = tmp_path / "report.html"
    shutil.copy(PAGE, page)
    before = snapshot(page)
    assert_refused(cli("audit", str(page), "--html", str(page), cwd=tmp_path), "要审核的文件之一")
    (tmp_path / "alias.html").symlink_to(page)
    assert_refused(
        cli("audit", str(tmp_path), "--html", str(tmp_path / "alias.html"), cwd=tmp_path), "要审核的文件之一"
    )
    (tmp_path / "hard.html").hardlink_to(page)
    assert_refused(cli("audit", "report.html", "--html", "hard.html", cwd=tmp_path), "要审核的文件之一")
    assert snapshot(page) == before


def test_auditing_a_folder_twice_skips_our_own_audit_page(tmp_path, cli, PAGE):
    folder = tmp_path / "pages"
    folder.mkdir()
    shutil.copy(PAGE, folder / "report.html")
    out = folder / "审核结果.html"
    first = cli("audit", str(folder), "--html", str(out), cwd=tmp_path)
    assert first.returncode in (0, 1), first.stderr
    assert '<meta name="generator" content="govreport_kit audit">' in out.read_text(encoding="utf-8")
    second = cli("audit", str(folder), "--html", str(out), "--json", cwd=tmp_path)
    assert second.returncode in (0, 1), second.stderr
    import json

    assert [r["source"].endswith("report.html") for r in json.loads(second.stdout)] == [True]
