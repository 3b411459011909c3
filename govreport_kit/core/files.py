"""Files written and hashed one way: atomically, readable by colleagues, hashed with SHA-256.

Every output the tool writes (reports, index pages, manifests, workbooks, e-mails, ledgers) goes
through :func:`atomic_write` or :func:`atomic_write_many`: the data lands in a temporary file in
the same folder and is moved into place with ``os.replace``, so a reader never sees half a file
and a failed run leaves the earlier file as it was. Files are ``-rw-r--r--`` (``mkstemp`` makes
them private; outputs are meant to be read by a colleague or a web server).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

FILE_MODE = 0o644


def _temp_beside(target: Path) -> tuple[int, str]:
    return tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)


def atomic_write(path: str | os.PathLike, data: bytes | str, *, mode: int = FILE_MODE, mkdir: bool = False) -> Path:
    """Write ``data`` (``str`` as UTF-8 with ``\\n`` line ends) to ``path`` atomically; return the path."""
    target = Path(path)
    if mkdir:
        target.parent.mkdir(parents=True, exist_ok=True)
    blob = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = _temp_beside(target)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(blob)
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def atomic_write_many(files: Mapping[str | os.PathLike, bytes | str], *, mode: int = FILE_MODE) -> list[Path]:
    """Write several files all or none: every temporary file first, then the renames.

    If writing any of them fails, none is replaced. (The renames themselves are each atomic; a
    crash between two renames can leave a mix, which is why callers write their marker file last.)
    """
    temps: list[tuple[str, Path]] = []
    try:
        for path, data in files.items():
            target = Path(path)
            blob = data.encode("utf-8") if isinstance(data, str) else data
            fd, tmp = _temp_beside(target)
            temps.append((tmp, target))
            with os.fdopen(fd, "wb") as f:
                f.write(blob)
            os.chmod(tmp, mode)
        for tmp, target in temps:
            os.replace(tmp, target)
        return [t for _, t in temps]
    finally:
        for tmp, _ in temps:
            Path(tmp).unlink(missing_ok=True)


def sha256_file(path: str | os.PathLike) -> str:
    """The hex SHA-256 of a file's bytes."""
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def sha256_bytes(data: bytes | str) -> str:
    """The hex SHA-256 of bytes (``str`` as UTF-8)."""
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()
