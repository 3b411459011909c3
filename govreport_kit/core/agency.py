"""The agency: its record, its code (the ASCII name under ``params/`` and ``outputs/`` that every
path is built from) and the rules for codes and names.

Kept apart from :mod:`govreport_kit.core.model` (which needs pandas, and re-exports these) so
that the batch process, which only plans and collects, reads params files without pandas.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from govreport_kit.core.errors import GovReportError, Location, ParamsError

AGENCY_CODE_RE = re.compile(r"^[a-z0-9](?:[a-z0-9_-]{0,62}[a-z0-9])?$")
#: Names Windows refuses as file names, whatever the extension.
RESERVED_NAMES = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}


def agency_code_problem(code: Any) -> str | None:
    """Why ``code`` cannot be an agency code (used in paths), or None when it is fine."""
    if not isinstance(code, str):
        return f"机构代码必须是字符串，实际是 {type(code).__name__}"
    if not code:
        return "机构代码为空"
    if len(code) > 64:
        return f"机构代码过长（{len(code)} 个字符，最多 64 个）"
    if not AGENCY_CODE_RE.match(code):
        return f"机构代码“{code}”含不允许的字符：只能用小写英文字母、数字、“-”和“_”，且以字母或数字开头和结尾"
    if code.split(".")[0] in RESERVED_NAMES:
        return f"机构代码“{code}”是 Windows 的保留设备名，不能作为文件夹名"
    return None


#: How to write an agency code: the one fix text for every agency-code error.
AGENCY_CODE_HINT = "例如 xishan-edu（只用小写英文字母、数字、“-”和“_”，最长 64 个字符）"


def require_agency_code(code: Any, where: Location, error: type[GovReportError] = ParamsError) -> str:
    """``code`` when it is a valid agency code, else raise ``error`` naming where and :data:`AGENCY_CODE_HINT`."""
    problem = agency_code_problem(code)
    if problem:
        raise error(problem, where, AGENCY_CODE_HINT)
    return code


@dataclass
class Agency:
    name: str
    code: str
    region: str = ""
    address: str = ""
    postcode: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""

    def to_dict(self) -> dict[str, str]:
        return dict(self.__dict__)


#: Characters a name must not hold: line breaks, tabs and other controls, bidirectional overrides
#: (U+202A–U+202E, U+2066–U+2069, U+200E/U+200F), private-use characters (U+E000–U+F8FF).
_BAD_NAME_CHARS = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ue000-\uf8ff]")
_BAD_NAME_WHAT = {"\n": "换行", "\r": "回车", "\t": "制表符（Tab）"}


def name_problem(name: str) -> str | None:
    """None for a name that is one line of visible text, else what it holds (Chinese)."""
    m = _BAD_NAME_CHARS.search(name)
    if m is None:
        return None
    ch = m.group(0)
    return _BAD_NAME_WHAT.get(ch) or f"不可见的控制字符 U+{ord(ch):04X}"
