"""pandera schemas of tables 二, 三 and 四, generated from :mod:`govreport_kit.core.format`.

One ``DataFrameSchema`` per table and format version (``table_schema("table3", "2019")``), built
from the rows and columns of :mod:`~govreport_kit.core.format`, so no label or code is typed here.
Each schema checks:

* the columns, exactly and in order (``strict``, ``ordered``), and their dtype: nullable
  ``Int64`` for tables 三 and 四; ``object`` for table 二's single ``value`` column;
* the index, exactly and in order (check ``R-SHAPE``; table 二: the ``(row, column)`` pairs);
* every value (check ``R-INT``): counts are whole numbers >= 0, 万元/元 amounts decimals >= 0,
  the 2019 “本年增/减” whole numbers of either sign;
* the arithmetic of the form (checks ``R-T3-BAL``, ``R-T3-COL``, ``R-T3-ROW``, ``R-T4-SUM``),
  with blank cells read as 0 (format-2021.md §6).

The arithmetic is declared once, as :class:`Identity` objects (``target = sum of signed
terms``); the pandera checks evaluate them and return a boolean frame of the table's shape that
is False only at the target cell of a broken identity, so each failure names one cell:

========== ==================== ==========================================================
rule       reported (row, col)  identity
========== ==================== ==========================================================
R-T3-BAL   (carried_forward, c) carried_forward = new + carried − total, per column c
R-T3-COL   (total, c)           total = sum of the outcome rows (3–23), per column c
R-T3-ROW   (r, total)           total = natural_person + the five 法人或其他组织 columns
R-T4-SUM   (g, total)           total = upheld + corrected + other + pending, per group g
R-INT      (r, c)               the offending cell (a dtype failure: row None, column c)
R-SHAPE    (r or None, c/None)  a missing, extra, duplicated or misplaced row or column
========== ==================== ==========================================================

:func:`validate_table` runs a schema lazily and returns every failure as a :class:`CellFailure`;
:mod:`govreport_kit.checks.rules` turns those into findings. Importing this module imports pandera
(about 0.25 s), which is why ``checks`` imports it only when it checks.
"""

from __future__ import annotations

import functools
import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrorReason, SchemaErrors

from govreport_kit.core import format as fmt

SHAPE, INT = "R-SHAPE", "R-INT"
IDENTITY_RULES = ("R-T3-BAL", "R-T3-COL", "R-T3-ROW", "R-T4-SUM")
COUNT, AMOUNT, SIGNED = "count", "amount", "signed"  # kinds of cell value


@dataclass(frozen=True)
class Identity:
    """``target`` must equal the sum of ``sign * cell`` over ``terms`` (blanks read as 0)."""

    rule: str
    target: tuple[str, str]
    terms: tuple[tuple[int, tuple[str, str]], ...]


@dataclass(frozen=True)
class CellFailure:
    """One pandera failure located at a cell (or a whole row/column for R-SHAPE and dtypes)."""

    rule: str
    table: str
    row: str | None
    column: str | None
    found: Any = None  # the cell's value as a plain Python value (None when blank)
    expected: Any = None
    problem: str | None = None  # R-SHAPE / dtype: missing_row, extra_column, row_order, dtype, …

    def __post_init__(self):
        object.__setattr__(self, "found", plain(self.found))


def plain(v: Any) -> Any:
    """A cell value without numpy/pandas scalar types: pd.NA/NaN -> None, np.int64 -> int."""
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return None
    return v.item() if hasattr(v, "item") and not isinstance(v, Decimal) else v


# ------------------------------------------------------------------------------ the arithmetic


@functools.cache
def identities(table: str, form: str = "2021") -> tuple[Identity, ...]:
    """Every identity of a table (empty for table 二), derived from the format definition."""
    if table == "table3":
        rows = [r.code for r in fmt.table_rows("table3", form)]
        outcomes = fmt.spec(form).t3_outcome_rows
        cols = [c.code for c in fmt.T3_COLUMNS]
        out = [
            Identity("R-T3-BAL", ("carried_forward", c), ((1, ("new", c)), (1, ("carried", c)), (-1, ("total", c))))
            for c in cols
        ]
        out += [Identity("R-T3-COL", ("total", c), tuple((1, (r, c)) for r in outcomes)) for c in cols]
        out += [Identity("R-T3-ROW", (r, "total"), tuple((1, (r, c)) for c in fmt.T3_COMPONENT_COLUMNS)) for r in rows]
        return tuple(out)
    if table == "table4":
        parts = [c.code for c in fmt.T4_RESULTS if c.code != "total"]
        return tuple(
            Identity("R-T4-SUM", (g.code, "total"), tuple((1, (g.code, p)) for p in parts)) for g in fmt.T4_GROUPS
        )
    return ()


def identity_at(table: str, rule: str, row: str, column: str, form: str = "2021") -> Identity:
    """The identity of ``rule`` whose target is (row, column)."""
    for ident in identities(table, form):
        if ident.rule == rule and ident.target == (row, column):
            return ident
    raise KeyError((table, rule, row, column))


def as_number(v: Any) -> int | Decimal | None:
    """A cell value as used by the arithmetic: blank -> 0, a number -> int or Decimal, else None."""
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return 0
    if isinstance(v, bool) or not isinstance(v, numbers.Number):
        return None
    if hasattr(v, "item"):  # numpy scalar
        v = v.item()
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        return int(v) if v.is_integer() else (Decimal(repr(v)) if math.isfinite(v) else None)
    if isinstance(v, Decimal):
        return v if v.is_finite() else None
    return None


def evaluate(ident: Identity, value: Callable[[str, str], Any]) -> int | Decimal | None:
    """The value ``ident.target`` should hold; None when a term is not a number."""
    total: int | Decimal = 0
    for sign, (r, c) in ident.terms:
        n = as_number(value(r, c))
        if n is None:
            return None
        total += sign * n
    return total


# ------------------------------------------------------------------------------ cell values


def cell_kind(table: str, row: str, column: str, form: str = "2021") -> str:
    """COUNT (whole >= 0), AMOUNT (decimal >= 0) or SIGNED (whole, 2019 “本年增/减”)."""
    if fmt.is_decimal_cell(table, row, column, form):
        return AMOUNT
    if table == "table2" and column in fmt.spec(form).t2_signed_columns:
        return SIGNED
    return COUNT


def value_ok(v: Any, kind: str) -> bool:
    """Whether a present (non-blank) value is valid for its kind of cell."""
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return True  # blanks are reported on their own (R-BLANK)
    n = as_number(v)
    if n is None:
        return False
    if kind == AMOUNT:
        return n >= 0
    whole = isinstance(n, int) or n == n.to_integral_value()
    return whole and (kind == SIGNED or n >= 0)


# ------------------------------------------------------------------------------ shape


def expected_index(table: str, form: str = "2021") -> list:
    if table == "table2":
        return list(fmt.cells("table2", form))
    return [r.code for r in fmt.table_rows(table, form)]


def expected_columns(table: str, form: str = "2021") -> list[str]:
    if table == "table2":
        return ["value"]
    return [c.code for c in fmt.table_columns(table, fmt=form)]


def shape_ok(table: str, df: pd.DataFrame, form: str = "2021") -> bool:
    return list(df.index) == expected_index(table, form) and list(df.columns) == expected_columns(table, form)


def _address(table: str, axis: str, key: Any) -> dict[str, Any]:
    """Where a row/column key points: table 二's index keys are (row, column) pairs."""
    if table == "table2" and axis == "row":
        pair = isinstance(key, tuple) and len(key) == 2
        return {"row": key[0], "column": key[1]} if pair else {"row": str(key), "column": None}
    return {"row": key, "column": None} if axis == "row" else {"row": None, "column": key}


def shape_failures(table: str, df: pd.DataFrame, form: str = "2021") -> list[CellFailure]:
    """What differs between the frame's rows/columns and the format's, one failure per item."""
    out: list[CellFailure] = []
    for axis, found, want in (
        ("row", list(df.index), expected_index(table, form)),
        ("column", list(df.columns), expected_columns(table, form)),
    ):
        at = functools.partial(_address, table, axis)
        cell = "cell" if table == "table2" and axis == "row" else axis
        for key in want:
            if key not in found:
                out.append(CellFailure(SHAPE, table, **at(key), expected=key, problem=f"missing_{cell}"))
        seen = set()
        for key in found:
            if key not in want:
                out.append(CellFailure(SHAPE, table, **at(key), found=key, problem=f"extra_{cell}"))
            elif key in seen:
                out.append(CellFailure(SHAPE, table, **at(key), found=key, problem=f"duplicate_{cell}"))
            seen.add(key)
        if set(found) == set(want) and len(found) == len(want) and found != want:
            out.append(CellFailure(SHAPE, table, None, None, found=found, expected=want, problem=f"{axis}_order"))
    return out


# ------------------------------------------------------------------------------ the schemas


def _identity_check(table: str, form: str, rule: str):
    ids = [i for i in identities(table, form) if i.rule == rule]

    def check(df: pd.DataFrame) -> pd.DataFrame:
        ok = pd.DataFrame(True, index=df.index, columns=df.columns)
        if not shape_ok(table, df, form):
            return ok  # R-SHAPE reports the shape; the arithmetic needs every cell
        cells = df.to_dict()  # {column: {row: value}}: far cheaper than one .at per term
        for ident in ids:
            want = evaluate(ident, lambda r, c: cells[c][r])
            have = as_number(cells[ident.target[1]][ident.target[0]])
            if want is not None and have is not None and have != want:
                ok.at[ident.target] = False
        return ok

    return check


def _value_check(table: str, form: str):
    if table != "table2":
        return lambda s: pd.Series([value_ok(v, COUNT) for v in s.tolist()], index=s.index, dtype=bool)

    def check(s: pd.Series) -> pd.Series:
        return pd.Series(
            [
                value_ok(v, cell_kind(table, key[0], key[1], form) if isinstance(key, tuple) else COUNT)
                for key, v in s.items()
            ],
            index=s.index,
            dtype=bool,
        )

    return check


@functools.cache
def table_schema(table: str, form: str = "2021") -> pa.DataFrameSchema:
    """The pandera ``DataFrameSchema`` of a table in the given format version.

    Built with pandera's object API rather than a ``DataFrameModel`` class: turning a model into
    a schema makes pandera probe for every optional dataframe library it supports, and with
    Dask installed (``govreport_kit[dask]``) that imports ``dask.dataframe``, about 0.6 s,
    in every process that checks a report.
    """
    columns = expected_columns(table, form)
    dtype: Any = object if table == "table2" else pd.Int64Dtype()
    values = _value_check(table, form)
    checks = [pa.Check(lambda df: list(df.index) == expected_index(table, form), name=SHAPE)]
    for rule in dict.fromkeys(i.rule for i in identities(table, form)):
        checks.append(pa.Check(_identity_check(table, form, rule), name=rule, ignore_na=False))
    return pa.DataFrameSchema(
        {c: pa.Column(dtype, checks=[pa.Check(values, name=INT)], nullable=True, name=c) for c in columns},
        checks=checks,
        name=f"{table}_{form}",
        strict=True,
        ordered=True,
        coerce=False,
    )


def validate_table(table: str, df: pd.DataFrame, form: str = "2021") -> list[CellFailure]:
    """Validate one table lazily; every failure, located at its cell (see the module table)."""
    try:
        table_schema(table, form).validate(df, lazy=True)
        return []
    except SchemaErrors as e:
        errors = e.schema_errors
    out: list[CellFailure] = []
    structural = False
    for err in errors:
        name = getattr(err.check, "name", None)
        if err.reason_code == SchemaErrorReason.WRONG_DATATYPE and err.column_name in df.columns:
            want = "Int64" if table != "table2" else "object"
            out.append(
                CellFailure(
                    INT,
                    table,
                    None,
                    err.column_name,
                    found=str(df[err.column_name].dtype),
                    expected=want,
                    problem="dtype",
                )
            )
        elif name in (INT, *IDENTITY_RULES) and err.reason_code != SchemaErrorReason.CHECK_ERROR:
            out.extend(_cells_failed(table, name, err, df))
        else:
            structural = True
    if structural:
        found = shape_failures(table, df, form)
        out.extend(found or [CellFailure(SHAPE, table, None, None, found=str(errors[0]), problem="other")])
    return out


def _cells_failed(table: str, rule: str, err, df: pd.DataFrame) -> list[CellFailure]:
    result = err.check_output
    out = []
    if isinstance(result, pd.DataFrame):
        for (r, c), ok in result.stack().items():
            if not ok:
                out.append(CellFailure(rule, table, r, c, found=df.at[r, c]))
    elif isinstance(result, pd.Series):
        col = err.column_name
        for key, ok in result.items():
            if not ok:
                r, c = key if table == "table2" else (key, col)
                found = df.loc[key, col]
                out.append(
                    CellFailure(rule, table, r, c, found=found.iloc[0] if isinstance(found, pd.Series) else found)
                )
    return out
