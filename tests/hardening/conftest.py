"""Fixtures of the hardening tests: the CLI in a subprocess (optionally under a memory limit), a
throw-away project with the sample, snapshots of files (hash and mtime), small tmpfs mounts.

As in tests/conftest.py, every helper is a session-scoped fixture (a constant, a path or a
function) that a test asks for by name; ``cli`` and ``snapshot`` here replace the ones of
tests/conftest.py for these tests (this checkout's package on PYTHONPATH, a memory limit; several
folders or files at once).
"""

from __future__ import annotations

import contextlib
import hashlib
import resource
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
_ROOT = HERE.parents[1]
SAMPLE = _ROOT / "params" / "xishan-edu"
_CORPUS = _ROOT / "tests" / "fixtures" / "corpus"
#: Address-space limit for the hang tests: the CLI with pandas and openpyxl needs about 1 GB of
#: virtual memory; the attacks took 3.6 GB and more.
_MEMORY_LIMIT = 1536 * 1024 * 1024


def _make_project(tmp_path: Path) -> Path:
    """A project folder holding ``params/xishan-edu/2023.{yaml,xlsx,md}`` (copies of the sample)."""
    shutil.copytree(SAMPLE, tmp_path / "params" / "xishan-edu")
    return tmp_path


def _limit_memory(limit: int):
    def apply():
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return apply


def _snapshot(*folders: Path) -> dict[str, tuple[str, int]]:
    """{path: (sha256, mtime_ns)} of every file under the folders (or of the files given)."""
    out = {}
    for folder in folders:
        files = [folder] if folder.is_file() else sorted(p for p in folder.rglob("*") if p.is_file())
        for p in files:
            out[str(p)] = (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
    return out


def _assert_refused(proc: subprocess.CompletedProcess, *words: str, code: int = 2) -> None:
    """Exit ``code``, one Chinese message (``错误：``) holding every word, no traceback."""
    err = proc.stderr
    assert proc.returncode == code, (proc.returncode, proc.stdout[-2000:], err[-3000:])
    assert "Traceback" not in err, err[-3000:]
    assert "错误：" in err, err[-3000:]
    for w in words:
        assert w in err, (w, err[-3000:])


def _run(*cmd: str) -> subprocess.CompletedProcess:
    return subprocess.run(list(cmd), capture_output=True, text=True)


@contextlib.contextmanager
def _tmpfs(folder: Path, size: str = "64k"):
    """A small tmpfs mounted at ``folder`` (created); skips the test when mounting is refused."""
    folder.mkdir(parents=True, exist_ok=True)
    r = _run("mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder))
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({r.stderr.strip()})")
    try:
        yield folder
    finally:
        _run("umount", "-l", str(folder))


def _remount_readonly(folder: Path) -> None:
    """Make a tmpfs mounted by :func:`tmpfs` read-only: writes fail even for root (EROFS)."""
    r = _run("mount", "-o", "remount,ro", str(folder))
    if r.returncode != 0:
        pytest.skip(f"cannot remount read-only ({r.stderr.strip()})")


@contextlib.contextmanager
def _readonly_copy(src: Path, folder: Path, size: str = "8m"):
    """``src``'s tree copied into a fresh tmpfs at ``folder``, then the mount made read-only."""
    with _tmpfs(folder, size) as mnt:
        for p in src.iterdir():
            (shutil.copytree if p.is_dir() else shutil.copy2)(p, mnt / p.name)
        _remount_readonly(mnt)
        yield mnt


def _unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


# ------------------------------------------------------------------------------------ fixtures


@pytest.fixture(scope="session")
def ROOT() -> Path:
    """This checkout."""
    return _ROOT


@pytest.fixture(scope="session")
def CORPUS() -> Path:
    """tests/fixtures/corpus: published reports as saved from the web."""
    return _CORPUS


@pytest.fixture(scope="session")
def MEMORY_LIMIT() -> int:
    """Address-space limit (bytes) for the hang tests."""
    return _MEMORY_LIMIT


@pytest.fixture(scope="session")
def make_project():
    """``make_project(folder)``: a project holding a copy of the sample agency-year."""
    return _make_project


@pytest.fixture(scope="session")
def cli(run_cli):
    """``cli(*args, cwd=, timeout=60, memory=None, env=None)``: the CLI of this checkout in a subprocess."""

    def run(*args: str, cwd: Path, timeout: float = 60, memory: int | None = None, **kw):
        return run_cli(*args, cwd=cwd, timeout=timeout, preexec_fn=_limit_memory(memory) if memory else None, **kw)

    return run


@pytest.fixture(scope="session")
def snapshot():
    """``snapshot(*folders_or_files)``: {path: (sha256, mtime_ns)} of every file."""
    return _snapshot


@pytest.fixture(scope="session")
def assert_refused():
    """``assert_refused(proc, *words, code=2)``: one Chinese error message holding the words, no traceback."""
    return _assert_refused


@pytest.fixture(scope="session")
def tmpfs():
    """``with tmpfs(folder, size="64k")``: a small tmpfs (the test is skipped when mounting is refused)."""
    return _tmpfs


@pytest.fixture(scope="session")
def readonly_copy():
    """``with readonly_copy(src, folder)``: ``src`` copied into a tmpfs, then made read-only."""
    return _readonly_copy


@pytest.fixture(scope="session")
def unique():
    """``unique(prefix)``: ``prefix`` with a random suffix."""
    return _unique
