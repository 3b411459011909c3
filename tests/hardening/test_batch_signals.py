"""Stopping a batch: SIGTERM leaves no process behind; ``kill -9`` leaves only a scratch folder,
removed by the next run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import psutil
import pytest

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="signals and psutil process trees as on Linux")


def _start_batch(project, tmp, ROOT):
    env = {k: v for k, v in os.environ.items() if k not in ("GOVREPORT_PROJECT", "GOVREPORT_RUN_TMP")}
    env.update({"PYTHONIOENCODING": "utf-8", "TMPDIR": str(tmp), "PYTHONPATH": str(ROOT)})
    return subprocess.Popen(
        [sys.executable, "-m", "govreport_kit.cli", "batch", "--workers", "1", "--timeout", "120"],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _wait_for_kernel(proc, limit: float = 90) -> list[psutil.Process]:
    """The batch's descendants once a worker has started a child: a kernel (ipykernel_launcher), or
    the template that kernels are forked from (:mod:`govreport_kit.running.forkserver`)."""
    parent = psutil.Process(proc.pid)
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        kids = parent.children(recursive=True)
        try:
            if any(k.ppid() != proc.pid for k in kids):
                return kids
        except psutil.NoSuchProcess:
            pass
        if proc.poll() is not None:
            pytest.fail(f"batch ended before a kernel started: {proc.communicate()[1].decode()[-2000:]}")
        time.sleep(0.05)
    pytest.fail("no kernel started")


@pytest.fixture
def setup(tmp_path, make_project):
    project = make_project(tmp_path / "proj")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    return project, tmp


def test_sigterm_stops_workers_and_kernels(setup, ROOT):
    project, tmp = setup
    proc = _start_batch(project, tmp, ROOT)
    kids = _wait_for_kernel(proc)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err.decode()[-2000:]
    assert "已中断" in err.decode()
    gone, alive = psutil.wait_procs(kids, timeout=10)
    assert not alive, [" ".join(p.cmdline()) for p in alive]
    assert list((tmp / "govreport-runs").iterdir()) == []  # the scratch folder went with the run


def test_kill_9_leaves_a_scratch_folder_that_the_next_run_removes(setup, ROOT):
    project, tmp = setup
    proc = _start_batch(project, tmp, ROOT)
    kids = _wait_for_kernel(proc)
    proc.kill()
    proc.communicate(timeout=30)
    _, alive = psutil.wait_procs(kids, timeout=15)  # workers notice the dead parent and stop their kernels
    for p in alive:  # whatever is left is not what this test is about: stop it
        p.kill()
    leftovers = [p for p in tmp.iterdir()]
    assert [p.name for p in leftovers] == ["govreport-runs"]  # nothing loose in the temporary folder
    stale = list((tmp / "govreport-runs").iterdir())
    assert [p.name.split("-")[0] for p in stale] == [str(proc.pid)]
    # the next run removes the dead run's folder
    env = {k: v for k, v in os.environ.items() if k not in ("GOVREPORT_PROJECT", "GOVREPORT_RUN_TMP")}
    env.update({"PYTHONIOENCODING": "utf-8", "TMPDIR": str(tmp), "PYTHONPATH": str(ROOT)})
    run = subprocess.run(
        [sys.executable, "-m", "govreport_kit.cli", "run"], cwd=project, env=env, capture_output=True, timeout=180
    )
    assert run.returncode in (0, 1), run.stderr.decode()[-2000:]
    assert list((tmp / "govreport-runs").iterdir()) == []
    assert [p.name for p in tmp.iterdir()] == ["govreport-runs"]
