"""Findings about the inputs rather than the numbers: readers' notes and missing agency details.

* :func:`input_findings`: each :class:`~govreport_kit.core.model.InputNote` a reader left on the
  model (R-CELL-UNIT: “12件” read as 12; R-AGENCY-CONFLICT: the params file and the workbook's
  机构信息 sheet disagree, the params file wins) becomes a finding;
* :func:`empty_agency_findings`: R-AGENCY-EMPTY, one per agency field the narrative uses
  (``{{ agency.phone }}`` …) that neither the params file nor the workbook fills, naming the
  params key to fill. The placeholder check then stays silent about those fields.
"""

from __future__ import annotations

from govreport_kit.checks.findings import Finding
from govreport_kit.core import format as fmt
from govreport_kit.core.errors import Location

AGENCY_LABELS = dict(fmt.AGENCY_FIELDS)


def input_findings(model) -> list[Finding]:
    out = []
    for note in getattr(model, "input_notes", ()):
        out.append(
            Finding(
                note.rule,
                fmt.RULE_BY_ID[note.rule].severity,
                note.message,
                note.table,
                note.row,
                note.column,
                note.expected,
                note.found,
                note.source,
                form=model.format,
            )
        )
    return out


def empty_agency_fields(model) -> dict[str, str]:
    """{field: first narrative part using it} for agency placeholders whose value is empty."""
    from govreport_kit.inputs.narrative import placeholders_in

    out: dict[str, str] = {}
    for part, text in model.narrative.items():
        if "{{" not in (text or ""):
            continue
        for name in placeholders_in(text):
            head, _, field = name.partition(".")
            if head == "agency" and field in AGENCY_LABELS and not str(getattr(model.agency, field, "") or "").strip():
                out.setdefault(field, part)
    return out


def empty_agency_findings(model, fields: dict[str, str]) -> list[Finding]:
    out = []
    for field, part in fields.items():
        origin = model.agency_origin.get(field) or Location(key=f"agency.{field}")
        params = f"参数文件 {origin.file} 的" if origin.file and not origin.sheet else "参数文件的"
        message = (
            f"机构信息“{AGENCY_LABELS[field]}”未填写，而正文用到了 {{{{ agency.{field} }}}}："
            f"请在{params} agency.{field} 填写（也可填在工作簿“{fmt.AGENCY_SHEET}”表），"
            f"或从正文中删去它。"
        )
        out.append(
            Finding(
                "R-AGENCY-EMPTY",
                fmt.RULE_BY_ID["R-AGENCY-EMPTY"].severity,
                message,
                expected=AGENCY_LABELS[field],
                source=Location(file=origin.file, key=f"agency.{field}"),
                form=model.format,
                part=part,
            )
        )
    return out
