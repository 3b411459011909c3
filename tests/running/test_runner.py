"""runner.py: papermill runs the real notebook in a real kernel; outputs, failures, golden HTML."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from govreport_kit import cli
from govreport_kit.core import paths
from govreport_kit.core.errors import ParamsError
from govreport_kit.report.notebook import FRAGMENT_MIME
from govreport_kit.running import kernels
from govreport_kit.running.runner import FAILED_NOTEBOOK, output_dir, run_report

pytestmark = pytest.mark.kernel

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "sample_report.html"
UPDATE_GOLDEN = os.environ.get("GOVREPORT_UPDATE_GOLDEN") == "1"
# What may differ from one machine, or one re-save of the sample files, to the next: (why, pattern, replacement).
NORMALISERS = [
    ("input file hashes", re.compile(r"[0-9a-f]{64}"), "<sha256>"),
    ("package versions in <meta>", re.compile(r'content="[^"]*"(?= name="govreport:version:)'), 'content="<version>"'),
    ("generator <meta>", re.compile(r'content="govreport_kit [^"]*"'), 'content="govreport_kit <version>"'),
    ("package versions in the footer", re.compile(r"(软件版本：)[^<]*"), r"\1<versions>"),
]


def normalise_html(html: str) -> str:
    for _why, pattern, repl in NORMALISERS:
        html = pattern.sub(repl, html)
    return html


def sentinel_outputs(root: Path, code: str, year: int = 2023) -> dict[str, bytes]:
    """Previous outputs with known bytes, to prove a failed run leaves them alone."""
    out = root / code / str(year)
    out.mkdir(parents=True, exist_ok=True)
    old = {name: f"old {name}".encode() for name in ("report.html", "report.ipynb", "findings.json")}
    for name, data in old.items():
        (out / name).write_bytes(data)
    return old


def assert_untouched(root: Path, code: str, old: dict[str, bytes]) -> None:
    for name, data in old.items():
        assert (root / code / "2023" / name).read_bytes() == data, name


# -------------------------------------------------------------------------------- the sample


def test_sample_report_is_written_small_offline_and_complete(sample_run):
    res = sample_run()
    assert res.status == "ok", res.message
    assert res.exit_code == 0 and res.errors == 0
    html = Path(res.html_path).read_text(encoding="utf-8")
    assert Path(res.html_path) == Path(res.output_dir) / "report.html"
    assert Path(res.output_dir).parts[-2:] == ("xishan-edu", "2023")
    assert res.html_bytes == len(html.encode()) < 150_000
    assert '<html lang="zh-CN">' in html
    assert "<title>昆明市西山区教育体育局2023年政府信息公开工作年度报告</title>" in html
    for forbidden in ("<script", "<link", "<iframe", "src=", "http://", "https://", "require", "MathJax", "In&nbsp;["):
        assert forbidden not in html, forbidden
    for part in (
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "六、其他需要报告的事项",
    ):
        assert f"<h2>{part}</h2>" in html
    assert "本年新收申请2件" in html  # part 一's placeholders filled from table 三
    assert 'id="findings"' in html and "未发现问题" in html
    assert html.count('data-cell="table3.') == 175
    assert 'name="govreport:input:xishan-edu/2023.xlsx"' in html and "footer" in html
    findings = json.loads(Path(res.findings_path).read_text(encoding="utf-8"))
    assert findings["counts"] == {"error": 0, "warning": 0, "info": 0} and findings["findings"] == []
    nb = json.loads(Path(res.notebook_path).read_text(encoding="utf-8"))
    assert nb["metadata"]["papermill"]["parameters"]["agency_code"] == "xishan-edu"
    assert set(res.timings) >= {"kernel_start", "validate", "execute", "export", "write"}


def test_golden_html(sample_run):
    html = normalise_html(Path(sample_run().html_path).read_text(encoding="utf-8"))
    if UPDATE_GOLDEN or not GOLDEN.exists():
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(html, encoding="utf-8")
        if UPDATE_GOLDEN:
            pytest.skip("golden HTML re-recorded")
    assert html == GOLDEN.read_text(encoding="utf-8"), "report HTML changed; review, then GOVREPORT_UPDATE_GOLDEN=1"


def test_rerendering_is_byte_identical_whoever_checks(sample_run, tmp_path):
    first = sample_run()
    again = run_report(None, outputs_root=tmp_path / "a", check_in_kernel=True)
    precomputed = run_report(None, outputs_root=tmp_path / "b", check_in_kernel=False)
    assert again.status == precomputed.status == "ok"
    html = Path(first.html_path).read_bytes()
    assert Path(again.html_path).read_bytes() == html
    assert Path(precomputed.html_path).read_bytes() == html
    assert Path(again.notebook_path).read_bytes() == Path(first.notebook_path).read_bytes()
    assert Path(precomputed.findings_path).read_bytes() == Path(first.findings_path).read_bytes()


def test_notebook_runs_standalone_with_its_defaults(tmp_path):
    """What JupyterLab does: the notebook alone, defaults, checks computed in the kernel."""
    import papermill

    out = tmp_path / "out.ipynb"
    nb = papermill.execute_notebook(
        str(paths.report_notebook()),
        str(out),
        progress_bar=False,
        cwd=str(paths.notebooks_dir()),
        kernel_name="python3",
    )
    marker = nb.cells[-1].outputs[-1]
    assert marker["data"]["application/vnd.govreport.report+json"]["status"] == "complete"
    html_outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if "text/html" in o.get("data", {})]
    assert len(html_outputs) == 9  # title, findings, 一, 二, 三, 四, 五, 六, the appendix
    # no text/plain fallbacks: the report fragment, and the same with inline styles for the Lab
    assert all(set(o["data"]) == {"text/html", FRAGMENT_MIME} for o in html_outputs)
    assert all('style="' in o["data"]["text/html"] for o in html_outputs)
    committed = json.loads(paths.report_notebook().read_text(encoding="utf-8"))
    assert all(
        not c.get("outputs") and c.get("execution_count") is None
        for c in committed["cells"]
        if c["cell_type"] == "code"
    )


def test_a_given_kernel_is_used_and_killed(tmp_path):
    km = kernels.start_kernel(cwd=tmp_path)
    res = run_report(None, outputs_root=tmp_path, kernel=km)
    assert res.status == "ok", res.message
    assert not km.is_alive()


# -------------------------------------------------------------------------------- failures


def test_missing_params_file_is_a_clean_error_without_a_kernel(tmp_path, capsys):
    res = run_report(tmp_path / "params" / "nobody" / "2023.yaml", outputs_root=tmp_path)
    assert (res.status, res.reason, res.exit_code) == ("failed", "input", 2)
    assert "找不到参数文件" in res.message and "kernel_start" not in res.timings
    assert cli.main(["run", str(tmp_path / "nope.yaml"), "--outputs", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "找不到参数文件" in err and "Traceback" not in err
    assert not any(tmp_path.rglob("*.html"))


def test_failing_cell_keeps_partial_notebook_and_old_outputs(write_agency, tmp_path):
    params = write_agency(tmp_path, "broken-cell")
    (params.parent / "2023.xlsx").write_bytes(b"this is not a workbook")
    old = sentinel_outputs(tmp_path / "out", "broken-cell")
    res = run_report(params, outputs_root=tmp_path / "out")  # the kernel loads the data: its cell fails
    assert (res.status, res.reason, res.exit_code, res.retryable) == ("failed", "input", 2, False)
    assert "第 2 个代码单元格（from govreport_kit.report import notebook as report；model = report.load(" in res.message
    assert "出错：InputError" in res.message
    assert "2023.xlsx" in res.message
    assert_untouched(tmp_path / "out", "broken-cell", old)
    failed = Path(res.failed_notebook_path)
    assert failed == tmp_path / "out" / "broken-cell" / "2023" / FAILED_NOTEBOOK
    nb = json.loads(failed.read_text(encoding="utf-8"))
    assert "papermill-error-cell-tag" in nb["cells"][0]["metadata"]["tags"]  # papermill's red banner
    errors = [
        o for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", []) if o["output_type"] == "error"
    ]
    assert len(errors) == 1 and errors[0]["ename"] == "InputError"


def test_an_error_in_any_cell_fails_the_run(notebook_with_cell, tmp_path):
    nb = notebook_with_cell(tmp_path / "raises.ipynb", "raise ValueError('单元格故意出错')")
    old = sentinel_outputs(tmp_path, "xishan-edu")
    res = run_report(None, outputs_root=tmp_path, notebook=nb)
    assert (res.status, res.reason, res.exit_code, res.retryable) == ("failed", "cell", 1, False)
    assert "第 14 个代码单元格（raise ValueError('单元格故意出错')）出错：ValueError：单元格故意出错" in res.message
    assert_untouched(tmp_path, "xishan-edu", old)
    assert Path(res.failed_notebook_path).exists()


def test_unknown_placeholder_is_highlighted_in_review_and_refused_in_publish(write_agency, tmp_path):
    params = write_agency(
        tmp_path,
        "typo",
        narrative="# 一、总体情况\n\n本年新收{{ table3.nwe.total }}件，结转{{ table3.carried.total }}件。\n",
    )
    res = run_report(params, outputs_root=tmp_path / "out")
    assert (res.status, res.errors) == ("findings", 1)
    html = Path(res.html_path).read_text(encoding="utf-8")
    assert '<mark class="unfilled" title="未能填入的占位符">{{ table3.nwe.total }}</mark>件，结转0件' in html
    assert "R-PLACEHOLDER" in html and "第 3 行" in html
    refused = run_report(params, audience="publish", outputs_root=tmp_path / "out")
    assert (refused.status, refused.reason) == ("findings", "refused") and "table3.nwe.total" in refused.message


def test_publish_with_error_findings_is_refused_before_execution(write_agency, tmp_path):
    params = write_agency(tmp_path, "bad-totals", changes={("table3", "new", "total"): 3})
    old = sentinel_outputs(tmp_path / "out", "bad-totals")
    res = run_report(params, audience="publish", outputs_root=tmp_path / "out")
    assert (res.status, res.reason, res.exit_code) == ("findings", "refused", 1)
    assert "不能生成发布版报告" in res.message and res.errors >= 1
    assert "execute" not in res.timings
    assert_untouched(tmp_path / "out", "bad-totals", old)
    assert not (tmp_path / "out" / "bad-totals" / "2023" / FAILED_NOTEBOOK).exists()


def test_review_with_error_findings_lists_and_highlights_them(write_agency, tmp_path):
    params = write_agency(tmp_path, "bad-totals", changes={("table3", "new", "total"): 3})
    res = run_report(params, outputs_root=tmp_path / "out")
    assert (res.status, res.exit_code) == ("findings", 1) and res.errors >= 1
    html = Path(res.html_path).read_text(encoding="utf-8")
    first = re.search(r'<li class="finding sev-(\w+)"[^>]*>.*?href="#([^"]+)"', html)
    assert first.group(1) == "error"
    target = re.search(rf'<td[^>]*id="{first.group(2)}"[^>]*>', html).group(0)
    assert "flag-error" in target
    assert json.loads(Path(res.findings_path).read_text(encoding="utf-8"))["counts"]["error"] == res.errors


def test_timeout_is_a_failure_with_the_partial_notebook(notebook_with_cell, tmp_path):
    nb = notebook_with_cell(tmp_path / "slow.ipynb", "import time\ntime.sleep(120)")
    res = run_report(None, outputs_root=tmp_path, notebook=nb, timeout=6)
    assert (res.status, res.reason, res.retryable) == ("failed", "timeout", True)
    assert "超时" in res.message and Path(res.failed_notebook_path).exists()
    assert not (tmp_path / "xishan-edu" / "2023" / "report.html").exists()


def test_dead_kernel_is_detected(notebook_with_cell, tmp_path):
    cell = "import os, sys\nsys.__stderr__.write('last words of the kernel\\n')\nsys.__stderr__.flush()\nos._exit(1)"
    nb = notebook_with_cell(tmp_path / "dies.ipynb", cell)
    res = run_report(None, outputs_root=tmp_path, notebook=nb, timeout=60)
    assert (res.status, res.reason, res.retryable) == ("failed", "dead_kernel", True)
    assert "内核" in res.message and Path(res.failed_notebook_path).exists()
    assert "内核最后的输出" in res.message and "last words of the kernel" in res.message  # the kernel's log tail


def test_a_notebook_without_the_end_marker_is_not_a_success(tmp_path):
    import nbformat

    nb = nbformat.read(str(paths.report_notebook()), as_version=4)
    nb.cells = nb.cells[:-1]  # drop report.finish(...)
    nbformat.write(nb, str(tmp_path / "no_marker.ipynb"))
    res = run_report(None, outputs_root=tmp_path, notebook=tmp_path / "no_marker.ipynb")
    assert (res.status, res.reason) == ("failed", "no_marker")
    assert "完成标记" in res.message and not (tmp_path / "xishan-edu" / "2023" / "report.html").exists()


def test_output_dir_comes_only_from_a_valid_code(tmp_path):
    assert output_dir(tmp_path, "xishan-edu", 2023) == (tmp_path / "xishan-edu" / "2023").resolve()
    for bad in ("../x", "a/b", "CON", "con", "x" * 200, ""):
        with pytest.raises(ParamsError):
            output_dir(tmp_path, bad, 2023)
    with pytest.raises(ParamsError):
        output_dir(tmp_path, "ok", "2023/../../x")


def test_a_notebook_lacking_a_parameter_is_refused(tmp_path):
    import nbformat

    nb = nbformat.read(str(paths.report_notebook()), as_version=4)
    params_cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    params_cell.source = "\n".join(
        line for line in params_cell.source.splitlines() if not line.startswith("precomputed")
    )
    nbformat.write(nb, str(tmp_path / "old.ipynb"))
    res = run_report(None, outputs_root=tmp_path, notebook=tmp_path / "old.ipynb")
    assert (res.status, res.reason, res.retryable) == ("failed", "notebook", False)
    assert "precomputed" in res.message and "execute" not in res.timings


def test_publish_report_has_no_findings_section(write_agency, tmp_path):
    params = write_agency(tmp_path, "warned", narrative="# 五、存在的主要问题及改进情况\n\n无\n")  # R-SEC5: info only
    res = run_report(params, audience="publish", outputs_root=tmp_path / "out")
    assert res.status == "ok", res.message
    html = Path(res.html_path).read_text(encoding="utf-8")
    assert '<section class="findings"' not in html and 'class="v flag' not in html and "检查结果" not in html
    assert 'name="govreport:param:audience"' in html and 'content="publish"' in html
    review = run_report(params, outputs_root=tmp_path / "review")
    assert review.infos >= 1 and '<section class="findings"' in Path(review.html_path).read_text(encoding="utf-8")
