"""Shared test fixtures: the sample agency-year in code and on disk, input fixtures, the CLI, HTML grids,
documents made in the tests (PDF, Word, LibreOffice), synthetic application ledgers and their projects.

Every helper is a session-scoped fixture (stateless: a constant, a path or a function), so that
tests ask for what they use by name and hypothesis tests can use them too. Audit-specific
generators stay in tests/audit/_synth.py (a library of report renderings, imported by the audit
tests and tests/core/test_model.py); the mail tests' SMTP server is in tests/mail/conftest.py.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import random
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest

from govreport_kit.core import format as fmt
from govreport_kit.core import model as M

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SEED_JSON = HERE / "fixtures" / "sample" / "seed-xishan-edu-2023.json"

XISHAN = dict(
    name="昆明市西山区教育体育局",
    code="xishan-edu",
    region="云南省昆明市西山区",
    address="昆明市西山区秀苑路188号604室",
    postcode="650118",
    phone="0871-68226567",
    email="kmxsjyjbgs@126.com",
)

# ------------------------------------------------------------------------------ paths and constants


@pytest.fixture(scope="session")
def INPUTS() -> Path:
    """tests/fixtures/inputs: files named for the input behaviour they exercise."""
    return HERE / "fixtures" / "inputs"


@pytest.fixture(scope="session")
def SAMPLE_JSON() -> Path:
    """The seed report's tables as expected JSON (canonical codes)."""
    return SEED_JSON


@pytest.fixture(scope="session")
def SAMPLE_PARAMS() -> Path:
    return ROOT / "params" / "xishan-edu" / "2023.yaml"


@pytest.fixture(scope="session")
def SAMPLE_XLSX() -> Path:
    return ROOT / "params" / "xishan-edu" / "2023.xlsx"


@pytest.fixture(scope="session")
def SAMPLE_NARRATIVE() -> Path:
    return ROOT / "params" / "xishan-edu" / "2023.md"


@pytest.fixture(scope="session")
def AGENCY() -> M.Agency:
    """A test agency that is not the sample's."""
    return M.Agency(
        name="测试区教育局", code="test-edu", region="测试省测试市", postcode="650118", phone="0871-1234567"
    )


@pytest.fixture(scope="session")
def SHEETS() -> SimpleNamespace:
    """The workbook's table sheet names: ``SHEETS.t2``, ``SHEETS.t3``, ``SHEETS.t4``."""
    return SimpleNamespace(
        t2=fmt.TABLE_SHORT_NAMES["table2"], t3=fmt.TABLE_SHORT_NAMES["table3"], t4=fmt.TABLE_SHORT_NAMES["table4"]
    )


# ------------------------------------------------------------------------------ models in code


def _seed_cells(path: Path = SEED_JSON):
    """(table, row, column, value) of the seed report's three tables (expected JSON layout)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return M.cells_from_dict({t: data[t] for t in fmt.TABLE_CODES})


@pytest.fixture(scope="session")
def seed_model():
    """``seed_model(narrative=None, **kw)``: the sample agency-year (西山区教育体育局 2023), with a part 五."""

    def make(narrative: dict[str, str] | None = None, **kwargs) -> M.AgencyYear:
        if narrative is None:
            narrative = {"problems": "部分稿件存在错敏字词，已整改。"}
        return M.from_cells(M.Agency(**XISHAN), 2023, _seed_cells(), narrative=narrative, **kwargs)

    return make


@pytest.fixture(scope="session")
def previous_of():
    """``previous_of(model)``: a previous year consistent with it for R-X-CARRY and R-X-STOCK."""

    def make(model: M.AgencyYear) -> M.AgencyYear:
        cells = [("table3", "carried_forward", c, model.get("table3", "carried", c)) for c in model.table3.columns]
        if model.format == "2021":
            for row in ("regulations", "normative_documents"):
                prev = (
                    model.get("table2", row, "in_force")
                    - model.get("table2", row, "issued")
                    + model.get("table2", row, "repealed")
                )
                cells.append(("table2", row, "in_force", prev))
        return M.from_cells(model.agency, model.year - 1, cells, form=model.format)

    return make


@pytest.fixture(scope="session")
def sample_model():
    """``sample_model(name=…, code=…, **kw)``: the sample's tables under the given agency name and code."""

    def make(name: str = "昆明市西山区教育体育局", code: str = "xishan-edu", **kwargs) -> M.AgencyYear:
        agency = M.Agency(
            name=name,
            code=code,
            address="昆明市西山区秀苑路188号604室",
            postcode="650118",
            phone="0871-68226567",
            email="kmxsjyjbgs@126.com",
        )
        return M.from_cells(agency, 2023, list(_seed_cells()), **kwargs)

    return make


@pytest.fixture(scope="session")
def varied_model(AGENCY):
    """``varied_model(year=2023)``: every kind of cell: counts, a 万元 decimal, blanks, not-applicable cells."""

    def make(year: int = 2023) -> M.AgencyYear:
        m = M.from_cells(AGENCY, year, list(_seed_cells()))
        m.set("table2", "fees_wan_yuan", "value", Decimal("103.3879"))
        m.set("table2", "licensing", "value", 1234)
        m.set("table3", "granted", "commercial", None, state="na")
        m.set("table4", "review", "pending", None, state="blank")
        return m

    return make


# ------------------------------------------------------------------------------ files and the CLI


def _snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    out = {}
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            out[p.relative_to(folder).as_posix()] = (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
    return out


def _run_cli(
    *args: str, cwd: Path = ROOT, timeout: float = 120, env: dict | None = None, **kw
) -> subprocess.CompletedProcess:
    """``python -m govreport_kit.cli ARGS`` of this checkout in ``cwd`` (the project is found from there)."""
    full_env = {k: v for k, v in os.environ.items() if k != "GOVREPORT_PROJECT"}
    full_env.update({"PYTHONIOENCODING": "utf-8", "PYTHONPATH": str(ROOT), **(env or {})})
    return subprocess.run(
        [sys.executable, "-m", "govreport_kit.cli", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=timeout,
        **kw,
    )


@pytest.fixture(scope="session")
def snapshot():
    """``snapshot(folder)``: {relative path: (sha256, mtime_ns)} of every file under it."""
    return _snapshot


@pytest.fixture(scope="session")
def run_cli():
    """``run_cli(*args, cwd=ROOT, timeout=120, env=None, **subprocess_kw)``: ``python -m govreport_kit.cli``
    in a subprocess (text, UTF-8)."""
    return _run_cli


@pytest.fixture(scope="session")
def assert_cli_refuses():
    """``assert_cli_refuses(path, *needles, folder=None)``: `govreport check PATH` exits 2 with every
    needle in its message, no traceback, and no file in ``folder`` changed."""

    def check(path: Path, *needles: str, folder: Path | None = None) -> str:
        folder = folder or path.parent
        before = _snapshot(folder)
        res = _run_cli("check", str(path))
        assert res.returncode == 2, (res.returncode, res.stdout, res.stderr)
        assert "Traceback" not in res.stderr
        assert res.stderr.startswith("错误："), res.stderr
        for needle in needles:
            assert needle in res.stderr, (needle, res.stderr)
        assert _snapshot(folder) == before
        return res.stderr

    return check


@pytest.fixture(scope="session")
def edit_workbook():
    """``edit_workbook(src, dst, sheet, D5="两件", …)``: a copy of a workbook with some cells changed."""

    def edit(src: Path, dst: Path, sheet: str, **cells) -> Path:
        from openpyxl import load_workbook

        wb = load_workbook(src)
        ws = wb[sheet]
        for ref, value in cells.items():
            ws[ref] = value
        wb.save(dst)
        return dst

    return edit


def _address(table: str, form: str, find) -> str:
    from openpyxl.utils import get_column_letter

    from govreport_kit.inputs.template import layout

    r, c = find(*layout(table, form))
    return f"{get_column_letter(c)}{r}"


@pytest.fixture(scope="session")
def label_cell():
    """``label_cell(table, label, form="2021")``: the template address of a label (e.g. of “2.重复申请”)."""

    def find(table: str, label: str, form: str = "2021") -> str:
        def pick(labels, _cells):
            for p in labels:
                if p.text == label:
                    return p.row, p.col
            raise KeyError(label)

        return _address(table, form, pick)

    return find


@pytest.fixture(scope="session")
def value_cell():
    """``value_cell(table, row, column, form="2021")``: the template address of a value cell."""

    def find(table: str, row: str, column: str, form: str = "2021") -> str:
        return _address(table, form, lambda _labels, cells: cells[(row, column)])

    return find


# ------------------------------------------------------------------------------ HTML


@pytest.fixture(scope="session")
def parse():
    """``parse(html)``: an lxml element wrapping the fragment."""
    from lxml import html as lxml_html

    return lambda html: lxml_html.fromstring(f"<div>{html}</div>")


@pytest.fixture(scope="session")
def grid():
    """``grid(table_el)``: the table as a rectangular grid of cell elements, spans applied (None where none lands)."""

    def make(table_el) -> list[list[object]]:
        rows = table_el.xpath("./thead/tr | ./tbody/tr | ./tr")
        occupied: dict[tuple[int, int], object] = {}
        for i, tr in enumerate(rows):
            j = 0
            for cell in tr.xpath("./th | ./td"):
                while (i, j) in occupied:
                    j += 1
                rs, cs = int(cell.get("rowspan", 1)), int(cell.get("colspan", 1))
                for di in range(rs):
                    for dj in range(cs):
                        assert (i + di, j + dj) not in occupied, f"overlapping cells at row {i + di}, column {j + dj}"
                        occupied[(i + di, j + dj)] = cell
                j += cs
        n_cols = max(j for _, j in occupied) + 1
        return [[occupied.get((i, j)) for j in range(n_cols)] for i in range(len(rows))]

    return make


# ------------------------------------------------------------------------------ agency-years on disk, runs

INJECTION_NAME = "<script>alert(1)</script><img src=x onerror=alert(1)>测试局"
INJECTION_NARRATIVE = """开头：<script>alert(1)</script>

# 一、总体情况

正文里的 <img src=x onerror=alert(1)> 与 [点我](javascript:alert(1)) 以及 <a href="javascript:alert(2)">链接</a>。
本年新收申请{{ table3.new.total }}件。

# 五、存在的主要问题及改进情况

无。

# 六、其他需要报告的事项

无。
"""


@pytest.fixture(scope="session")
def INJECTION() -> SimpleNamespace:
    """Hostile text for an agency name and a narrative (``INJECTION.name``, ``INJECTION.narrative``)."""
    return SimpleNamespace(name=INJECTION_NAME, narrative=INJECTION_NARRATIVE)


@pytest.fixture(scope="session")
def write_agency():
    """``write_agency(root, code, *, name, narrative, changes, year)``: ``root/params/<code>/<year>.yaml``
    with workbook and narrative, from the repository's sample; returns the params path."""

    def write(
        root: Path,
        code: str = "xishan-edu",
        *,
        name: str | None = None,
        narrative: str | None = None,
        changes: dict[tuple[str, str, str], object] | None = None,
        year: int = 2023,
    ) -> Path:
        from govreport_kit.core import paths
        from govreport_kit.inputs.load import load_agency_year
        from govreport_kit.inputs.template import write_workbook

        sample = load_agency_year(paths.sample_params())
        sample.agency.code = code
        if name is not None:
            sample.agency.name = name
        for (t, r, c), v in (changes or {}).items():
            sample.set(t, r, c, v)
        folder = root / "params" / code
        folder.mkdir(parents=True, exist_ok=True)
        write_workbook(folder / f"{year}.xlsx", sample)
        md = (
            narrative if narrative is not None else paths.sample_params().with_suffix(".md").read_text(encoding="utf-8")
        )
        (folder / f"{year}.md").write_text(md, encoding="utf-8")
        yaml_text = paths.sample_params().read_text(encoding="utf-8").replace("code: xishan-edu", f"code: {code}")
        if name is not None:
            yaml_text = yaml_text.replace(
                "name: 昆明市西山区教育体育局", "name: " + json.dumps(name, ensure_ascii=False)
            )
        (folder / f"{year}.yaml").write_text(yaml_text, encoding="utf-8")
        return folder / f"{year}.yaml"

    return write


@pytest.fixture(scope="session")
def notebook_with_cell():
    """``notebook_with_cell(dest, source, before_last=True)``: the report notebook with one extra code cell."""

    def make(dest: Path, source: str, *, before_last: bool = True) -> Path:
        import nbformat

        from govreport_kit.core import paths

        nb = nbformat.read(str(paths.report_notebook()), as_version=4)
        cell = nbformat.v4.new_code_cell(source, id="extra")
        nb.cells.insert(len(nb.cells) - 1 if before_last else len(nb.cells), cell)
        nbformat.write(nb, str(dest))
        return dest

    return make


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory):
    """``sample_run(key="review", **kw)``: the sample rendered once per session (a real kernel run), by key."""
    from govreport_kit.running.runner import run_report

    runs: dict[str, object] = {}

    def run(key: str = "review", **kwargs):
        if key not in runs:
            runs[key] = run_report(None, outputs_root=tmp_path_factory.mktemp(f"sample-{key}"), **kwargs)
        return runs[key]

    return run


# ------------------------------------------------------------------------------ documents (PDF, Word)
# Our rendered report printed to PDF by WeasyPrint (page headers and footers, table 三 split over
# pages, look-alike radicals, tables without lines), a PDF without a text layer, LibreOffice
# conversions, consistent models with every cell non-zero, cell-by-cell comparison.

DOC_CSS = """
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
DOC_FOOTERS = {
    "page_of": '"第 " counter(page) " 页 共 " counter(pages) " 页"',
    "dashes": '"- " counter(page) " -"',
    "slash": 'counter(page) "/" counter(pages)',
}


def _report_html(
    model,
    *,
    header: str = "政府信息公开专栏",
    footer: str = "page_of",
    before_table3: str = "",
    narrative: dict | None = None,
) -> str:
    """A whole report page from the renderer: title, preamble, parts 一 … 六 with tables 二 … 四."""
    from govreport_kit.report import prose, render

    narrative = narrative or {}
    parts = [
        str(prose.title_html(model)),
        str(prose.part_html("preamble", narrative.get("preamble") or prose.default_preamble(model))),
    ]
    for p in fmt.PARTS[1:]:
        if p.code in fmt.TABLE_CODES:
            if p.code == "table3" and before_table3:
                parts.append(before_table3)
            parts.append(str(render.table_section_html(model, p.code)))
        else:
            parts.append(str(prose.part_html(p.code, narrative.get(p.code, "本部分内容从略。"))))
    css = DOC_CSS.replace("HEADER", header).replace("FOOTER", DOC_FOOTERS[footer])
    head = f'<html lang="zh-CN"><head><meta charset="utf-8"><style>{css}</style></head>'
    return head + f"<body>{''.join(parts)}</body></html>"


def _html_to_pdf(html: str) -> bytes:
    import weasyprint

    return weasyprint.HTML(string=html).write_pdf()


def _image_only_pdf(text: str = "扫描件") -> bytes:
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


def _nonzero_model(agency, year: int = 2023, seed: int = 0):
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


def _same_cells(got, want) -> list[str]:
    """Differences between two models' cells (value and blank/NA state), cell by cell."""
    from decimal import Decimal

    diffs = []
    for t, r, c, v in want.iter_cells():
        g = got.get(t, r, c)
        plain = [None if type(x).__name__ == "NAType" or x is None else Decimal(str(x)) for x in (g, v)]
        if plain[0] != plain[1] or got.state(t, r, c) != want.state(t, r, c):
            diffs.append(f"{t}.{r}.{c}: got {g!r} ({got.state(t, r, c)}), want {v!r} ({want.state(t, r, c)})")
    return diffs


def _soffice_convert(src, out_dir, to: str, *, flags=(), timeout: int = 180):
    """``soffice --headless --convert-to TO`` into ``out_dir`` with a fresh profile; the finished process.

    Skips the test when LibreOffice is not installed."""
    import shutil
    import subprocess
    import tempfile
    from pathlib import Path

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="govreport-lo-") as profile:
        return subprocess.run(
            [soffice, f"-env:UserInstallation=file://{profile}", "--headless", *flags, "--convert-to", to]
            + ["--outdir", str(out_dir), str(src)],
            capture_output=True,
            text=True,
            timeout=timeout,
        )


@pytest.fixture(scope="session")
def soffice_convert():
    """``soffice_convert(src, out_dir, to, *, flags=(), timeout=180)``: see :func:`_soffice_convert`."""
    return _soffice_convert


def _libreoffice_pdf(docx_path, out_dir):
    """``soffice --headless --convert-to pdf`` with a fresh profile; the PDF's path."""
    from pathlib import Path

    res = _soffice_convert(docx_path, out_dir, "pdf")
    if res.returncode:
        raise subprocess.CalledProcessError(res.returncode, res.args, res.stdout, res.stderr)
    return Path(out_dir) / (Path(docx_path).stem + ".pdf")


#: Debian's Chromium for the browser tests, with nothing that would reach the network by itself.
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
)


@pytest.fixture(scope="session")
def launch_chromium():
    """``launch_chromium(playwright)``: a headless Chromium browser; skips when Chromium is not installed."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")

    def launch(playwright):
        return playwright.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS), headless=True)

    return launch


def _pdf_pages_png(pdf_path, prefix, dpi: int = 80) -> list:
    """``pdftoppm`` every page to ``<prefix>-N.png``; the PNG paths."""
    import subprocess
    from pathlib import Path

    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf_path), str(prefix)], check=True, timeout=120)
    return sorted(Path(prefix).parent.glob(Path(prefix).name + "-*.png"))


@pytest.fixture(scope="session")
def report_html():
    """``report_html(model, *, header=…, footer="page_of", before_table3="", narrative=None)``: a whole
    report page from the renderer (title, preamble, parts 一 … 六 with tables 二 … 四), styled for print."""
    return _report_html


@pytest.fixture(scope="session")
def html_to_pdf():
    """``html_to_pdf(html)``: the page printed by WeasyPrint (bytes)."""
    return _html_to_pdf


@pytest.fixture(scope="session")
def image_only_pdf():
    """``image_only_pdf(text="扫描件")``: a one-page PDF that is only a picture (no text layer)."""
    return _image_only_pdf


@pytest.fixture(scope="session")
def nonzero_model():
    """``nonzero_model(agency, year=2023, seed=0)``: a consistent model in which every cell is non-zero."""
    return _nonzero_model


@pytest.fixture(scope="session")
def same_cells():
    """``same_cells(got, want)``: differences between two models' cells (value and state), cell by cell."""
    return _same_cells


@pytest.fixture(scope="session")
def libreoffice_pdf():
    """``libreoffice_pdf(docx_path, out_dir)``: ``soffice --convert-to pdf`` with a fresh profile; the PDF's path."""
    return _libreoffice_pdf


@pytest.fixture(scope="session")
def pdf_pages_png():
    """``pdf_pages_png(pdf_path, prefix, dpi=80)``: every page as ``<prefix>-N.png``; the PNG paths."""
    return _pdf_pages_png


# ------------------------------------------------------------------------------ application ledgers
# Deterministic (``random.Random(seed)``). ``independent_count`` counts table 三 straight from the
# generated dicts with the definitions, without the code under test.

APPLICANT_LABELS = {
    "natural_person": "自然人",
    "commercial": "商业企业",
    "research": "科研机构",
    "social_welfare": "社会公益组织",
    "legal_service": "法律服务机构",
    "other_org": "其他",
}
_LEDGER_HEADER = [
    "编号",
    "收到日期",
    "申请人类型",
    "申请方式",
    "补正完成日期",
    "延长答复期限",
    "办结日期",
    "办理结果",
    "收费金额（元）",
    "备注",
]
LEDGER_CODES = [
    "id",
    "received",
    "applicant",
    "channel",
    "corrected",
    "extended",
    "closed",
    "outcome",
    "fee_yuan",
    "note",
]


def _synth_ledger(n: int = 360, years=(2022, 2023, 2024), seed: int = 12) -> list[dict]:
    """``n`` applications received over ``years``; some open at the end, some crossing a year."""
    rng = random.Random(seed)
    first, last = dt.date(years[0], 1, 1), dt.date(years[-1], 12, 31)
    span = (last - first).days
    outcomes = list(fmt.T3_OUTCOME_ROWS)
    rows = []
    for i in range(n):
        received = first + dt.timedelta(days=rng.randrange(span + 1))
        applicant = rng.choices(list(APPLICANT_LABELS), weights=[60, 15, 3, 3, 4, 15])[0]
        corrected = received + dt.timedelta(days=rng.randrange(1, 10)) if rng.random() < 0.1 else None
        extended = rng.random() < 0.1
        closed = received + dt.timedelta(days=rng.randrange(0, 75)) if rng.random() < 0.93 else None
        if closed is not None and corrected is not None and closed < corrected:
            closed = corrected
        if closed is not None and closed > last:
            closed = None  # still open when the ledger was exported
        outcome = rng.choice(outcomes) if closed is not None else None
        # half the outcomes by label, some with the group prefix, a few by code
        if outcome is not None:
            style = rng.random()
            text = (
                fmt.ledger_outcome_choice(outcome)
                if style < 0.4
                else outcome
                if style < 0.5
                else fmt.row_label("table3", outcome)
            )
        else:
            text = ""
        fee = Decimal(rng.choice([100, 200, 300])) if closed is not None and rng.random() < 0.05 else None
        rows.append(
            {
                "id": f"YSQ-{i + 1:04d}",
                "received": received,
                "applicant": APPLICANT_LABELS[applicant],
                "applicant_code": applicant,
                "channel": rng.choice(fmt.LEDGER_CHANNELS),
                "corrected": corrected,
                "extended": "是" if extended else "",
                "closed": closed,
                "outcome": text,
                "outcome_code": outcome,
                "fee_yuan": fee,
                "note": "",
            }
        )
    return rows


def _independent_count(rows: list[dict], year: int) -> dict[tuple[str, str], int]:
    """Table 三 of ``year`` counted by hand from the generator's own fields (not the code under test)."""
    out: dict[tuple[str, str], int] = {}
    y0, y1 = dt.date(year, 1, 1), dt.date(year, 12, 31)

    def add(row, col):
        out[(row, col)] = out.get((row, col), 0) + 1
        out[(row, "total")] = out.get((row, "total"), 0) + 1

    for r in rows:
        a, rec, clo = r["applicant_code"], r["received"], r["closed"]
        if y0 <= rec <= y1:
            add("new", a)
        if rec < y0 and (clo is None or clo >= y0):
            add("carried", a)
        if clo is not None and y0 <= clo <= y1:
            add(r["outcome_code"], a)
            add("total", a)
        if rec <= y1 and (clo is None or clo > y1):
            add("carried_forward", a)
    return out


def _ledger_cell(v) -> str:
    if v is None:
        return ""
    return v.isoformat() if isinstance(v, dt.date) else str(v)


def _ledger_csv(rows: list[dict], encoding: str = "utf-8") -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(_LEDGER_HEADER)
    for r in rows:
        w.writerow([_ledger_cell(r.get(c)) for c in LEDGER_CODES])
    return buf.getvalue().encode(encoding)


def _write_project(
    root: Path,
    year: int,
    ledger_rows: list[dict] | None,
    *,
    code: str = "ledger-test",
    table3: dict[tuple[str, str], int] | None = None,
    ledger_name: str | None = None,
    ledger_bytes: bytes | None = None,
    previous: bool = True,
    table4: dict[tuple[str, str], int] | None = None,
    report: str = "",
) -> Path:
    """params/<code>/<year>.yaml with a long-form data file (tables 二, 四, optional 三) and a ledger."""
    folder = root / "params" / code
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["table,row,column,value"]
    lines += [f"table2,{r},{c},0" for r, c in fmt.cells("table2")]
    lines += [f"table4,{r},{c},{(table4 or {}).get((r, c), 0)}" for r, c in fmt.cells("table4")]
    for (r, c), v in (table3 or {}).items():
        lines.append(f"table3,{r},{c},{v}")
    (folder / f"{year}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    name = ledger_name or f"{year}-ledger.csv"
    (folder / name).parent.mkdir(parents=True, exist_ok=True)
    if ledger_bytes is not None:
        (folder / name).write_bytes(ledger_bytes)
    elif ledger_rows is not None:
        (folder / name).write_bytes(_ledger_csv(ledger_rows))
    params = [f"agency:\n  code: {code}\n  name: 台账测试局", f"year: {year}", f"data: {year}.csv"]
    if ledger_rows is not None or ledger_bytes is not None:
        params.append(f"ledger: {name}")
    if not previous:
        params.append("previous: null")
    if report:
        params.append("report:\n" + report)
    path = folder / f"{year}.yaml"
    path.write_text("\n".join(params) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def LEDGER_HEADER() -> list[str]:
    """The ledger template's column headers, in order."""
    return list(_LEDGER_HEADER)


@pytest.fixture(scope="session")
def synth_ledger():
    """``synth_ledger(n=360, years=(2022, 2023, 2024), seed=12)``: applications as dicts (some open, some
    crossing a year)."""
    return _synth_ledger


@pytest.fixture(scope="session")
def independent_count():
    """``independent_count(rows, year)``: table 三 of ``year`` counted by hand from the generator's fields."""
    return _independent_count


@pytest.fixture(scope="session")
def ledger_csv():
    """``ledger_csv(rows, encoding="utf-8")``: the rows as a ledger CSV (bytes)."""
    return _ledger_csv


@pytest.fixture(scope="session")
def write_project():
    """``write_project(root, year, ledger_rows, *, code=…, table3=…, ledger_name=…, ledger_bytes=…,
    previous=True, table4=…, report="")``: params/<code>/<year>.yaml with a long-form data file and a ledger."""
    return _write_project


@pytest.fixture(scope="session")
def modules_imported_by():
    """``modules_imported_by(code, names)``: which of ``names`` a fresh interpreter has imported
    after running ``code`` (which must succeed), sorted."""

    def run(code: str, names: tuple[str, ...]) -> list[str]:
        probe = f"\nimport json, sys\nprint(json.dumps(sorted(m for m in {tuple(names)!r} if m in sys.modules)))\n"
        out = subprocess.run([sys.executable, "-c", code + probe], capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout.strip().splitlines()[-1])

    return run
