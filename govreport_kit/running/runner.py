"""Run one report: params -> fresh kernel (papermill, nbclient) -> offline HTML, notebook, findings.

:func:`run_report` is the whole pipeline; ``govreport run`` and the batch workers call it. The
phases, timed in :attr:`RunResult.timings`:

1. ``validate``: load the params file in this process; the agency code and year it holds (both
   validated) are the only things the output folder is derived from.
2. ``kernel_start``: launch the kernel (see :mod:`govreport_kit.running.kernels`); it boots and imports
   the report module on the other core while this process goes on.
3. ``check``: load the data and run every check here, so the kernel needs no pandera; the
   findings go to the notebook as the plain-JSON parameter ``precomputed``.
4. ``execute``: papermill parameterizes the report notebook (:func:`paths.report_notebook`) and runs it with its nbclient
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
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from govreport_kit.checks.findings import count_by_severity
from govreport_kit.core import format as fmt
from govreport_kit.core import paths
from govreport_kit.core.errors import GovReportError, Location, ParamsError
from govreport_kit.core.files import atomic_write, atomic_write_many
from govreport_kit.running.result import FAILED, FINDINGS, INPUT, OK, RunResult

OUTPUT_FILES = {
    "html": "report.html",
    "notebook": "report.ipynb",
    "findings": "findings.json",
    "docx": "report.docx",
    "pdf": "report.pdf",
}
FAILED_NOTEBOOK = "report.failed.ipynb"


# -------------------------------------------------------------------------------------------


def run_report(
    params_path: str | Path | None = None,
    *,
    audience: str | None = fmt.REVIEW,
    outputs_root: str | Path | None = None,
    timeout: float | None = None,
    kernel=None,
    notebook: str | Path | None = None,
    check_in_kernel: bool | None = None,
    docx: bool = False,
    pdf: bool = False,
    on_executed=None,
) -> RunResult:
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
    run = _Run(RunResult(FAILED, audience=audience), _Timer(), kernel, docx, pdf)
    run.on_executed = on_executed
    try:
        run.phases(params_path, audience, outputs_root, timeout, notebook, check_in_kernel)
    except GovReportError as e:
        run.res.reason = INPUT if e.exit_code == 2 else "run"
        run.res.message = e.message
    except Exception as e:  # a bug or a broken installation: report it, never a bare traceback
        import traceback

        run.res.reason, run.res.retryable = "internal", False
        run.res.message = f"内部错误（{type(e).__name__}）：{e}"
        run.res.detail = traceback.format_exc()
    finally:
        run.close()
    return run.res


class _Run:
    """The state of one :func:`run_report` call, one method per phase."""

    def __init__(self, res: RunResult, timer: _Timer, km, docx: bool = False, pdf: bool = False):
        self.res, self.t, self.km, self.docx, self.pdf = res, timer, km, docx, pdf
        self.findings: list[dict[str, Any]] | None = None
        self.model = None  # loaded here when the checks run here (reused for report.docx)
        self.precomputed = ""
        self.on_executed = None  # called once the kernel is killed, before the export

    def phases(self, params_path, audience, outputs_root, timeout, notebook, check_in_kernel) -> None:
        """Validate, identify, check (here or in the kernel), execute, export and write."""
        if audience not in (*fmt.AUDIENCES, None):
            raise ParamsError(f"audience 只能是 review 或 publish，而不是“{audience}”", where=Location(key="audience"))
        if check_in_kernel is None:
            check_in_kernel = self.km is None and audience != fmt.PUBLISH
        self.start(params_path, notebook, check_in_kernel)
        self.identify(outputs_root)
        check_in_kernel = check_in_kernel and self.res.audience == fmt.REVIEW  # publish: refused before execution
        if not check_in_kernel and self.check_here():
            return  # a publish run refused
        self.execute(timeout)

    def start(self, params_path, notebook, check_in_kernel: bool) -> None:
        """Find the params file and the notebook; start the kernel unless one was handed in."""
        from govreport_kit.running import kernels

        self.params_file = (Path(params_path) if params_path else paths.sample_params()).absolute()
        if self.params_file.is_dir():
            raise ParamsError(
                "给出的是一个文件夹，不是参数文件",
                where=Location(file=str(self.params_file)),
                fix="请给出其中的参数文件，例如 params/<机构代码>/<年度>.yaml；整个文件夹请用 govreport batch",
            )
        if not self.params_file.is_file():
            raise ParamsError(
                "找不到参数文件",
                where=Location(file=str(self.params_file)),
                fix="检查路径；参数文件一般是 params/<机构代码>/<年度>.yaml",
            )
        self.notebook = Path(notebook).absolute() if notebook else paths.report_notebook()
        if self.km is None:
            self.km = kernels.start_kernel(cwd=paths.project_root(), prewarm="checks" if check_in_kernel else True)
        self.t.lap("kernel_start")

    def identify(self, outputs_root) -> None:
        """Load the params here: the agency code and year name the output folder."""
        code, year, default_audience = _validated_identity(self.params_file)
        self.res.agency_code, self.res.year = code, year
        self.res.audience = self.res.audience or default_audience
        self.out_dir = output_dir(outputs_root, code, year)
        self.res.output_dir = str(self.out_dir)
        check_output_dir(self.out_dir)
        self.t.lap("validate")

    def check_here(self) -> bool:
        """Load and check in this process; True when a publish run is refused."""
        from govreport_kit.report import notebook as report

        res = self.res
        model = self.model = report.load(res.agency_code, res.year, str(self.params_file))
        checked = report.compute_findings(model)
        self.findings = [f.to_dict() for f in checked]
        _count(res, self.findings)
        refusal = report.refusal_message(checked) if res.audience == fmt.PUBLISH else None
        if refusal:
            res.status, res.reason, res.message = FINDINGS, "refused", refusal
            return True
        self.precomputed = report.findings_payload(model, checked)
        self.t.lap("check")
        return False

    def execute(self, timeout: float | None) -> None:
        """Execute the notebook on the kernel, then export and write (or keep the failed notebook)."""
        from govreport_kit.running import kernels

        res = self.res
        parameters = {
            "agency_code": res.agency_code,
            "year": res.year,
            "params_path": str(self.params_file),
            "audience": res.audience,
            "precomputed": self.precomputed,
        }
        with _fast_jupyter_imports():
            from govreport_kit.running import execute
        warm = execute.warm_exporter_in_background()
        self.t.lap("prepare")
        nb, failure = execute.execute_notebook(self.notebook, parameters, self.km, timeout=timeout, timer=self.t)
        kernels.kill_kernel(self.km)
        if self.on_executed is not None:
            self.on_executed()
        marker = None
        if failure is None:
            marker, failure = execute.read_marker(nb)
        if failure is not None:
            res.reason, res.message, res.retryable = failure
            res.failed_notebook_path = str(
                atomic_write(self.out_dir / FAILED_NOTEBOOK, execute.notebook_text(nb), mkdir=True)
            )
            return
        if self.findings is None:
            self.findings = marker.get("findings", [])
            _count(res, self.findings)
        warm.join()
        html = execute.export_html(nb)
        self.t.lap("export")
        self.write(html, execute.notebook_text(nb), marker)

    def write(self, html: str, notebook_text: str, marker: dict[str, Any] | None) -> None:
        res = self.res
        texts: dict[str, str | bytes] = {
            "html": html,
            "notebook": notebook_text,
            "findings": findings_json(res.agency_code, res.year, self.findings, res.audience, marker),
        }
        if self.docx:
            from govreport_kit.report import notebook as report
            from govreport_kit.report.docx import document_for

            model = self.model or report.load(res.agency_code, res.year, str(self.params_file))
            texts["docx"] = document_for(model, res.audience)
            self.t.lap("docx")
        if self.pdf:
            from govreport_kit.report.pdf import html_to_pdf, source_date

            texts["pdf"] = html_to_pdf(html, created=source_date())
            res.pdf_bytes = len(texts["pdf"])
            self.t.lap("pdf")
        written = _write_all(self.out_dir, texts)
        (self.out_dir / FAILED_NOTEBOOK).unlink(missing_ok=True)
        if self.pdf:
            res.pdf_path = str(written["pdf"])
        else:  # an old PDF would no longer match the HTML
            (self.out_dir / OUTPUT_FILES["pdf"]).unlink(missing_ok=True)
        res.html_path, res.notebook_path, res.findings_path = (
            str(written[k]) for k in ("html", "notebook", "findings")
        )
        res.docx_path = str(written["docx"]) if "docx" in written else None
        res.html_bytes = len(html.encode("utf-8"))
        res.status = FINDINGS if res.errors else OK
        if res.errors:
            res.message = f"报告已生成，但数据中有 {res.errors} 个错误（见报告开头的检查结果）"
        self.t.lap("write")

    def close(self) -> None:
        if self.km is not None:
            from govreport_kit.running import kernels

            kernels.dispose_kernel(self.km)
        self.res.timings = self.t.laps


def output_dir(outputs_root: str | Path | None, agency_code: str, year: int) -> Path:
    """``<outputs_root>/<agency_code>/<year>``, refusing anything that resolves outside the root
    (:func:`govreport_kit.core.paths.job_output_dir`, shared with the batch record writer)."""
    return paths.job_output_dir(outputs_root, agency_code, year)


def check_output_dir(out_dir: Path) -> None:
    """Create ``out_dir`` and prove it writable now, before a kernel executes anything."""
    from govreport_kit.core.errors import InputError

    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for name in (*OUTPUT_FILES.values(), FAILED_NOTEBOOK):
            if (out_dir / name).is_dir():
                raise InputError(
                    f"输出位置被占用：{name} 是一个文件夹", Location(file=str(out_dir / name)), "请删除或移走它"
                )
        with tempfile.TemporaryFile(dir=out_dir):
            pass
    except (FileExistsError, NotADirectoryError):
        raise InputError(
            "输出位置被占用：这里已有一个同名文件，不是文件夹",
            Location(file=str(out_dir)),
            "请删除或移走这个文件，或用 --outputs 换一个输出根目录",
        ) from None
    except OSError as e:
        raise InputError(
            f"输出文件夹不能写入（{e.strerror}）",
            Location(file=str(out_dir)),
            "请检查文件夹的权限和磁盘空间，或用 --outputs 换一个输出根目录",
        ) from None


def findings_json(
    agency_code: str, year: int, findings: list[dict[str, Any]], audience: str, marker: dict[str, Any] | None = None
) -> str:
    """``findings.json``: counts and every finding (the keys of ``govreport check --json``), and
    what the report was made from: its tables (canonical codes) and its input files' SHA-256."""
    counts = count_by_severity(findings)
    doc = {"agency_code": agency_code, "year": int(year), "audience": audience, "counts": counts, "findings": findings}
    for key in ("agency_name", "tables", "inputs", "provenance"):
        if marker and key in marker:
            doc[key] = marker[key]
    return json.dumps(doc, ensure_ascii=False, indent=1, default=str) + "\n"


# -------------------------------------------------------------------------------------------


def _validated_identity(params_file: Path) -> tuple[str, int, str]:
    """The agency code, year and default audience of a params file, loaded and validated here."""
    from govreport_kit.inputs.params import load_params

    p = load_params(params_file)
    return p.agency.code, p.year, p.report.get("audience") or fmt.REVIEW


def _count(res: RunResult, findings: list[dict[str, Any]]) -> None:
    counts = count_by_severity(findings)
    res.errors, res.warnings, res.infos = counts[fmt.ERROR], counts[fmt.WARNING], counts[fmt.INFO]
    res.empty_tables = sum(f["rule"] == "R-EMPTY" for f in findings)


def _write_all(out_dir: Path, texts: dict[str, str | bytes]) -> dict[str, Path]:
    """Write every output file to a temporary name first, then rename them all into place."""
    out_dir.mkdir(parents=True, exist_ok=True)
    atomic_write_many({out_dir / OUTPUT_FILES[key]: text for key, text in texts.items()})
    return {key: out_dir / OUTPUT_FILES[key] for key in texts}


@contextmanager
def _fast_jupyter_imports():
    """Import nbformat/papermill/nbconvert without jsonschema's ``rfc3987_syntax`` (docs/pitfalls.md).

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
