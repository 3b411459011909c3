"""The model of one agency-year: agency details, tables 二/三/四, narrative, and provenance.

Tables are pandas DataFrames indexed by the canonical codes of :mod:`govreport_kit.core.format`:

* ``table3``: 25 rows × 7 columns (23 rows in the 2019 format), nullable ``Int64``;
* ``table4``: 3 groups × 5 results, nullable ``Int64``;
* ``table2``: one row per cell address, a ``MultiIndex`` of ``(row, column)`` with a single
  ``value`` column of dtype ``object`` holding ``int`` counts and one exact ``Decimal`` (万元);
  missing values are ``pd.NA``.

A cell without a number is either *blank* (left empty) or *not applicable* (“/”, “-”, “—”);
``states`` records which, so blank, zero and not-applicable stay distinct. ``sources`` records
where each value came from (file, sheet, cell or line).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pandas as pd

from govreport_kit.core import format as fmt

# the agency record, its code and name rules live in core/agency.py (no pandas: the batch
# process plans with them without importing pandas); re-exported here
from govreport_kit.core.agency import (  # noqa: F401
    AGENCY_CODE_HINT,
    AGENCY_CODE_RE,
    RESERVED_NAMES,
    Agency,
    agency_code_problem,
    name_problem,
    require_agency_code,
)
from govreport_kit.core.errors import Location

BLANK, NOT_APPLICABLE = fmt.BLANK, fmt.NOT_APPLICABLE  # cell states (defined with the format)
CellKey = tuple[str, str, str]  # (table, row, column)


def empty_table(table: str, form: str = "2021") -> pd.DataFrame:
    """A table of the given format with every cell missing."""
    if table == "table2":
        index = pd.MultiIndex.from_tuples(list(fmt.cells("table2", form)), names=["row", "column"])
        return pd.DataFrame({"value": pd.Series([pd.NA] * len(index), index=index, dtype="object")})
    rows = [r.code for r in fmt.table_rows(table, form)]
    cols = [c.code for c in fmt.table_columns(table, fmt=form)]
    df = pd.DataFrame(pd.NA, index=pd.Index(rows, name="row"), columns=pd.Index(cols, name="column"), dtype="Int64")
    return df


@dataclass(frozen=True)
class InputNote:
    """Something a reader accepted but the analyst must hear about; the checks turn it into a finding.

    ``rule`` is a rule id of :data:`format.RULES` (R-CELL-UNIT, R-AGENCY-CONFLICT); ``message``
    is the Chinese sentence; ``source`` where it is (the cell, or the params key).
    """

    rule: str
    message: str
    table: str | None = None
    row: str | None = None
    column: str | None = None
    expected: Any = None
    found: Any = None
    source: Location | None = None


@dataclass
class AgencyYear:
    agency: Agency
    year: int
    format: str = "2021"
    table2: pd.DataFrame = None
    table3: pd.DataFrame = None
    table4: pd.DataFrame = None
    narrative: dict[str, str] = field(default_factory=dict)
    #: where each narrative part starts (file, line), so messages point at the analyst's file
    narrative_origin: dict[str, Location] = field(default_factory=dict)
    title: str | None = None  # the report's title; derived from agency and year when None
    period: tuple[str, str] | None = None  # statistics period as ISO dates; derived when None
    states: dict[CellKey, str] = field(default_factory=dict)
    sources: dict[CellKey, Location] = field(default_factory=dict)
    inputs: dict[str, str] = field(default_factory=dict)  # input file -> sha256, for provenance
    options: dict[str, Any] = field(default_factory=dict)
    #: readers' notes that become findings (a number read with its unit, conflicting agency details)
    input_notes: list[InputNote] = field(default_factory=list)
    #: where each agency field's value came from (params key or workbook cell), when known
    agency_origin: dict[str, Location] = field(default_factory=dict)
    #: a ``checks.ledger.LedgerSummary`` when table 三 was derived from the application ledger
    ledger: Any = None
    #: earlier years of the same agency, {year: AgencyYear}, when loaded for the report (yoy, trends)
    history: dict[int, Any] = field(default_factory=dict)

    def __post_init__(self):
        for t in fmt.TABLE_CODES:
            if getattr(self, t) is None:
                setattr(self, t, empty_table(t, self.format))

    # ---- titles and period
    @property
    def report_title(self) -> str:
        return self.title or f"{self.agency.name}{self.year}年政府信息公开工作年度报告"

    @property
    def statistics_period(self) -> tuple[str, str]:
        return self.period or (f"{self.year}-01-01", f"{self.year}-12-31")

    # ---- cell access
    def table(self, table: str) -> pd.DataFrame:
        if table not in fmt.TABLE_CODES:
            raise KeyError(table)
        return getattr(self, table)

    def get(self, table: str, row: str, column: str) -> Any:
        """The value of one cell (``pd.NA`` when blank or not applicable)."""
        if table == "table2":
            return self.table2.at[(row, column), "value"]
        return self.table(table).at[row, column]

    def set(
        self, table: str, row: str, column: str, value: Any, source: Location | None = None, state: str | None = None
    ) -> None:
        """Set one cell; ``value`` None/NA with ``state`` BLANK or NOT_APPLICABLE for empty cells."""
        key = (table, row, column)
        if value is None or value is pd.NA:
            value = pd.NA
            self.states[key] = state or BLANK
        else:
            self.states.pop(key, None)
        if table == "table2":
            if (row, column) not in self.table2.index:
                raise KeyError(key)
            self.table2.at[(row, column), "value"] = value
        else:
            df = self.table(table)
            if row not in df.index or column not in df.columns:
                raise KeyError(key)
            df.at[row, column] = value
        if source is not None:
            self.sources[key] = source

    def iter_cells(self) -> Iterator[tuple[str, str, str, Any]]:
        """Every cell as (table, row, column, value), in form order."""
        for t in fmt.TABLE_CODES:
            for r, c in fmt.cells(t, self.format):
                yield t, r, c, self.get(t, r, c)

    def value_or_zero(self, table: str, row: str, column: str) -> Any:
        """The value with blanks read as 0 (how the E-rules, charts and e-mail figures read a blank)."""
        v = self.get(table, row, column)
        return 0 if v is None or v is pd.NA else v

    def state(self, table: str, row: str, column: str) -> str | None:
        """None when the cell holds a value, else BLANK or NOT_APPLICABLE."""
        return self.states.get((table, row, column))

    # ---- JSON
    def tables_to_dict(self) -> dict[str, Any]:
        """Tables as nested dicts with canonical codes, the shape of ``expected/*.json``.

        table 二 (2021) rows with one ``value`` column are flattened to a number; the 2019 table 二
        is written under ``table2_2019``. Missing cells are None.
        """
        out: dict[str, Any] = {}
        t2: dict[str, Any] = {}
        for (r, c), v in self.table2["value"].items():
            val = _plain(v)
            if self.format == "2021" and c == "value":
                t2[r] = val
            else:
                t2.setdefault(r, {})[c] = val
        out["table2" if self.format == "2021" else "table2_2019"] = t2
        for t in ("table3", "table4"):
            df = self.table(t)
            out[t] = {r: {c: _plain(df.at[r, c]) for c in df.columns} for r in df.index}
        return out


def _plain(v: Any) -> Any:
    if v is None or v is pd.NA:
        return None
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() and "." not in str(v) else float(v)
    if hasattr(v, "item"):
        return v.item()
    return v


@functools.cache
def _indexes(table: str, form: str) -> tuple[pd.Index, pd.Index | None, tuple, tuple]:
    """Index objects are immutable: built once per table and format, shared by every model."""
    if table == "table2":
        t2_cells = tuple(fmt.cells("table2", form))
        return pd.MultiIndex.from_tuples(t2_cells, names=["row", "column"]), None, t2_cells, ()
    rows = tuple(r.code for r in fmt.table_rows(table, form))
    cols = tuple(c.code for c in fmt.table_columns(table, fmt=form))
    return pd.Index(rows, name="row"), pd.Index(cols, name="column"), rows, cols


@functools.cache
def _valid_cells(form: str) -> frozenset[CellKey]:
    return frozenset((t, r, c) for t in fmt.TABLE_CODES for r, c in fmt.cells(t, form))


def from_cells(
    agency: Agency,
    year: int,
    values: Iterable[tuple[str, str, str, Any]],
    form: str = "2021",
    states: dict[CellKey, str] | None = None,
    **kwargs: Any,
) -> AgencyYear:
    """Build a model from (table, row, column, value) tuples in one step.

    Cells not given, or given as None, are blank unless ``states`` marks them NOT_APPLICABLE.
    An address that is not a cell of the format is a KeyError. Whole-table constructors make this
    about 20x faster than setting cells one by one (audits build hundreds of models).
    """
    given: dict[CellKey, Any] = {}
    valid = _valid_cells(form)
    for t, r, c, v in values:
        if (t, r, c) not in valid:
            raise KeyError((t, r, c))
        given[(t, r, c)] = v
    index, _, t2_cells, _ = _indexes("table2", form)
    t2_vals = [given.get(("table2", r, c)) for r, c in t2_cells]
    tables = {
        "table2": pd.DataFrame(
            {"value": pd.Series([pd.NA if v is None else v for v in t2_vals], index=index, dtype="object")}
        )
    }
    for t in ("table3", "table4"):
        rindex, cindex, rows, cols = _indexes(t, form)
        df = pd.DataFrame(
            {c: pd.array([given.get((t, r, c)) for r in rows], dtype="Int64") for c in cols}, index=rindex
        )
        df.columns = cindex
        tables[t] = df
    m = AgencyYear(agency=agency, year=year, format=form, **tables, **kwargs)
    for key in valid:
        if given.get(key) is None:
            m.states[key] = (states or {}).get(key) or BLANK
    return m


def cells_from_dict(tables: dict[str, Any]) -> Iterator[tuple[str, str, str, Any]]:
    """(table, row, column, value) from the nested shape of :meth:`AgencyYear.tables_to_dict`.

    This is also the shape of the audit's JSON and of ``expected/*.json``. 万元 amounts become
    exact ``Decimal`` (via their text, so 0.1 stays 0.1).
    """
    for key, rows in tables.items():
        table = "table2" if key in ("table2", "table2_2019") else key
        for row, v in rows.items():
            cols = v.items() if isinstance(v, dict) else [("value", v)]
            for col, x in cols:
                if isinstance(x, float) or (
                    x is not None and fmt.is_decimal_cell(table, row, col, "2019" if key == "table2_2019" else "2021")
                ):
                    x = Decimal(str(x))
                yield table, row, col, x
