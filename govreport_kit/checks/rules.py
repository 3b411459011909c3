"""Every rule of format-2021.md §5 that the data alone can decide, as :class:`Finding` objects.

``check(model, previous=None)`` runs them all in one pass and returns every finding, sorted
(errors first). Table rules come from the pandera models of :mod:`govreport_kit.checks.schemas`
(imported on the first call, so importing this module stays cheap); report-level rules
(R-META, R-SEC5, R-FMT), cross-year rules (R-X-CARRY, R-X-STOCK, only with ``previous``) and
blank cells (R-BLANK, R-BLANK-TOTAL) are computed here. Prose-versus-table rules (R-N-*) belong to
the audit of published reports, not here.

Where each finding points (``table``, ``row``, ``column`` are canonical codes):

============= ======================================= =============================================
rule          (row, column)                           expected / found
============= ======================================= =============================================
R-T3-BAL      (``carried_forward``, c)                new + carried − total of column c / the cell
R-T3-COL      (``total``, c)                          sum of outcome rows 3–23 of column c / cell
R-T3-ROW      (r, ``total``)                          sum of the six applicant columns / the cell
R-T4-SUM      (group, ``total``)                      upheld + corrected + other + pending / cell
R-INT         the cell; dtype: (None, c)              kind of value (非负整数 …) / the value or dtype
R-SHAPE       the missing/extra row or column         the official code / the code found
R-X-CARRY     (``carried``, c) of table3              last year's ``carried_forward`` / the cell
R-X-STOCK     (``regulations`` or                     last in_force + issued − repealed / the cell
              ``normative_documents``, ``in_force``)
R-META        table/row/column None                   the year or date required / what the model has
R-SEC5        table/row/column None                   None / the text of part 五
R-FMT         table/row/column None                   "2021" / "2019"
R-BLANK       the table (row, column None); ``cells``   None / None; one summary per table (info)
R-EMPTY       the table (row, column None); ``cells``   None / None; every cell blank (error, 未填写)
R-BLANK-TOTAL the blank 总计 cell (warning)            the sum of its components / None
R-T3-CELL     the one cell that explains several       the value that would satisfy them / the cell
              failed identities (error)
R-CELL-UNIT   the cell read as a number with a unit    the number read / the text typed
R-AGENCY-*    table None; ``source`` the params key    see :mod:`govreport_kit.checks.agency`
============= ======================================= =============================================

Blank cells are read as 0 by the arithmetic (format-2021.md §6) and reported on their own
(:mod:`govreport_kit.checks.blanks`). ``found`` is the cell as it is (None when blank);
``source`` is ``model.sources`` for the cell when known.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from govreport_kit.checks.agency import input_findings
from govreport_kit.checks.blanks import blank_findings
from govreport_kit.checks.findings import Finding, sort_findings
from govreport_kit.checks.pinpoint import pinpoint_findings
from govreport_kit.checks.placeholders import placeholder_findings
from govreport_kit.checks.wording import cell_place
from govreport_kit.core import format as fmt
from govreport_kit.core.errors import InputError

if TYPE_CHECKING:  # the model imports pandas; a CLI that only lists rules should not pay for it
    from govreport_kit.core.model import AgencyYear

NOT_APPLICABLE = "na"  # == model.NOT_APPLICABLE (a test keeps them equal)

#: One message template per rule: one Chinese sentence, what to change and where.
TEMPLATES: dict[str, str] = {
    "R-T3-BAL": "{place}应为 {expected}（本年新收 {new} ＋ 上年结转 {carried} − 办理结果总计 {total}），"
    "现为 {found}：请核对该列的新收、上年结转、总计和结转下年度四个数。",
    "R-T3-COL": "{place}应为 {expected}（第（一）至（六）项各行之和），现为 {found}：请核对该列各办理结果或总计。",
    "R-T3-ROW": "{place}应为 {expected}（自然人与法人或其他组织五列之和），现为 {found}：请核对该行各类申请人的数字或总计。",
    "R-T4-SUM": "{place}应为 {expected}（结果维持、结果纠正、其他结果、尚未审结之和），现为 {found}：请核对该组各项结果或总计。",
    "R-INT": "{place}应为{kind}，现为 {found}：请改为{kind}。",
    "R-SHAPE": "{table_name}{problem}，与官方格式不符：请{fix}。",
    "R-X-CARRY": "{place}应为 {expected}（{prev_year}年报告中“{cf_label}”的同列数），现为 {found}："
    "请核对本年的上年结转数或{prev_year}年的数据。",
    "R-X-STOCK": "{place}应为 {expected}（{prev_year}年现行有效 {prev} ＋ 本年制发 {issued} − 本年废止 {repealed}），"
    "现为 {found}：请核对本年制发、废止和现行有效件数。",
    "R-META": "{what}应为{expected}，现为{found}：本报告是{year}年度报告，统计期限应为{year}年1月1日至12月31日，"
    "请修改{what}。",
    "R-SEC5": "第五部分“{title}”{state}：请写明本年度工作存在的主要问题和改进措施。",
    "R-FMT": "{year}年度报告应使用2021年版格式（国办公开办函〔2021〕30号），现为2019年版：请改用2021年版的表二和表三。",
    "R-BLANK": "{place}{state}，检查时按 0 计：如该数确为 0，请填写 0。",
    "R-BLANK-TOTAL": "{place}为空白，但同{axis}各分项之和为 {expected}：请填写总计。",
}

KIND_TEXT = {"count": "不小于 0 的整数", "amount": "不小于 0 的金额（可带小数）", "signed": "整数"}
SHAPE_TEXT = {  # problem -> (what is wrong, how to fix it)
    "missing_row": ("缺少“{row}”行", "按官方格式补上该行"),
    "extra_row": ("多出“{row}”行", "删除该行或改用官方行名"),
    "duplicate_row": ("“{row}”行重复出现", "只保留一行"),
    "row_order": ("各行的顺序", "按官方格式的顺序排列各行"),
    "missing_column": ("缺少“{column}”列", "按官方格式补上该列"),
    "extra_column": ("多出“{column}”列", "删除该列或改用官方列名"),
    "duplicate_column": ("“{column}”列重复出现", "只保留一列"),
    "column_order": ("各列的顺序", "按官方格式的顺序排列各列"),
    "missing_cell": ("缺少“{row}”的“{column}”", "按官方格式补上该项"),
    "extra_cell": ("多出“{row}”的“{column}”", "删除该项或改用官方名称"),
    "duplicate_cell": ("“{row}”的“{column}”重复出现", "只保留一项"),
    "other": ("的结构（{found}）", "按官方格式整理该表"),
}


def check(
    model: AgencyYear,
    previous: AgencyYear | None = None,
    *,
    validate=None,
    unread_tables: tuple[str, ...] = (),
    empty_tables_are_errors: bool = True,
) -> list[Finding]:
    """Every finding for one agency-year (``previous``: same agency, year − 1), in form order.

    ``validate(table, frame, form)`` may stand in for the pandera models: it returns the same
    ``schemas.CellFailure`` list, or None for a table it cannot judge (the audit passes a
    plain-Python twin, proven identical by tests/audit/test_fastcheck.py). ``unread_tables``:
    tables of which no cell was read (a truncated published report): no blank-cell findings.
    ``empty_tables_are_errors``: False for published reports (the audit), where a table printed
    empty is described by the R-BLANK summary instead of the R-EMPTY error meant for a workbook
    nobody filled.
    """
    from govreport_kit.checks import schemas

    if previous is not None:
        _check_previous(model, previous)
    findings: list[Finding] = []
    shaped = []  # tables whose rows and columns are the official ones: cell rules can read them
    for table in fmt.TABLE_CODES:
        df = model.table(table)
        failures = validate(table, df, model.format) if validate else None
        well_shaped = failures is not None
        if failures is None:
            failures = schemas.validate_table(table, df, model.format)
            well_shaped = schemas.shape_ok(table, df, model.format)
        findings += [_from_failure(model, failure) for failure in failures]
        if well_shaped and table not in unread_tables:
            shaped.append(table)
    findings += blank_findings(model, shaped, empty_is_error=empty_tables_are_errors)
    findings += pinpoint_findings(model, [f for f in findings if f.table in shaped])
    if fmt.year_problem(model.year) is None:  # a data file without a year: see fmt.UNKNOWN_YEAR
        findings += meta_findings(model) + format_findings(model)
    findings += section5_findings(model)
    findings += placeholder_findings(model) + input_findings(model)
    if getattr(model, "ledger", None) is not None:  # table 三 derived from the application ledger
        from govreport_kit.checks.ledger import ledger_findings

        findings += ledger_findings(model)
    if previous is not None:
        findings += carry_findings(model, previous) + stock_findings(model, previous)
    return sort_findings(findings)


# ------------------------------------------------------------------------------ building findings


def make_finding(
    model: AgencyYear,
    rule: str,
    table: str | None = None,
    row: str | None = None,
    column: str | None = None,
    expected: Any = None,
    found: Any = None,
    **fields: Any,
) -> Finding:
    """A finding with its severity from format.RULES and its message from TEMPLATES[rule]."""
    message = TEMPLATES[rule].format(expected=show(expected), found=show(found, blank="空白（按 0 计）"), **fields)
    source = model.sources.get((table, row, column)) if table and row and column else None
    return Finding(
        rule, fmt.RULE_BY_ID[rule].severity, message, table, row, column, expected, found, source, form=model.format
    )


def show(v: Any, blank: str = "空白") -> str:
    """A value as written in a message."""
    if v is None:
        return blank
    if isinstance(v, Decimal):
        return format(v, "f")
    if isinstance(v, float):
        return f"{v:g}"
    if isinstance(v, str):
        return f"“{v}”"
    return str(v)


def _from_failure(model: AgencyYear, f) -> Finding:
    from govreport_kit.checks import schemas

    form = model.format
    if f.rule == schemas.SHAPE:
        what, fix = SHAPE_TEXT.get(f.problem, SHAPE_TEXT["other"])
        labels = {"row": f.row, "column": f.column, "found": f.found}
        try:
            if f.row and f.problem and f.problem.startswith("missing"):
                labels["row"] = fmt.row_label(f.table, f.row, form)
            if f.column and f.problem and f.problem.startswith("missing"):
                labels["column"] = fmt.column_label(f.table, f.column, f.row if f.table == "table2" else None, form)
        except KeyError:
            pass
        return make_finding(
            model,
            f.rule,
            f.table,
            f.row,
            f.column,
            f.expected,
            f.found,
            table_name=fmt.TABLE_SHORT_NAMES[f.table],
            problem=what.format(**labels),
            fix=fix,
        )
    if f.rule == schemas.INT:
        if f.problem == "dtype":
            where = cell_place(f.table, None, f.column, form) + "的数据类型"
            kind = f"{'整数' if f.expected == 'Int64' else '对象'}类型（{f.expected}）"
            return make_finding(model, f.rule, f.table, None, f.column, f.expected, f.found, place=where, kind=kind)
        kind = schemas.cell_kind(f.table, f.row, f.column, form)
        return make_finding(
            model,
            f.rule,
            f.table,
            f.row,
            f.column,
            KIND_TEXT[kind],
            f.found,
            place=cell_place(f.table, f.row, f.column, form),
            kind=KIND_TEXT[kind],
        )
    df = model.table(f.table)
    ident = schemas.identity_at(f.table, f.rule, f.row, f.column, form)
    expected = schemas.evaluate(ident, lambda r, c: df.at[r, c])
    extra = {}
    if f.rule == "R-T3-BAL":
        extra = {key: show(schemas.as_number(df.at[key, f.column])) for key in ("new", "carried", "total")}
    return make_finding(
        model,
        f.rule,
        f.table,
        f.row,
        f.column,
        expected,
        f.found,
        place=cell_place(f.table, f.row, f.column, form),
        **extra,
    )


# ------------------------------------------------------------------------------ report-level rules

TITLE_YEAR_RE = re.compile(r"(?<![0-9])([0-9]{4})\s*年")


def meta_findings(model: AgencyYear) -> list[Finding]:
    """R-META: the title's year and the statistics period match the model's year."""
    year = model.year
    out = []
    m = TITLE_YEAR_RE.search(model.report_title or "")
    found_year = m.group(1) if m else None
    if found_year != str(year):
        out.append(
            make_finding(
                model,
                "R-META",
                expected=str(year),
                found=found_year or "（标题中没有年份）",
                what="报告标题中的年份",
                year=year,
            )
        )
    start, end = model.statistics_period
    for what, want, have in (("统计期限的起始日", f"{year}-01-01", start), ("统计期限的截止日", f"{year}-12-31", end)):
        if str(have) != want:
            out.append(make_finding(model, "R-META", expected=want, found=str(have), what=what, year=year))
    return out


def section5_findings(model: AgencyYear) -> list[Finding]:
    """R-SEC5: part 五 is neither empty nor just “无”."""
    text = model.narrative.get("problems") or ""
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    core = re.sub(r"[\s。．.，,；;：:！!、*_>\-（）()一二三四五六七八九十]+", "", body)
    core = re.sub(r"主要问题|改进情况|改进措施", "", core)
    if core and not re.fullmatch(r"(?:暂无|无|没有)+", core):
        return []
    state = "为空" if not core else "仅写“无”"
    return [make_finding(model, "R-SEC5", found=text.strip(), title=fmt.PART_BY_CODE["problems"].title, state=state)]


def format_findings(model: AgencyYear) -> list[Finding]:
    """R-FMT: reports for 2021 onward use the 2021 format."""
    if fmt.format_for_year(model.year) == "2021" and model.format == "2019":
        return [make_finding(model, "R-FMT", expected="2021", found="2019", year=model.year)]
    return []


# ------------------------------------------------------------------------------ cross-year rules


def _check_previous(model: AgencyYear, previous: AgencyYear) -> None:
    if previous.agency.code != model.agency.code or previous.year != model.year - 1:
        raise InputError(
            f"上年数据是“{previous.agency.code}” {previous.year} 年的，不是“{model.agency.code}” {model.year - 1} 年的",
            fix="请提供同一机关上一年度的数据",
        )


def carry_findings(model: AgencyYear, previous: AgencyYear) -> list[Finding]:
    """R-X-CARRY: this year's ``carried`` = last year's ``carried_forward``, column by column."""
    from govreport_kit.checks import schemas

    if not (
        schemas.shape_ok("table3", model.table3, model.format)
        and schemas.shape_ok("table3", previous.table3, previous.format)
    ):
        return []
    out = []
    label = fmt.row_label("table3", "carried_forward")
    for c in fmt.T3_COLUMNS:
        want = schemas.as_number(previous.table3.at["carried_forward", c.code])
        raw = model.table3.at["carried", c.code]
        have = schemas.as_number(raw)
        if want is not None and have is not None and want != have:
            out.append(
                make_finding(
                    model,
                    "R-X-CARRY",
                    "table3",
                    "carried",
                    c.code,
                    want,
                    schemas.plain(raw),
                    place=cell_place("table3", "carried", c.code, model.format),
                    prev_year=previous.year,
                    cf_label=label,
                )
            )
    return out


def stock_findings(model: AgencyYear, previous: AgencyYear) -> list[Finding]:
    """R-X-STOCK: in_force = last year's in_force + issued − repealed (2021-format table 二 only)."""
    from govreport_kit.checks import schemas

    if model.format != "2021" or previous.format != "2021":
        return []
    if not (schemas.shape_ok("table2", model.table2) and schemas.shape_ok("table2", previous.table2)):
        return []  # a broken table 二 is reported by R-SHAPE
    out = []
    for row in fmt.T2_STOCK_ROWS:
        prev = schemas.as_number(previous.get("table2", row, "in_force"))
        issued, repealed = (schemas.as_number(model.get("table2", row, c)) for c in ("issued", "repealed"))
        raw = model.get("table2", row, "in_force")
        have = schemas.as_number(raw)
        if prev is None or issued is None or repealed is None or have is None:
            continue
        want = prev + issued - repealed
        if want != have:
            out.append(
                make_finding(
                    model,
                    "R-X-STOCK",
                    "table2",
                    row,
                    "in_force",
                    want,
                    schemas.plain(raw),
                    place=cell_place("table2", row, "in_force"),
                    prev_year=previous.year,
                    prev=show(prev),
                    issued=show(issued),
                    repealed=show(repealed),
                )
            )
    return out
