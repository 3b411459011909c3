"""Members read from ``govreport audit --json`` (what agencies actually published) instead of params.

A result is matched to an expected agency by the code in its file name (``xishan-edu-2023.html``,
``xishan-edu.txt``) or, failing that, by the agency name in the agency's params of that year. A
cell the audit could not read is None in the JSON: it stays unknown in the roll-up, never 0, and
the number of such cells per member is kept in the member's ``problem`` note.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from govreport_kit.core import format as fmt
from govreport_kit.core.errors import InputError, Location
from govreport_kit.office.members import Member, cells_of

MAX_AUDIT_JSON = 256 * 1024 * 1024


def _name_of(params_dir: Path, agency: str, year: int) -> str | None:
    from govreport_kit.inputs.params import load_params

    p = params_dir / agency / f"{year}.yaml"
    try:
        return load_params(p).agency.name if p.is_file() else None
    except Exception:  # noqa: BLE001 - a broken params file only means no name to match by
        return None


def members_from_audit(path: Path, agencies: list[str], year: int, params_dir: Path) -> dict[str, Member]:
    if not path.is_file():
        raise InputError(
            "找不到审核结果文件", Location(file=str(path)), "先运行 govreport audit 报告文件夹 --json > 结果.json"
        )
    if path.stat().st_size > MAX_AUDIT_JSON:
        raise InputError(f"审核结果文件超过 {MAX_AUDIT_JSON // (1024 * 1024)} MB", Location(file=str(path)))
    try:
        results = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as e:
        raise InputError(
            f"审核结果不是有效的 JSON（{e}）", Location(file=str(path)), "请用 govreport audit … --json 的输出"
        ) from None
    if not isinstance(results, list):
        raise InputError("审核结果应是 govreport audit --json 输出的列表", Location(file=str(path)))
    by_code: dict[str, dict] = {}
    names = {a: _name_of(params_dir, a, year) for a in agencies}
    for res in results:
        if not isinstance(res, dict) or res.get("year") != year or not res.get("tables"):
            continue
        stem = Path(str(res.get("source", ""))).stem
        code = next((a for a in agencies if stem == a or re.fullmatch(rf"{re.escape(a)}[-_]?\d{{4}}", stem)), None)
        if code is None:
            code = next((a for a in agencies if names.get(a) and names[a] == res.get("agency")), None)
        if code is not None:
            by_code.setdefault(code, res)
    out: dict[str, Member] = {}
    for a in agencies:
        m = Member(a, year)
        res = by_code.get(a)
        if res is None:
            m.problem = "审核结果中没有该机构本年度的报告"
        else:
            m.params = path  # "has data": the published report stands in for params
            form = "2019" if "table2_2019" in res["tables"] else "2021"
            m.form, m.name = form, str(res.get("agency") or a)
            m.cells = cells_of(res["tables"])
            m.findings = [f for f in res.get("findings", []) if isinstance(f, dict)]
            m.errors = sum(f.get("severity") == fmt.ERROR for f in m.findings)
            m.warnings = sum(f.get("severity") == fmt.WARNING for f in m.findings)
            unread = sum(1 for v in m.cells.values() if v is None)
            m.problem = f"{unread} 个单元格未读出" if unread else ""
        out[a] = m
    return out
