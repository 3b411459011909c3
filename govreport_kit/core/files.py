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


def read_input(path: str | os.PathLike, kind: str, name: str | None = None) -> bytes:
    """The bytes of an input file of ``kind`` (a key of :data:`limits.FILE_BYTES`), bounded.

    Only a regular file is read: a folder, a FIFO, a device (``/dev/zero``) or a socket is refused
    at once, without blocking (the file is opened non-blocking and checked again with ``fstat``).
    A file larger than its limit is refused before it is read; the message names the limit.
    Raises :class:`~govreport_kit.core.errors.InputError`.
    """
    import stat

    from govreport_kit.core import limits
    from govreport_kit.core.errors import InputError, Location

    limit = limits.FILE_BYTES[kind]
    where = Location(file=name or str(path))
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise InputError("文件不存在", where, "请检查路径和文件名") from None
    except IsADirectoryError:
        raise InputError("这是一个文件夹，不是文件", where, "请给出其中的一个文件") from None
    except OSError as e:
        raise InputError(f"无法读取文件（{e.strerror}）", where) from None
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise InputError("这是一个文件夹，不是文件", where, "请给出其中的一个文件")
        if not stat.S_ISREG(st.st_mode):
            kind_name = (
                "命名管道（FIFO）"
                if stat.S_ISFIFO(st.st_mode)
                else "设备文件"
                if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode)
                else "特殊文件"
            )
            raise InputError(f"这不是普通文件，而是{kind_name}，不会读取", where, "请给出保存在磁盘上的普通文件")
        if st.st_size > limit.value:
            raise InputError(
                f"文件太大（{st.st_size:,} 字节），超过{limit.describe()}",
                where,
                "请确认选对了文件；真实的年度报告输入远小于这个大小",
            )
        os.set_blocking(fd, True)
        data = f.read(limit.value + 1)
    if len(data) > limit.value:  # grew while being read
        raise InputError(f"文件太大，超过{limit.describe()}", where, "请确认选对了文件")
    return data


def require_regular_file(path: str | os.PathLike, name: str | None = None) -> None:
    """Refuse at once a path that exists but is not a regular file (a FIFO, a device, a folder)."""
    import stat

    from govreport_kit.core.errors import InputError, Location

    try:
        st = os.stat(path)
    except OSError:
        return  # the reader reports a missing file in its own words
    if not stat.S_ISREG(st.st_mode):
        what = (
            "文件夹"
            if stat.S_ISDIR(st.st_mode)
            else "命名管道（FIFO）"
            if stat.S_ISFIFO(st.st_mode)
            else "设备文件"
            if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode)
            else "特殊文件"
        )
        raise InputError(
            f"这不是普通文件，而是{what}，不会读取", Location(file=name or str(path)), "请给出保存在磁盘上的普通文件"
        )
