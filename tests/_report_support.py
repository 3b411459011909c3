"""Shared helpers for the report tests (render, runner, browser): sample models and HTML grids."""

from __future__ import annotations

import json
from pathlib import Path

from lxml import html as lxml_html

from govreport_kit.core import model as M

SAMPLE_TABLES = Path(__file__).parent / "fixtures" / "sample" / "seed-xishan-edu-2023.json"


def sample_cells(path: Path = SAMPLE_TABLES):
    """(table, row, column, value) of the sample agency (the seed's three tables)."""
    d = json.loads(path.read_text(encoding="utf-8"))
    return M.cells_from_dict({t: d[t] for t in ("table2", "table3", "table4")})


def sample_model(name: str = "昆明市西山区教育体育局", code: str = "xishan-edu", **kwargs) -> M.AgencyYear:
    agency = M.Agency(name=name, code=code, address="昆明市西山区秀苑路188号604室", postcode="650118",
                      phone="0871-68226567", email="kmxsjyjbgs@126.com")
    return M.from_cells(agency, 2023, list(sample_cells()), **kwargs)


def parse(html: str):
    return lxml_html.fromstring(f"<div>{html}</div>")


def grid(table_el) -> list[list[object]]:
    """The table as a rectangular grid of cell elements, spans applied (None where no cell lands)."""
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
    n_rows = len(rows)
    n_cols = max(j for _, j in occupied) + 1
    return [[occupied.get((i, j)) for j in range(n_cols)] for i in range(n_rows)]


# -------------------------------------------------------------------------------------------
# Agency-years on disk (params + workbook + narrative), derived from the repository's sample

INJECTION_NAME = '<script>alert(1)</script><img src=x onerror=alert(1)>测试局'
INJECTION_NARRATIVE = """开头：<script>alert(1)</script>

# 一、总体情况

正文里的 <img src=x onerror=alert(1)> 与 [点我](javascript:alert(1)) 以及 <a href="javascript:alert(2)">链接</a>。
本年新收申请{{ table3.new.total }}件。

# 五、存在的主要问题及改进情况

无。

# 六、其他需要报告的事项

无。
"""


def write_agency(root: Path, code: str = "xishan-edu", *, name: str | None = None, narrative: str | None = None,
                 changes: dict[tuple[str, str, str], object] | None = None, year: int = 2023) -> Path:
    """``root/params/<code>/<year>.yaml`` with workbook and narrative; returns the params path.

    Starts from the repository's sample (its workbook values and narrative); ``changes`` sets
    cells before the workbook is written.
    """
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
    md = narrative if narrative is not None else (paths.sample_params().with_suffix(".md")).read_text(encoding="utf-8")
    (folder / f"{year}.md").write_text(md, encoding="utf-8")
    yaml_text = paths.sample_params().read_text(encoding="utf-8")
    yaml_text = yaml_text.replace("code: xishan-edu", f"code: {code}")
    if name is not None:
        yaml_text = yaml_text.replace("name: 昆明市西山区教育体育局", "name: " + json.dumps(name, ensure_ascii=False))
    (folder / f"{year}.yaml").write_text(yaml_text, encoding="utf-8")
    return folder / f"{year}.yaml"


def notebook_with_cell(dest: Path, source: str, *, before_last: bool = True) -> Path:
    """The real report notebook with one extra code cell (before the end-marker cell by default)."""
    import nbformat

    from govreport_kit.core import paths

    nb = nbformat.read(str(paths.report_notebook()), as_version=4)
    cell = nbformat.v4.new_code_cell(source, id="extra")
    nb.cells.insert(len(nb.cells) - 1 if before_last else len(nb.cells), cell)
    nbformat.write(nb, str(dest))
    return dest


_SAMPLE_RUNS: dict[str, object] = {}


def sample_run(key: str = "review", **kwargs):
    """The sample rendered once per test process (a real kernel run), by key; a RunResult."""
    import tempfile

    from govreport_kit.running.runner import run_report

    if key not in _SAMPLE_RUNS:
        import atexit
        import shutil

        root = Path(tempfile.mkdtemp(prefix=f"govreport-test-{key}-"))
        atexit.register(shutil.rmtree, root, ignore_errors=True)
        _SAMPLE_RUNS[key] = run_report(None, outputs_root=root, **kwargs)
    return _SAMPLE_RUNS[key]
