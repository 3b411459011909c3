"""Tables 二/三/四 as DataFrames with the official Chinese labels (for exploring in JupyterLab).

The model keeps canonical codes (``table3.new.natural_person``); here rows and columns carry the
labels printed in the report. Blank cells are ``<NA>``; not-applicable cells are ``<NA>`` too (the
HTML shows “/”). Pure: the model in, new DataFrames out.
"""

from __future__ import annotations

import pandas as pd

from govreport_kit.core import format as fmt


def table_frame(model, table: str) -> pd.DataFrame:
    """One table (``table2``, ``table3`` or ``table4``) with Chinese row and column labels."""
    form = model.format
    if table == "table2":
        sections = fmt.T2_SECTIONS if form == "2021" else fmt.T2_2019_SECTIONS
        records, index = [], []
        for s in sections:
            for r in s.rows:
                index.append((s.caption, r.label))
                records.append({c.label: model.get("table2", r.code, c.code) for c in s.columns})
        columns = list(dict.fromkeys(k for rec in records for k in rec))
        values = [[rec.get(c, pd.NA) for c in columns] for rec in records]
        return pd.DataFrame(values, columns=columns, dtype="object",
                            index=pd.MultiIndex.from_tuples(index, names=["栏目", fmt.T2_ITEM_LABEL]))
    if table not in fmt.TABLE_CODES:
        raise KeyError(f"没有表格 {table}（可选：{'、'.join(fmt.TABLE_CODES)}）")
    rows = fmt.table_rows(table, form)
    columns = fmt.table_columns(table, rows[0].code, fmt=form)
    data = {c.label: [model.get(table, r.code, c.code) for r in rows] for c in columns}
    index = pd.Index([r.label for r in rows], name="项目")
    if table == "table3":  # sub-items (“1.属于国家秘密”) read only under their group (“（三）不予公开”)
        index = pd.MultiIndex.from_tuples([(_group_label(form, i), r.label) for i, r in enumerate(rows)],
                                          names=["分组", "项目"])
    return pd.DataFrame(data, index=index).astype("Int64")


def _group_label(form: str, i: int) -> str:
    """The innermost row group of table 三 holding row ``i`` (empty for rows outside every group)."""
    rows = fmt.table_rows("table3", form)
    position = {r.code: n for n, r in enumerate(rows)}
    groups = fmt.T3_ROW_GROUPS if form == "2021" else fmt.T3_ROW_GROUPS_2019
    holding = [(position[g.last] - position[g.first], g.label) for g in groups if position[g.first] <= i <= position[g.last]]
    return min(holding)[1] if holding else ""


def tables(model) -> dict[str, pd.DataFrame]:
    """Every table of the report, keyed by its official title (``二、主动公开政府信息情况`` …)."""
    return {fmt.TABLE_TITLES[t]: table_frame(model, t) for t in fmt.TABLE_CODES}
