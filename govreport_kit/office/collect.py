"""``govreport collect INBOX``: the workbooks (and CSV/YAML data) agencies send back, filed.

For each file of the inbox: identify agency and year from the file itself (the workbook's 机构信息
sheet, the CSV's ``meta`` rows), else from a file name ``<agency>-<year>.<ext>``, else say that it
cannot be identified and how to fix it; read and check it; file it as the data file of
``params/<agency>/<year>.yaml`` (``params/<agency>/<year>.<ext>``, with a params file written when
the agency-year has none). A different file already there is never overwritten without
``--force`` (except the blank template the office handed out); the old one is kept as ``<name>.bak``. An identical file is left alone. What
changed is printed cell by cell; ``govreport batch --changed-only`` then renders only those.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govreport_kit.checks.findings import count_by_severity
from govreport_kit.core import format as fmt
from govreport_kit.core import paths
from govreport_kit.core.errors import GovReportError, InputError, Location
from govreport_kit.core.files import atomic_write, sha256_file
from govreport_kit.core.model import AgencyYear, agency_code_problem
from govreport_kit.inputs.encoding import display_path

KINDS = {".xlsx": "工作簿", ".csv": "长表 CSV", ".yaml": "YAML 数据", ".yml": "YAML 数据"}
NAME_RE = re.compile(r"^(?P<code>[a-z0-9][a-z0-9_-]*[a-z0-9])[-_](?P<year>(?:19|20)\d{2})$")
FILED, UNCHANGED, REFUSED, UNIDENTIFIED, UNREADABLE, IGNORED = (
    "filed",
    "unchanged",
    "refused",
    "unidentified",
    "unreadable",
    "ignored",
)
LABELS = {
    FILED: "已归档",
    UNCHANGED: "未变化",
    REFUSED: "未覆盖",
    UNIDENTIFIED: "无法识别",
    UNREADABLE: "无法读取",
    IGNORED: "已忽略",
}
MAX_CHANGES_SHOWN = 8


@dataclass
class Collected:
    source: Path
    outcome: str
    agency: str = ""
    year: int | None = None
    target: Path | None = None
    message: str = ""
    errors: int = 0
    warnings: int = 0
    changes: list[str] = field(default_factory=list)
    backup: Path | None = None


@dataclass
class CollectResult:
    items: list[Collected]

    @property
    def exit_code(self) -> int:
        if not self.items or all(i.outcome in (UNREADABLE, UNIDENTIFIED, IGNORED) for i in self.items):
            return 2
        return 1 if any(i.outcome in (REFUSED, UNIDENTIFIED, UNREADABLE) for i in self.items) else 0


def _read(path: Path) -> AgencyYear:
    from govreport_kit.inputs.load import read_data

    return read_data(path, form="auto")


def identify(path: Path, model: AgencyYear) -> tuple[str | None, int | None, str]:
    """(agency, year, how) from the data, else from the file name."""
    from govreport_kit.inputs.longform import PLACEHOLDER_CODE

    code = model.agency.code if model.agency.code != PLACEHOLDER_CODE else None
    year = int(model.year) if model.year else None
    if code and year:
        return code, year, "文件中的机构信息"
    m = NAME_RE.match(path.stem)
    if m and agency_code_problem(m["code"]) is None:
        return code or m["code"], year or int(m["year"]), "文件名"
    return code, year, ""


def _diff(old: AgencyYear | None, new: AgencyYear) -> list[str]:
    from govreport_kit.office.members import is_blank, model_cells

    if old is None:
        return []
    if is_blank(model_cells(old)):
        filled = sum(1 for *_, v in new.iter_cells() if _plain(v) is not None)
        return [f"原文件是空白模板；新文件填写了 {filled} 个单元格"]
    out = []
    for t, r, c, v in new.iter_cells():
        try:
            before = old.get(t, r, c)
        except KeyError:
            before = None
        a, b = _plain(before), _plain(v)
        if a != b:
            out.append(f"{fmt.cell_label(t, r, c, new.format)}：{_show(a)} → {_show(b)}")
    return out


def _plain(v: Any) -> Any:
    if v is None or str(v) in ("<NA>", "nan"):
        return None
    return v


def _show(v: Any) -> str:
    return "空白" if v is None else str(v)


def _target(params_dir: Path, code: str, year: int, suffix: str) -> tuple[Path, Path, Any]:
    """(data file to write, params file, loaded params or None)."""
    from govreport_kit.inputs.params import load_params

    params_path = params_dir / code / f"{year}.yaml"
    if params_path.is_file():
        params = load_params(params_path)
        if params.data.suffix.lower() != suffix:
            raise InputError(
                f"参数文件的 data 指向 {display_path(params.data)}，收到的是 {suffix} 文件",
                Location(file=display_path(params_path), key="data"),
                f"请把 data 改为 {year}{suffix}，或让机构按原格式交回",
            )
        return params.data, params_path, params
    return params_dir / code / f"{year}{suffix}", params_path, None


def collect_file(path: Path, params_dir: Path, *, year: int | None, force: bool, dry_run: bool) -> Collected:
    from govreport_kit.audit.fastcheck import validate_table
    from govreport_kit.checks.rules import check

    item = Collected(path, UNREADABLE)
    suffix = path.suffix.lower()
    if suffix not in KINDS:
        item.outcome, item.message = IGNORED, "不是工作簿、CSV 或 YAML 数据文件"
        return item
    try:
        model = _read(path)
    except GovReportError as e:
        item.message = e.message
        return item
    code, y, how = identify(path, model)
    if not code or not y:
        item.outcome = UNIDENTIFIED
        item.message = (
            f"无法识别机构或年度：{fmt.AGENCY_SHEET}中缺少机构代码或报告年度，文件名也不是“机构代码-年度”的形式；"
            f"请在“{fmt.AGENCY_SHEET}”中填写机构代码和年度，或把文件改名为例如 xishan-edu-{year or 2024}{suffix}"
        )
        return item
    item.agency, item.year = code, y
    if year is not None and y != year:
        item.outcome, item.message = IGNORED, f"年度是 {y}，不是要收取的 {year}"
        return item
    try:
        target, params_path, params = _target(params_dir, code, y, suffix)
    except GovReportError as e:
        item.outcome, item.message = REFUSED, e.message
        return item
    item.target = target
    findings = check(model, None, validate=validate_table)
    counts = count_by_severity(findings)
    item.errors, item.warnings = counts[fmt.ERROR], counts[fmt.WARNING]
    old = None
    if target.is_file():
        if sha256_file(target) == sha256_file(path):
            item.outcome, item.message = UNCHANGED, "与已归档的文件相同"
            return item
        try:
            old = _read(target)
        except GovReportError:
            old = None
        from govreport_kit.office.members import is_blank, model_cells

        if not force and not (
            old is not None and is_blank(model_cells(old))
        ):  # replacing the blank template loses nothing
            item.outcome = REFUSED
            item.message = f"{display_path(target)} 已存在且内容不同；确认要替换时加 --force（旧文件会保留为 .bak）"
            item.changes = _diff(old, model)
            return item
    item.changes = _diff(old, model)
    item.outcome = FILED
    item.message = f"按{how}识别"
    if not dry_run:
        _file(path, target, item, params_path if params is None else None, model)
    return item


def _file(path: Path, target: Path, item: Collected, params_path: Path | None, model: AgencyYear) -> None:
    """Put the received file in place (the replaced one kept as .bak); a params file when there is none."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.is_file():
        item.backup = target.with_name(target.name + ".bak")
        shutil.copy2(target, item.backup)
    atomic_write(target, path.read_bytes())
    if params_path is not None:
        _write_params(params_path, model, item.agency, item.year, target.name)


def _write_params(params_path: Path, model: AgencyYear, code: str, year: int, data_name: str) -> None:
    from dataclasses import replace

    from govreport_kit.authoring.folder import params_dict
    from govreport_kit.inputs.params import dump_params

    agency = replace(model.agency, code=code)
    atomic_write(params_path, dump_params(params_dict(agency, year, model.format, data_name)))


def collect_inbox(
    inbox: str | Path,
    *,
    year: int | None = None,
    force: bool = False,
    dry_run: bool = False,
    params_dir: str | Path | None = None,
) -> CollectResult:
    inbox = Path(inbox)
    if not inbox.is_dir():
        raise InputError("收件文件夹不存在或不是文件夹", Location(file=str(inbox)), "请给出存放交回文件的文件夹")
    pdir = Path(params_dir) if params_dir else paths.params_dir()
    files = sorted(p for p in inbox.rglob("*") if p.is_file() and not p.name.startswith((".", "~$")))
    return CollectResult([collect_file(p, pdir, year=year, force=force, dry_run=dry_run) for p in files])


def format_collect(res: CollectResult) -> str:
    lines = []
    for i in res.items:
        who = f"{i.agency} {i.year} 年" if i.agency else ""
        head = f"[{LABELS[i.outcome]}] {i.source.name}" + (f" → {who}" if who else "")
        if i.target is not None and i.outcome == FILED:
            head += f"（{display_path(i.target)}）"
        lines.append(head)
        if i.message:
            lines.append(f"    {i.message}")
        if i.outcome in (FILED, REFUSED) and i.agency:
            lines.append(f"    检查：错误 {i.errors} 项，警告 {i.warnings} 项")
        for c in i.changes[:MAX_CHANGES_SHOWN]:
            lines.append(f"    {c}")
        if len(i.changes) > MAX_CHANGES_SHOWN:
            lines.append(f"    ……另有 {len(i.changes) - MAX_CHANGES_SHOWN} 处变化")
        if i.backup is not None:
            lines.append(f"    旧文件保留为 {display_path(i.backup)}")
    n = {k: sum(1 for i in res.items if i.outcome == k) for k in LABELS}
    lines.append("")
    lines.append(f"共 {len(res.items)} 个文件：" + "，".join(f"{LABELS[k]} {v}" for k, v in n.items() if v))
    if n[FILED]:
        lines.append("接着运行 govreport batch --changed-only 生成有变化的报告。")
    return "\n".join(lines) + "\n"
