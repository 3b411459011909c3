"""R-T3-CELL: the one cell that explains several failed identities at once.

When one inner cell of table 三 is mistyped, the row's 总计 (R-T3-ROW) and the column's 总计
(R-T3-COL) — or the column's 结转下年度 balance (R-T3-BAL) — fail together, and their messages
name the two total cells, not the cell to fix. Each identity of
:func:`govreport_kit.checks.schemas.identities` is linear in its cells: changing cell X by ``x``
moves its (found − expected) by ``+x`` when X is the target and by ``−sign·x`` when X is a term.
A cell explains the failures when the identities it takes part in are exactly the failed ones
and every failed identity is off by the amount the same ``x`` would cause. When exactly one cell
does, an R-T3-CELL finding names it (sorted before the findings it explains, see
:func:`govreport_kit.checks.findings.form_order_key`); the original findings stay.
"""

from __future__ import annotations

from typing import Any

from govreport_kit.checks.findings import Finding
from govreport_kit.core import format as fmt

#: How each identity is named in the message.
IDENTITY_NAMES = {"R-T3-ROW": "行合计", "R-T3-COL": "列合计", "R-T3-BAL": "该列的结转下年度", "R-T4-SUM": "组合计"}


def pinpoint_findings(model, findings: list[Finding]) -> list[Finding]:
    """At most one R-T3-CELL finding for table 三, from its identity findings."""
    from govreport_kit.checks import schemas
    from govreport_kit.checks.rules import show
    from govreport_kit.checks.wording import cell_place as place

    table = "table3"
    failed: dict[tuple[str, tuple[Any, Any]], Any] = {}
    for f in findings:
        if f.table == table and f.rule in schemas.IDENTITY_RULES:
            want, have = schemas.as_number(f.expected), schemas.as_number(f.found)
            if want is None or have is None:
                return []
            failed[(f.rule, (f.row, f.column))] = have - want
    if len(failed) < 2:
        return []
    effects: dict[tuple[str, str], dict[tuple[str, tuple[Any, Any]], int]] = {}
    for ident in schemas.identities(table, model.format):
        key = (ident.rule, ident.target)
        effects.setdefault(ident.target, {})[key] = effects.get(ident.target, {}).get(key, 0) + 1
        for sign, cell in ident.terms:
            effects.setdefault(cell, {})[key] = effects.get(cell, {}).get(key, 0) - sign
    found = []
    for cell, coeffs in effects.items():
        coeffs = {k: v for k, v in coeffs.items() if v}
        if set(coeffs) != set(failed):
            continue
        shifts = {failed[k] / v if v not in (1, -1) else failed[k] * v for k, v in coeffs.items()}
        if len(shifts) == 1:
            found.append((cell, shifts.pop()))
    if len(found) != 1 or all(target == found[0][0] for _, target in failed):
        return []  # none, several, or the cell every failed message already names
    (row, column), shift = found[0]
    current: Any = schemas.as_number(model.get(table, row, column))
    if current is None or current - shift < 0:
        return []
    want = current - shift
    rules = [rule for rule in IDENTITY_NAMES if any(k[0] == rule for k in failed)]
    what = "与".join(IDENTITY_NAMES[r] for r in rules)
    where = place(table, row, column, model.format)
    src = model.sources.get((table, row, column))
    ref = f"{src.sheet}!{src.cell} " if src is not None and src.sheet and src.cell else ""
    message = (
        f"{ref}可能填错（{where}）：{what}都相差 {show(abs(shift))}；此格若为 {show(want)}，"
        f"这 {len(failed)} 处核对都相符。请先核对这一格。"
    )
    return [
        Finding(
            "R-T3-CELL",
            fmt.RULE_BY_ID["R-T3-CELL"].severity,
            message,
            table,
            row,
            column,
            want,
            schemas.plain(model.get(table, row, column)),
            src,
            form=model.format,
        )
    ]
