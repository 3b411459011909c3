"""Reading text files whose encoding nobody wrote down.

Analysts save CSV and YAML from Excel, WPS or a text editor: UTF-8, UTF-8 with a BOM, GBK or
GB18030. Detectors guess (charset-normalizer called a short GBK file big5), so we decode by trying
``utf-8-sig`` (also strips a BOM), ``utf-8`` and ``gb18030`` (a superset of GBK) in that order, and
report a file none of them decodes instead of guessing further.
"""

from __future__ import annotations

import codecs
import os
from dataclasses import dataclass
from pathlib import Path

from govreport_kit.core.errors import InputError, Location
from govreport_kit.core.paths import project_root

_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str  # "utf-8", "gb18030" (which covers GBK)
    bom: bool  # a UTF-8 byte-order mark was present (and removed)


def display_path(path: str | os.PathLike) -> str:
    """How a file is named in messages and provenance: relative to the project when inside it."""
    p = Path(path)
    try:
        return Path(os.path.abspath(p)).relative_to(project_root()).as_posix()
    except ValueError:
        return str(p)


def decode_bytes(data: bytes, name: str = "") -> DecodedText:
    """Decode ``data`` (the content of file ``name``) or raise :class:`InputError`."""
    where = Location(file=name or None)
    if not data or data in (codecs.BOM_UTF8,):
        raise InputError("文件为空", where, "请确认选对了文件，并且文件已保存了内容")
    if data.startswith(_UTF16_BOMS):
        raise InputError(
            "文件是 UTF-16 编码，本工具只读 UTF-8、GBK 或 GB18030",
            where,
            "请在编辑器或 Excel 中另存为“CSV UTF-8”或 UTF-8 文本",
        )
    if data.startswith(codecs.BOM_UTF8):
        try:
            return DecodedText(data[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8", True)
        except UnicodeDecodeError:
            _fail(data, name)
    try:
        return DecodedText(data.decode("utf-8"), "utf-8", False)
    except UnicodeDecodeError:
        pass
    try:
        return DecodedText(data.decode("gb18030"), "gb18030", False)
    except UnicodeDecodeError:
        return _fail(data, name)


def _fail(data: bytes, name: str) -> DecodedText:
    """Raise for bytes that no accepted encoding decodes, naming the first offending byte."""
    offsets = []
    body = data[3:] if data.startswith(codecs.BOM_UTF8) else data
    start = len(data) - len(body)
    for enc in ("utf-8", "gb18030"):
        try:
            body.decode(enc)
        except UnicodeDecodeError as e:
            offsets.append(e.start + start)
    offset = max(offsets) if offsets else 0
    snippet = data[offset : offset + 4].hex(" ")
    raise InputError(
        f"无法识别文件编码：按 UTF-8、GBK、GB18030 都无法解码（第 {offset} 字节处：{snippet}）",
        Location(file=name or None),
        "请用编辑器把文件另存为 UTF-8 编码；如果这是 Excel 文件，请确认扩展名是 .xlsx",
        offset=offset,
    )


def read_decoded(path: str | os.PathLike, kind: str = "text") -> DecodedText:
    """Read and decode a text file; :class:`InputError` when it is missing, not a regular file,
    larger than the limit for ``kind`` (see :mod:`govreport_kit.core.limits`), empty or undecodable."""
    from govreport_kit.core.files import read_input

    name = display_path(path)
    return decode_bytes(read_input(path, kind, name), name)


def read_text(path: str | os.PathLike, kind: str = "text") -> str:
    """The text of a file in UTF-8, UTF-8 with BOM, GBK or GB18030 (BOM removed)."""
    return read_decoded(path, kind).text
