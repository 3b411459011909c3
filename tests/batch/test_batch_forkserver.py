"""Batch runs on forked kernels: no state passes from one report to the next; a crash fails alone.

Real reports of synthetic agencies, in one worker (so every report follows the previous one in
the same worker and from the same template), on a test copy of the notebook with one more cell.
"""

from __future__ import annotations

import json

import nbformat
import pytest

from govreport_kit.batch import run as batch
from govreport_kit.batch.jobs import FAILED, OK
from govreport_kit.running import forkserver

pytestmark = [
    pytest.mark.kernel,
    pytest.mark.slow,
    pytest.mark.skipif(not forkserver.supported(), reason="fork server: Linux only"),
]

LEAK_CELL = """\
# test only: every report first checks that nothing of an earlier report is visible; then acts on leaks.json
import json as _json, os as _os, pathlib as _pathlib, sys as _sys, threading as _threading, pandas as _pd
_leaks = [_name for _name, _seen in [
    ("global", "LEAKED_GLOBAL" in globals()),
    ("monkeypatch", getattr(_pd.isna, "leaked", False) or getattr(_pd.DataFrame.to_html, "leaked", False)),
    ("cwd", _os.getcwd() == "/"),
    ("thread", any(_t.name == "leaked-thread" for _t in _threading.enumerate())),
    ("sys.modules", "govreport_leaked" in _sys.modules)] if _seen]
if _leaks:
    raise RuntimeError("state leaked from an earlier report: " + ", ".join(_leaks))
_plan = _json.loads((_pathlib.Path(params_path).resolve().parents[1] / "leaks.json").read_text()).get(agency_code)
if _plan == "pollute":
    LEAKED_GLOBAL = 1
    def _wrap(f):
        def patched(*a, **k):
            return f(*a, **k)
        patched.leaked = True
        return patched
    _pd.isna = _wrap(_pd.isna)
    _pd.DataFrame.to_html = _wrap(_pd.DataFrame.to_html)
    _os.chdir("/")
    _threading.Thread(target=_threading.Event().wait, name="leaked-thread").start()
    _sys.modules["govreport_leaked"] = _sys
if _plan == "sigkill":
    _os.kill(_os.getpid(), 9)
del _json, _os, _pathlib, _sys, _threading, _pd, _leaks, _plan"""


@pytest.fixture(scope="module")
def leak_notebook(tmp_path_factory):
    from govreport_kit.authoring import synth

    path = synth.write_fault_notebook(tmp_path_factory.mktemp("nb") / "report_with_leaks.ipynb")
    nb = nbformat.read(str(path), as_version=4)
    at = next(i for i, c in enumerate(nb.cells) if c.get("id") == "test-fault-injection")
    cell = nbformat.v4.new_code_cell(LEAK_CELL)
    cell.id = "test-leak-check"
    nb.cells.insert(at + 1, cell)
    nbformat.write(nb, str(path))
    return path


def test_no_state_passes_between_reports_in_one_worker_and_crashes_fail_alone(tmp_path, leak_notebook):
    from govreport_kit.authoring import synth

    params, out = tmp_path / "params", tmp_path / "outputs"
    synth.write_agencies(params, 6, seed=11)
    codes = sorted(p.name for p in params.iterdir() if p.is_dir())
    plan = {codes[0]: "pollute", codes[4]: "sigkill"}
    (params / "leaks.json").write_text(json.dumps(plan), encoding="utf-8")
    (params / synth.FAULTS_FILE).write_text(json.dumps({codes[2]: "kernel_death"}), encoding="utf-8")

    res = batch.run_batch(params, outputs_root=out, workers=1, timeout=120, notebook=leak_notebook, kernel_start="fork")
    by = {r.agency: r for r in res.results}
    assert len({r.worker for r in res.results}) == 1  # one worker, one template: the reports ran one after another
    # the polluter itself succeeds; every later report checked for its globals, patches, cwd, thread, module
    for code in (codes[0], codes[1], codes[3], codes[5]):
        assert by[code].status == OK, (code, by[code].reason)
    for code in (codes[2], codes[4]):  # os._exit and SIGKILL in the kernel: this job fails, retried once
        assert by[code].status == FAILED and by[code].cause == "dead_kernel" and by[code].attempts == 2, by[code]
    assert "内核" in by[codes[4]].reason


def test_forked_and_normal_kernels_give_byte_identical_html_locally_and_on_dask(tmp_path):
    distributed = pytest.importorskip("distributed")
    from govreport_kit.authoring import synth

    params = tmp_path / "params"
    synth.write_agencies(params, 2, seed=9)
    spawned = batch.run_batch(params, outputs_root=tmp_path / "spawn", workers=1, kernel_start="spawn")
    forked = batch.run_batch(params, outputs_root=tmp_path / "fork", workers=2, kernel_start="fork")
    assert [r.status for r in spawned.results] == [OK, OK] and [r.status for r in forked.results] == [OK, OK]
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        remote = batch.run_batch(
            params,
            outputs_root="file://" + str(tmp_path / "dask"),
            scheduler=cluster.scheduler_address,
            kernel_start="fork",
        )
    assert [r.status for r in remote.results] == [OK, OK]
    for r in spawned.results:
        a = (tmp_path / "spawn" / r.report).read_bytes()
        assert len(a) > 10_000
        assert (tmp_path / "fork" / r.report).read_bytes() == a
        assert (tmp_path / "dask" / r.report).read_bytes() == a
