"""``govreport import``: all files or none, and every odd argument refused with a message."""

from __future__ import annotations

import shutil

import pytest


@pytest.fixture(scope="session")
def PINGTAN(CORPUS):
    """A published report (平潭, 2022) as saved from the web."""
    return CORPUS / "pingtan-2022.txt"


def _page(PINGTAN, tmp_path, old: str = "", new: str = "", name: str = "page.txt"):
    text = PINGTAN.read_text(encoding="utf-8")
    if old:
        assert old in text
        text = text.replace(old, new)
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_failed_force_import_leaves_the_agency_year_as_it_was(tmp_path, cli, snapshot, assert_refused, PINGTAN):
    good = _page(PINGTAN, tmp_path, name="a.txt")
    assert cli("import", str(good), "--agency", "pingtan", cwd=tmp_path).returncode == 0
    folder = tmp_path / "params" / "pingtan"
    before = snapshot(folder)
    # B's page: other numbers, and a postcode in Arabic-Indic digits (\d matches it; params refuse it)
    bad = _page(PINGTAN, tmp_path, "邮编：350400", "邮编：٣٥٠٤٠٠", name="b.txt")
    bad.write_text(
        bad.read_text(encoding="utf-8").replace("收到政府信息公开申请75件", "收到政府信息公开申请76件"),
        encoding="utf-8",
    )
    proc = cli("import", str(bad), "--agency", "pingtan", "--force", cwd=tmp_path)
    assert_refused(proc, "邮政编码", "没有写入任何文件")
    assert snapshot(folder) == before
    assert sorted(p.name for p in folder.iterdir()) == ["2022.md", "2022.xlsx", "2022.yaml"]  # no temporary left


def test_params_dir_that_is_a_file_is_refused(tmp_path, cli, assert_refused, PINGTAN):
    page = _page(PINGTAN, tmp_path)
    f = tmp_path / "not-a-folder"
    f.write_text("x", encoding="utf-8")
    proc = cli("import", str(page), "--agency", "pingtan", "--params-dir", str(f), cwd=tmp_path)
    assert_refused(proc, "--params-dir", "不是文件夹")
    assert f.read_text(encoding="utf-8") == "x"


def test_empty_folder_is_refused(tmp_path, cli, assert_refused):
    (tmp_path / "empty").mkdir()
    proc = cli("import", str(tmp_path / "empty"), "--agency", "pingtan", cwd=tmp_path)
    assert_refused(proc, "没有报告文件")
    assert not (tmp_path / "params").exists()


def test_folder_with_several_reports_is_refused_and_they_are_listed(tmp_path, cli, assert_refused, PINGTAN):
    folder = tmp_path / "pages"
    folder.mkdir()
    shutil.copy(PINGTAN, folder / "a-2022.txt")
    shutil.copy(PINGTAN, folder / "b-2022.txt")
    proc = cli("import", str(folder), "--agency", "pingtan", cwd=tmp_path)
    assert_refused(proc, "2 份报告文件", "a-2022.txt", "b-2022.txt")
    assert not (tmp_path / "params").exists()


def test_folder_with_one_report_imports_it(tmp_path, cli, PINGTAN):
    folder = tmp_path / "pages"
    folder.mkdir()
    shutil.copy(PINGTAN, folder / "a-2022.txt")
    assert cli("import", str(folder), "--agency", "pingtan", cwd=tmp_path).returncode == 0
    assert (tmp_path / "params" / "pingtan" / "2022.yaml").is_file()


def test_empty_report_argument_is_refused(tmp_path, cli, assert_refused):
    assert_refused(cli("import", "", "--agency", "pingtan", cwd=tmp_path), "空字符串")


def test_import_into_a_read_only_params_dir_is_refused(tmp_path, cli, assert_refused, readonly_copy, PINGTAN):
    page = _page(PINGTAN, tmp_path)
    src = tmp_path / "src"
    (src / "params").mkdir(parents=True)
    with readonly_copy(src, tmp_path / "ro") as ro:
        proc = cli("import", str(page), "--agency", "pingtan", "--params-dir", str(ro / "params"), cwd=tmp_path)
        assert_refused(proc, "无法写入参数目录")
        assert list((ro / "params").iterdir()) == []
