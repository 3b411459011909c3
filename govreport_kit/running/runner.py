"""Run one report: params -> fresh kernel (papermill, nbclient) -> offline HTML, notebook, findings.

:func:`run_report` is the whole pipeline; ``govreport run`` and the batch workers call it. The
phases, timed in :attr:`RunResult.timings`:

1. ``validate``: load the params file in this process; the agency code and year it holds (both
   validated) are the only things the output folder is derived from.
2. ``kernel_start``: launch the kernel (see :mod:`govreport_kit.running.kernels`); it boots and imports
   the report module on the other core while this process goes on.
3. ``check``: load the data and run every check here, so the kernel needs no pandera; the
   findings go to the notebook as the plain-JSON parameter ``precomputed``.
4. ``execute``: papermill parameterizes ``notebooks/report.ipynb`` and runs it with its nbclient
   engine on that kernel, which is killed as soon as the notebook ends.
5. ``export``: a reused ``HTMLExporter`` with the package's ``govreport`` template, after
   normalising what varies between runs (cell ids, timestamps, durations).
6. ``write``: ``report.html``, ``report.ipynb`` and ``findings.json`` under
   ``<outputs>/<agency-code>/<year>/``, each via a temporary file and ``os.replace``.

Success is decided by the notebook's own end marker (:data:`govreport_kit.report.notebook.MARKER_MIME`).
On a failed cell, a timeout or a dead kernel, the partial notebook (papermill's error banner on
top) is kept as ``report.failed.ipynb`` and the previous outputs are left untouched.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from govreport_kit.core import paths
from govreport_kit.core.errors import GovReportError, Location, ParamsError

OK, FINDINGS, FAILED = "ok", "findings", "failed"
TEMPLATES_DIR = paths.TEMPLATES_DIR
TEMPLATE_NAME = "govreport"
OUTPUT_FILES = {"html": "report.html", "notebook": "report.ipynb", "findings": "findings.json", "docx": "report.docx",
                "pdf": "report.pdf"}
FAILED_NOTEBOOK = "report.failed.ipynb"
FILE_MODE = 0o644  # mkstemp creates 0600; reports are meant to be shared


@dataclass
class RunResult:
    """What became of one report run. Plain data: picklable, JSON-ready via :meth:`to_dict`.

    ``status``: ``ok``; ``findings`` (error findings in the data: a review report was written
    with them listed, a publish report was refused); ``failed`` (bad input, failed cell, timeout,
    dead kernel). ``reason`` is a machine code (``input``, ``refused``, ``cell``, ``timeout``,
    ``dead_kernel``, ``kernel_start``, ``no_marker``, ``export``); ``message`` is Chinese.
    ``retryable`` marks infrastructure failures worth one retry (never data errors).
    """

    status: str
    agency_code: str | None = None
    year: int | None = None
    audience: str = "review"
    html_path: str | None = None
    notebook_path: str | None = None
    findings_path: str | None = None
    pdf_path: str | None = None
    failed_notebook_path: str | None = None
    docx_path: str | None = None  # report.docx, when asked for (``docx=True``)
    errors: int = 0
    warnings: int = 0
    infos: int = 0
    reason: str | None = None
    message: str = ""
    retryable: bool = False
    html_bytes: int = 0
    pdf_bytes: int = 0
    output_dir: str | None = None
    detail: str = ""  # a traceback for ``internal`` failures
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        """0 ok; 2 when the input cannot be read at all; 1 otherwise."""
        if self.status == OK:
            return 0
        return 2 if self.reason == "input" else 1

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# -------------------------------------------------------------------------------------------


def run_report(params_path: str | Path | None = None, *, audience: str | None = "review",
               outputs_root: str | Path | None = None, timeout: float | None = None, kernel=None,
               notebook: str | Path | None = None, check_in_kernel: bool | None = None,
               docx: bool = False, pdf: bool = False, on_executed=None) -> RunResult:
    """Produce one report; never raises for a problem of the report itself (see :class:`RunResult`).

    ``params_path``: a params file (default: the built-in sample). ``audience``: ``review`` or
    ``publish``; None: the params file's ``report.audience``. ``outputs_root``: default
    ``outputs/`` of the project. ``timeout``: seconds for the whole notebook execution (waiting
    for the kernel included), None for no limit. ``notebook``: the notebook to run (default
    ``notebooks/report.ipynb``; it must have the same parameters cell).

    ``kernel``: an already started ``jupyter_client.KernelManager`` from
    :func:`govreport_kit.running.kernels.start_kernel` (e.g. pre-started by a batch worker while the
    previous report ran). It must be fresh (never used for another notebook); ``run_report``
    takes ownership and kills it when done. None: start one here, first thing, so that it boots
    while this process validates and loads.

    ``check_in_kernel``: who runs the checks. False: this process, before execution; the findings
    reach the notebook as the plain-JSON parameter ``precomputed`` (best when this process has
    pandera loaded already, as a batch worker has). True: the notebook checks, as it does in
    JupyterLab (best for one cold run: pandera loads in the kernel, on the other core).
    None: True for a review run on a kernel started here, else False. A publish run is always
    checked here first, so that it can be refused before anything is executed.

    ``docx``: also write ``report.docx`` (:mod:`govreport_kit.report.docx`, from the same model and
    narrative), with the other outputs, all or none.
    ``pdf``: also write ``report.pdf`` from the same HTML (:mod:`govreport_kit.report.pdf`, timed
    as ``pdf``); without it, a ``report.pdf`` left by an earlier run is removed (it would no
    longer match the HTML).
    ``on_executed``: called with no argument once the notebook has run and its kernel is killed,
    before the export (a batch worker forks the next job's kernel there).
    """
    from govreport_kit.running import kernels

    t = _Timer()
    res = RunResult(FAILED, audience=audience)
    km = kernel
    try:
        if audience not in ("review", "publish", None):
            raise ParamsError(f"audience 只能是 review 或 publish，而不是“{audience}”", where=Location(key="audience"))
        if check_in_kernel is None:
            check_in_kernel = kernel is None and audience != "publish"
        params_file = (Path(params_path) if params_path else paths.sample_params()).absolute()
        if not params_file.is_file():
            raise ParamsError("找不到参数文件", where=Location(file=str(params_file)),
                              fix="检查路径；参数文件一般是 params/<机构代码>/<年度>.yaml")
        notebook_path = Path(notebook).absolute() if notebook else paths.report_notebook()
        if km is None:
            km = kernels.start_kernel(cwd=notebook_path.parent, prewarm="checks" if check_in_kernel else True)
        t.lap("kernel_start")

        code, year, default_audience = _validated_identity(params_file)
        res.agency_code, res.year = code, year
        audience = res.audience = audience or default_audience
        check_in_kernel = check_in_kernel and audience == "review"  # a publish run is refused before execution
        out_dir = output_dir(outputs_root, code, year)
        res.output_dir = str(out_dir)
        t.lap("validate")

        from govreport_kit.report import notebook as report

        precomputed, findings, model = "", None, None
        if not check_in_kernel:
            model = report.load(code, year, str(params_file))
            checked = report.compute_findings(model)
            findings = [f.to_dict() for f in checked]
            _count(res, findings)
            refusal = report.refusal_message(checked) if audience == "publish" else None
            if refusal:
                res.status, res.reason, res.message = FINDINGS, "refused", refusal
                return res
            precomputed = report.findings_payload(model, checked)
            t.lap("check")

        parameters = {"agency_code": code, "year": year, "params_path": str(params_file), "audience": audience,
                      "precomputed": precomputed}
        with _fast_jupyter_imports():
            from govreport_kit.running import execute
        warm = execute.warm_exporter_in_background()
        t.lap("prepare")
        nb, failure = execute.execute_notebook(notebook_path, parameters, km, timeout=timeout, timer=t)
        kernels.kill_kernel(km)
        if on_executed is not None:
            on_executed()
        marker = None
        if failure is None:
            marker, failure = execute.read_marker(nb)
        if failure is not None:
            reason, message, retryable = failure
            res.reason, res.message, res.retryable = reason, message, retryable
            res.failed_notebook_path = str(_write_text(out_dir / FAILED_NOTEBOOK, execute.notebook_text(nb)))
            return res
        if findings is None:
            findings = marker.get("findings", [])
            _count(res, findings)

        warm.join()
        html = execute.export_html(nb)
        t.lap("export")
        texts = {"html": html, "notebook": execute.notebook_text(nb),
                 "findings": findings_json(code, year, findings, audience, marker)}
        if docx:
            from govreport_kit.report.docx import document_for

            texts["docx"] = document_for(model or report.load(code, year, str(params_file)), audience)
            t.lap("docx")
        if pdf:
            from govreport_kit.report.pdf import html_to_pdf, source_date

            texts["pdf"] = html_to_pdf(html, created=source_date())
            res.pdf_bytes = len(texts["pdf"])
            t.lap("pdf")
        written = _write_all(out_dir, texts)
        (out_dir / FAILED_NOTEBOOK).unlink(missing_ok=True)
        if pdf:
            res.pdf_path = str(written["pdf"])
        else:
            (out_dir / OUTPUT_FILES["pdf"]).unlink(missing_ok=True)
        res.html_path, res.notebook_path, res.findings_path = (str(written[k]) for k in ("html", "notebook", "findings"))
        res.docx_path = str(written["docx"]) if "docx" in written else None
        res.html_bytes = len(html.encode("utf-8"))
        res.status = FINDINGS if res.errors else OK
        if res.errors:
            res.message = f"报告已生成，但数据中有 {res.errors} 个错误（见报告开头的检查结果）"
        t.lap("write")
        return res
    except GovReportError as e:
        res.reason = "input" if e.exit_code == 2 else "run"
        res.message = e.message
        return res
    except Exception as e:  # a bug or a broken installation: report it, never a bare traceback
        import traceback

        res.reason, res.retryable = "internal", False
        res.message = f"内部错误（{type(e).__name__}）：{e}"
        res.detail = traceback.format_exc()
        return res
    finally:
        if km is not None:
            kernels.dispose_kernel(km)
        res.timings = t.laps


def warm_up() -> None:
    """Import papermill, nbclient, nbconvert and build the exporter now (once per batch worker)."""
    with _fast_jupyter_imports():
        from govreport_kit.running import execute
    execute.warm_exporter_in_background().join()


def output_dir(outputs_root: str | Path | None, agency_code: str, year: int) -> Path:
    """``<outputs_root>/<agency_code>/<year>``, refusing anything that resolves outside the root."""
    from govreport_kit.core.model import agency_code_problem

    problem = agency_code_problem(agency_code)
    if problem or not isinstance(year, int) or isinstance(year, bool) or not 1900 <= year <= 2999:
        raise ParamsError(problem or f"年度“{year}”无效", where=Location(key="agency.code" if problem else "year"))
    root = Path(outputs_root or paths.outputs_dir()).resolve()
    out = (root / agency_code / str(year)).resolve()
    if not out.is_relative_to(root) or out == root:
        raise ParamsError(f"输出目录 {out} 不在输出根目录 {root} 之内", where=Location(key="agency.code"))
    return out


def findings_json(agency_code: str, year: int, findings: list[dict[str, Any]], audience: str,
                  marker: dict[str, Any] | None = None) -> str:
    """``findings.json``: counts and every finding (the keys of ``govreport check --json``), and
    what the report was made from: its tables (canonical codes) and its input files' SHA-256."""
    counts = {s: sum(1 for f in findings if f["severity"] == s) for s in ("error", "warning", "info")}
    doc = {"agency_code": agency_code, "year": int(year), "audience": audience, "counts": counts, "findings": findings}
    for key in ("agency_name", "tables", "inputs"):
        if marker and key in marker:
            doc[key] = marker[key]
    return json.dumps(doc, ensure_ascii=False, indent=1, default=str) + "\n"


# -------------------------------------------------------------------------------------------


def _validated_identity(params_file: Path) -> tuple[str, int, str]:
    """The agency code, year and default audience of a params file, loaded and validated here."""
    from govreport_kit.inputs.params import load_params

    p = load_params(params_file)
    return p.agency.code, p.year, p.report.get("audience") or "review"


def _count(res: RunResult, findings: list[dict[str, Any]]) -> None:
    res.errors = sum(f["severity"] == "error" for f in findings)
    res.warnings = sum(f["severity"] == "warning" for f in findings)
    res.infos = sum(f["severity"] == "info" for f in findings)


def _write_text(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _write_all(out_dir: Path, texts: dict[str, str | bytes]) -> dict[str, Path]:
    """Write every file to a temporary name first, then rename them all into place."""
    from govreport_kit.core.files import atomic_write_many

    out_dir.mkdir(parents=True, exist_ok=True)
    final = {key: out_dir / OUTPUT_FILES[key] for key in texts}
    atomic_write_many({final[key]: data for key, data in texts.items()}, mode=FILE_MODE)
    return final


@contextmanager
def _fast_jupyter_imports():
    """Import nbformat/papermill/nbconvert without jsonschema's ``rfc3987_syntax`` (pitfalls.md).

    With jupyterlab installed, jsonschema imports ``rfc3987_syntax``, which builds a grammar for
    1.1 s to check the ``iri`` format that no notebook schema uses. Blocking that one import
    while jsonschema loads skips only that format checker; the block is lifted afterwards.
    """
    if "jsonschema" in sys.modules or "rfc3987_syntax" in sys.modules:
        yield
        return
    sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]
    try:
        yield
    finally:
        if "rfc3987_syntax" in sys.modules and sys.modules["rfc3987_syntax"] is None:
            del sys.modules["rfc3987_syntax"]


class _Timer:
    def __init__(self):
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = round(self.laps.get(name, 0.0) + now - self._last, 4)
        self._last = now
