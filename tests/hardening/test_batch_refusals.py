"""``govreport batch``: bad arguments and unusable folders are refused before anything is written."""

from __future__ import annotations

import json

import pytest


@pytest.fixture
def project(tmp_path, make_project):
    return make_project(tmp_path / "proj")


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "-inf", "1e308"])
def test_bad_timeout_is_refused(project, value, cli, assert_refused):
    proc = cli("batch", f"--timeout={value}", cwd=project)
    assert_refused(proc, "--timeout")
    assert not (project / "outputs").exists()


def test_outputs_that_is_a_file_is_refused(project, cli, snapshot, assert_refused):
    f = project / "out.txt"
    f.write_text("keep", encoding="utf-8")
    before = snapshot(f)
    assert_refused(cli("batch", "--outputs", str(f), cwd=project), "输出根目录是一个文件")
    assert snapshot(f) == before


def test_batch_of_an_agency_folder_keeps_index_and_manifest(project, cli, snapshot, assert_refused):
    outputs = project / "outputs"
    outputs.mkdir()
    (outputs / "index.html").write_text("<p>earlier index</p>", encoding="utf-8")
    (outputs / "manifest.json").write_text('{"reports": ["earlier"]}', encoding="utf-8")
    before = snapshot(outputs)
    proc = cli("batch", "params/xishan-edu", cwd=project)
    assert_refused(proc, "没有找到任何参数文件", "输出文件夹没有改动")
    assert snapshot(outputs) == before


def test_read_only_outputs_is_refused_before_any_job_runs(project, tmp_path, cli, assert_refused, readonly_copy):
    src = tmp_path / "empty"
    src.mkdir()
    with readonly_copy(src, tmp_path / "ro") as ro:
        proc = cli("batch", "--outputs", str(ro), cwd=project)
        assert_refused(proc, "输出根目录不能写入")
        assert "Read-only" in proc.stderr or "只读" in proc.stderr
        assert list(ro.iterdir()) == []


def test_read_only_params_for_new_and_template(tmp_path, cli, assert_refused, readonly_copy):
    src = tmp_path / "empty"
    (src / "params").mkdir(parents=True)
    with readonly_copy(src, tmp_path / "ro") as ro:
        assert_refused(cli("new", "ro-a", "--year", "2023", "--name", "某局", cwd=ro), "不能写入")
        assert_refused(
            cli("template", "--agency", "ro-a", "--year", "2023", "--out", str(ro / "t.xlsx"), cwd=tmp_path), "不能写入"
        )
        assert sorted(p.name for p in ro.rglob("*")) == ["params"]


def test_symlinked_agency_output_folder_gets_no_record_and_no_report(project, tmp_path, cli):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (project / "outputs").mkdir()
    (project / "outputs" / "xishan-edu").symlink_to(outside, target_is_directory=True)
    proc = cli("batch", "--workers", "1", "--timeout", "120", cwd=project, timeout=300)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert list(outside.iterdir()) == []  # neither report.html nor batch.json went through the link
    manifest = json.loads((project / "outputs" / "manifest.json").read_text(encoding="utf-8"))
    text = json.dumps(manifest, ensure_ascii=False)
    assert "outputs/xishan-edu" in text and "指向输出根目录" in text and "agency.code" not in text


def test_fractional_timeout_runs_and_full_disk_keeps_the_index(project, tmp_path, cli, snapshot, assert_refused, tmpfs):
    with tmpfs(tmp_path / "small", "4m") as out:
        proc = cli("batch", "--outputs", str(out), "--workers", "1", "--timeout", "90.5", cwd=project, timeout=300)
        assert proc.returncode == 0, proc.stderr
        assert (out / "xishan-edu" / "2023" / "report.html").is_file()
        before = snapshot(out)
        with open(out / "filler", "wb") as f:  # fill the disk
            try:
                while True:
                    f.write(b"\0" * 65536)
                    f.flush()
            except OSError:
                pass
        before = snapshot(out / "index.html", out / "manifest.json")
        proc = cli("batch", "--outputs", str(out), "--changed-only", cwd=project, timeout=300)
        assert_refused(proc, "无法写入索引页", "原有的索引页保持不变")
        assert snapshot(out / "index.html", out / "manifest.json") == before
