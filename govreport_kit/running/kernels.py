"""Kernels for report runs: started early, pre-warmed, killed at once.

A report run spends most of its time waiting for a kernel: about 0.5 s to start and 0.4 s more
to import pandas in it. :func:`start_kernel` launches the kernel process and returns at once
(``KernelManager.start_kernel`` does not wait for the kernel to be ready), with
``IPKernelApp.exec_lines`` importing the report module while the caller does other work
(validating the params, loading and checking the data, importing papermill and nbconvert).

Every report still gets a fresh kernel process: the pre-import only loads our own package, the
same modules the notebook's first cell imports, and binds no name in the user namespace.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

#: Imported in the kernel at start-up: what the notebook's cells import anyway (pandas, openpyxl).
PREWARM_MODULES = (
    "govreport_kit.report.notebook",
    "govreport_kit.inputs.load",
    "govreport_kit.inputs.template",
    "govreport_kit.inputs.workbook",
    "govreport_kit.inputs.narrative",
    # the review copy's charts (report/charts.py imports matplotlib only when it draws)
    "matplotlib.figure",
    "matplotlib.backends.backend_svg",
)
#: Imported as well when the kernel runs the checks itself (pandera, ~0.5 s).
CHECK_MODULES = ("govreport_kit.checks.rules", "govreport_kit.checks.schemas")
KERNEL_NAME = "python3"


def kernel_arguments(prewarm: bool | str = True) -> list[str]:
    """Extra ipykernel arguments: no history database (parallel kernels share it), pre-imports.

    ``prewarm``: False (nothing), True (the report's modules) or ``"checks"`` (those and pandera).
    """
    args = ["--HistoryManager.enabled=False"]
    if prewarm:
        modules = PREWARM_MODULES + (CHECK_MODULES if prewarm == "checks" else ())
        # One statement; ``del`` leaves the user namespace as a fresh kernel's.
        names = ", ".join(sorted({m.split(".")[0] for m in modules}))
        args.append(f"--IPKernelApp.exec_lines=import {', '.join(modules)}; del {names}")
    return args


def start_kernel(
    cwd: str | Path | None = None,
    *,
    prewarm: bool | str = True,
    kernel_name: str = KERNEL_NAME,
    start: str | None = None,
    default_start: str = "spawn",
    project: str | Path | None = None,
):
    """Launch a kernel and return its ``jupyter_client.KernelManager`` without waiting for it.

    The kernel gets ``GOVREPORT_PROJECT`` set to ``project`` (default: this process's project
    root), so it finds the same ``params/`` and ``outputs/`` whatever its working directory.

    IPC transport (Unix sockets) where available: no TCP port to race for between parallel
    kernels, and no plain-TCP warning. The kernel's stdout/stderr go to a temporary file kept
    as ``km.govreport_log`` so a dead kernel can be explained.

    ``start``: ``fork`` (from this process's template, see :mod:`govreport_kit.running.forkserver`),
    ``spawn`` (a normal kernel) or ``auto`` (fork if the template works, else spawn); None:
    ``GOVREPORT_KERNEL_START``, else ``default_start``. ``km.govreport_start`` says which it was.
    """
    import tempfile

    from jupyter_client import KernelManager

    transport = "tcp" if sys.platform.startswith("win") else "ipc"
    km = KernelManager(kernel_name=kernel_name, transport=transport)
    km.govreport_start = "spawn"
    from govreport_kit.running import forkserver

    mode = forkserver.resolve_mode(start, default_start)
    if mode != "spawn":
        spec = forkserver.fork_kernel_spec(kernel_name, mode)
        if spec is not None:
            km._kernel_spec = spec  # selects the fork provisioner; the rest is a normal KernelManager
            km.govreport_start = "fork"
    folder = _kernel_folder(transport)
    km.connection_file = str(folder / "kernel.json")
    if transport == "ipc":
        km.ip = str(folder / "kernel")
    log = tempfile.TemporaryFile(prefix="govreport-kernel-")  # noqa: SIM115 - lives as long as the kernel (closed by dispose_kernel)
    km.govreport_log = log
    from govreport_kit.core import paths

    env = {**os.environ, paths.PROJECT_ENV: str(Path(project) if project else paths.project_root())}
    km.start_kernel(
        extra_arguments=kernel_arguments(prewarm),
        cwd=str(cwd) if cwd else None,
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    return km


#: Longest IPC socket path used (Linux allows 107 bytes in ``sun_path``; macOS 103).
IPC_PATH_MAX = 100


def _kernel_folder(transport: str) -> Path:
    """A private folder for the connection file and the IPC socket files, inside the run's scratch
    folder (which a later run removes if this process is killed before it can)."""
    import tempfile

    from govreport_kit.running import scratch

    folder = Path(scratch.mkdtemp("govreport-kernel-"))
    if transport == "ipc" and len(str(folder / "kernel-NNNNN")) > IPC_PATH_MAX:
        # a Unix socket path holds at most ~107 bytes: with a long TMPDIR, a short folder instead
        folder.rmdir()
        folder = Path(tempfile.mkdtemp(prefix="govreport-kernel-", dir="/tmp" if Path("/tmp").is_dir() else None))
    return folder


def kill_kernel(km) -> None:
    """Kill the kernel process at once (a report kernel holds nothing worth a graceful shutdown)."""
    try:
        if km.has_kernel:
            km.signal_kernel(signal.SIGKILL if hasattr(signal, "SIGKILL") else signal.SIGTERM)
    except Exception:  # already gone
        pass


def dispose_kernel(km) -> None:
    """Kill the kernel if still alive and remove its connection and socket files."""
    kill_kernel(km)
    try:
        km.shutdown_kernel(now=True)
    except Exception:
        pass
    try:
        km.cleanup_resources()
    except Exception:
        pass
    folder = Path(km.connection_file).parent
    if folder.name.startswith("govreport-kernel-"):
        shutil.rmtree(folder, ignore_errors=True)
    log = getattr(km, "govreport_log", None)
    if log is not None:
        log.close()


def kernel_log_tail(km, limit: int = 2000) -> str:
    """The last characters the kernel printed (for a dead-kernel message)."""
    log = getattr(km, "govreport_log", None)
    if log is None:
        return ""
    try:
        log.flush()
        log.seek(0)
        return log.read().decode("utf-8", "replace")[-limit:]
    except (OSError, ValueError):
        return ""
