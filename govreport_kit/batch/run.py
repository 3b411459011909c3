"""Batch runs: every ``params/<agency>/<year>.yaml``, each report in its own fresh kernel.

The pipeline of :func:`run_batch`:

1. :func:`discover` the jobs (folder and file names validated before they are used in paths);
2. fingerprint each job's inputs (:mod:`govreport_kit.batch.fingerprint`) and, with
   ``changed_only``, skip those whose fingerprint equals the one recorded by their last ``ok``
   run (nothing is started when nothing changed: no worker, no kernel);
3. execute the rest on a local process pool or a Dask cluster; each worker process keeps one
   kernel warming while it runs the current job (:mod:`govreport_kit.batch.worker`);
4. record each job (``outputs/<agency>/<year>/batch.json``), then write ``outputs/index.html``
   and ``outputs/manifest.json`` (:mod:`govreport_kit.batch.index_page`).

One job's failure never stops the others. Progress is reported to observers
(:mod:`govreport_kit.batch.progress`); the runner has no branch for terminals or logs.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from govreport_kit.batch import store as batch_store
from govreport_kit.batch.jobs import FAILED, FINDINGS, OK, SKIPPED, STATUSES, Job, JobResult
from govreport_kit.batch.plan import (
    Discovery,
    check_outputs_root,
    discover,
    discover_some,
    plan,
    validate_timeout,
)
from govreport_kit.core import format as fmt
from govreport_kit.core.errors import GovReportError, InputError, Location, ParamsError

__all__ = [
    "Job",
    "JobResult",
    "BatchResult",
    "Discovery",
    "discover",
    "plan",
    "run_batch",
    "default_workers",
    "OK",
    "FINDINGS",
    "FAILED",
    "SKIPPED",
    "STATUSES",
]


@dataclass
class BatchResult:
    results: list[JobResult]
    problems: list[str]
    seconds: float
    workers_started: int = 0
    kernels_started: int = 0
    index_path: str | None = None
    manifest_path: str | None = None

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def exit_code(self) -> int:
        """0 only when every job is ``ok`` or ``skipped``."""
        return 0 if all(r.status in (OK, SKIPPED) for r in self.results) else 1


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


# ------------------------------------------------------------------------------------ executors
JobFn = Callable[[Job], JobResult]


def _worker_job_fn() -> JobFn:
    from govreport_kit.batch.worker import execute_job

    return execute_job


def _run_local(
    jobs: list[Job],
    workers: int,
    job_fn: JobFn | None,
    on_result: Callable[[JobResult], None],
    kernel_start: str | None = None,
) -> int:
    """Run on a pool of spawned worker processes; returns the number of workers started.

    A worker that dies (killed, out of memory, a crash in a C extension) breaks the whole pool:
    every unfinished job then raises ``BrokenProcessPool``, the guilty one and bystanders alike.
    They go to a fresh pool; if that breaks too, each remaining job runs alone in a single-worker
    pool (twice at most), which tells the guilty job apart: it ends ``failed``, the others run.
    """
    import multiprocessing

    from govreport_kit.batch import worker as batch_worker

    fn = job_fn or batch_worker.execute_job
    init = batch_worker.init_worker if job_fn is None else None  # an injected job needs no kernels
    from govreport_kit.running import scratch

    ctx = multiprocessing.get_context("spawn")  # no fork of a process that may hold threads
    scratch.run_dir()  # before the workers start: they and their kernels inherit it
    started = 0

    def run_pool(batch_jobs: list[Job], n: int) -> list[Job]:
        nonlocal started
        started += n
        broken: list[Job] = []
        ex = ProcessPoolExecutor(
            max_workers=n, mp_context=ctx, initializer=init, initargs=(kernel_start,) if init is not None else ()
        )
        try:
            futures = {ex.submit(fn, job): job for job in batch_jobs}
            not_done = set(futures)
            while not_done:
                done, not_done = wait(not_done, return_when=FIRST_COMPLETED)
                for fut in done:
                    job = futures[fut]
                    try:
                        on_result(fut.result())
                    except BrokenProcessPool:
                        broken.append(job)
                    except Exception as e:  # the job function itself failed: a bug, but isolate it
                        on_result(JobResult.failure(job, f"批量运行程序出错：{type(e).__name__}: {e}", attempts=1))
        except BaseException:  # Ctrl-C: drop queued jobs and stop the workers now, not after the queue
            _abandon(ex)
            raise
        ex.shutdown(wait=True)
        return broken

    pending = run_pool(list(jobs), min(workers, len(jobs)))
    if pending:
        pending = run_pool(pending, min(workers, len(pending)))
    for job in pending:  # the pool broke twice: each remaining job alone, with one retry
        if run_pool([job], 1) and run_pool([job], 1):
            on_result(JobResult.failure(job, "工作进程意外退出（已重试）", attempts=2, cause="worker_died"))
    return started


def _abandon(ex: ProcessPoolExecutor, grace: float = 5.0) -> None:
    """Stop the workers now: SIGTERM (each kills its kernels, see ``worker.init_worker``), then SIGKILL."""
    procs = list((getattr(ex, "_processes", None) or {}).values())
    ex.shutdown(wait=False, cancel_futures=True)
    for proc in procs:
        try:
            proc.terminate()
        except Exception:
            pass
    deadline = time.monotonic() + grace
    for proc in procs:
        try:
            proc.join(max(0.0, deadline - time.monotonic()))
            if proc.is_alive():
                proc.kill()
                proc.join(1.0)
        except Exception:
            pass


def _run_dask(jobs: list[Job], scheduler: str, job_fn: JobFn | None, on_result: Callable[[JobResult], None]) -> int:
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise ParamsError(
            "使用 --scheduler 需要安装 Dask 分布式组件",
            fix="请运行 pip install 'govreport_kit[dask]'（即 dask 和 distributed），或去掉 --scheduler 在本机并行运行",
        ) from None
    fn = job_fn or _worker_job_fn()
    with Client(scheduler) as client:
        workers = len(client.scheduler_info().get("workers", {}))
        futures = {
            client.submit(fn, job, key=f"govreport-{job.agency}-{job.year}-{job.fingerprint[:12]}", pure=False): job
            for job in jobs
        }
        for fut in as_completed(list(futures)):
            job = futures[fut]
            try:
                on_result(fut.result())
            except Exception as e:
                on_result(JobResult.failure(job, f"Dask 任务失败：{type(e).__name__}: {e}", attempts=1))
    return workers


def run_batch(
    params_dir: str | os.PathLike | None = None,
    *,
    outputs_root: str | os.PathLike | None = None,
    workers: int | None = None,
    changed_only: bool = False,
    audience: str = fmt.REVIEW,
    timeout: float | None = None,
    scheduler: str | None = None,
    notebook: str | os.PathLike | None = None,
    observers: Iterable[Any] = (),
    job_fn: JobFn | None = None,
    write_index: bool = True,
    docx: bool = False,
    pdf: bool = False,
    kernel_start: str | None = None,
) -> BatchResult:
    """Run every report under ``params_dir``; see the module docstring. Never raises for a job.

    ``timeout``: seconds per report (default :data:`govreport_kit.batch.plan.DEFAULT_TIMEOUT`).
    ``notebook`` replaces the report notebook (e.g. the test notebook with injected faults);
    ``pdf``: also write each ``report.pdf`` (part of the fingerprint, so ``changed_only`` re-runs a report that has none).
    ``job_fn`` replaces the worker function (tests only; it must be picklable for the pool).
    ``kernel_start``: ``fork``, ``spawn`` or ``auto`` (see :mod:`govreport_kit.running.forkserver`);
    None: ``GOVREPORT_KERNEL_START`` in the workers' environment, else ``auto``.
    """
    t0 = time.perf_counter()
    params_dir, root, found, to_run, skipped = _prepare(
        params_dir, outputs_root, changed_only, audience, timeout, notebook, docx, pdf, kernel_start
    )
    observers = list(observers)
    for o in observers:
        o.batch_started(total=len(found.jobs), to_run=len(to_run), problems=found.problems)

    results, started = _execute(to_run, skipped, root, observers, scheduler, workers, job_fn, kernel_start)
    order = {(j.agency, j.year): i for i, j in enumerate(found.jobs)}
    results.sort(key=lambda r: order.get((r.agency, r.year), 0))
    out = BatchResult(
        results,
        found.problems,
        time.perf_counter() - t0,
        workers_started=started,
        kernels_started=sum(r.kernels_started for r in results),
    )
    if write_index:
        out.index_path, out.manifest_path = _write_index(root, results, params_dir)
    out.seconds = time.perf_counter() - t0
    for o in observers:
        o.batch_finished(out)
    return out


def _execute(to_run, skipped, root, observers, scheduler, workers, job_fn, kernel_start) -> tuple[list[JobResult], int]:
    """Run the jobs, recording each as it finishes; (results in finishing order, workers started)."""
    results: list[JobResult] = []

    def on_result(r: JobResult) -> None:
        if r.status != SKIPPED:
            _write_record(root, r)
        results.append(r)
        for o in observers:
            o.job_finished(r, results)

    for r in skipped:
        on_result(r)
    started = 0
    if to_run:
        if scheduler:
            started = _run_dask(to_run, scheduler, job_fn, on_result)
        else:
            started = _run_local(
                to_run, min(workers or default_workers(), len(to_run)), job_fn, on_result, kernel_start
            )
    return results, started


def _prepare(params_dir, outputs_root, changed_only, audience, timeout, notebook, docx, pdf, kernel_start):
    """Arguments checked, jobs found and planned: (params dir, outputs root, discovery, to run, skipped)."""
    from govreport_kit.core import paths

    params_dir = Path(params_dir) if params_dir else paths.params_dir()
    root = batch_store.normalise_root(outputs_root if outputs_root is not None else paths.outputs_dir())
    nb = str(Path(notebook).resolve()) if notebook else None
    timeout = validate_timeout(timeout)
    found = discover_some(params_dir)
    if not batch_store.is_url(root):
        check_outputs_root(Path(root))
    to_run, skipped = plan(
        found.jobs, root, changed_only=changed_only, audience=audience, timeout=timeout, notebook=nb, docx=docx, pdf=pdf
    )
    if kernel_start:
        to_run = [replace(j, kernel_start=kernel_start) for j in to_run]

    return params_dir, root, found, to_run, skipped


def _write_record(root: str, r: JobResult) -> None:
    """Write the job's batch.json; a record that cannot be written fails its job, not the batch."""
    try:
        batch_store.write_record(root, r)
    except (GovReportError, OSError) as e:
        why = e.message if isinstance(e, GovReportError) else f"无法写入 batch.json（{e.strerror}）"
        r.status, r.reason, r.cause = FAILED, why, "input"


def _write_index(root: str, results: list[JobResult], params_dir: Path) -> tuple[Any, Any]:
    from govreport_kit.batch import index_page

    try:
        return index_page.write_outputs(root, results, params_dir=str(params_dir))
    except OSError as e:
        raise InputError(
            f"无法写入索引页 index.html 或 manifest.json（{e.strerror}）；原有的索引页保持不变",
            Location(file=str(root)),
            "请检查磁盘空间和文件夹权限，然后重新运行",
        ) from None
