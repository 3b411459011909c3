"""The pandera models: derived from format.py, lazy, and every failure located at its cell."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pandera.pandas as pa
import pytest

from govreport_kit.checks import schemas
from govreport_kit.core import format as fmt
from govreport_kit.core import model as m

TABLES = [
    ("table2", "2021"),
    ("table3", "2021"),
    ("table4", "2021"),
    ("table2", "2019"),
    ("table3", "2019"),
    ("table4", "2019"),
]


def zeros(table: str, form: str = "2021") -> pd.DataFrame:
    df = m.empty_table(table, form)
    if table == "table2":
        df["value"] = pd.Series([0] * len(df), index=df.index, dtype=object)
        return df
    return df.fillna(0)


def located(failures):
    return {(f.rule, f.row, f.column) for f in failures}


@pytest.mark.parametrize("table,form", TABLES)
def test_schemas_are_dataframe_schemas_generated_from_the_format(table, form):
    schema = schemas.table_schema(table, form)
    assert isinstance(schema, pa.DataFrameSchema)
    want = ["value"] if table == "table2" else [c.code for c in fmt.table_columns(table, fmt=form)]
    assert list(schema.columns) == want
    assert schema.strict is True and schema.ordered is True
    dtype = "object" if table == "table2" else "Int64"
    assert {str(col.dtype) for col in schema.columns.values()} == {dtype}
    checks = {c.name for c in schema.checks}
    assert schemas.SHAPE in checks
    assert checks >= {i.rule for i in schemas.identities(table, form)}


@pytest.mark.parametrize("table,form", TABLES)
def test_all_zero_tables_of_both_formats_validate(table, form):
    assert schemas.validate_table(table, zeros(table, form), form) == []


def test_the_seed_tables_validate(seed_model):
    model = seed_model()
    for table in fmt.TABLE_CODES:
        assert schemas.validate_table(table, model.table(table)) == []


def test_2019_table3_has_the_single_other_row_and_its_own_identities():
    df = zeros("table3", "2019")
    assert len(df) == 23 and "other" in df.index and "other_other" not in df.index
    df.loc["other", "natural_person"] = 1
    assert located(schemas.validate_table("table3", df, "2019")) == {
        ("R-T3-COL", "total", "natural_person"),
        ("R-T3-ROW", "other", "total"),
    }
    # a 2021 table is not a 2019 one
    assert {f.problem for f in schemas.validate_table("table3", zeros("table3"), "2019")} >= {"extra_row"}


def test_validation_is_lazy_and_runs_in_pandera():
    df = zeros("table3")
    df.loc["granted", "commercial"] = 3
    df.loc["partial", "research"] = -1
    with pytest.raises(pa.errors.SchemaErrors) as info:
        schemas.table_schema("table3").validate(df, lazy=True)
    assert {e.check.name for e in info.value.schema_errors} == {"R-INT", "R-T3-COL", "R-T3-ROW"}
    assert located(schemas.validate_table("table3", df)) == {
        ("R-INT", "partial", "research"),
        ("R-T3-COL", "total", "commercial"),
        ("R-T3-COL", "total", "research"),
        ("R-T3-ROW", "granted", "total"),
        ("R-T3-ROW", "partial", "total"),
    }


def test_each_identity_fails_at_its_target_cell():
    df = zeros("table3")
    df.loc["new", "legal_service"] = 4
    assert located(schemas.validate_table("table3", df)) == {
        ("R-T3-BAL", "carried_forward", "legal_service"),
        ("R-T3-ROW", "new", "total"),
    }
    df = zeros("table4")
    df.loc["litigation_after_review", "pending"] = 2
    failures = schemas.validate_table("table4", df)
    assert located(failures) == {("R-T4-SUM", "litigation_after_review", "total")}
    assert failures[0].found == 0


def test_blanks_are_read_as_zero():
    df = m.empty_table("table3")  # every cell blank: 0 = 0 everywhere
    assert schemas.validate_table("table3", df) == []
    df.loc["granted", "natural_person"] = 2
    df.loc["granted", "total"] = 2
    failures = schemas.validate_table("table3", df)
    # the blank 总计 cell reads as 0 and fails, with found None (blank), not dropped as NA
    assert located(failures) == {("R-T3-COL", "total", "natural_person"), ("R-T3-COL", "total", "total")}
    assert {f.found for f in failures} == {None}


def test_identity_helpers_give_the_expected_value():
    ident = schemas.identity_at("table3", "R-T3-BAL", "carried_forward", "total")
    vals = {("new", "total"): 5, ("carried", "total"): pd.NA, ("total", "total"): 3}
    assert schemas.evaluate(ident, lambda r, c: vals[(r, c)]) == 2
    vals[("carried", "total")] = "x"
    assert schemas.evaluate(ident, lambda r, c: vals[(r, c)]) is None


def test_fractional_negative_and_text_values_in_a_model_built_in_code():
    df = zeros("table3").astype("float64")
    df.loc["granted", "natural_person"] = 1.5
    df.loc["granted", "total"] = 1.5
    df.loc["total", ["natural_person", "total"]] = 1.5
    df.loc["new", ["natural_person", "total"]] = 1.5
    failures = schemas.validate_table("table3", df)
    assert ("R-INT", "granted", "natural_person") in located(failures)
    dtype = [f for f in failures if f.problem == "dtype"]
    assert len(dtype) == 7 and {f.found for f in dtype} == {"float64"} and {f.row for f in dtype} == {None}

    t2 = zeros("table2")
    t2.at[("licensing", "value"), "value"] = -2
    t2.at[("punishment", "value"), "value"] = Decimal("1.5")
    t2.at[("enforcement", "value"), "value"] = "三"
    t2.at[("fees_wan_yuan", "value"), "value"] = Decimal("103.3879")  # fine: a decimal amount
    assert located(schemas.validate_table("table2", t2)) == {
        ("R-INT", "licensing", "value"),
        ("R-INT", "punishment", "value"),
        ("R-INT", "enforcement", "value"),
    }
    t2.at[("fees_wan_yuan", "value"), "value"] = Decimal("-0.5")
    assert ("R-INT", "fees_wan_yuan", "value") in located(schemas.validate_table("table2", t2))


def test_2019_table2_allows_a_negative_change_but_not_a_negative_count():
    df = zeros("table2", "2019")
    df.at[("licensing", "change_this_year"), "value"] = -3
    df.at[("government_procurement", "total_amount_yuan"), "value"] = Decimal("251000.50")
    assert schemas.validate_table("table2", df, "2019") == []
    df.at[("licensing", "decisions_this_year"), "value"] = -1
    assert located(schemas.validate_table("table2", df, "2019")) == {("R-INT", "licensing", "decisions_this_year")}


def test_shape_failures_name_the_missing_extra_and_misplaced_rows_and_columns():
    df = zeros("table3").drop(index="partial").drop(columns="research")
    df["extra"] = 0
    problems = {(f.problem, f.row, f.column) for f in schemas.validate_table("table3", df)}
    assert problems == {
        ("missing_row", "partial", None),
        ("missing_column", None, "research"),
        ("extra_column", None, "extra"),
    }
    df = zeros("table4")[["corrected", "upheld", "other", "pending", "total"]]
    assert {f.problem for f in schemas.validate_table("table4", df)} == {"column_order"}
    df = zeros("table3").iloc[::-1]
    assert {f.problem for f in schemas.validate_table("table3", df)} == {"row_order"}
    t2 = zeros("table2").drop(index=("licensing", "value"))
    assert {(f.problem, f.row, f.column) for f in schemas.validate_table("table2", t2)} == {
        ("missing_cell", "licensing", "value")
    }


def test_validating_imports_no_optional_dataframe_library(modules_imported_by):
    """pandera's class-based models probe for Dask (and with it installed, import dask.dataframe,
    ~0.6 s per process); the schemas are built so that checking a report never does."""
    code = (
        "from govreport_kit.checks import schemas\n"
        "from govreport_kit.core import model as m\n"
        "for t in ('table2', 'table3', 'table4'):\n"
        "    schemas.validate_table(t, m.empty_table(t))\n"
    )
    assert modules_imported_by(code, ("dask", "dask.dataframe", "modin", "pyspark")) == []
