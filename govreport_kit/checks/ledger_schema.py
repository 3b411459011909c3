"""The pandera schema of ledger rows: every rule a row must keep, collected lazily, as RowProblems.

Each check is vectorised over the parsed frame of :mod:`govreport_kit.inputs.ledger` and named;
``lazy=True`` collects every failing row of every check, and :func:`row_problems` turns each
failure case into a :class:`~govreport_kit.inputs.ledger.RowProblem` with a Chinese message and a
fix (the nearest valid label for an unknown 申请人类型, 办理结果 or 申请方式). A cell that could
not be parsed at all already has its problem from the reader and is not reported twice.

Dates must lie between :data:`govreport_kit.core.format.LEDGER_EARLIEST` (the first 条例) and
the end of year Y + :data:`LATEST_YEARS_AFTER` (a ledger may run on past the report year: one file
kept over several years serves each year's report; a date further out is a typo such as 2204).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from typing import Any

from govreport_kit.core import format as fmt
from govreport_kit.inputs.ledger import Ledger, RowProblem, nearest_label

LATEST_YEARS_AFTER = 5


def date_range(year: int) -> tuple[_dt.date, _dt.date]:
    """The dates a ledger used for the report of ``year`` may hold."""
    return _dt.date.fromisoformat(fmt.LEDGER_EARLIEST), _dt.date(year + LATEST_YEARS_AFTER, 12, 31)


def _checks(year: int) -> dict[str, tuple[str | None, Callable[[Any], Any]]]:
    """check name -> (column code it is about, vectorised predicate over the frame: True = fine)."""
    import pandas as pd

    lo, hi = date_range(year)

    def in_range(col: str):
        return lambda df: df[col].map(lambda d: d is None or lo <= d <= hi).astype(bool)

    def both(a: str, b: str, ok):
        return lambda df: pd.Series(
            [x is None or y is None or ok(x, y) for x, y in zip(df[a], df[b])], index=df.index, dtype=bool
        )

    return {
        "id_present": ("id", lambda df: df["id"] != ""),
        "id_unique": ("id", lambda df: (df["id"] == "") | ~df["id"].duplicated(keep=False)),
        "received_present": ("received", lambda df: df["received"].notna()),
        "received_range": ("received", in_range("received")),
        "corrected_range": ("corrected", in_range("corrected")),
        "closed_range": ("closed", in_range("closed")),
        "applicant_known": ("applicant", lambda df: df["applicant"].notna()),
        "outcome_known": ("outcome", lambda df: (df["outcome_text"] == "") | df["outcome"].notna()),
        "channel_known": ("channel", lambda df: (df["channel_text"] == "") | df["channel"].notna()),
        "closed_after_received": ("closed", both("received", "closed", lambda r, c: c >= r)),
        "corrected_after_received": ("corrected", both("received", "corrected", lambda r, c: c >= r)),
        "corrected_before_closed": ("corrected", both("corrected", "closed", lambda a, c: a <= c)),
        "outcome_needs_closed": ("closed", lambda df: (df["outcome_text"] == "") | df["closed"].notna()),
        "closed_needs_outcome": ("outcome", lambda df: df["closed"].isna() | (df["outcome_text"] != "")),
    }


def schema(year: int):
    """The pandera ``DataFrameSchema`` of a parsed ledger for report year ``year``."""
    import pandera.pandas as pa

    cols = {
        c: pa.Column(object, nullable=True)
        for c in (
            "id",
            "received",
            "corrected",
            "closed",
            "applicant",
            "outcome",
            "channel",
            "outcome_text",
            "channel_text",
        )
    }
    checks = [pa.Check(fn, name=name, element_wise=False) for name, (_, fn) in _checks(year).items()]
    return pa.DataFrameSchema(cols, checks=checks, strict=False, coerce=False)


def failures(ledger: Ledger, year: int) -> list[tuple[str, int]]:
    """(check name, sheet row) of every failing row, in sheet order."""
    import pandera.errors

    df = ledger.frame
    if df is None or df.empty:
        return []
    try:
        schema(year).validate(df, lazy=True)
        return []
    except pandera.errors.SchemaErrors as e:
        cases = e.failure_cases
    out = set()
    for check, index in zip(cases["check"], cases["index"]):
        if index is None or index != index:
            continue
        out.add((str(check), int(index)))
    order = {name: i for i, name in enumerate(_checks(year))}
    return sorted(out, key=lambda x: (x[1], order.get(x[0], len(order))))


def row_problems(ledger: Ledger, year: int) -> list[RowProblem]:
    """Every problem of every row: the reader's, then the schema's, in sheet order."""
    parsed = {(p.line, p.column) for p in ledger.problems}
    checks = _checks(year)
    out = list(ledger.problems)
    lo, hi = date_range(year)
    for name, line in failures(ledger, year):
        column = checks[name][0]
        if (line, column) in parsed:
            continue
        row = ledger.frame.loc[line]
        what, fix, severity = _message(name, row, lo, hi)
        out.append(RowProblem(line, row["id"], column, what, fix, severity))
    return sorted(out, key=lambda p: p.line)


def _d(v) -> str:
    return v.isoformat() if v is not None else "空白"


def _message(name: str, row, lo: _dt.date, hi: _dt.date) -> tuple[str, str, str]:
    """(what, fix, severity) for one failed check of one row."""
    rng = f"应在 {lo.isoformat()} 至 {hi.isoformat()} 之间"
    if name in ("applicant_known", "outcome_known", "channel_known"):
        col = name.removesuffix("_known")
        label = {"applicant": "申请人类型", "outcome": "办理结果", "channel": "申请方式"}[col]
        text = row[f"{col}_text"]
        if not text:
            return f"{label}为空", f"请填写{label}（" + "、".join(fmt.LEDGER_APPLICANTS) + "）", fmt.ERROR
        near = nearest_label(text, col)
        hint = f"是不是“{near}”？" if near else ""
        return (
            f"{label}“{text}”不是有效选项",
            f"{hint}请从下拉列表中选择{label}",
            fmt.WARNING if col == "channel" else fmt.ERROR,
        )
    texts = {
        "id_present": ("编号为空", "请填写编号；每件申请一个编号，不能重复"),
        "id_unique": (f"编号“{row['id']}”重复", "每件申请只登记一行：删除重复登记的一行，或改正其中一个编号"),
        "received_present": ("收到日期为空", "请填写申请的收到日期（条例 第三十一条）"),
        "received_range": (f"收到日期 {_d(row['received'])} 不合理（{rng}）", "请核对年份是否写错"),
        "corrected_range": (f"补正完成日期 {_d(row['corrected'])} 不合理（{rng}）", "请核对年份是否写错"),
        "closed_range": (f"办结日期 {_d(row['closed'])} 不合理（{rng}）", "请核对年份是否写错"),
        "closed_after_received": (
            f"办结日期 {_d(row['closed'])} 早于收到日期 {_d(row['received'])}",
            "请核对两个日期，办结不能早于收到",
        ),
        "corrected_after_received": (
            f"补正完成日期 {_d(row['corrected'])} 早于收到日期 {_d(row['received'])}",
            "请核对两个日期",
        ),
        "corrected_before_closed": (
            f"补正完成日期 {_d(row['corrected'])} 晚于办结日期 {_d(row['closed'])}",
            "请核对两个日期",
        ),
        "outcome_needs_closed": (
            f"已填办理结果“{row['outcome_text']}”，但办结日期为空",
            "请填写办结日期；尚未办结的申请请清空办理结果",
        ),
        "closed_needs_outcome": (
            f"已填办结日期 {_d(row['closed'])}，但办理结果为空",
            "请从下拉列表中选择办理结果；尚未办结的申请请清空办结日期",
        ),
    }
    what, fix = texts[name]
    return what, fix, fmt.ERROR
