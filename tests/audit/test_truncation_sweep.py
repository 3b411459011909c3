"""A report cut anywhere yields only cells it really holds: never a wrong cell, never an error finding.

Consistent synthetic reports (tests/audit/_synth.py) in every published shape are cut at many
points; every cell read must equal the cell written (a cut row's cells are read only where their
place is certain; a cut label is no row; "其他"/"总计" in a header or group label are no rows).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from govreport_kit.audit import audit_text

from . import _synth as S

SHAPES = {
    "pipe": S.render_pipe,
    "run": S.render_run_together,
    "cpl": S.render_cell_per_line,
    "pdf": S.render_pdf_like,
    "md": S.render_markdown,
}


KNOWN = (56, 64, 88, 93, 95, 97, 124, 131, 136, 146, 150, 172, 197)


def wrong_cells(res, cells, form):
    out = []
    for (t, r, c), v in cells.items():
        if (t, r, c) in res.unread_cells:
            continue
        g = res.model.get(t, r, c)
        g = None if g is None or str(g) in ("<NA>", "nan") else g
        if not ((g is None and v is None) or (g is not None and v is not None and Decimal(str(g)) == Decimal(str(v)))):
            out.append(((t, r, c), g, v))
    return out


@pytest.mark.parametrize(
    "seed,form,blanks,big", [(3, "2021", True, False), (5, "2021", False, True), (12, "2019", True, False)]
)
@pytest.mark.parametrize("shape", sorted(SHAPES) + ["html"])
def test_cut_anywhere(shape, seed, form, blanks, big):
    cells = S.make_cells(seed, form=form, blanks=blanks, big=big)
    text = S.render_html_page(cells, form) if shape == "html" else SHAPES[shape](cells, form)
    for k in sorted({*range(3, 200, 8), *KNOWN}):  # KNOWN: cuts that once read a wrong cell
        cut = text[: len(text) * k // 200]
        res = audit_text(cut, f"{shape}-{k}", kind="html" if shape == "html" else "text")
        if res.model is None or res.format != form:  # nothing read, or cut before the headers
            continue
        assert wrong_cells(res, cells, form) == [], (k, cut[-60:])
        assert not res.has_errors, (k, [(f.rule, f.row, f.column) for f in res.findings if f.severity == "error"])
