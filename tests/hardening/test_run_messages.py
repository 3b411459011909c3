"""``govreport run``: unusable output folders are reported before the notebook runs, in plain words."""

from __future__ import annotations


def test_run_of_a_directory_says_it_is_a_folder(tmp_path, make_project, cli, assert_refused):
    project = make_project(tmp_path / "proj")
    proc = cli("run", "params/xishan-edu", cwd=project, timeout=120)
    assert_refused(proc, "文件夹", "batch")
    assert "找不到参数文件" not in proc.stderr


def test_run_into_an_occupied_output_folder_is_refused_before_execution(
    tmp_path, make_project, cli, snapshot, assert_refused
):
    project = make_project(tmp_path / "proj")
    (project / "outputs" / "xishan-edu").mkdir(parents=True)
    (project / "outputs" / "xishan-edu" / "2023").write_text("a file where the folder goes", encoding="utf-8")
    before = snapshot(project / "outputs")
    proc = cli("run", "params/xishan-edu/2023.yaml", cwd=project, timeout=120)
    assert_refused(proc, "输出位置被占用")
    assert "内部错误" not in proc.stderr and "notebook" not in proc.stderr
    assert snapshot(project / "outputs") == before


def test_run_into_a_read_only_outputs_folder_is_refused_before_execution(
    tmp_path, make_project, cli, assert_refused, readonly_copy
):
    project = make_project(tmp_path / "proj")
    empty = tmp_path / "empty"
    empty.mkdir()
    with readonly_copy(empty, tmp_path / "ro") as ro:
        proc = cli("run", "params/xishan-edu/2023.yaml", "--outputs", str(ro), cwd=project, timeout=120)
        assert_refused(proc, "输出文件夹不能写入")
        assert "内部错误" not in proc.stderr
        assert list(ro.iterdir()) == []


def test_symlinked_output_folder_refusal_names_the_folder(tmp_path, make_project, cli, assert_refused):
    project = make_project(tmp_path / "proj")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (project / "outputs").mkdir()
    (project / "outputs" / "xishan-edu").symlink_to(outside, target_is_directory=True)
    proc = cli("run", "params/xishan-edu/2023.yaml", cwd=project, timeout=120)
    assert_refused(proc, "outputs/xishan-edu", "指向输出根目录")
    assert "agency.code" not in proc.stderr
    assert list(outside.iterdir()) == []
