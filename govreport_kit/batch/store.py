"""Where batch outputs live: a local folder (fast path, atomic renames) or any fsspec URL.

A root without a protocol is a local folder. A URL (``file://``, ``s3://``, ``memory://`` …) is
written through fsspec; fsspec is imported only then.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from govreport_kit.batch.jobs import JobResult
from govreport_kit.core.files import atomic_write

RECORD = "batch.json"


def is_url(root: str) -> bool:
    return "://" in root or "::" in root


def normalise_root(root: str | os.PathLike) -> str:
    root = os.fspath(root)
    return root.rstrip("/") if is_url(root) else str(Path(root).resolve())


def job_dir(root: str, agency: str, year: int) -> str:
    """``<root>/<agency>/<year>``; the caller has validated ``agency`` (a discovered folder name)."""
    return f"{root}/{agency}/{year}"


def _fs(url: str):
    import fsspec

    fs, path = fsspec.core.url_to_fs(url)
    return fs, path


def write_bytes(path: str, data: bytes) -> None:
    """Write ``data`` to ``path``: locally with :func:`govreport_kit.core.files.atomic_write`."""
    if is_url(path):
        fs, p = _fs(path)
        parent = p.rsplit("/", 1)[0]
        fs.makedirs(parent, exist_ok=True)
        with fs.open(p, "wb") as f:  # a single PUT on object stores, which is atomic there
            f.write(data)
        return
    atomic_write(path, data, mkdir=True)  # -rw-r--r--: the index and manifest are for colleagues and web servers


def read_bytes(path: str) -> bytes | None:
    try:
        if is_url(path):
            fs, p = _fs(path)
            return fs.cat_file(p)
        return Path(path).read_bytes()
    except (FileNotFoundError, OSError):
        return None


def exists(path: str) -> bool:
    if is_url(path):
        fs, p = _fs(path)
        return fs.exists(p)
    return os.path.exists(path)


def remove(path: str) -> None:
    """Delete ``path`` if it exists."""
    try:
        if is_url(path):
            fs, p = _fs(path)
            if fs.exists(p):
                fs.rm(p)
        else:
            Path(path).unlink(missing_ok=True)
    except OSError:
        pass


def dumps(obj: Any) -> bytes:
    """Canonical JSON: sorted keys, UTF-8, two-space indent, final newline."""
    return (json.dumps(obj, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode("utf-8")


def read_record(root: str, agency: str, year: int) -> JobResult | None:
    raw = read_bytes(f"{job_dir(root, agency, year)}/{RECORD}")
    if raw is None:
        return None
    try:
        return JobResult.from_dict(json.loads(raw))
    except (ValueError, TypeError):
        return None


def write_record(root: str, result: JobResult) -> None:
    """Write ``<root>/<agency>/<year>/batch.json``; a local folder that leads out of the root (a
    symlink) is refused by the same check as the report runner's (``paths.job_output_dir``)."""
    if is_url(root):
        write_bytes(f"{job_dir(root, result.agency, result.year)}/{RECORD}", dumps(result.to_dict()))
        return
    from govreport_kit.core.paths import job_output_dir

    folder = job_output_dir(root, result.agency, result.year)
    write_bytes(str(folder / RECORD), dumps(result.to_dict()))


def has_report(root: str, agency: str, year: int) -> bool:
    return exists(f"{job_dir(root, agency, year)}/report.html")


def upload_tree(local_dir: str | Path, url: str) -> None:
    """Copy every file under ``local_dir`` to ``url`` (same relative layout) through fsspec."""
    local_dir = Path(local_dir)
    for p in sorted(local_dir.rglob("*")):
        if p.is_file():
            write_bytes(f"{url}/{p.relative_to(local_dir).as_posix()}", p.read_bytes())
