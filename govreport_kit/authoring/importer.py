"""``govreport import``: a published report → params, workbook and narrative for that year.

Next year's report starts from last year's published one: the tables go into the project's
workbook (cells that could not be read stay empty and are listed), the prose into the narrative
Markdown under the official part headings, the agency's contact details into the params file.
Nothing is overwritten unless asked (``overwrite=True``), and then the replaced files are named.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from govreport_kit.core import format as fmt
from govreport_kit.core.errors import InputError, Location, ParamsError
from govreport_kit.core.model import Agency, agency_code_problem
from govreport_kit.audit.result import AuditResult

CONTACT_PATTERNS = {
    "address": r"(?:联系)?地址\s*[:：]\s*([^,，;；。)）]{4,60})",
    "postcode": r"(?:邮编|邮政编码)\s*[:：]?\s*(\d{6})",
    "phone": r"(?:电话|传真)(?:/传真)?\s*[:：]\s*([\d][\d\-—– ]{5,20}\d)",
    "email": r"(?:电子邮箱|电子信箱|邮箱|E-?mail)\s*[:：]?\s*([\w.\-]+@[\w\-]+(?:\.[\w\-]+)+)",
}


@dataclass
class ImportResult:
    params: Path
    workbook: Path
    narrative: Path
    audit: AuditResult
    replaced: list[Path] = field(default_factory=list)


def contact_details(text: str) -> dict[str, str]:
    out = {}
    for key, pat in CONTACT_PATTERNS.items():
        m = re.search(pat, text)
        if m:
            out[key] = m.group(1).strip().rstrip(".。")
    return out


def _md_escape(text: str) -> str:
    lines = []
    for line in text.replace("{{", "\\{{").split("\n"):
        lines.append("\\" + line if line.lstrip().startswith("#") else line)
    return "\n".join(lines)


NUMERALS = "一二三四五六七八九十"
#: A sub-head marker （一）…（十）, full- or half-width, at the start of a line or after a sentence.
SUBHEAD_RE = re.compile(r"(?:^|(?<=[。；;！!？?\s]))[ \t\u3000]*[（(]([一二三四五六七八九十])[)）]")
#: The sub-head's own words: short, ending at a full stop, a colon or a line/space break.
SUBHEAD_TITLE_RE = re.compile(r"([^。：:；;，,\s]{1,16})(?:[。：:；;]|\s+|$)")


def structure_subheads(text: str) -> str:
    """Prose flattened by a web page or text export, with its sub-heads put back as ``##`` lines.

    Markers must run （一）, （二）, … in order, so a “（二）” quoted mid-text is left alone; the
    words after a marker become the heading when they are short and end at a full stop, colon or
    break (“(一)主动公开方面 平潭…” → “## （一）主动公开方面” and a new paragraph “平潭…”).
    """
    out, last, expected = [], 0, 0
    for m in SUBHEAD_RE.finditer(text):
        if NUMERALS.index(m.group(1)) != expected:
            continue
        expected += 1
        title = SUBHEAD_TITLE_RE.match(text, m.end())
        head, rest_at = (title.group(1), title.end()) if title else ("", m.end())
        out += [text[last:m.start()].rstrip(), f"\n\n## （{m.group(1)}）{head}\n\n"]
        last = rest_at
    out.append(text[last:])
    return "".join(out).strip()


def narrative_markdown(narrative: dict[str, str]) -> str:
    """The prose parts under the official headings, sub-heads restored (numbers as published)."""
    parts = []
    if narrative.get("preamble"):
        parts.append(_md_escape(narrative["preamble"]))
    for code in ("overview", "problems", "other"):
        title = fmt.PART_BY_CODE[code].title
        parts.append(f"# {title}\n\n" + structure_subheads(_md_escape(narrative.get(code, "").strip())))
    return "\n\n".join(p.strip("\n") for p in parts) + "\n"


def target_paths(params_dir: Path, code: str, year: int) -> tuple[Path, Path, Path]:
    problem = agency_code_problem(code)
    if problem:
        raise ParamsError(problem, Location(key="--agency"), "例如 xishan-edu（只用小写英文字母、数字、“-”和“_”）")
    root = params_dir.resolve()
    folder = (root / code).resolve()
    if not folder.is_relative_to(root):
        raise ParamsError(f"机构代码“{code}”会指向参数目录以外", Location(key="--agency"))
    return folder / f"{year}.yaml", folder / f"{year}.xlsx", folder / f"{year}.md"


def import_report(report: str | Path, code: str, params_dir: str | Path, overwrite: bool = False) -> ImportResult:
    """Write params, workbook and narrative for the year of ``report``; see the module doc."""
    from govreport_kit.core.files import atomic_write
    from govreport_kit.inputs.params import dump_params, load_params
    from govreport_kit.inputs.template import write_workbook
    from govreport_kit.audit.audit import audit_paths

    problem = agency_code_problem(code)  # before the code is used in any path
    if problem:
        raise ParamsError(problem, Location(key="--agency"), "例如 xishan-edu（只用小写英文字母、数字、“-”和“_”）")
    res = audit_paths([report])[0]
    if res.model is None or not res.readable:
        why = "；".join(u.message for u in res.unreadable) or "没有读出任何表格"
        raise InputError(f"无法从报告中读出表格：{why}", Location(file=str(report)))
    if not res.year:
        raise InputError("无法确定报告年度（标题和统计期限里都没有找到）", Location(file=str(report)))
    params_path, workbook_path, narrative_path = target_paths(Path(params_dir), code, res.year)
    existing = [p for p in (params_path, workbook_path, narrative_path) if p.exists()]
    if existing and not overwrite:
        names = "、".join(str(p) for p in existing)
        raise InputError(f"文件已存在，不会覆盖：{names}", Location(file=str(existing[0])),
                         "如确需用本报告的内容替换它们，请加 --force；或先把已有文件改名或移走")
    params_path.parent.mkdir(parents=True, exist_ok=True)
    preamble = res.model.narrative.get("preamble", "")
    contact = contact_details(preamble)
    name = res.agency or code
    agency = Agency(name=name, code=code, **contact)
    model = res.model
    model.agency = agency
    default_title = f"{name}{res.year}年政府信息公开工作年度报告"
    raw = {"agency": {k: v for k, v in agency.to_dict().items() if v}, "year": res.year, "format": res.format,
           "data": workbook_path.name, "narrative": narrative_path.name,
           "report": {"audience": "review", "title": res.title if res.title and res.title != default_title else None}}
    model.title = None if raw["report"]["title"] is None else res.title
    write_workbook(workbook_path, model)
    atomic_write(narrative_path, narrative_markdown(model.narrative).encode("utf-8"))
    atomic_write(params_path, dump_params(raw).encode("utf-8"))
    load_params(params_path)  # the written file must load: fail loudly here, not next year
    return ImportResult(params_path, workbook_path, narrative_path, res, existing)
