"""Execute the report notebook with papermill on a given kernel, normalise it, export it to HTML.

Imports papermill, nbclient and nbconvert: import it inside
``runner._fast_jupyter_imports()`` (see docs/pitfalls.md on ``rfc3987_syntax``).

papermill functions outside its documented API used here (``prepare_notebook_metadata``,
``raise_for_execution_errors``, ``remove_error_markers``, ``clientwrap.PapermillNotebookClient``)
are pinned by tests/running/test_papermill_contract.py and the upper bound in pyproject.toml.
"""

from __future__ import annotations

import math
import threading
import time
from pathlib import Path
from queue import Empty
from typing import Any

import nbformat
from jupyter_client.asynchronous import AsyncKernelClient
from nbclient.exceptions import DeadKernelError
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine
from papermill.exceptions import PapermillExecutionError
from papermill.execute import prepare_notebook_metadata, raise_for_execution_errors, remove_error_markers
from papermill.inspection import inspect_notebook
from papermill.iorw import load_notebook_node
from papermill.parameterize import parameterize_notebook

from govreport_kit.report import render
from govreport_kit.report.notebook import MARKER_MIME
from govreport_kit.running.kernels import kernel_log_tail

Failure = tuple[str, str, bool]  # (reason code, Chinese message, retryable)
START_TIMEOUT = 60
#: Exceptions raised by a cell that mean the input files are wrong, not the run.
INPUT_ERRORS = frozenset({"InputError", "ParamsError", "PlaceholderError"})


class ReportKernelClient(AsyncKernelClient):
    """jupyter_client's asynchronous client, ready as soon as the kernel answers ``kernel_info``.

    The stock ``wait_for_ready`` ends by draining IOPub until it has been quiet for 0.2 s: a fixed
    0.2 s per report once kernels start in 0.1 s. nbclient ignores IOPub messages that answer no
    request of its own, so draining what is already queued is enough.
    """

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (timeout if timeout is not None else float("inf"))
        while True:
            self.kernel_info()
            try:
                msg = await self.shell_channel.get_msg(timeout=1)
            except Empty:
                msg = None
            if msg is not None and msg["msg_type"] == "kernel_info_reply":
                try:  # IOPub connected too (the kernel's status messages reach us)
                    await self.iopub_channel.get_msg(timeout=0.2)
                except Empty:
                    pass
                else:
                    self._handle_kernel_info_reply(msg)
                    break
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:g} seconds")
        while True:
            try:
                await self.iopub_channel.get_msg(timeout=0.01)
            except Empty:
                break


class ReportEngine(NBClientEngine):
    """papermill's nbclient engine on a kernel the caller started (and kills).

    The client's channels are closed after the run; the kernel is not shut down gracefully here
    (the runner kills it at once). ``deadline`` (a ``time.monotonic()`` value) bounds the whole
    run: each cell gets the time that is left.
    """

    @classmethod
    def execute_managed_notebook(
        cls, nb_man, kernel_name, *, km, deadline=None, start_timeout=START_TIMEOUT, on_ready=None, **kw
    ):
        def time_left(cell):  # noqa: ARG001 - nbclient passes the cell
            return max(0.01, deadline - time.monotonic())

        timeout_func = time_left if deadline is not None else None
        # nbclient polls shell, iopub and liveness concurrently on one event loop; a blocking client
        # (what a plain KernelManager hands out) stalls that loop inside iopub.get_msg, and a cell
        # timeout then never fires. An asynchronous client on the same kernel does not.
        km.client_class = "govreport_kit.running.execute.ReportKernelClient"
        client = PapermillNotebookClient(
            nb_man,
            km=km,
            kernel_name=kernel_name,
            startup_timeout=start_timeout,
            timeout_func=timeout_func,
            record_timing=False,
            store_widget_state=False,
            log_output=False,
            on_notebook_start=on_ready,
        )
        try:
            return client.execute()
        finally:
            if client.kc is not None:
                client.kc.stop_channels()


def execute_notebook(
    notebook: Path, parameters: dict[str, Any], km, *, timeout: float | None = None, timer=None
) -> tuple[Any, Failure | None]:
    """Run ``notebook`` with ``parameters`` (plain JSON types) on ``km``; return (nb, failure).

    The returned notebook is normalised and, on failure, carries papermill's error banner.
    """
    nb = load_notebook_node(str(notebook))  # papermill's reader: adds the tags/metadata it relies on
    missing = missing_parameters(notebook, parameters)
    if missing:  # papermill would only log a warning and inject them anyway
        return nb, ("notebook", f"报告 notebook {notebook} 的 parameters 单元格缺少参数：{'、'.join(missing)}", False)
    nb = parameterize_notebook(
        nb, parameters, report_mode=False, kernel_name="python3", language="python", engine_name="nbclient"
    )
    nb = prepare_notebook_metadata(nb, str(notebook), None)
    nb = remove_error_markers(nb)
    if timer is not None:
        timer.lap("prepare")
    deadline = time.monotonic() + timeout if timeout else None

    def on_ready(**_):  # the kernel answered: the wait for it ends, the cells start
        if timer is not None:
            timer.lap("kernel_wait")

    failure = _run_cells(nb, km, deadline, timeout, on_ready)
    if timer is not None:
        timer.lap("execute")
    failure = _cell_failure(nb, failure)
    normalise(nb)
    return nb, failure


def _run_cells(nb, km, deadline: float | None, timeout: float | None, on_ready) -> Failure | None:
    """Execute every cell on ``km``; the failure of the kernel itself (death, timeout, no start), if any."""
    try:
        ReportEngine.execute_notebook(
            nb,
            "python3",
            output_path=None,
            progress_bar=False,
            km=km,
            deadline=deadline,
            start_timeout=max(1, math.ceil(min(START_TIMEOUT, timeout or START_TIMEOUT))),
            on_ready=on_ready,
        )
    except DeadKernelError as e:
        return ("dead_kernel", f"内核意外退出，报告未完成：{e}{_kernel_said(km)}", True)
    except TimeoutError:
        return ("timeout", f"报告执行超时（超过 {timeout:g} 秒），未完成" if timeout else "报告执行超时，未完成", True)
    except RuntimeError as e:  # the kernel died or never answered before the first cell
        if deadline is not None and time.monotonic() >= deadline:
            return ("timeout", f"报告执行超时（超过 {timeout:g} 秒，内核未及时就绪），未完成", True)
        return ("kernel_start", f"内核启动失败：{e}{_kernel_said(km)}", True)
    return None


def _cell_failure(nb, failure: Failure | None) -> Failure | None:
    """A failed cell (papermill's banner marks it), else ``failure`` with a banner of our own on top."""
    try:
        raise_for_execution_errors(nb, None)
    except PapermillExecutionError as e:
        # Bad input found by the kernel (it loads the data itself) is reported as such: exit 2.
        reason = "input" if e.ename in INPUT_ERRORS else "cell"
        return failure or (reason, cell_error_message(nb, e), False)
    if failure is not None:  # no cell error to point at: say on top why the notebook stops
        banner = nbformat.v4.new_markdown_cell(f'<span style="color:red;font-size:2em">报告未完成：{failure[1]}</span>')
        banner.metadata["tags"] = ["govreport-failure"]
        nb.cells.insert(0, banner)
    return failure


def _kernel_said(km) -> str:
    """The end of what the kernel printed, for a dead-kernel message (empty when it printed nothing)."""
    tail = kernel_log_tail(km).strip()
    return f"。内核最后的输出：\n{tail}" if tail else ""


def missing_parameters(notebook: str | Path, parameters: dict[str, Any]) -> list[str]:
    """Names in ``parameters`` that the notebook's ``parameters`` cell does not assign (papermill's reading)."""
    assigned = set(inspect_notebook(str(notebook)))
    bad_types = [k for k, v in parameters.items() if not isinstance(v, (str, int, float, bool, type(None)))]
    if bad_types:  # only plain JSON scalars ever reach papermill's translators
        raise TypeError(f"parameters must be plain JSON scalars: {bad_types}")
    return sorted(set(parameters) - assigned)


def cell_error_message(nb, e: PapermillExecutionError) -> str:
    """A Chinese sentence naming the failed cell (as numbered in the notebook file) and its error."""
    number, code_text = 0, ""
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        if cell.cell_type != "code" or "papermill-error-cell-tag" in tags or "injected-parameters" in tags:
            continue
        number += 1
        if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            code_text = "；".join(line.strip() for line in cell.source.splitlines() if line.strip())
            break
    if len(code_text) > 100:
        code_text = code_text[:99] + "…"
    return f"报告 notebook 的第 {number} 个代码单元格（{code_text}）出错：{e.ename}：{e.evalue}"


def read_marker(nb) -> tuple[dict[str, Any] | None, Failure | None]:
    """The end marker's data when it is the last output of the last code cell, else a failure."""
    code = [c for c in nb.cells if c.cell_type == "code"]
    outputs = code[-1].get("outputs", []) if code else []
    for out in outputs[-1:]:
        data = out.get("data", {}).get(MARKER_MIME) if out.get("output_type") == "display_data" else None
        if isinstance(data, dict) and data.get("status") == "complete":
            return data, None
    return None, ("no_marker", "报告 notebook 没有写出完成标记（可能被中断或超时），不能认为报告已生成", True)


# -------------------------------------------------------------------------------------------
# Normalising: the same inputs give the same bytes


def normalise(nb) -> None:
    """Remove what differs between two runs of the same inputs: cell ids, times, durations."""
    pm = nb.metadata.get("papermill", {})
    for key in ("start_time", "end_time", "duration", "environment_variables", "output_path"):
        pm.pop(key, None)
    for i, cell in enumerate(nb.cells):
        tags = cell.metadata.get("tags", [])
        if "injected-parameters" in tags:
            cell.id = "injected-parameters"
        elif "papermill-error-cell-tag" in tags:
            cell.id = f"papermill-error-cell-{i}"
        elif "govreport-failure" in tags:
            cell.id = "govreport-failure"
        elif not cell.get("id"):
            cell.id = f"cell-{i}"
        cell.metadata.pop("execution", None)
        cpm = cell.metadata.get("papermill")
        if cpm is not None:
            for key in ("start_time", "end_time", "duration"):
                cpm.pop(key, None)


def notebook_text(nb) -> str:
    return nbformat.writes(nb, version=4) + "\n"


# -------------------------------------------------------------------------------------------
# Export

_EXPORTER = None
_EXPORT_LOCK = threading.RLock()  # an exporter registers filters per call: one export at a time


def exporter():
    """The package's ``HTMLExporter`` (built once per process, then reused)."""
    with _EXPORT_LOCK:
        return _EXPORTER or _build_exporter()


def _build_exporter():
    global _EXPORTER
    if _EXPORTER is None:
        from nbconvert import HTMLExporter

        from govreport_kit.core.paths import TEMPLATES_DIR

        _EXPORTER = _report_exporter_class(HTMLExporter)(**exporter_options(TEMPLATES_DIR))
    return _EXPORTER


def exporter_options(templates_dir) -> dict[str, Any]:
    """How the report's ``HTMLExporter`` is configured: the package's ``govreport`` template, no code.

    ``extra_template_paths``: the template includes shared/style.css.j2 (shared with the index and audit pages).
    """
    return {
        "template_name": "govreport",
        "extra_template_basedirs": [str(templates_dir)],
        "extra_template_paths": [str(templates_dir)],
        "exclude_input": True,
        "exclude_input_prompt": True,
        "exclude_output_prompt": True,
        # validate the notebook once after the preprocessors, not once after each of them (~8 ms)
        "optimistic_validation": True,
    }


def _report_exporter_class(html_exporter: type) -> type:
    """``HTMLExporter`` without its BeautifulSoup pass over the finished page.

    That pass only gives ``<img>`` without ``alt`` a placeholder text and JupyterLab's cell and
    output wrappers a ``tabindex``; the govreport template writes none of them, so all it did was
    parse and re-serialise every page (about 50 ms of a report's export). The rest is nbconvert's
    own method, step for step. ``tests/running/test_papermill_contract.py`` asserts that the
    page equals the stock exporter's once both go through BeautifulSoup.
    """
    from nbconvert.exporters.html import Highlight2HTML, WidgetsDataTypeFilter
    from nbconvert.exporters.templateexporter import TemplateExporter

    class ReportHTMLExporter(html_exporter):  # type: ignore[misc, valid-type]
        def from_notebook_node(self, nb, resources=None, **kw):
            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            highlight_code = self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
            resources = self._init_resources(resources)
            filter_data_type = WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources
            )
            self.register_filter("highlight_code", highlight_code)
            self.register_filter("filter_data_type", filter_data_type)
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    return ReportHTMLExporter


def warm_exporter_in_background() -> threading.Thread:
    """Build the exporter and compile its templates in a thread (while the kernel works)."""

    def warm():
        try:
            export_html(nbformat.v4.new_notebook())
        except Exception:  # the real export reports any problem
            pass

    thread = threading.Thread(target=warm, name="govreport-warm-exporter", daemon=True)
    thread.start()
    return thread


def export_html(nb) -> str:
    """The offline HTML of an executed report notebook."""
    with _EXPORT_LOCK:
        body, _ = exporter().from_notebook_node(nb, resources={"font_stack": render.FONT_STACK})
    return body
