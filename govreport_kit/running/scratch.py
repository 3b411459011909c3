"""One scratch folder per run for kernel connection files, sockets and worker folders.

Kernels leave files behind when their owner is killed with ``kill -9`` (connection files, IPC
socket files, the workers' runtime folders). Everything of the kind goes into one folder per run,
``<tmp>/govreport-runs/<pid>-XXXX/``, made by the first process of the run (``govreport run`` or
``govreport batch``) and handed to its workers and kernels through ``GOVREPORT_RUN_TMP``. The
owner removes it when it exits; a folder whose owner died without doing so (``kill -9``, a power
cut) is removed by the next run that starts (:func:`clean_stale`).
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

RUN_ENV = "GOVREPORT_RUN_TMP"
BASE_NAME = "govreport-runs"


def base_dir() -> Path:
    return Path(tempfile.gettempdir()) / BASE_NAME


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_stale() -> list[Path]:
    """Remove the scratch folders of runs whose owner process is gone; return them."""
    removed = []
    base = base_dir()
    try:
        entries = list(base.iterdir())
    except OSError:
        return removed
    for d in entries:
        pid = d.name.split("-", 1)[0]
        if d.is_dir() and pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            shutil.rmtree(d, ignore_errors=True)
            removed.append(d)
    return removed


def run_dir() -> Path:
    """This run's scratch folder (created, and the stale ones of dead runs removed, on first use)."""
    given = os.environ.get(RUN_ENV)
    if given and Path(given).is_dir():
        return Path(given)
    base = base_dir()
    base.mkdir(mode=0o700, exist_ok=True)
    clean_stale()
    d = Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=base))
    os.environ[RUN_ENV] = str(d)  # inherited by the workers and the kernels started from here
    owner = os.getpid()

    def remove() -> None:
        if os.getpid() == owner:
            shutil.rmtree(d, ignore_errors=True)
            if os.environ.get(RUN_ENV) == str(d):
                del os.environ[RUN_ENV]

    atexit.register(remove)
    return d


def mkdtemp(prefix: str) -> str:
    """A private folder inside this run's scratch folder."""
    return tempfile.mkdtemp(prefix=prefix, dir=run_dir())
