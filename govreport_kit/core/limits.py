"""Every size, time and depth limit of the toolkit, in one place (documented in docs/limits.md).

Each input is untrusted: a parser without a bound can be made to hang or to eat the machine's
memory (a FIFO, ``/dev/zero``, a zip whose XML holds a 400 MB comment, YAML nested 5,000 deep, a
40,000-digit run through a backtracking regex). Every reader checks its input against a limit
here *before* the expensive work, and the message names the limit (:func:`describe`), so an
analyst knows what to change. Limits are generous for real reports (the largest real input is a
few hundred KB) and tight enough that the worst input finishes in a second or two.

To change a limit, change it here and in docs/limits.md; nothing else holds a number.
"""

from __future__ import annotations

from dataclasses import dataclass

KB = 1024
MB = 1024 * KB


@dataclass(frozen=True)
class Limit:
    """A named bound: ``name`` (stable, English, used in docs and tests), ``value``, Chinese ``label``."""

    name: str
    value: int
    label: str
    unit: str = ""

    def describe(self) -> str:
        """“参数文件大小上限 1 MB（limit params_file_bytes）”: what every refusal message quotes."""
        return f"{self.label}{_human(self.value, self.unit)}（限制 {self.name}）"


def _human(value: int, unit: str) -> str:
    if unit == "bytes":
        return f" {value // MB} MB" if value >= MB and value % MB == 0 else f" {value // KB} KB"
    return f" {value:,} {unit}".rstrip()


# ---- file sizes, per kind of input (checked with stat before reading, and again while reading)
FILE_BYTES = {
    "params": Limit("params_file_bytes", 1 * MB, "参数文件大小上限", "bytes"),
    "data_yaml": Limit("data_yaml_bytes", 5 * MB, "YAML 数据文件大小上限", "bytes"),
    "csv": Limit("csv_file_bytes", 5 * MB, "长表 CSV 文件大小上限", "bytes"),
    "narrative": Limit("narrative_file_bytes", 1 * MB, "正文文件大小上限", "bytes"),
    "workbook": Limit("workbook_file_bytes", 20 * MB, "Excel 工作簿文件大小上限", "bytes"),
    "report": Limit("published_report_bytes", 20 * MB, "待审核报告文件大小上限", "bytes"),
    "text": Limit("text_file_bytes", 5 * MB, "文本文件大小上限", "bytes"),
}

# ---- xlsx (a zip of XML): checked on the zip directory before openpyxl parses anything
XLSX_MEMBER_BYTES = Limit("xlsx_member_bytes", 30 * MB, "工作簿中单个 XML 部件解压后大小上限", "bytes")
XLSX_TOTAL_BYTES = Limit("xlsx_uncompressed_bytes", 100 * MB, "工作簿解压后总大小上限", "bytes")
XLSX_MEMBERS = Limit("xlsx_members", 2_000, "工作簿中部件个数上限", "个")
#: Non-empty cells read from one sheet (the template has about 200 per sheet).
SHEET_CELLS = Limit("sheet_cells", 20_000, "单个工作表非空单元格个数上限", "个")

# ---- values
#: Digits of one number in a cell, CSV or YAML (10**15 件 is far beyond any real count; Python
#: refuses to convert more than 4,300 digits, pandas' Int64 more than 19).
NUMBER_DIGITS = Limit("number_digits", 15, "数字位数上限", "位")
YAML_DEPTH = Limit("yaml_depth", 20, "YAML 嵌套层数上限", "层")

# ---- text
NARRATIVE_CHARS = Limit("narrative_chars", 300_000, "正文字符数上限", "字")
#: Characters of one sentence the prose rules of ``audit`` look at (longer sentences are cut).
PROSE_SENTENCE_CHARS = Limit("prose_sentence_chars", 2_000, "审核时单句分析长度上限", "字")
#: Characters of the input excerpt quoted in a message (a CSV line, a label).
EXCERPT_CHARS = 60

# ---- output
#: Findings listed in one report or audit page; the rest are counted (“另有 N 项未显示”).
FINDINGS_SHOWN = Limit("findings_shown", 200, "页面中列出的问题条数上限", "项")

# ---- time
#: Default seconds one report of a batch may take (loading, checking and executing).
REPORT_SECONDS = Limit("report_timeout_seconds", 600, "单个报告默认超时", "秒")

ALL = [
    *FILE_BYTES.values(),
    XLSX_MEMBER_BYTES,
    XLSX_TOTAL_BYTES,
    XLSX_MEMBERS,
    SHEET_CELLS,
    NUMBER_DIGITS,
    YAML_DEPTH,
    NARRATIVE_CHARS,
    PROSE_SENTENCE_CHARS,
    FINDINGS_SHOWN,
    REPORT_SECONDS,
]


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """At most ``limit`` characters of ``text`` for a message, “…” marking a cut."""
    text = str(text)
    return text if len(text) <= limit else text[:limit] + "…"
