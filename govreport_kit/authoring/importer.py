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

from govreport_kit.audit.result import AuditResult
from govreport_kit.authoring.folder import agency_year_files, write_agency_year
from govreport_kit.core import format as fmt
from govreport_kit.core.errors import InputError, Location
from govreport_kit.core.model import Agency

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
        out += [text[last : m.start()].rstrip(), f"\n\n## （{m.group(1)}）{head}\n\n"]
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


def import_report(report: str | Path, code: str, params_dir: str | Path, overwrite: bool = False) -> ImportResult:
    """Write params, workbook and narrative for the year of ``report``; see the module doc."""
    from govreport_kit.audit.audit import audit_paths

    agency_year_files(params_dir, code, 2000, key="--agency")  # the code is checked before anything is read
    res = audit_paths([report])[0]
    if res.model is None or not res.readable:
        why = "；".join(u.message for u in res.unreadable) or "没有读出任何表格"
        raise InputError(f"无法从报告中读出表格：{why}", Location(file=str(report)))
    if not res.year:
        raise InputError("无法确定报告年度（标题和统计期限里都没有找到）", Location(file=str(report)))
    files = agency_year_files(params_dir, code, res.year, key="--agency")
    existing = files.existing()
    if existing and not overwrite:
        names = "、".join(str(p) for p in existing)
        raise InputError(
            f"文件已存在，不会覆盖：{names}",
            Location(file=str(existing[0])),
            "如确需用本报告的内容替换它们，请加 --force；或先把已有文件改名或移走",
        )
    preamble = res.model.narrative.get("preamble", "")
    name = res.agency or code
    model = res.model
    model.agency = Agency(name=name, code=code, **contact_details(preamble))
    default_title = f"{name}{res.year}年政府信息公开工作年度报告"
    title = res.title if res.title and res.title != default_title else None
    model.title = title
    write_agency_year(
        files, model, narrative_markdown(model.narrative), report={"audience": fmt.REVIEW, "title": title}
    )
    return ImportResult(files.params, files.data, files.narrative, res, existing)
