"""Write a region's roll-up: ``rollup.json``, then ``notebooks/rollup.ipynb`` executed and exported.

The notebook runs in a fresh kernel through the same papermill + nbconvert path as the reports
(:mod:`govreport_kit.running.execute`), with the same template family, and the HTML lands in
``outputs/_regions/<region>/<year>/rollup.html`` (``--pdf``: ``rollup.pdf`` beside it when the PDF
writer is installed). A failed run leaves the earlier files as they were.
"""

from __future__ import annotations

import json
from pathlib import Path

from govreport_kit.core import paths
from govreport_kit.core.errors import RunError
from govreport_kit.core.files import atomic_write
from govreport_kit.office.rollup import Rollup

ROLLUP_NOTEBOOK = "rollup.ipynb"
TIMEOUT = 300


def rollup_notebook() -> Path:
    own = paths.notebooks_dir() / ROLLUP_NOTEBOOK
    return own if own.is_file() else paths.packaged_notebook(ROLLUP_NOTEBOOK)


def write_rollup(r: Rollup, *, pdf: bool = False, outputs_dir: Path | None = None) -> list[Path]:
    from govreport_kit.office.workflow import REGIONS_OUTPUT
    from govreport_kit.running import kernels
    from govreport_kit.running.runner import _fast_jupyter_imports

    out = (outputs_dir or paths.outputs_dir()) / REGIONS_OUTPUT / r.region / str(r.year)
    out.mkdir(parents=True, exist_ok=True)
    data = json.dumps(r.to_dict(), ensure_ascii=False, indent=1, sort_keys=True, default=str) + "\n"
    json_path = atomic_write(out / "rollup.json", data)
    notebook = rollup_notebook()
    km = kernels.start_kernel(cwd=out, prewarm=False)
    try:
        with _fast_jupyter_imports():
            from govreport_kit.running import execute
        params = {"region": r.region, "year": r.year, "rollup_json": str(json_path)}
        nb, failure = execute.execute_notebook(notebook, params, km, timeout=TIMEOUT)
        if failure is None:
            _, failure = execute.read_marker(nb)
        if failure is not None:
            raise RunError(f"汇总 notebook 执行失败：{failure[1]}")
        html = execute.export_html(nb)
    finally:
        kernels.dispose_kernel(km)
    written = [json_path, atomic_write(out / "rollup.html", html)]
    if pdf:
        try:
            from govreport_kit.report.pdf import html_to_pdf
        except ImportError:
            raise RunError("本安装没有 PDF 输出功能", fix="安装 PDF 依赖后重试，或去掉 --pdf") from None
        written.append(atomic_write(out / "rollup.pdf", html_to_pdf(html)))
    return written
