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
from govreport_kit.authoring.folder import agency_year_files, params_dict, write_agency_year
from govreport_kit.core import format as fmt
from govreport_kit.core.agency import Agency
from govreport_kit.core.errors import InputError, Location, ParamsError

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


def _single_report(report: str | Path) -> Path:
    """The one report file to import: a file as given, or the only report file in a folder."""
    from govreport_kit.audit.audit import expand_paths
    from govreport_kit.inputs.encoding import display_path

    p = Path(report)
    if not p.is_dir():
        return p
    files = expand_paths([p])
    if not files:
        raise InputError(
            "文件夹中没有报告文件（.html、.htm、.txt、.md）", Location(file=str(p)), "请给出一份已发布报告的文件"
        )
    if len(files) > 1:
        shown = "、".join(display_path(f) for f in files[:10]) + ("……" if len(files) > 10 else "")
        raise InputError(
            f"文件夹中有 {len(files)} 份报告文件，不知道导入哪一份：{shown}",
            Location(file=str(p)),
            "请给出其中一个文件（一次导入一份报告）",
        )
    return files[0]


def _writable_params_dir(params_dir: Path) -> None:
    if params_dir.exists() and not params_dir.is_dir():
        raise InputError(
            "--params-dir 指向的是一个文件，不是文件夹",
            Location(file=str(params_dir)),
            "请给出参数目录（一般是 params/）",
        )


def _one_result(source: Path) -> AuditResult:
    from govreport_kit.audit.audit import audit_paths

    results = audit_paths([source])
    if not results:
        raise InputError("没有读出任何报告", Location(file=str(source)), "请给出一份已发布报告的网页或文本文件")
    if len(results) > 1:
        raise InputError(
            f"这个文件里有 {len(results)} 份报告，不知道导入哪一份",
            Location(file=str(source)),
            "请把要导入的那一份单独保存为一个文件",
        )
    return results[0]


def import_report(report: str | Path, code: str, params_dir: str | Path, overwrite: bool = False) -> ImportResult:
    """Write params, workbook and narrative for the year of ``report``; see the module doc.

    Everything is read and validated first (the params included); then the three files are
    written all or none (:func:`govreport_kit.authoring.folder.write_agency_year`): a failure
    leaves the agency-year as it was.
    """
    from govreport_kit.core.errors import GovReportError
    from govreport_kit.inputs.params import validate_params

    agency_year_files(params_dir, code, 2000, key="--agency")  # the code is checked before anything is read
    _writable_params_dir(Path(params_dir))
    source = _single_report(report)
    res = _one_result(source)
    if res.model is None or not res.readable:
        why = "；".join(u.message for u in res.unreadable) or "没有读出任何表格"
        raise InputError(f"无法从报告中读出表格：{why}", Location(file=str(source)))
    if not res.year:
        raise InputError("无法确定报告年度（标题和统计期限里都没有找到）", Location(file=str(source)))
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
    report_section = {"audience": fmt.REVIEW, "title": title}
    try:  # everything checked before anything is written
        validate_params(
            params_dict(
                model.agency, model.year, model.format, files.data.name, files.narrative.name, report=report_section
            ),
            file="（从报告中读出的参数）",
        )
    except GovReportError as e:
        raise ParamsError(
            f"从报告中读出的内容不能用作参数：{e.what}",
            Location(file=str(source), key=e.where.key),
            "没有写入任何文件；请在报告中修正这一项，或用 govreport new 新建后手工填写",
        ) from None
    write_agency_year(files, model, narrative_markdown(model.narrative), report=report_section)
    return ImportResult(files.params, files.data, files.narrative, res, existing)
