"""R-PLACEHOLDER (unknown or malformed ``{{ … }}`` in the narrative parts, at most
:data:`~govreport_kit.core.limits.FINDINGS_SHOWN` listed) and R-AGENCY-EMPTY (agency fields the
narrative uses that nobody filled, see :mod:`govreport_kit.checks.agency`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from govreport_kit.checks.findings import Finding
from govreport_kit.core import format as fmt
from govreport_kit.core.errors import Location

if TYPE_CHECKING:
    from govreport_kit.core.model import AgencyYear


def placeholder_findings(model: AgencyYear) -> list[Finding]:
    """R-PLACEHOLDER: every unknown or malformed placeholder; R-AGENCY-EMPTY: agency fields used but empty."""
    from govreport_kit.checks.agency import empty_agency_fields, empty_agency_findings
    from govreport_kit.core.limits import FINDINGS_SHOWN
    from govreport_kit.inputs.narrative import count_placeholder_problems, placeholder_problems, placeholder_values

    if not any("{{" in (text or "") for text in model.narrative.values()):
        return []
    try:
        values = placeholder_values(model)
    except KeyError:  # a table lacks an official row or column: R-SHAPE already says which
        return []
    empty = empty_agency_fields(model)
    values.update({f"agency.{field}": "…" for field in empty})  # reported once each, below
    findings = empty_agency_findings(model, empty)
    shown = len(findings)
    for part, text in model.narrative.items():
        origin = model.narrative_origin.get(part)
        file, first_line = (origin.file, origin.line or 1) if origin else (None, 1)
        room = max(0, FINDINGS_SHOWN.value - (len(findings) - shown))
        listed = placeholder_problems(
            text, model, part=part, values=values, file=file, first_line=first_line, limit=room
        )
        for e in listed:
            findings.append(
                Finding("R-PLACEHOLDER", fmt.RULE_BY_ID["R-PLACEHOLDER"].severity, e.message, source=e.where, part=part)
            )
        rest = count_placeholder_problems(text or "", values) - len(listed) if len(listed) >= room else 0
        if rest > 0:
            findings.append(
                Finding(
                    "R-PLACEHOLDER",
                    fmt.RULE_BY_ID["R-PLACEHOLDER"].severity,
                    f"另有 {rest} 处占位符有问题，未逐一列出（{FINDINGS_SHOWN.describe()}）",
                    source=Location(file=file),
                    part=part,
                )
            )
    return findings
