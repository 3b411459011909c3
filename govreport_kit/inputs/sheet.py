"""A worksheet as its labels and values: finding official labels (with typos named), and refusing
anything that is neither a label nor a value cell. Used by :mod:`govreport_kit.inputs.workbook`.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from openpyxl.utils import get_column_letter

from govreport_kit.core.errors import InputError, Location
from govreport_kit.core.normalize import label_key
from govreport_kit.inputs.xlsx import present_cells

TYPO_CUTOFF = 0.6
#: Labels are compared by their :func:`govreport_kit.core.normalize.label_key`.
norm = label_key


@dataclass
class Sheet:
    """The non-empty cells of a worksheet, with where to point messages."""

    file: str
    name: str
    values: dict[tuple[int, int], Any]
    merged: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)  # anchor -> (last row, col)
    used: set[tuple[int, int]] = field(default_factory=set)  # cells recognised as labels or values

    @classmethod
    def of(cls, ws, file: str) -> Sheet:
        values = {}
        for r, c, v in present_cells(ws, file):  # the stored cells only: never a walk of the used range
            if v is None or (isinstance(v, str) and not v.strip()):
                continue
            values[(r, c)] = v
        merged = {(m.min_row, m.min_col): (m.max_row, m.max_col) for m in ws.merged_cells.ranges}
        return cls(file, ws.title, values, merged)

    def where(self, r: int | None = None, c: int | None = None, **kw) -> Location:
        cell = f"{get_column_letter(c)}{r}" if r and c else None
        return Location(file=self.file, sheet=self.name, cell=cell, **kw)

    def ref(self, r: int, c: int) -> str:
        return f"{self.name}!{get_column_letter(c)}{r}"

    def texts(self) -> dict[tuple[int, int], str]:
        return {k: norm(v) for k, v in self.values.items() if isinstance(v, str)}

    def find(self, label: str, rows: range | None = None, cols: range | None = None) -> list[tuple[int, int]]:
        key = norm(label)
        return sorted(
            k
            for k, t in self.texts().items()
            if t == key and (rows is None or k[0] in rows) and (cols is None or k[1] in cols)
        )


def nearest(text: str, labels: list[str]) -> tuple[str | None, float]:
    best, score = None, 0.0
    for label in labels:
        s = difflib.SequenceMatcher(None, norm(text), norm(label)).ratio()
        if s > score:
            best, score = label, s
    return best, score


def typo_error(sheet: Sheet, pos: tuple[int, int], text: str, label: str, kind: str) -> InputError:
    return InputError(
        f"标签“{text}”不是正式表格中的{kind}",
        sheet.where(*pos),
        f"最接近的正式标签是“{label}”，请改为“{label}”（或用 govreport template 生成的模板重新填写）",
    )


def locate_label(
    sheet: Sheet,
    label: str,
    kind: str,
    candidates: dict[tuple[int, int], str],
    rows: range | None = None,
    cols: range | None = None,
    missing_fix: str = "",
) -> tuple[int, int]:
    """Position of ``label``; a typo'd candidate or its absence is an InputError."""
    hits = sheet.find(label, rows, cols)
    if len(hits) > 1:
        refs = "、".join(sheet.ref(*h) for h in hits)
        raise InputError(f"{kind}“{label}”出现了 {len(hits)} 次（{refs}）", sheet.where(*hits[1]), "请删除重复的行或列")
    if hits:
        sheet.used.add(hits[0])
        return hits[0]
    scored = [
        (nearest(t, [label])[1], pos, t)
        for pos, t in candidates.items()
        if (rows is None or pos[0] in rows) and (cols is None or pos[1] in cols)
    ]
    scored = [s for s in scored if s[0] >= TYPO_CUTOFF]
    if scored:
        _, pos, _ = max(scored)
        raise typo_error(sheet, pos, str(sheet.values[pos]), label, kind)
    raise InputError(
        f"缺少{kind}“{label}”",
        sheet.where(),
        missing_fix or "请不要删除模板中的行或列；可用 govreport template 重新生成模板",
    )


def check_leftovers(
    sheet: Sheet,
    known: list[str],
    value_cells: set[tuple[int, int]],
    label_cols: int,
    header_rows: int,
    checks: list[str] = (),
) -> None:
    """Every non-empty cell must be a known label or a value cell; name the first that is not.

    ``checks``: the labels of the template's self-check cells (应为 / 核对); the rows and columns
    they head are ignored, whatever the spreadsheet computed there.
    """
    from govreport_kit.inputs.selfcheck import check_area

    known_norm = {norm(k) for k in [*known, *checks]}
    skip_rows, skip_cols = check_area(sheet.texts(), {norm(k) for k in checks}, header_rows, sheet.merged)
    for pos in sorted(sheet.values):
        if pos in sheet.used or pos in value_cells:
            continue
        if pos[0] in skip_rows or pos[1] in skip_cols:
            continue
        v = sheet.values[pos]
        text = norm(v) if isinstance(v, str) else None
        if text is not None and text in known_norm:
            continue
        if text is not None:
            label, score = nearest(v, known)
            if label and score >= TYPO_CUTOFF:
                raise typo_error(sheet, pos, v, label, "标签")
        r, c = pos
        value_rows = {vr for vr, _ in value_cells}
        value_cols = {vc for _, vc in value_cells}
        if isinstance(v, str) and c <= label_cols and r > header_rows:
            what = f"多出一行“{v}”：正式表格没有这一行"
        elif isinstance(v, str) and r <= header_rows:
            what = f"多出一列“{v}”：正式表格没有这一列"
        elif r in value_rows and c not in value_cols:
            what = f"多出一列：这里有“{v}”，但它上方没有正式的列标题"
        elif c in value_cols and r not in value_rows:
            what = f"多出一行：这里有“{v}”，但这一行没有正式的行标签"
        else:
            what = f"表格外有多余的内容“{v}”"
        raise InputError(what, sheet.where(*pos), "请删除它，或移到另一个工作表；表格的行和列不能增删")
