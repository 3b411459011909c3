"""The application ledger (依申请公开登记台账): one row per disclosure application.

An Excel workbook (sheet 台账, or its only/first sheet) or a CSV (UTF-8, UTF-8 with BOM, GBK or
GB18030, via :mod:`govreport_kit.inputs.encoding`). The first non-empty row is the header; a
column is named by its Chinese header as a clerk writes it or by its code
(:data:`govreport_kit.core.format.LEDGER_COLUMNS`); other columns (申请内容, 申请人姓名 …) are
ignored. Required: 编号, 收到日期, 申请人类型, 办结日期, 办理结果.

:func:`read_ledger` parses every cell it can and keeps every problem it meets as a
:class:`RowProblem` naming the row (``台账!A17``), the 编号 and the fix; the row checks that need
the whole table (duplicate 编号, dates out of order or out of range, unknown labels) are the
pandera schema of :mod:`govreport_kit.checks.ledger_schema`. Only a file that cannot be a ledger
at all (unreadable, no header, a required column missing, too many rows) raises
:class:`InputError` (exit 2).

The frame (:attr:`Ledger.frame`) has one row per application, index = the sheet row number:
``id`` (str), ``received``/``corrected``/``closed`` (``datetime.date`` or None), ``applicant``
(table 三 column code or None), ``outcome`` (table 三 outcome row code or None), ``channel``,
``extended`` (bool), ``fee_yuan`` (``Decimal`` or None), ``note``, and the texts as typed
(``applicant_text``, ``outcome_text``, ``channel_text``).
"""

from __future__ import annotations

import csv
import datetime as _dt
import difflib
import io
import os
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from govreport_kit.core import format as fmt
from govreport_kit.core.errors import InputError, Location
from govreport_kit.inputs.encoding import display_path, read_decoded

MAX_ROWS = 200_000
MAX_BLANK_RUN = 1_000  # a sheet whose used range runs far past its data (pitfalls.md): stop reading
MAX_BYTES = 64 * 1024 * 1024
COLUMN_CODES = tuple(c.code for c in fmt.LEDGER_COLUMNS)
_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
_COMPACT_DATE_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_YES = {"是", "y", "yes", "true", "1", "已延长", "延长"}
_NO = {"否", "n", "no", "false", "0", "未延长", "不延长"}


@dataclass(frozen=True)
class RowProblem:
    """One problem of one ledger row: what, the column code, how to fix it."""

    line: int  # the sheet row (1-based; the header is a row too)
    id: str  # the row's 编号 ("" when blank)
    column: str | None
    what: str
    fix: str
    severity: str = fmt.ERROR


@dataclass
class Ledger:
    file: str  # as shown in messages
    sheet: str  # the sheet name (台账 for a CSV)
    frame: Any  # pandas.DataFrame, see the module docstring
    problems: list[RowProblem] = field(default_factory=list)
    path: Path | None = None

    def cell(self, line: int, column: str | None = None) -> str:
        """``台账!C17``: where a value is, as a spreadsheet user says it."""
        letter = "A" if column is None else _letter(self.columns.get(column, 0))
        return f"{self.sheet}!{letter}{line}"

    columns: dict[str, int] = field(default_factory=dict)  # column code -> 0-based sheet column

    def location(self, line: int, column: str | None = None) -> Location:
        letter = "A" if column is None else _letter(self.columns.get(column, 0))
        return Location(file=self.file, sheet=self.sheet, cell=f"{letter}{line}", row=line, column=column)


def _letter(index: int) -> str:
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def norm(text: Any) -> str:
    """A header or label as compared: NFKC (full-width brackets become half-width), no spaces."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text or "")))


_HEADERS = {norm(c.label): c.code for c in fmt.LEDGER_COLUMNS} | {c.code: c.code for c in fmt.LEDGER_COLUMNS}
_HEADERS |= {
    norm("收费金额"): "fee_yuan",
    norm("收费金额(元)"): "fee_yuan",
    norm("是否延长答复期限"): "extended",
    norm("申请日期"): "received",
    norm("受理日期"): "received",
    norm("答复日期"): "closed",
}
_APPLICANTS = (
    {norm(k): v for k, v in fmt.LEDGER_APPLICANTS.items()}
    | {v: v for v in fmt.LEDGER_APPLICANTS.values()}
    | {norm("公民"): "natural_person", norm("其他组织"): "other_org"}
)
_OUTCOMES = {norm(k): v for k, v in fmt.outcome_labels().items()}
_CHANNELS = {norm(c): c for c in fmt.LEDGER_CHANNELS}


# ------------------------------------------------------------------------------------ reading


def read_ledger(path: str | os.PathLike) -> Ledger:
    """Read and parse a ledger file; see the module docstring."""
    p = Path(path)
    name = display_path(p)
    if not p.is_file():
        raise InputError("台账文件不存在", Location(file=name), "请检查参数文件中 ledger 的路径")
    if p.stat().st_size > MAX_BYTES:
        raise InputError(f"台账文件过大（{p.stat().st_size} 字节）", Location(file=name), "请确认选对了文件")
    suffix = p.suffix.lower()
    if suffix == ".xlsx":
        sheet, rows = _xlsx_rows(p, name)
    elif suffix == ".csv":
        sheet, rows = fmt.LEDGER_SHEET, _csv_rows(p)
    else:
        raise InputError(
            f"台账文件的类型“{p.suffix or '（无扩展名）'}”不支持",
            Location(file=name),
            "台账请用 Excel 工作簿 .xlsx 或 CSV 文件；旧版 .xls 请另存为 .xlsx",
        )
    ledger = parse_rows(rows, name, sheet)
    ledger.path = p
    return ledger


def _xlsx_rows(p: Path, name: str) -> tuple[str, list[tuple[int, list[Any]]]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(p, read_only=True, data_only=True)
    except Exception as e:  # noqa: BLE001 - openpyxl raises many kinds for a broken file
        raise InputError(
            f"不是有效的 Excel .xlsx 文件（{type(e).__name__}）",
            Location(file=name),
            "请在 Excel 或 WPS 中打开后另存为“Excel 工作簿（*.xlsx）”",
        ) from None
    try:
        title = fmt.LEDGER_SHEET if fmt.LEDGER_SHEET in wb.sheetnames else wb.sheetnames[0]
        ws = wb[title]
        rows, blank_run = [], 0
        for no, values in enumerate(ws.iter_rows(max_col=40, values_only=True), 1):
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                blank_run += 1
                if blank_run >= MAX_BLANK_RUN:
                    break
                continue
            blank_run = 0
            rows.append((no, list(values)))
            if len(rows) > MAX_ROWS:
                raise InputError(f"台账超过 {MAX_ROWS} 行", Location(file=name, sheet=title), "请按年度拆分台账")
        return title, rows
    finally:
        wb.close()


def _csv_rows(p: Path) -> list[tuple[int, list[Any]]]:
    text = read_decoded(p).text
    rows = []
    for no, values in enumerate(csv.reader(io.StringIO(text, newline="")), 1):
        if any(v.strip() for v in values):
            rows.append((no, values))
            if len(rows) > MAX_ROWS:
                raise InputError(f"台账超过 {MAX_ROWS} 行", Location(file=display_path(p)), "请按年度拆分台账")
    return rows


def _header(rows: list[tuple[int, list[Any]]], name: str, sheet: str) -> tuple[int, dict[str, int]]:
    if not rows:
        raise InputError(
            "台账是空的，没有表头",
            Location(file=name, sheet=sheet),
            "第一行应为表头：" + "、".join(c.label for c in fmt.LEDGER_COLUMNS),
        )
    line, values = rows[0]
    columns: dict[str, int] = {}
    unknown: list[tuple[int, str]] = []
    for i, v in enumerate(values):
        key = norm(v)
        if not key:
            continue
        code = _HEADERS.get(key) or _HEADERS.get(key.lower())
        if code is None:
            unknown.append((i, str(v)))
        elif code in columns:
            raise InputError(
                f"表头“{v}”出现了两次",
                Location(file=name, sheet=sheet, cell=f"{_letter(i)}{line}"),
                "每一列只能出现一次，请删除或改名重复的一列",
            )
        else:
            columns[code] = i
    missing = [c for c in fmt.LEDGER_COLUMNS if c.required and c.code not in columns]
    if missing:
        labels = [norm(c.label) for c in missing]
        hints = []
        for i, text in unknown:
            near = difflib.get_close_matches(norm(text), labels, n=1, cutoff=0.5)
            if near:
                hints.append(f"第 {_letter(i)} 列“{text}”是不是“{near[0]}”？")
        raise InputError(
            f"台账缺少必需的列：{'、'.join(c.label for c in missing)}",
            Location(file=name, sheet=sheet, row=line),
            "".join(hints) + "表头应包括：" + "、".join(c.label for c in fmt.LEDGER_COLUMNS if c.required),
        )
    return line, columns


def parse_rows(rows: list[tuple[int, list[Any]]], name: str, sheet: str) -> Ledger:
    """A :class:`Ledger` from (sheet row, cell values) pairs, the first being the header."""
    import pandas as pd

    header_line, columns = _header(rows, name, sheet)
    ledger = Ledger(file=name, sheet=sheet, frame=None, columns=columns)
    records, index = [], []
    for line, values in rows[1:]:
        raw = {code: (values[i] if i < len(values) else None) for code, i in columns.items()}
        records.append(_parse_row(ledger, line, raw))
        index.append(line)
    cols = list(COLUMN_CODES) + ["applicant_text", "outcome_text", "channel_text"]
    idx = pd.Index(index, name="line", dtype="int64")
    # object columns throughout: None stays None (pandas would infer str/float columns with NaN)
    ledger.frame = pd.DataFrame(
        {c: pd.Series([r.get(c) for r in records], index=idx, dtype=object) for c in cols}, index=idx
    )
    return ledger


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


def _parse_row(ledger: Ledger, line: int, raw: dict[str, Any]) -> dict[str, Any]:
    rid = _text(raw.get("id"))
    out: dict[str, Any] = {"id": rid, "note": _text(raw.get("note"))}

    def problem(column: str, what: str, fix: str) -> None:
        ledger.problems.append(RowProblem(line, rid, column, what, fix))

    for col in fmt.LEDGER_DATE_COLUMNS:
        value = raw.get(col)
        out[col] = parse_date(value)
        if out[col] is None and _text(value):
            problem(
                col,
                f"{_label(col)}“{_text(value)}”不是日期",
                "请填写日期，例如 2024-03-05 或 2024年3月5日；Excel 中请把单元格设为日期格式",
            )
    for col, table in (("applicant", _APPLICANTS), ("outcome", _OUTCOMES), ("channel", _CHANNELS)):
        text = _text(raw.get(col))
        out[f"{col}_text"] = text
        out[col] = table.get(norm(text)) if text else None
    flag = _text(raw.get("extended"))
    out["extended"] = flag.lower() in _YES if flag else False
    if flag and flag.lower() not in _YES | _NO:
        problem("extended", f"延长答复期限“{flag}”应为“是”或“否”", "请填写“是”或“否”；未延长的可以留空")
    fee = raw.get("fee_yuan")
    out["fee_yuan"] = parse_fee(fee)
    if out["fee_yuan"] is None and _text(fee):
        problem(
            "fee_yuan",
            f"收费金额“{_text(fee)}”不是不小于 0 的金额",
            "以元为单位只填数字，例如 100 或 100.50；未收费的留空或填 0",
        )
    return out


def _label(code: str) -> str:
    return next(c.label for c in fmt.LEDGER_COLUMNS if c.code == code)


def parse_date(value: Any) -> _dt.date | None:
    """A date from a cell: an Excel date, ``2024-03-05``, ``2024/3/5``, ``2024.3.5``, ``2024年3月5日``."""
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    text = unicodedata.normalize("NFKC", _text(value))
    m = _DATE_RE.match(text) or _COMPACT_DATE_RE.match(text)
    if not m:
        return None
    try:
        return _dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def parse_fee(value: Any) -> Decimal | None:
    """A non-negative amount in 元 (``100``, ``100.5``, ``100元``, ``1,200``), or None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        d = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        return d if d >= 0 else None
    text = unicodedata.normalize("NFKC", _text(value)).removesuffix("元").replace(",", "")
    if not text:
        return None
    try:
        d = Decimal(text)
    except InvalidOperation:
        return None
    return d if d.is_finite() and d >= 0 else None


def nearest_label(text: str, kind: str) -> str | None:
    """The valid label nearest to an unknown 申请人类型 / 办理结果 / 申请方式 (difflib)."""
    labels = {
        "applicant": list(fmt.LEDGER_APPLICANTS),
        "outcome": [fmt.ledger_outcome_choice(r) for r in fmt.T3_OUTCOME_ROWS],
        "channel": list(fmt.LEDGER_CHANNELS),
    }[kind]
    key = norm(text)
    scored = sorted(
        ((difflib.SequenceMatcher(None, key, norm(lab)).ratio(), -i, lab) for i, lab in enumerate(labels)), reverse=True
    )
    return scored[0][2] if scored and scored[0][0] >= 0.3 else None
