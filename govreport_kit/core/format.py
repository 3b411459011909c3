"""The official report format, defined once.

Everything that knows a label, a row, a column, a merged header or a rule id takes it from here:
pandera schemas, readers (Excel, CSV, YAML, published reports), HTML tables and Excel templates.
Source: ``format-2021.md`` (国办公开办函〔2021〕30号, and the 2019 试行 format of 〔2019〕60号).

The module is pure data plus a few lookups; it imports nothing heavier than the standard library,
so that a kernel or a CLI that only needs labels starts fast.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

# Report years and editions (review/publish) live in core/editions.py; imported here so that
# ``fmt.YEAR_RANGE``, ``fmt.year_problem`` and ``fmt.AUDIENCES`` are found with the rest of the format.
from govreport_kit.core.editions import AUDIENCES, PUBLISH, REVIEW, UNKNOWN_YEAR, YEAR_RANGE, YEAR_RULES, year_problem  # noqa: F401,E501

# --------------------------------------------------------------------------------------------
# Building blocks


@dataclass(frozen=True)
class Row:
    code: str
    label: str


@dataclass(frozen=True)
class Column:
    code: str
    label: str


@dataclass(frozen=True)
class HeaderCell:
    """One cell of a table header as printed in the form (before spans are applied)."""

    label: str
    rowspan: int = 1
    colspan: int = 1


@dataclass(frozen=True)
class RowGroup:
    """A vertical label that spans several data rows (e.g. （三）不予公开 over rows 5–12)."""

    label: str
    first: str  # row code of the first row it spans
    last: str  # row code of the last row it spans (inclusive)


@dataclass(frozen=True)
class Part:
    code: str
    numeral: str  # 一 … 六, "" for the preamble
    title: str
    kind: str  # "prose" or "table"


# --------------------------------------------------------------------------------------------
# The six parts (2021)

PARTS: tuple[Part, ...] = (
    Part("preamble", "", "", "prose"),
    Part("overview", "一", "一、总体情况", "prose"),
    Part("table2", "二", "二、主动公开政府信息情况", "table"),
    Part("table3", "三", "三、收到和处理政府信息公开申请情况", "table"),
    Part("table4", "四", "四、政府信息公开行政复议、行政诉讼情况", "table"),
    Part("problems", "五", "五、存在的主要问题及改进情况", "prose"),
    Part("other", "六", "六、其他需要报告的事项", "prose"),
)
PART_BY_CODE = {p.code: p for p in PARTS}
NARRATIVE_PARTS = tuple(p.code for p in PARTS if p.kind == "prose")
#: Older wording of part 四's title still seen in published reports.
TABLE4_TITLE_OLD = "四、因政府信息公开工作被申请行政复议、提起行政诉讼情况"
OVERVIEW_SUBHEADS = (
    "（一）主动公开",
    "（二）依申请公开",
    "（三）政府信息管理",
    "（四）政府信息公开平台建设",
    "（五）监督保障",
)

TABLE_CODES = ("table2", "table3", "table4")
TABLE_TITLES = {p.code: p.title for p in PARTS if p.kind == "table"}

# --------------------------------------------------------------------------------------------
# Table 二 (2021): four sections, ten numeric cells


#: The header of table 二's row-label column, in every section and both formats.
T2_ITEM_LABEL = "信息内容"


@dataclass(frozen=True)
class Table2Section:
    caption: str  # 第二十条第（一）项 …
    rows: tuple[Row, ...]
    columns: tuple[Column, ...]  # value columns of this section

    @property
    def header(self) -> tuple[str, ...]:
        """The section's header row: 信息内容 + its value columns' labels."""
        return (T2_ITEM_LABEL,) + tuple(c.label for c in self.columns)


T2_DECISIONS = "本年处理决定数量"
T2_FEES = "本年收费金额（单位：万元）"
T2_SECTIONS: tuple[Table2Section, ...] = (
    Table2Section(
        "第二十条第（一）项",
        (Row("regulations", "规章"), Row("normative_documents", "行政规范性文件")),
        (Column("issued", "本年制发件数"), Column("repealed", "本年废止件数"), Column("in_force", "现行有效件数")),
    ),
    Table2Section("第二十条第（五）项", (Row("licensing", "行政许可"),), (Column("value", T2_DECISIONS),)),
    Table2Section(
        "第二十条第（六）项",
        (Row("punishment", "行政处罚"), Row("enforcement", "行政强制")),
        (Column("value", T2_DECISIONS),),
    ),
    Table2Section("第二十条第（八）项", (Row("fees_wan_yuan", "行政事业性收费"),), (Column("value", T2_FEES),)),
)
#: Grid width of table 二 as printed (信息内容 + three value columns).
T2_GRID_COLUMNS = 4
#: The ten cells of table 二, in form order, as (row, column) addresses.
T2_CELLS: tuple[tuple[str, str], ...] = tuple((r.code, c.code) for s in T2_SECTIONS for r in s.rows for c in s.columns)
T2_ROWS: tuple[Row, ...] = tuple(r for s in T2_SECTIONS for r in s.rows)
T2_DECIMAL_CELLS = frozenset({("fees_wan_yuan", "value")})
T2_STOCK_ROWS = ("regulations", "normative_documents")

# --------------------------------------------------------------------------------------------
# Table 三: 25 rows × 7 columns

T3_COLUMNS: tuple[Column, ...] = (
    Column("natural_person", "自然人"),
    Column("commercial", "商业企业"),
    Column("research", "科研机构"),
    Column("social_welfare", "社会公益组织"),
    Column("legal_service", "法律服务机构"),
    Column("other_org", "其他"),
    Column("total", "总计"),
)
T3_ORG_COLUMNS = ("commercial", "research", "social_welfare", "legal_service", "other_org")
T3_COMPONENT_COLUMNS = ("natural_person",) + T3_ORG_COLUMNS

T3_ROWS: tuple[Row, ...] = (
    Row("new", "一、本年新收政府信息公开申请数量"),
    Row("carried", "二、上年结转政府信息公开申请数量"),
    Row("granted", "（一）予以公开"),
    Row("partial", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    Row("denied_state_secret", "1.属于国家秘密"),
    Row("denied_prohibited_by_law", "2.其他法律行政法规禁止公开"),
    Row("denied_three_safety_one_stability", "3.危及“三安全一稳定”"),
    Row("denied_third_party_rights", "4.保护第三方合法权益"),
    Row("denied_internal_affairs", "5.属于三类内部事务信息"),
    Row("denied_process_info", "6.属于四类过程性信息"),
    Row("denied_law_enforcement_files", "7.属于行政执法案卷"),
    Row("denied_query_matter", "8.属于行政查询事项"),
    Row("unable_not_held", "1.本机关不掌握相关政府信息"),
    Row("unable_needs_creation", "2.没有现成信息需要另行制作"),
    Row("unable_unclear_after_correction", "3.补正后申请内容仍不明确"),
    Row("not_processed_petition_complaint", "1.信访举报投诉类申请"),
    Row("not_processed_duplicate", "2.重复申请"),
    Row("not_processed_publication", "3.要求提供公开出版物"),
    Row("not_processed_excessive_repeated", "4.无正当理由大量反复申请"),
    Row("not_processed_confirm_or_reissue", "5.要求行政机关确认或重新出具已获取信息"),
    Row("other_no_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    Row("other_no_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    Row("other_other", "3.其他"),
    Row("total", "（七）总计"),
    Row("carried_forward", "四、结转下年度继续办理"),
)
T3_RESULTS_LABEL = "三、本年度办理结果"
#: Vertical labels of the row-label block, outermost first.
T3_ROW_GROUPS: tuple[RowGroup, ...] = (
    RowGroup(T3_RESULTS_LABEL, "granted", "total"),
    RowGroup("（三）不予公开", "denied_state_secret", "denied_query_matter"),
    RowGroup("（四）无法提供", "unable_not_held", "unable_unclear_after_correction"),
    RowGroup("（五）不予处理", "not_processed_petition_complaint", "not_processed_confirm_or_reissue"),
    RowGroup("（六）其他处理", "other_no_correction", "other_other"),
)
#: Subtotals narratives quote though the form has no row for them (code -> (label, rows)).
T3_SUBTOTALS: dict[str, tuple[str, tuple[str, ...]]] = {
    "denied": ("不予公开", tuple(r.code for r in T3_ROWS[4:12])),
    "unable": ("无法提供", tuple(r.code for r in T3_ROWS[12:15])),
    "not_processed": ("不予处理", tuple(r.code for r in T3_ROWS[15:20])),
    "other": ("其他处理", tuple(r.code for r in T3_ROWS[20:23])),
    "disclosed": ("予以公开及部分公开", ("granted", "partial")),
}
#: Rows 3–23: the outcomes whose sum is （七）总计 (R-T3-COL).
T3_OUTCOME_ROWS: tuple[str, ...] = tuple(r.code for r in T3_ROWS[2:23])
T3_LABEL_COLUMNS = 3  # width of the row-label block
T3_HEADER_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
#: Table 三's header as printed: three rows, grid of 3 label columns + 7 value columns.
T3_HEADER: tuple[tuple[HeaderCell, ...], ...] = (
    (HeaderCell(T3_HEADER_NOTE, rowspan=3, colspan=T3_LABEL_COLUMNS), HeaderCell("申请人情况", colspan=7)),
    (HeaderCell("自然人", rowspan=2), HeaderCell("法人或其他组织", colspan=5), HeaderCell("总计", rowspan=2)),
    tuple(HeaderCell(c.label) for c in T3_COLUMNS if c.code in T3_ORG_COLUMNS),
)

# --------------------------------------------------------------------------------------------
# Table 四: 1 row × 15 columns, stored as 3 groups × 5 results

T4_RESULTS: tuple[Column, ...] = (
    Column("upheld", "结果维持"),
    Column("corrected", "结果纠正"),
    Column("other", "其他结果"),
    Column("pending", "尚未审结"),
    Column("total", "总计"),
)
T4_GROUPS: tuple[Row, ...] = (
    Row("review", "行政复议"),
    Row("litigation_direct", "未经复议直接起诉"),
    Row("litigation_after_review", "复议后起诉"),
)
T4_LITIGATION_LABEL = "行政诉讼"
#: Sums over groups that narratives quote (行政诉讼N件 = both litigation groups): code -> (label, groups).
T4_SUBTOTALS: dict[str, tuple[str, tuple[str, ...]]] = {
    "litigation": (T4_LITIGATION_LABEL, ("litigation_direct", "litigation_after_review")),
}
T4_HEADER: tuple[tuple[HeaderCell, ...], ...] = (
    (HeaderCell("行政复议", colspan=5, rowspan=2), HeaderCell(T4_LITIGATION_LABEL, colspan=10)),
    (HeaderCell("未经复议直接起诉", colspan=5), HeaderCell("复议后起诉", colspan=5)),
    tuple(HeaderCell(c.label) for _ in T4_GROUPS for c in T4_RESULTS),
)

# --------------------------------------------------------------------------------------------
# The 2019 (试行) variant: table 二 differs, table 三 has one （六）其他处理 row.


# The 2019 table 二 has the same section structure, with its own rows and columns.
_T2_2019_PREVIOUS = Column("previous_year_items", "上一年项目数量")
_T2_2019_CHANGE = Column("change_this_year", "本年增/减")
_T2_2019_ITEM_COLUMNS = (_T2_2019_PREVIOUS, _T2_2019_CHANGE, Column("decisions_this_year", "处理决定数量"))
T2_2019_SECTIONS: tuple[Table2Section, ...] = (
    Table2Section(
        "第二十条第（一）项",
        (Row("regulations", "规章"), Row("normative_documents", "规范性文件")),
        (
            Column("new_made", "本年新制作数量"),
            Column("new_published", "本年新公开数量"),
            Column("total_published", "对外公开总数量"),
        ),
    ),
    Table2Section(
        "第二十条第（五）项",
        (Row("licensing", "行政许可"), Row("other_external_management_services", "其他对外管理服务事项")),
        _T2_2019_ITEM_COLUMNS,
    ),
    Table2Section(
        "第二十条第（六）项", (Row("punishment", "行政处罚"), Row("enforcement", "行政强制")), _T2_2019_ITEM_COLUMNS
    ),
    Table2Section(
        "第二十条第（八）项", (Row("administrative_fees", "行政事业性收费"),), (_T2_2019_PREVIOUS, _T2_2019_CHANGE)
    ),
    Table2Section(
        "第二十条第（九）项",
        (Row("government_procurement", "政府集中采购"),),
        (Column("projects", "采购项目数量"), Column("total_amount_yuan", "采购总金额")),
    ),
)
T2_2019_CELLS: tuple[tuple[str, str], ...] = tuple(
    (r.code, c.code) for s in T2_2019_SECTIONS for r in s.rows for c in s.columns
)
#: 本年增/减 may be negative in the 2019 format; 采购总金额 is an amount in 元.
T2_2019_SIGNED_COLUMNS = frozenset({"change_this_year"})
T2_2019_DECIMAL_CELLS = frozenset({("government_procurement", "total_amount_yuan")})
T3_ROWS_2019: tuple[Row, ...] = T3_ROWS[:20] + (Row("other", "（六）其他处理"),) + T3_ROWS[23:]
T3_OUTCOME_ROWS_2019: tuple[str, ...] = tuple(r.code for r in T3_ROWS_2019[2:21])
T3_ROW_GROUPS_2019: tuple[RowGroup, ...] = T3_ROW_GROUPS[:4]

FORMATS = ("2021", "2019")


@dataclass(frozen=True)
class FormatSpec:
    """What differs between the 2021 format and the 2019 (试行) one: look it up with :func:`spec`."""

    code: str  # "2021" or "2019"
    t2_sections: tuple[Table2Section, ...]
    t2_cells: tuple[tuple[str, str], ...]
    t2_decimal_cells: frozenset[tuple[str, str]]
    t2_signed_columns: frozenset[str]  # table 二 columns that may be negative
    t3_rows: tuple[Row, ...]
    t3_outcome_rows: tuple[str, ...]  # the rows whose sum is （七）总计
    t3_row_groups: tuple[RowGroup, ...]

    @property
    def t2_rows(self) -> tuple[Row, ...]:
        return tuple(r for s in self.t2_sections for r in s.rows)


FORMAT_SPECS: dict[str, FormatSpec] = {
    "2021": FormatSpec(
        "2021", T2_SECTIONS, T2_CELLS, T2_DECIMAL_CELLS, frozenset(), T3_ROWS, T3_OUTCOME_ROWS, T3_ROW_GROUPS
    ),
    "2019": FormatSpec(
        "2019",
        T2_2019_SECTIONS,
        T2_2019_CELLS,
        T2_2019_DECIMAL_CELLS,
        T2_2019_SIGNED_COLUMNS,
        T3_ROWS_2019,
        T3_OUTCOME_ROWS_2019,
        T3_ROW_GROUPS_2019,
    ),
}
#: The first report year that must use the 2021 format (R-FMT); earlier years used the 2019 one.
FIRST_2021_YEAR = 2021


def spec(form: str | None) -> FormatSpec:
    """The format's variant parts; anything but "2019" (None included) is the 2021 format."""
    return FORMAT_SPECS["2019"] if form == "2019" else FORMAT_SPECS["2021"]


def format_for_year(year: int) -> str:
    """The format a report for ``year`` is written in: "2021" from 2021 on, else "2019"."""
    return "2021" if year >= FIRST_2021_YEAR else "2019"


def expected_format(form: str | None, year: int) -> str | None:
    """The format a reader must find: ``form`` as given; "auto" means 2021 from 2021 on, either format before."""
    if form == "auto":
        return "2021" if format_for_year(year) == "2021" else None
    return form


# --------------------------------------------------------------------------------------------
# Rules (format-2021.md §5)

ERROR, WARNING, INFO = "error", "warning", "info"
SEVERITY_LABELS = {ERROR: "错误", WARNING: "警告", INFO: "提示"}


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    title: str  # short Chinese name shown to analysts


RULES: tuple[Rule, ...] = (
    # R-T3-CELL first: at one cell, the finding naming the cell to fix precedes those it explains.
    Rule("R-T3-CELL", ERROR, "表三某一格同时造成行、列核对不符：可能填错的单元格"),
    Rule("R-T3-BAL", ERROR, "表三各列：本年新收＋上年结转＝办理结果总计＋结转下年度"),
    Rule("R-T3-COL", ERROR, "表三各列：（七）总计＝第（一）至（六）项各行之和"),
    Rule("R-T3-ROW", ERROR, "表三各行：总计＝自然人＋法人或其他组织五列之和"),
    Rule("R-T4-SUM", ERROR, "表四各组：维持＋纠正＋其他＋尚未审结＝总计"),
    Rule("R-INT", ERROR, "件数为非负整数，万元金额为非负小数"),
    Rule("R-X-CARRY", WARNING, "本年“上年结转”＝上年“结转下年度继续办理”"),
    Rule("R-X-STOCK", WARNING, "本年现行有效件数＝上年现行有效＋本年制发－本年废止"),
    Rule("R-N-T3", WARNING, "正文中的申请数字与表三一致"),
    Rule("R-N-SUB", WARNING, "正文引用的小计及比例与表三一致"),
    Rule("R-N-T4", WARNING, "正文中的复议、诉讼数字与表四一致"),
    Rule("R-N-T2", WARNING, "正文中的规章、规范性文件、许可、处罚、强制数字与表二一致"),
    Rule("R-N-UNIT", WARNING, "数字的单位合理（条、件、万元、元）"),
    Rule("R-META", ERROR, "标题年份与统计期限（当年1月1日至12月31日）一致"),
    Rule("R-SEC5", INFO, "第五部分不应为空或仅写“无”"),
    Rule("R-FMT", WARNING, "2021年及以后的报告应使用2021年版格式"),
    # Not in format-2021.md §5; added by the checks (§6: “report blanks on their own”).
    Rule("R-SHAPE", ERROR, "表格的行、列及其顺序与官方格式一致"),
    Rule("R-BLANK", INFO, "空白或“不适用”的单元格（检查时按 0 计）"),
    Rule("R-BLANK-TOTAL", WARNING, "总计为空白，而其各分项之和不为 0"),
    Rule("R-ROLLUP-SUM", ERROR, "地区本级汇总报告的每个单元格＝各成员报告之和"),
    Rule("R-PLACEHOLDER", ERROR, "正文中的占位符必须是有效名称（表格数字由数据填入）"),
    Rule("R-EMPTY", ERROR, "未填写：整张表格全部为空白"),
    Rule("R-CELL-UNIT", WARNING, "单元格中的数字带有单位（如“12件”），已按数字读取"),
    Rule("R-AGENCY-EMPTY", ERROR, "正文用到的机构信息（地址、电话、电子邮箱等）必须填写"),
    Rule("R-AGENCY-CONFLICT", WARNING, "参数文件与工作簿“机构信息”表的机构信息不一致（以参数文件为准）"),
    # The application ledger (docs/ledger.md): table 三 derived from one row per application.
    Rule("R-LEDGER-ROW", ERROR, "台账每一行：编号唯一、日期有效且先后合理、申请人类型和办理结果为官方选项"),
    Rule("R-LEDGER", ERROR, "手填的表三与依台账统计的表三一致"),
    Rule("R-LEDGER-LATE", WARNING, "依申请答复在法定期限内（20个工作日，延长后40个工作日）"),
    Rule("R-LEDGER-CAL", INFO, "超出工作日历覆盖范围的日期，无法判断是否超期"),
)
RULE_BY_ID = {r.id: r for r in RULES}

# --------------------------------------------------------------------------------------------
# Lookups


def table_rows(table: str, fmt: str = "2021") -> tuple[Row, ...]:
    """Data rows of a table in form order (table 二: its six rows; table 四: its three groups)."""
    if table == "table2":
        return spec(fmt).t2_rows
    if table == "table3":
        return spec(fmt).t3_rows
    if table == "table4":
        return T4_GROUPS
    raise KeyError(table)


def table_columns(table: str, row: str | None = None, fmt: str = "2021") -> tuple[Column, ...]:
    """Value columns of a table; for table 二 those of the section holding ``row``."""
    if table == "table3":
        return T3_COLUMNS
    if table == "table4":
        return T4_RESULTS
    if table == "table2":
        sections = spec(fmt).t2_sections
        if row is None:
            seen: dict[str, Column] = {}
            for s in sections:
                for c in s.columns:
                    seen.setdefault(c.code, c)
            return tuple(seen.values())
        for s in sections:
            if any(r.code == row for r in s.rows):
                return s.columns
    raise KeyError((table, row))


def cells(table: str, fmt: str = "2021") -> Iterator[tuple[str, str]]:
    """Every numeric cell address (row, column) of a table, in form order."""
    if table == "table2":
        yield from spec(fmt).t2_cells
        return
    for r in table_rows(table, fmt):
        for c in table_columns(table, r.code, fmt):
            yield r.code, c.code


def row_label(table: str, row: str, fmt: str = "2021") -> str:
    for r in table_rows(table, fmt):
        if r.code == row:
            return r.label
    raise KeyError((table, row))


def column_label(table: str, column: str, row: str | None = None, fmt: str = "2021") -> str:
    for c in table_columns(table, row, fmt):
        if c.code == column:
            return c.label
    raise KeyError((table, column))


def cell_label(table: str, row: str, column: str, fmt: str = "2021") -> str:
    """A human address such as “表三 （七）总计 / 自然人”."""
    short = {"table2": "表二", "table3": "表三", "table4": "表四"}[table]
    return f"{short} {row_label(table, row, fmt)} / {column_label(table, column, row, fmt)}"


def is_decimal_cell(table: str, row: str, column: str, fmt: str = "2021") -> bool:
    if table != "table2":
        return False
    return (row, column) in spec(fmt).t2_decimal_cells


TABLE_SHORT_NAMES = {"table2": "表二", "table3": "表三", "table4": "表四"}

# --------------------------------------------------------------------------------------------
# Agency details (params ``agency:``, the workbook sheet 机构信息) and cell marks

AGENCY_SHEET = "机构信息"
#: Agency fields in display order: (code, label). ``code`` and ``name`` are required in params.
AGENCY_FIELDS: tuple[tuple[str, str], ...] = (
    ("name", "机构名称"),
    ("code", "机构代码"),
    ("region", "所在地区"),
    ("address", "通信地址"),
    ("postcode", "邮政编码"),
    ("phone", "联系电话"),
    ("email", "电子邮箱"),
    ("website", "网站"),
)
YEAR_LABEL = "报告年度"
#: The workbook's instructions sheet and the labels of its self-check cells (应为 / 核对).
INSTRUCTIONS_SHEET = "说明"
CHECK_EXPECTED_LABEL = "应为"
CHECK_STATUS_LABEL = "核对"
CHECK_OK_TEXT = "相符"
#: The two states of a cell without a number (the model's ``states``): left empty, or marked not
#: applicable with one of :data:`NOT_APPLICABLE_MARKS`. Both count as 0 in the checks.
BLANK, NOT_APPLICABLE = "blank", "na"
#: Cell texts meaning “not applicable” (format-2021.md §6), with full-width and dash variants.
NOT_APPLICABLE_MARKS = frozenset({"/", "-", "—", "／", "－", "–", "―", "——", "\\"})

# --------------------------------------------------------------------------------------------
# The application ledger (依申请公开登记台账): one row per application; table 三 is derived from it.


@dataclass(frozen=True)
class LedgerColumn:
    code: str
    label: str  # the header as a clerk writes it
    required: bool = False


LEDGER_SHEET = "台账"
LEDGER_COLUMNS: tuple[LedgerColumn, ...] = (
    LedgerColumn("id", "编号", True),
    LedgerColumn("received", "收到日期", True),
    LedgerColumn("applicant", "申请人类型", True),
    LedgerColumn("channel", "申请方式"),
    LedgerColumn("corrected", "补正完成日期"),
    LedgerColumn("extended", "延长答复期限"),
    LedgerColumn("closed", "办结日期", True),
    LedgerColumn("outcome", "办理结果", True),
    LedgerColumn("fee_yuan", "收费金额（元）"),
    LedgerColumn("note", "备注"),
)
LEDGER_DATE_COLUMNS = ("received", "corrected", "closed")
#: 申请人类型: table 三's six applicant columns, by label.
LEDGER_APPLICANTS: dict[str, str] = {c.label: c.code for c in T3_COLUMNS if c.code != "total"}
LEDGER_CHANNELS = ("当面", "邮寄", "网络", "传真", "电子邮件", "其他")
LEDGER_YES, LEDGER_NO = "是", "否"
#: Statutory reply periods in working days (条例 第三十三条): normal and extended.
REPLY_DAYS, REPLY_DAYS_EXTENDED = 20, 40
#: The 2019 条例 took effect on 2019-05-15; the first 条例 on 2008-05-01: no application is older.
LEDGER_EARLIEST = "2008-05-01"


def outcome_labels() -> dict[str, str]:
    """Every accepted spelling of an outcome (label, label with its group prefix, code) -> row code."""
    out: dict[str, str] = {}
    groups = {g.first: g.label for g in T3_ROW_GROUPS[1:]}
    prefix = ""
    for r in T3_ROWS[2:23]:
        if r.code in groups:
            prefix = groups[r.code][:3]  # “（三）”
        elif not r.label[0].isdigit():
            prefix = ""
        out[r.label] = r.code
        out[r.code] = r.code
        if prefix:
            out[prefix + r.label] = r.code
        if r.code == "partial":
            out["（二）部分公开"] = out["部分公开"] = r.code
        if r.code == "granted":
            out["予以公开"] = r.code
    return out


def ledger_outcome_choice(code: str) -> str:
    """The label a drop-down list offers for an outcome row: “（三）1.属于国家秘密”."""
    return min((k for k, v in outcome_labels().items() if v == code and k.startswith("（")), key=len)
