"""Audit one published report, or several (with the cross-year rules between them).

:func:`parse_report` reads a report's text into tables (nothing decided yet for ambiguous rows);
:func:`finalize` decides the rows (with last year's report when there is one), builds the model,
runs every rule (:func:`govreport_kit.checks.rules.check` plus the prose rules) and keeps only the
findings whose cells were actually read. :func:`audit_paths` does both for files and folders.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govreport_kit.audit import scope
from govreport_kit.audit.cells import table_cells
from govreport_kit.audit.detect import OLDER, Meta, Outline, detect_format, detect_meta, find_outline, split_reports
from govreport_kit.audit.html import parse_html
from govreport_kit.audit.prose import Values, t2_facts
from govreport_kit.audit.prose_rules import check_narrative
from govreport_kit.audit.resolve import resolve_table
from govreport_kit.audit.result import (
    MISSING_META,
    MISSING_TABLE,
    TRUNCATED,
    UNKNOWN_LABEL,
    UNREADABLE_FILE,
    AuditResult,
    Unreadable,
)
from govreport_kit.audit.tables import TableRead, read_rows
from govreport_kit.audit.text import read_text_source
from govreport_kit.checks.findings import Finding, sort_findings
from govreport_kit.core import format as fmt
from govreport_kit.core.errors import GovReportError
from govreport_kit.core.model import Agency, AgencyYear, from_cells

HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml", ".mht"}
TEXT_SUFFIXES = {".txt", ".md", ".text", ".csv"}
PDF_SUFFIXES = {".pdf"}
#: .doc and .rtf are listed so that a folder's old Word files are reported (save as .docx), not skipped.
WORD_SUFFIXES = {".docx", ".docm", ".doc", ".rtf"}
REPORT_SUFFIXES = HTML_SUFFIXES | TEXT_SUFFIXES | PDF_SUFFIXES | WORD_SUFFIXES
NAMES = fmt.TABLE_SHORT_NAMES


@dataclass
class Parsed:
    source: str
    kind: str
    meta: Meta
    outline: Outline
    form: str
    form_reason: str
    reads: dict[str, TableRead] = field(default_factory=dict)
    unreadable: list[Unreadable] = field(default_factory=list)
    narrative: dict[str, str] = field(default_factory=dict)
    truncated: bool = False


# ------------------------------------------------------------------ reading
def _binary_kind(path: Path) -> str | None:
    """ "pdf" or "docx" (Word, old or new) by the file's first bytes, else by its suffix; None for text."""
    from govreport_kit.audit.docx import sniff
    from govreport_kit.audit.pdf import PDF_MAGIC

    try:
        with open(path, "rb") as f:
            head = f.read(1024)
    except OSError:
        return None  # read_text reports it
    suffix = path.suffix.lower()
    if head.startswith(PDF_MAGIC) or (suffix in PDF_SUFFIXES and PDF_MAGIC in head):  # junk may precede %PDF-
        return "pdf"
    if sniff(head) is not None:
        return "docx"
    return "pdf" if suffix in PDF_SUFFIXES else "docx" if suffix in (".docx", ".docm") else None


def read_source(path: str | Path) -> tuple[str, str | None, str]:
    """(report text, title hint, "html" | "text" | "pdf" | "docx") of a file."""
    from govreport_kit.core.files import require_regular_file
    from govreport_kit.inputs.encoding import read_text

    require_regular_file(path)  # before sniffing: a FIFO or /dev/zero must not block or be read
    binary = _binary_kind(Path(path))
    if binary == "pdf":
        from govreport_kit.audit.pdf import read_pdf

        doc = read_pdf(path)
        return doc.text, doc.title, "pdf"
    if binary == "docx":
        from govreport_kit.audit.docx import read_docx

        word = read_docx(path)
        return word.text, word.title, "docx"
    raw = read_text(path, "report")
    head = raw[:2000].lstrip().lower()
    if Path(path).suffix.lower() in HTML_SUFFIXES or head.startswith(("<!doctype html", "<html", "<?xml")):
        page = parse_html(raw)
        return page.text, page.title, "html"
    title, text = read_text_source(raw)
    return text, title, "text"


def parse_report(text: str, source: str, title_hint: str | None = None, kind: str = "text") -> Parsed:
    outline = find_outline(text)
    meta = detect_meta(text, title_hint)
    form, why = detect_format(outline, meta.year)
    p = Parsed(source, kind, meta, outline, form, why)
    p.narrative = _narrative(outline)
    if meta.year is None:
        p.unreadable.append(Unreadable(MISSING_META, "没有找到报告年度（标题或统计期限）"))
    if not meta.agency and (meta.year is not None or outline.sections):
        p.unreadable.append(Unreadable(MISSING_META, "没有找到机关名称（标题或“请与…联系”）"))
    if form == OLDER:
        p.unreadable.append(Unreadable(MISSING_TABLE, "这是2019年以前的旧版提纲，没有统一格式的表二、表三、表四"))
        return p
    last = max((s.start for s in outline.sections.values()), default=-1)
    for table in ("table2", "table3", "table4"):
        sec = outline.sections.get(table)
        if sec is None:
            continue
        at_end = sec.end == len(text) and sec.start == last
        p.reads[table] = read_rows(outline.body(table) or "", table, form, at_end)
    for sec in outline.title_deviations():
        p.unreadable.append(
            Unreadable(
                UNKNOWN_LABEL,
                f"{NAMES[sec.code]}标题“{sec.title_found.strip()}”与官方标题不符，"
                f"按“{fmt.PART_BY_CODE[sec.code].title}”读取",
                sec.code,
                nearest=fmt.PART_BY_CODE[sec.code].title,
                found=sec.title_found.strip(),
            )
        )
    p.truncated = _truncation(p, text)
    return p


def _narrative(outline: Outline) -> dict[str, str]:
    out = {}
    first = min((s.start for s in outline.sections.values()), default=len(outline.text))
    pre = _strip_chrome(outline.text[:first].strip())
    if pre:
        out["preamble"] = pre
    for code in ("overview", "problems", "other"):
        body = outline.body(code)
        if body is not None and body.strip():
            out[code] = body.strip()
    return out


_PREAMBLE_START = re.compile(r"根据|按照|依据|本报告|本年度报告|本年报")


def _strip_chrome(pre: str) -> str:
    """Drop page furniture (breadcrumbs, dates, share buttons) before the preamble's first sentence."""
    m = _PREAMBLE_START.search(pre)
    if m and m.start() > 0 and "。" not in pre[: m.start()]:
        return pre[m.start() :]
    return pre


def _truncation(p: Parsed, text: str) -> bool:
    secs = p.outline.sections
    ends_in_table = any(tr.truncated for tr in p.reads.values())
    missing_tail = "problems" not in secs and "other" not in secs
    if not (ends_in_table or (missing_tail and secs)):
        for table in ("table2", "table3", "table4"):
            if table not in p.reads:
                p.unreadable.append(Unreadable(MISSING_TABLE, f"没有找到{NAMES[table]}", table))
        return False
    tail = text.strip()[-20:].replace("\n", " ")
    lacking = [NAMES[t] for t in ("table2", "table3", "table4") if t not in p.reads]
    lacking += [f"第{fmt.PART_BY_CODE[c].numeral}部分" for c in ("problems", "other") if c not in secs]
    p.unreadable.append(Unreadable(TRUNCATED, f"报告不完整，在“…{tail}”处中断；缺少：{'、'.join(lacking) or '部分行'}"))
    for table in ("table2", "table3", "table4"):
        if table not in p.reads:
            p.unreadable.append(Unreadable(TRUNCATED, f"报告在{NAMES[table]}之前中断，没有{NAMES[table]}", table))
    return True


# ------------------------------------------------------------------ deciding and checking
def agency_code(name: str) -> str:
    """A stable ASCII code for an audited agency (same name, same code across years)."""
    return "audit-" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:10] if name else "audit-unknown"


def _stock(prev: AuditResult | None) -> dict[str, Any]:
    if prev is None or prev.model is None or prev.format != "2021":
        return {}
    out = {}
    for row in fmt.T2_STOCK_ROWS:
        if ("table2", row, "in_force") not in prev.unread_cells:
            v = prev.model.get("table2", row, "in_force")
            if v is not None and v is not Ellipsis and str(v) != "<NA>":
                out[row] = v
    return out


#: Use the plain-Python twin of ``checks.check`` (identical findings, ~100× faster; see fastcheck).
FAST_CHECKS = True


def run_checks(model: AgencyYear, previous: AgencyYear | None, unread: set = frozenset()) -> list[Finding]:
    if FAST_CHECKS:
        from govreport_kit.audit.fastcheck import check

        total = {t: sum(1 for _ in fmt.cells(t, model.format)) for t in fmt.TABLE_CODES}
        lost = tuple(t for t in fmt.TABLE_CODES if sum(1 for x in unread if x[0] == t) == total[t])
        return check(model, previous, unread_tables=lost, empty_tables_are_errors=False)
    from govreport_kit.checks.rules import check

    return check(model, previous, empty_tables_are_errors=False)  # a table printed empty: R-BLANK, see checks.rules


def finalize(p: Parsed, previous: AuditResult | None = None) -> AuditResult:
    res = AuditResult(
        p.source,
        p.meta.agency,
        p.meta.year,
        p.form,
        None,
        unreadable=list(p.unreadable),
        title=p.meta.title,
        format_reason=p.form_reason,
        kind=p.kind,
    )
    if p.form == OLDER:
        return res
    if not p.outline.sections and p.meta.year is None and not p.reads:
        res.format, res.format_reason, res.unreadable = (
            None,
            "",
            [
                Unreadable(
                    UNREADABLE_FILE,
                    "文件中没有找到年度报告的内容（没有标题、年度、各部分标题或表格）；请确认选对了文件",
                )
            ],
        )
        return res
    facts = t2_facts(p.narrative.get("overview", ""), p.form)
    prev_stock = _stock(previous)
    for tr in p.reads.values():
        resolve_table(tr, facts, prev_stock)
    cells, states = table_cells(p.reads, p.form, res)
    agency = Agency(name=p.meta.agency or "", code=agency_code(p.meta.agency))
    model = from_cells(
        agency,
        p.meta.year or 0,
        cells,
        p.form,
        states=states,
        narrative=dict(p.narrative),
        title=p.meta.title,
        period=p.meta.period,
    )
    res.model = model
    prev_model = previous.model if previous is not None and previous.format in fmt.FORMATS else None
    findings = run_checks(model, prev_model, res.unread_cells) if p.meta.year else []
    prev_unread = previous.unread_cells if prev_model is not None else set()
    findings = [f for f in findings if not scope.touches_unread(f, res.unread_cells, prev_unread, p.form)]
    if p.truncated and "problems" not in p.outline.sections:
        findings = [f for f in findings if f.rule != "R-SEC5"]
    values = Values({(t, r, c): v for t, r, c, v in cells}, res.unread_cells, p.form)
    findings += check_narrative(p.narrative.get("overview", ""), values)
    res.findings = sort_findings(findings)
    return res


# ------------------------------------------------------------------ files and folders
def _unreadable_file(source: str, err: GovReportError) -> AuditResult:
    return AuditResult(source, "", None, None, None, unreadable=[Unreadable(UNREADABLE_FILE, err.message)])


def parse_file(path: str | Path, display: str | None = None) -> Parsed | AuditResult:
    """The (first) report of a file."""
    return parse_file_reports(path, display)[0]


def parse_file_reports(path: str | Path, display: str | None = None) -> list[Parsed | AuditResult]:
    """Every report of a file: a page may carry two years' reports one after the other."""
    source = display or str(path)
    try:
        text, title, kind = read_source(path)
    except GovReportError as e:
        return [_unreadable_file(source, e)]
    chunks = split_reports(text)
    if len(chunks) == 1:
        return [parse_report(text, source, title, kind)]
    out = [parse_report(c, f"{source}#{k + 1}" if k else source, None, kind) for k, c in enumerate(chunks)]
    out[0].unreadable.append(
        Unreadable(MISSING_META, f"此文件含{len(chunks)}份年度报告，已分别审核（{source}#2 起为后面的报告）")
    )
    return out


def is_audit_page(path: Path) -> bool:
    """True for a page written by ``audit --html`` (it carries our generator ``<meta>`` near the top)."""
    from govreport_kit.audit.render_html import GENERATOR

    try:
        with open(path, "rb") as f:
            head = f.read(4096)
    except OSError:
        return False
    return f'<meta name="generator" content="{GENERATOR}">'.encode() in head


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """The files to audit: files as given; in a folder, report-like files that are not our own audit pages."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(
                sorted(
                    f
                    for f in p.rglob("*")
                    if f.is_file() and f.suffix.lower() in REPORT_SUFFIXES and not is_audit_page(f)
                )
            )
        else:
            out.append(p)
    return out


def audit_parsed(parsed: list[Parsed | AuditResult]) -> list[AuditResult]:
    """Finalize reports in year order per agency, so each sees last year's report."""
    done: dict[int, AuditResult] = {}
    by_key: dict[tuple[str, int], list[AuditResult]] = {}
    order = sorted((i for i, p in enumerate(parsed) if isinstance(p, Parsed)), key=lambda i: parsed[i].meta.year or 0)
    for i, p in enumerate(parsed):
        if isinstance(p, AuditResult):
            done[i] = p
    for i in order:
        p = parsed[i]
        prev = None
        if p.meta.agency and p.meta.year:
            cands = by_key.get((p.meta.agency, p.meta.year - 1), [])
            if cands:
                prev = min(cands, key=lambda r: len(r.unread_cells))
        res = finalize(p, prev)
        done[i] = res
        if p.meta.agency and p.meta.year:
            by_key.setdefault((p.meta.agency, p.meta.year), []).append(res)
    return [done[i] for i in range(len(parsed))]


def audit_paths(paths: Iterable[str | Path]) -> list[AuditResult]:
    """Audit every report file in ``paths`` (files or folders; in a folder, files that are not a
    report, such as a README, are skipped)."""
    parsed = []
    for p in map(Path, paths):
        for f in expand_paths([p]):
            for one in parse_file_reports(f):
                if p.is_dir() and isinstance(one, Parsed) and not one.reads and one.meta.year is None:
                    continue
                parsed.append(one)
    return audit_parsed(parsed)


def audit_text(text: str, source: str = "<text>", title: str | None = None, kind: str = "text") -> AuditResult:
    """Audit one report given as text (already decoded)."""
    if kind == "html":
        page = parse_html(text)
        return finalize(parse_report(page.text, source, page.title, "html"))
    t, body = read_text_source(text)
    return finalize(parse_report(body, source, title or t, kind))
