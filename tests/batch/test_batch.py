"""Batch runs: discovery, statuses, isolation, --changed-only, index and manifest.

The first tests inject a fake job function (no kernel) to pin down the orchestration; the tests
marked ``kernel`` run real reports of synthetic agencies in real kernels.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest

from govreport_kit.batch import progress as batch_progress
from govreport_kit.batch import run as batch
from govreport_kit.batch.jobs import EMPTY, FAILED, FINDINGS, OK, SKIPPED, Job, JobResult


# --------------------------------------------------------------------------- a fake job (no kernel)
def fake_job(job: Job) -> JobResult:
    """Writes a report for ``ok-*`` agencies, reports findings for ``warn-*``, fails ``bad-*``;
    appends every call to ``<outputs>/calls.log`` so tests can see what ran."""
    root = Path(job.outputs_root)
    root.mkdir(parents=True, exist_ok=True)
    with open(root / "calls.log", "a", encoding="utf-8") as f:
        f.write(f"{job.agency}/{job.year}\n")
    if job.agency.startswith("bad"):
        return JobResult.failure(
            job, "报告 notebook 的第 3 个代码单元格出错：ValueError", cause="cell", kernels_started=1
        )
    out = root / job.agency / str(job.year)
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.html").write_text("<html></html>", encoding="utf-8")
    (out / "findings.json").write_text("{}", encoding="utf-8")
    status = FINDINGS if job.agency.startswith("warn") else OK
    return JobResult(
        job.agency,
        job.year,
        status,
        name=job.name,
        errors=2 if status == FINDINGS else 0,
        warnings=1,
        report=f"{job.agency}/{job.year}/report.html",
        findings=f"{job.agency}/{job.year}/findings.json",
        fingerprint=job.fingerprint,
        inputs=dict(job.inputs),
        kernels_started=1,
    )


def _params(root: Path, code: str, year: int, text: str = "x: 1\n") -> Path:
    p = root / code / f"{year}.yaml"
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text, encoding="utf-8")
    (p.parent / f"{year}.csv").write_text("table,row,column,value\n", encoding="utf-8")
    return p


def _calls(outputs: Path) -> list[str]:
    f = outputs / "calls.log"
    return sorted(f.read_text(encoding="utf-8").split()) if f.exists() else []


@pytest.fixture
def tree(tmp_path):
    params = tmp_path / "params"
    for code in ("ok-a", "ok-b", "warn-c", "bad-d"):
        _params(params, code, 2023)
    _params(params, "ok-a", 2022)
    return params, tmp_path / "outputs"


# --------------------------------------------------------------------------- discovery
def test_discover_validates_folder_and_file_names(tmp_path):
    _params(tmp_path, "good", 2023)
    _params(tmp_path, "good", 2022)
    (tmp_path / "good" / "notes.yaml").write_text("a: 1\n", encoding="utf-8")
    (tmp_path / "good" / "2023.yml").write_text("a: 1\n", encoding="utf-8")
    (tmp_path / "good" / "2023.md").write_text("text\n", encoding="utf-8")
    _params(tmp_path, "Bad Name", 2023)
    _params(tmp_path, "con", 2023)
    _params(tmp_path, ".hidden", 2023)
    (tmp_path / "faults.json").write_text("{}", encoding="utf-8")
    found = batch.discover(tmp_path)
    assert [(j.agency, j.year) for j in found.jobs] == [("good", 2022), ("good", 2023)]
    text = "\n".join(found.problems)
    assert "Bad Name" in text and "con" in text and "notes.yaml" in text and "2023.yml" in text
    assert ".hidden" not in text and "2023.md" not in text
    assert all(Path(j.params_path).is_absolute() for j in found.jobs)


def test_discover_missing_folder_is_a_clear_error(tmp_path):
    from govreport_kit.core.errors import ParamsError

    with pytest.raises(ParamsError, match="参数目录不存在"):
        batch.discover(tmp_path / "nope")


# --------------------------------------------------------------------------- statuses and isolation
def test_every_job_ends_with_a_status_and_failures_do_not_stop_others(tree):
    params, outputs = tree
    log = io.StringIO()
    res = batch.run_batch(
        params, outputs_root=outputs, workers=2, job_fn=fake_job, observers=[batch_progress.LogProgress(log)]
    )
    by = {r.key: r for r in res.results}
    assert {k: r.status for k, r in by.items()} == {
        "bad-d/2023": FAILED,
        "ok-a/2022": OK,
        "ok-a/2023": OK,
        "ok-b/2023": OK,
        "warn-c/2023": FINDINGS,
    }
    assert [r.key for r in res.results] == ["bad-d/2023", "ok-a/2022", "ok-a/2023", "ok-b/2023", "warn-c/2023"]
    assert by["bad-d/2023"].reason.startswith("报告 notebook")
    assert res.exit_code == 1
    # one plain Chinese log line per finished job
    lines = [x for x in log.getvalue().splitlines() if x.startswith("[")]
    assert len(lines) == 5 and any("bad-d 2023 年：失败" in x for x in lines)
    # records, index and manifest
    rec = json.loads((outputs / "ok-a" / "2023" / "batch.json").read_text(encoding="utf-8"))
    assert rec["status"] == OK and len(rec["fingerprint"]) == 64 and "ok-a/2023.yaml" in rec["inputs"]
    man = json.loads((outputs / "manifest.json").read_text(encoding="utf-8"))
    assert man["totals"] == {"jobs": 5, OK: 3, FINDINGS: 1, EMPTY: 0, FAILED: 1, SKIPPED: 0, "errors": 2, "warnings": 4}
    assert [j["agency"] for j in man["jobs"]] == ["bad-d", "ok-a", "ok-a", "ok-b", "warn-c"]
    assert all("notebook" in j["inputs"] and "package" in j["inputs"] for j in man["jobs"])
    assert "papermill" in man["versions"] and "govreport_kit" in man["versions"]
    html = (outputs / "index.html").read_text(encoding="utf-8")
    for code in ("ok-a", "ok-b", "warn-c", "bad-d"):
        assert f"<code>{code}</code>" in html
    assert 'href="ok-a/2023/report.html"' in html and 'href="warn-c/2023/findings.json"' in html
    summary = batch_progress.summary(res)
    assert "失败 1" in summary and "bad-d 2023 年" in summary


def test_exit_code_is_zero_only_when_everything_is_ok_or_skipped(tmp_path):
    params = tmp_path / "params"
    _params(params, "ok-a", 2023)
    res = batch.run_batch(params, outputs_root=tmp_path / "out", workers=1, job_fn=fake_job)
    assert res.exit_code == 0 and res.count(OK) == 1


# --------------------------------------------------------------------------- --changed-only
def test_changed_only_reruns_exactly_the_changed_job_and_starts_nothing_when_unchanged(tree):
    params, outputs = tree
    batch.run_batch(params, outputs_root=outputs, workers=2, job_fn=fake_job)
    assert len(_calls(outputs)) == 5
    (outputs / "calls.log").unlink()

    again = batch.run_batch(params, outputs_root=outputs, workers=2, job_fn=fake_job, changed_only=True)
    # ok jobs are skipped; the failed and the findings job run again (only an ok run is reused)
    assert _calls(outputs) == ["bad-d/2023", "warn-c/2023"]
    assert {r.key for r in again.results if r.status == SKIPPED} == {"ok-a/2022", "ok-a/2023", "ok-b/2023"}
    (outputs / "calls.log").unlink()

    (params / "ok-b" / "2023.csv").write_text("table,row,column,value\ntable3,new,total,1\n", encoding="utf-8")
    third = batch.run_batch(params, outputs_root=outputs, workers=2, job_fn=fake_job, changed_only=True)
    assert _calls(outputs) == ["bad-d/2023", "ok-b/2023", "warn-c/2023"]
    assert third.kernels_started == 3

    # a skipped job keeps its last counts and links in the index
    html = (outputs / "index.html").read_text(encoding="utf-8")
    assert 'href="ok-a/2023/report.html"' in html and "跳过" in html


def test_nothing_changed_starts_no_worker_and_no_kernel(tmp_path):
    params = tmp_path / "params"
    _params(params, "ok-a", 2023)
    _params(params, "ok-b", 2023)
    out = tmp_path / "out"
    batch.run_batch(params, outputs_root=out, workers=2, job_fn=fake_job)
    (out / "calls.log").unlink()
    res = batch.run_batch(params, outputs_root=out, workers=2, job_fn=fake_job, changed_only=True)
    assert res.workers_started == 0 and res.kernels_started == 0
    assert [r.status for r in res.results] == [SKIPPED, SKIPPED] and res.exit_code == 0
    assert not (out / "calls.log").exists()


def test_changed_only_reruns_when_the_report_is_gone_or_the_notebook_changed(tmp_path):
    params = tmp_path / "params"
    _params(params, "ok-a", 2023)
    _params(params, "ok-b", 2023)
    out = tmp_path / "out"
    batch.run_batch(params, outputs_root=out, workers=1, job_fn=fake_job)
    (out / "calls.log").unlink()
    (out / "ok-a" / "2023" / "report.html").unlink()
    batch.run_batch(params, outputs_root=out, workers=1, job_fn=fake_job, changed_only=True)
    assert _calls(out) == ["ok-a/2023"]
    (out / "calls.log").unlink()
    nb = tmp_path / "other.ipynb"
    nb.write_text("{}", encoding="utf-8")
    batch.run_batch(params, outputs_root=out, workers=1, job_fn=fake_job, changed_only=True, notebook=nb)
    assert _calls(out) == ["ok-a/2023", "ok-b/2023"]


def test_outputs_through_fsspec_url(tmp_path):
    params = tmp_path / "params"
    _params(params, "ok-a", 2023)
    url = "file://" + str(tmp_path / "remote")
    res = batch.run_batch(params, outputs_root=url, workers=1, job_fn=lambda_free_fake_remote)
    assert res.results[0].status == OK
    assert (tmp_path / "remote" / "index.html").is_file() and (tmp_path / "remote" / "manifest.json").is_file()
    assert json.loads((tmp_path / "remote" / "ok-a" / "2023" / "batch.json").read_text())["status"] == OK


def lambda_free_fake_remote(job: Job) -> JobResult:
    assert "://" in job.outputs_root
    return JobResult(job.agency, job.year, OK, fingerprint=job.fingerprint, inputs=dict(job.inputs))


# --------------------------------------------------------------------------- real kernels
# Small on purpose: the machine has 2 cores shared with other work.


@pytest.fixture(scope="module")
def fault_notebook(tmp_path_factory):
    from govreport_kit.authoring import synth

    return synth.write_fault_notebook(tmp_path_factory.mktemp("nb") / "report_with_faults.ipynb")


@pytest.mark.kernel
@pytest.mark.slow
def test_real_batch_isolates_a_broken_file_a_failing_cell_a_timeout_and_a_dead_kernel(tmp_path, fault_notebook):
    from govreport_kit.authoring import synth

    params, out = tmp_path / "params", tmp_path / "outputs"
    items = synth.write_agencies(
        params, 6, seed=42, errors={1: "unreadable", 2: "cell_error", 3: "slow", 4: "kernel_death", 5: "identity"}
    )
    code = [it.agency.code for it in items]
    log = io.StringIO()
    res = batch.run_batch(
        params,
        outputs_root=out,
        workers=2,
        timeout=15,
        notebook=fault_notebook,
        observers=[batch_progress.LogProgress(log)],
    )
    by = {r.agency: r for r in res.results}
    assert len(res.results) == 6 and res.exit_code == 1

    ok = by[code[0]]
    assert ok.status == OK and ok.attempts == 1 and ok.kernels_started == 1
    assert (out / ok.report).read_text(encoding="utf-8").startswith("<!DOCTYPE html>")

    broken = by[code[1]]  # a data error: reported with the file and cell, never retried
    assert broken.status == FAILED and broken.cause == "input" and broken.attempts == 1
    assert "约二十件" in broken.reason and "2023.csv" in broken.reason

    cell = by[code[2]]  # a failing cell: not retried, the partial notebook is kept
    assert cell.status == FAILED and cell.cause == "cell" and cell.attempts == 1
    assert "测试注入的单元格错误" in cell.reason
    assert cell.notebook and (out / cell.notebook).is_file()

    slow = by[code[3]]  # a timeout is detected as such (the notebook's own end marker is missing)
    assert slow.status == FAILED and slow.cause == "timeout" and slow.attempts == 1
    assert "超时" in slow.reason

    dead = by[code[4]]  # a dead kernel is infrastructure: retried once on a fresh kernel
    assert dead.status == FAILED and dead.cause == "dead_kernel" and dead.attempts == 2 and dead.kernels_started == 2
    assert "内核" in dead.reason

    wrong = by[code[5]]  # error findings in the data: the report is still written, with them
    assert wrong.status == FINDINGS and wrong.errors >= 1 and (out / wrong.report).is_file()

    html = (out / "index.html").read_text(encoding="utf-8")
    for c in code:
        assert f"<code>{c}</code>" in html
    assert "测试注入的单元格错误" in html and "约二十件" in html
    man = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert man["totals"][FAILED] == 4 and man["totals"][OK] == 1 and man["totals"][FINDINGS] == 1
    assert len(log.getvalue().strip().splitlines()) == 1 + 6  # the header line, then one per job


@pytest.mark.kernel
@pytest.mark.slow
def test_real_changed_only_reruns_exactly_the_changed_job(tmp_path):
    from govreport_kit.authoring import synth

    params, out = tmp_path / "params", tmp_path / "outputs"
    items = synth.write_agencies(params, 3, seed=7)
    first = batch.run_batch(params, outputs_root=out, workers=2)
    assert [r.status for r in first.results] == [OK, OK, OK]
    html_before = {r.agency: (out / r.report).read_bytes() for r in first.results}

    changed = items[1].agency.code
    md = params / changed / "2023.md"
    md.write_text(md.read_text(encoding="utf-8") + "\n本年度补充说明。\n", encoding="utf-8")
    second = batch.run_batch(params, outputs_root=out, workers=2, changed_only=True)
    assert {r.agency: r.status for r in second.results} == {
        items[0].agency.code: SKIPPED,
        changed: OK,
        items[2].agency.code: SKIPPED,
    }
    assert second.kernels_started == 1
    assert "本年度补充说明" in (out / changed / "2023" / "report.html").read_text(encoding="utf-8")
    assert (out / items[0].agency.code / "2023" / "report.html").read_bytes() == html_before[items[0].agency.code]

    third = batch.run_batch(params, outputs_root=out, workers=2, changed_only=True)
    assert all(r.status == SKIPPED for r in third.results)
    assert third.workers_started == 0 and third.kernels_started == 0 and third.exit_code == 0


@pytest.mark.kernel
@pytest.mark.slow
def test_dask_local_cluster_gives_byte_identical_html(tmp_path):
    distributed = pytest.importorskip("distributed")
    from govreport_kit.authoring import synth

    params = tmp_path / "params"
    synth.write_agencies(params, 2, seed=9)
    local = batch.run_batch(params, outputs_root=tmp_path / "local", workers=1)
    assert [r.status for r in local.results] == [OK, OK]
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        # an fsspec URL: the workers render into a local temporary folder and upload through fsspec
        remote = batch.run_batch(
            params, outputs_root="file://" + str(tmp_path / "dask"), scheduler=cluster.scheduler_address
        )
    assert [r.status for r in remote.results] == [OK, OK]
    assert all(r.worker and r.worker not in {x.worker for x in local.results} for r in remote.results)
    for r in local.results:
        a = (tmp_path / "local" / r.report).read_bytes()
        b = (tmp_path / "dask" / r.report).read_bytes()
        assert a == b and len(a) > 10_000
    assert (tmp_path / "dask" / "index.html").is_file()


# --------------------------------------------------------------------------- progress and CLI
class _Tty(io.StringIO):
    def isatty(self):
        return True


def test_progress_on_a_terminal_is_one_live_line_with_counts_and_time_left(tree):
    params, outputs = tree
    tty = _Tty()
    obs = batch_progress.default_observer(tty)
    assert isinstance(obs, batch_progress.TtyProgress)
    batch.run_batch(params, outputs_root=outputs, workers=1, job_fn=fake_job, observers=[obs])
    text = tty.getvalue()
    assert "\r已完成 5/5：正常 3，有错误 1，失败 1，跳过 0" in text
    assert "预计剩余" in text and "失败：bad-d 2023 年" in text
    assert isinstance(batch_progress.default_observer(io.StringIO()), batch_progress.LogProgress)


def test_missing_dask_gives_a_clear_chinese_message(tree, monkeypatch):
    import sys

    from govreport_kit.core.errors import ParamsError

    params, outputs = tree
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(ParamsError) as e:
        batch.run_batch(params, outputs_root=outputs, scheduler="tcp://127.0.0.1:1", job_fn=fake_job)
    assert "Dask" in e.value.message and "pip install" in e.value.message


def test_cli_batch_prints_a_summary_and_exits_non_zero_on_failure(tree, capsys, monkeypatch):
    from govreport_kit import cli

    params, outputs = tree
    real = batch.run_batch
    monkeypatch.setattr(batch, "run_batch", lambda *a, **kw: real(*a, **{**kw, "job_fn": fake_job}))
    rc = cli.main(["batch", str(params), "--outputs", str(outputs), "--workers", "2"])
    captured = capsys.readouterr()
    assert rc == 1
    assert "批量运行结束：共 5 份，正常 3，有错误 1，失败 1，跳过 0" in captured.out
    assert "索引页：" in captured.out and "[5/5]" in captured.err
    assert cli.main(["batch", str(params), "--workers", "0"]) == 2


# --------------------------------------------------------------------------- a worker that dies
def crash_once_job(job: Job) -> JobResult:
    """Kills its worker process the first time it sees ``crash-once``; ``crash-always`` every time."""
    marker = Path(job.outputs_root) / f"{job.agency}.crashed"
    if job.agency == "crash-always" or (job.agency == "crash-once" and not marker.exists()):
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()
        os._exit(3)
    return fake_job(job)


def test_a_dead_worker_process_is_replaced_and_its_job_retried_once(tmp_path):
    params = tmp_path / "params"
    for code in ("ok-a", "crash-once", "crash-always", "ok-b"):
        _params(params, code, 2023)
    res = batch.run_batch(params, outputs_root=tmp_path / "out", workers=2, job_fn=crash_once_job)
    by = {r.agency: r for r in res.results}
    assert by["ok-a"].status == OK and by["ok-b"].status == OK and by["crash-once"].status == OK
    assert by["crash-always"].status == FAILED and "工作进程意外退出" in by["crash-always"].reason
    assert res.exit_code == 1


def test_the_batch_process_plans_without_importing_pandas(tmp_path, modules_imported_by):
    """The batch process only plans, waits and writes the index: pandas (~0.3 s) belongs to the
    workers, which start only after the plan; importing it here would delay every batch."""
    from govreport_kit.authoring import synth

    synth.write_agencies(tmp_path / "params", 3, seed=5)
    code = (
        "from govreport_kit.batch import run, index_page\n"
        f"found = run._prepare({str(tmp_path / 'params')!r}, {str(tmp_path / 'out')!r}, False, 'review',"
        " None, None, False, False, None)\n"
        "index_page.write_outputs(found[1], [], params_dir=str(found[0]))\n"
        "assert len(found[3]) == 3, found[3]\n"
    )
    assert modules_imported_by(code, ("pandas", "numpy", "pandera")) == []
