"""The worker side of a batch: a long-lived process that runs one report at a time.

Why it is fast: papermill, nbconvert, the exporter, pandas and pandera are imported once per
worker, not once per report; on Linux each kernel is forked from a template process that has
imported ipykernel, pandas and pandera once (:mod:`govreport_kit.running.forkserver`; normal
kernels when the template cannot start, or with ``GOVREPORT_KERNEL_START=spawn``), the next one
while the current report exports; and each job's kernel is started before the job arrives: as soon as
the previous report is done (or, with ``GOVREPORT_OVERLAP_KERNELS=1``, as soon as the previous
kernel is handed out), importing pandas and the report modules (``--IPKernelApp.exec_lines``)
while the worker returns the result and loads and checks the next job's data. A pre-started
kernel that never ran another agency is fresh: no state passes between agencies. Kernels talk over
IPC sockets (no TCP port to race for) and are killed right after use, not shut down gracefully.

The same :func:`execute_job` serves the local process pool and Dask workers; a process-wide lock
keeps one job per process at a time (papermill changes the process's working directory).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
import time
from collections import deque
from typing import Any

from govreport_kit.batch.jobs import FAILED, Job, JobResult

#: Set in each worker's environment, so inherited by its kernels: one BLAS/OpenMP thread per
#: kernel (workers already use every core) and no debugger warning on start-up.
KERNEL_ENV = {
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "PYDEVD_DISABLE_FILE_VALIDATION": "1",
}
#: Failure causes never retried even when the runner calls them retryable: a report that used up
#: its whole time budget would most likely do so again, doubling the batch's tail for nothing.
#: Re-run it with a larger --timeout (a later --changed-only run retries every failed job anyway).
NOT_RETRIED = frozenset({"timeout"})
# Text of failures worth one more try on a fresh kernel: they say nothing about the data.
_INFRA_MARKERS = (
    "address already in use",
    "kernel died",
    "deadkernel",
    "dead kernel",
    "kernel is dead",
    "kernel didn't respond",
    "kernel did not respond",
    "内核意外退出",
    "内核已退出",
    "内核启动",
)


def _warm_this_process() -> None:
    """Import once per worker what every job needs: papermill, nbclient, nbconvert and the
    exporter (through the runner's guard against the slow ``rfc3987_syntax`` import), the report
    module, the checks and pandera."""
    from govreport_kit.running import runner

    guard = getattr(runner, "_fast_jupyter_imports", None)
    try:
        if guard is not None:
            with guard():
                from govreport_kit.running import execute
        else:
            from govreport_kit.running import execute
        execute.exporter()
    except Exception:  # a broken import shows up, with its message, in the first job instead
        pass


class KernelPool:
    """Fresh kernels, started ahead of need.

    Kernels come from :mod:`govreport_kit.running.kernels` (the report runner's own launcher: IPC
    transport, no history database, the report module pre-imported), so a pooled kernel is exactly
    the kernel ``govreport run`` would start, only earlier.

    ``overlap``: when True, the next kernel starts the moment the current one is taken, so it warms
    *while* the current report executes (fastest on idle cores, but two kernels per worker at
    peak: about 400 MB RSS with the worker). When False (the default), the next kernel starts as
    soon as the current report is done, and warms while the worker hands back the result and
    validates and checks the next job's data; on a machine where every core already runs a
    worker this costs little throughput and keeps a worker with its kernel under 300 MB.
    """

    def __init__(self, overlap: bool = False, start: str | None = None):
        self.overlap = overlap
        self.start = start  # fork | spawn | auto; None: GOVREPORT_KERNEL_START, else auto
        self.last_start: str | None = None  # how the last kernel was started (fork or spawn)
        from govreport_kit.running import scratch

        self.runtime_dir = scratch.mkdtemp("grk-")  # the kernels' working directory
        self._ready: deque = deque()
        self.active: set = set()  # kernels handed out and not yet discarded
        self.started = 0

    def _start(self):
        from govreport_kit.running.kernels import start_kernel

        km = start_kernel(cwd=self.runtime_dir, start=self.start, default_start="auto")
        self.started += 1
        self.last_start = getattr(km, "govreport_start", "spawn")
        return km

    def set_start(self, start: str | None) -> None:
        """Use another start mode from now on (a job's ``kernel_start``); ready kernels are dropped."""
        if start and start != self.start:
            self.start = start
            while self._ready:
                self.discard(self._ready.popleft())

    def refill_early(self) -> None:
        """Called once a report has executed: fork the next kernel while this one exports.

        Only for forked kernels (a few MB of their own until they run); a normal kernel would
        import pandas on the core the export needs, and hold another 100 MB meanwhile."""
        if self.last_start == "fork":
            try:
                self.refill()
            except Exception:  # take() starts one later and reports the failure with the job
                pass

    def refill(self) -> None:
        """Have one kernel starting or ready."""
        if not self._ready:
            self._ready.append(self._start())

    def take(self):
        """A fresh, started kernel manager (with ``overlap``, the next one starts warming now)."""
        km = None
        while self._ready and km is None:
            cand = self._ready.popleft()
            if _alive(cand):
                km = cand
            else:
                self.discard(cand)
        if km is None:
            km = self._start()
        self.active.add(km)
        if self.overlap:
            self.refill()
        return km

    def discard(self, km) -> None:
        """Kill a kernel now and remove its connection and socket files."""
        from govreport_kit.running.kernels import dispose_kernel

        self.active.discard(km)
        try:
            dispose_kernel(km)
        except Exception:
            pass

    def close(self) -> None:
        while self._ready:
            self.discard(self._ready.popleft())
        for km in list(self.active):
            self.discard(km)
        shutil.rmtree(self.runtime_dir, ignore_errors=True)
        if self.last_start == "fork":
            from govreport_kit.running import forkserver

            forkserver.shutdown()

    def kill_all(self) -> None:
        """At once, from a signal handler: SIGKILL every kernel this worker started, remove its folder.

        (A fork template needs nothing: it sees its socket close when this process exits, then
        kills its kernels and exits too.)"""
        from govreport_kit.running.kernels import kill_kernel

        for km in [*self._ready, *self.active]:
            kill_kernel(km)
        shutil.rmtree(self.runtime_dir, ignore_errors=True)


def _alive(km) -> bool:
    try:
        return bool(km.is_alive())
    except Exception:
        return False


class _WorkerState:
    def __init__(self, kernel_start: str | None = None):
        self.lock = threading.Lock()
        for k, v in KERNEL_ENV.items():
            os.environ.setdefault(k, v)
        # GOVREPORT_OVERLAP_KERNELS=1 trades memory for speed on idle cores (see KernelPool).
        self.pool = KernelPool(overlap=os.environ.get("GOVREPORT_OVERLAP_KERNELS") == "1", start=kernel_start)
        if (kernel_start or os.environ.get("GOVREPORT_KERNEL_START") or "auto") != "spawn":
            # while this process has no thread (a spawned pool worker), it can be the template's
            # parent image: fork it now, after the kernel's imports and before papermill's threads
            from govreport_kit.running import forkserver

            forkserver.start_from_this_process()
        self.pool.refill()  # the first kernel warms while this process imports papermill
        _warm_this_process()
        import atexit
        from multiprocessing import util

        atexit.register(self.pool.close)
        util.Finalize(self, self.pool.close, exitpriority=10)  # pool workers leave via os._exit


_STATE: _WorkerState | None = None
_STATE_LOCK = threading.Lock()


def _state(kernel_start: str | None = None) -> _WorkerState:
    global _STATE
    with _STATE_LOCK:
        if _STATE is None:
            _STATE = _WorkerState(kernel_start)
        return _STATE


def _on_terminate(signum, frame) -> None:  # pragma: no cover - runs in a worker being stopped
    """SIGTERM (the batch was stopped): kill this worker's kernels, then leave at once."""
    if _STATE is not None:
        try:
            _STATE.pool.kill_all()
        except Exception:
            pass
    os._exit(128 + signum)


def _watch_parent(parent: int) -> None:  # pragma: no cover - runs in a worker whose batch was killed
    """A daemon thread: once the batch process is gone (``kill -9``), stop as on SIGTERM."""
    import signal

    while os.getppid() == parent:
        time.sleep(0.5)
    _on_terminate(signal.SIGTERM, None)


def init_worker(kernel_start: str | None = None) -> None:
    """Process-pool initializer: stop cleanly on SIGTERM or when the batch dies, import the heavy
    modules, start the first kernel."""
    import signal

    signal.signal(signal.SIGTERM, _on_terminate)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the parent decides
    parent = os.getppid()
    _state(kernel_start)  # first: the fork template is forked while this process has one thread
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True, name="govreport-parent-watch").start()


def is_infrastructure_failure(text: str | None) -> bool:
    t = (text or "").lower()
    return any(m in t for m in _INFRA_MARKERS)


def execute_job(job: Job) -> JobResult:
    """Run one job in a fresh kernel; retry once on an infrastructure failure. Never raises."""
    st = _state(job.kernel_start)
    with st.lock:
        st.pool.set_start(job.kernel_start)
        attempt, t0 = 0, time.perf_counter()
        while True:
            attempt += 1
            try:
                km = st.pool.take()
            except Exception as e:
                res = JobResult.failure(
                    job, f"内核启动失败：{type(e).__name__}: {e}", cause="kernel_start", retryable=True
                )
            else:
                try:
                    res = _run_once(job, km, on_executed=st.pool.refill_early)
                finally:
                    st.pool.discard(km)
                res.kernels_started = 1
            res.attempts, res.seconds = attempt, time.perf_counter() - t0
            res.worker = f"{os.uname().nodename}:{os.getpid()}"
            if res.status == FAILED and res.retryable and res.cause not in NOT_RETRIED and attempt < 2:
                continue
            res.kernels_started = attempt
            break
        st.pool.refill()  # the next job's kernel warms while this result travels back
    return res


def _run_once(job: Job, km, on_executed=None) -> JobResult:
    from govreport_kit.batch import store as batch_store
    from govreport_kit.core.errors import GovReportError
    from govreport_kit.running import scratch
    from govreport_kit.running.runner import FAILED_NOTEBOOK, run_report

    remote = batch_store.is_url(job.outputs_root)
    local_root = scratch.mkdtemp("govreport-out-") if remote else job.outputs_root
    kwargs: dict[str, Any] = {
        "audience": job.audience,
        "outputs_root": local_root,
        "timeout": job.timeout,
        "kernel": km,
        "on_executed": on_executed,
    }
    if getattr(job, "pdf", False):
        kwargs["pdf"] = True
    if job.notebook:
        kwargs["notebook"] = job.notebook
    if job.docx:
        kwargs["docx"] = True
    try:
        try:
            with _whole_job_deadline(job.timeout):
                rr = run_report(job.params_path, **kwargs)
        except JobTimeout:
            return JobResult.failure(
                job, f"报告超时（超过 {job.timeout:g} 秒，含读取和检查数据），未完成", cause="timeout"
            )
        except GovReportError as e:  # bad input: a data error, never retried
            return JobResult.failure(job, e.message, cause="input")
        except Exception as e:
            text = f"{type(e).__name__}: {e}"
            return JobResult.failure(job, f"运行出错：{text}", cause="run", retryable=is_infrastructure_failure(text))
        res = JobResult.from_run(job, rr)
        if remote:
            target = batch_store.job_dir(job.outputs_root, job.agency, job.year)
            batch_store.upload_tree(f"{local_root}/{job.agency}/{job.year}", target)
            if res.status != FAILED:  # as the runner does locally: a success clears an old failure
                batch_store.remove(f"{target}/{FAILED_NOTEBOOK}")
        return res
    finally:
        if remote:
            shutil.rmtree(local_root, ignore_errors=True)


class JobTimeout(BaseException):
    """Raised by the alarm when a job outlives its --timeout (loading and checking included)."""


#: Seconds past ``--timeout`` before the alarm fires: the notebook's own timeout (which covers the
#: execution) reports first; the alarm bounds what it does not cover (loading, checking, export).
ALARM_GRACE = 5.0


@contextlib.contextmanager
def _whole_job_deadline(timeout: float | None):
    import signal

    if not timeout or threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum, frame):
        raise JobTimeout()

    old = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, float(timeout) + ALARM_GRACE)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
