"""The tables as labelled DataFrames: for an analyst in the notebook and for ``govreport tables``.

Labels come from :mod:`govreport_kit.core.format`; values are the model's (blank cells as <NA>).
"""

from __future__ import annotations

from govreport_kit.core import format as fmt


def table_frame(model, table: str):
    """One table with Chinese row and column labels (table 二: one row per cell)."""
    import pandas as pd

    if table == "table2":
        rows = [
            (
                fmt.row_label("table2", r, model.format),
                fmt.column_label("table2", c, r, model.format),
                model.get("table2", r, c),
            )
            for r, c in fmt.cells("table2", model.format)
        ]
        return pd.DataFrame(rows, columns=["信息内容", "栏目", "数值"])
    df = model.table(table).copy()
    df.index = [_row_label(table, r, model.format) for r in df.index]
    df.columns = [fmt.column_label(table, c, fmt=model.format) for c in df.columns]
    return df


def _row_label(table: str, row: str, form: str) -> str:
    """The official label; table 三's numbered outcome rows with their group (“（三）1.属于国家秘密”)."""
    label = fmt.row_label(table, row, form)
    if table == "table3" and label[0].isdigit() and row in fmt.T3_OUTCOME_ROWS:
        return fmt.ledger_outcome_choice(row)
    return label


def tables_text(model) -> str:
    """Plain text of the three tables, titled, for a terminal."""
    import pandas as pd

    out = [f"{model.agency.name} {model.year} 年（{model.format} 年版格式）"]
    if getattr(model, "ledger", None) is not None:
        out.append(f"表三依台账 {model.ledger.ledger.file} 统计（{model.ledger.applications} 件申请）")
    with pd.option_context(
        "display.max_rows",
        100,
        "display.max_columns",
        20,
        "display.width",
        250,
        "display.unicode.east_asian_width",
        True,
    ):
        for t in fmt.TABLE_CODES:
            out += ["", fmt.TABLE_TITLES[t], table_frame(model, t).to_string()]
    return "\n".join(out) + "\n"


def tables(model) -> dict:
    """Every table of the report as a DataFrame, keyed by its official title (``二、主动公开政府信息情况`` …)."""
    return {fmt.TABLE_TITLES[t]: table_frame(model, t) for t in fmt.TABLE_CODES}
