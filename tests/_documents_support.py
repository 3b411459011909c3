"""Documents made in the tests: our rendered report printed to PDF by WeasyPrint (page headers and
footers, table 三 split over pages, look-alike radicals, tables without lines), a PDF without a text
layer, LibreOffice conversions, consistent models with every cell non-zero, cell-by-cell comparison."""

from __future__ import annotations

import io

from govreport_kit.core import format as fmt
from govreport_kit.report import render

CSS = """
@page { size: A4; margin: 22mm 16mm;
  @top-center { content: "HEADER"; font-size: 9pt }
  @bottom-center { content: FOOTER; font-size: 9pt } }
body { font-family: "Noto Serif CJK SC", "Noto Sans CJK SC", serif; font-size: 10.5pt; line-height: 1.6 }
h1 { font-size: 16pt; text-align: center } h2 { font-size: 12pt }
table { border-collapse: collapse; width: 100%; margin: 4pt 0 10pt }
th, td { border: 0.6pt solid #000; padding: 2pt 3pt; font-weight: normal; text-align: center; vertical-align: middle }
th.label, th[scope=row] { text-align: left }
thead { display: table-header-group }
tr { break-inside: avoid }
"""
FOOTERS = {
    "page_of": '"第 " counter(page) " 页 共 " counter(pages) " 页"',
    "dashes": '"- " counter(page) " -"',
    "slash": 'counter(page) "/" counter(pages)',
}


def report_html(
    model,
    *,
    header: str = "政府信息公开专栏",
    footer: str = "page_of",
    before_table3: str = "",
    narrative: dict | None = None,
) -> str:
    """A whole report page from the renderer: title, preamble, parts 一 … 六 with tables 二 … 四."""
    narrative = narrative or {}
    parts = [
        str(render.title_html(model)),
        str(render.part_html("preamble", narrative.get("preamble") or render.default_preamble(model))),
    ]
    for p in fmt.PARTS[1:]:
        if p.code in fmt.TABLE_CODES:
            if p.code == "table3" and before_table3:
                parts.append(before_table3)
            parts.append(str(render.table_section_html(model, p.code)))
        else:
            parts.append(str(render.part_html(p.code, narrative.get(p.code, "本部分内容从略。"))))
    css = CSS.replace("HEADER", header).replace("FOOTER", FOOTERS[footer])
    head = f'<html lang="zh-CN"><head><meta charset="utf-8"><style>{css}</style></head>'
    return head + f"<body>{''.join(parts)}</body></html>"


def html_to_pdf(html: str) -> bytes:
    import weasyprint

    return weasyprint.HTML(string=html).write_pdf()


def image_only_pdf(text: str = "扫描件") -> bytes:
    """A one-page PDF that is only a picture (what a scanner makes): no text layer."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (1240, 1754), "white")
    draw = ImageDraw.Draw(img)
    for y in range(200, 1600, 60):
        draw.rectangle((150, y, 1090, y + 30), outline="black")
    buf = io.BytesIO()
    img.save(buf, format="PDF", resolution=150)
    return buf.getvalue()


# -------------------------------------------------------------------------------------------
# Models and comparisons


def nonzero_model(agency, year: int = 2023, seed: int = 0):
    """A consistent model (every E-rule holds) in which every cell is non-zero."""
    import random
    from decimal import Decimal

    from govreport_kit.core.model import from_cells

    rng = random.Random(seed)
    cells = {}
    for c in fmt.T3_COMPONENT_COLUMNS:
        for r in fmt.T3_OUTCOME_ROWS:
            cells[("table3", r, c)] = rng.randint(1, 60)
        total = sum(cells[("table3", r, c)] for r in fmt.T3_OUTCOME_ROWS)
        carried, forward = rng.randint(1, 9), rng.randint(1, 9)
        cells.update(
            {
                ("table3", "total", c): total,
                ("table3", "carried", c): carried,
                ("table3", "carried_forward", c): forward,
                ("table3", "new", c): total + forward - carried,
            }
        )
    for r in fmt.T3_ROWS:
        cells[("table3", r.code, "total")] = sum(cells[("table3", r.code, c)] for c in fmt.T3_COMPONENT_COLUMNS)
    for g in fmt.T4_GROUPS:
        parts = [rng.randint(1, 20) for _ in range(4)]
        cells.update({("table4", g.code, res.code): v for res, v in zip(fmt.T4_RESULTS, parts)})
        cells[("table4", g.code, "total")] = sum(parts)
    for r, c in fmt.cells("table2"):
        cells[("table2", r, c)] = (
            Decimal(rng.randint(1, 10**6)) / 10 ** rng.randint(2, 6)
            if fmt.is_decimal_cell("table2", r, c)
            else rng.randint(1, 999)
        )
    return from_cells(agency, year, [(t, r, c, v) for (t, r, c), v in cells.items()])


def same_cells(got, want) -> list[str]:
    """Differences between two models' cells (value and blank/NA state), cell by cell."""
    from decimal import Decimal

    diffs = []
    for t, r, c, v in want.iter_cells():
        g = got.get(t, r, c)
        plain = [None if type(x).__name__ == "NAType" or x is None else Decimal(str(x)) for x in (g, v)]
        if plain[0] != plain[1] or got.state(t, r, c) != want.state(t, r, c):
            diffs.append(f"{t}.{r}.{c}: got {g!r} ({got.state(t, r, c)}), want {v!r} ({want.state(t, r, c)})")
    return diffs


def libreoffice_pdf(docx_path, out_dir):
    """``soffice --headless --convert-to pdf`` with a fresh profile; the PDF's path."""
    import subprocess
    import tempfile
    from pathlib import Path

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="govreport-lo-") as profile:
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out_dir),
                str(docx_path),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
    return out_dir / (Path(docx_path).stem + ".pdf")


def pdf_pages_png(pdf_path, prefix, dpi: int = 80) -> list:
    """``pdftoppm`` every page to ``<prefix>-N.png``; the PNG paths."""
    import subprocess
    from pathlib import Path

    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf_path), str(prefix)], check=True, timeout=120)
    return sorted(Path(prefix).parent.glob(Path(prefix).name + "-*.png"))
