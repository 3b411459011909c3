"""What the report notebook needs only when an analyst runs it in JupyterLab (or VS Code).

* :func:`use_chinese_errors`: a :class:`GovReportError` raised by a cell shows as ONE Chinese line
  (the same text ``govreport`` prints), with the technical details a click away in a
  ``<details>`` element, instead of a Python traceback. The cell still fails (Run All stops,
  papermill still sees the error with its class name and message).
* :func:`export_html`: writes the same files as ``govreport run`` (a fresh kernel runs the
  notebook), so the Lab never produces a report by another path.
"""

from __future__ import annotations

import traceback
from pathlib import Path

from markupsafe import Markup

from govreport_kit.core.errors import GovReportError

ERROR_STYLE = "color:#b71c1c;font-weight:bold;margin:.2em 0"


def use_chinese_errors(shell=None) -> bool:
    """Install the Chinese error display in the running IPython (True when there is one)."""
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:  # pragma: no cover
            return False
        shell = get_ipython()
    if shell is None:
        return False
    shell.set_custom_exc((GovReportError,), _show_error)
    return True


def error_line(error: GovReportError) -> str:
    """The one line an analyst reads (what ``govreport`` prints on stderr)."""
    return f"错误：{error.message}"


def error_details_html(error: GovReportError, tb) -> Markup:
    """The collapsed details: what, where, how to fix, and the Python call stack."""
    frames = "".join(traceback.format_tb(tb)) if tb is not None else ""
    where = error.where.describe() if error.where else ""
    rows = [("问题", error.what), ("位置", where), ("改正方法", error.fix), ("类别", type(error).__name__)]
    items = Markup("").join(Markup("<li>{}：{}</li>").format(k, v) for k, v in rows if v)
    return Markup(
        '<details class="govreport-error"><summary>详细信息</summary><ul>{}</ul>'
        '<pre style="white-space:pre-wrap;font-size:.85em">{}</pre></details>'
    ).format(items, frames)


def _show_error(shell, etype, value, tb, tb_offset=None):
    # IPython ignores what a custom handler returns and sends nothing itself: send the error
    # output (one line, no traceback) so the cell fails visibly, then the details under it.
    line = error_line(value)
    shell._showtraceback(etype, value, [line])
    from IPython.display import display

    display({"text/html": str(error_details_html(value, tb)), "text/plain": ""}, raw=True)
    return [line]


def export_html(
    agency_code: str, year: int, params_path: str = "", audience: str = "review", outputs_root: str | Path | None = None
):
    """Run ``govreport run`` for the notebook's parameters and show where the report was written.

    Returns the :class:`~govreport_kit.running.runner.RunResult`. Raises a :class:`GovReportError`
    (shown as one Chinese line) when the run fails.
    """
    from govreport_kit.core.errors import ParamsError, RunError
    from govreport_kit.report.notebook import params_file, show
    from govreport_kit.running.runner import run_report

    res = run_report(params_file(agency_code, year, params_path), audience=audience, outputs_root=outputs_root)
    if not res.html_path:
        error = ParamsError if res.reason == "input" else RunError
        raise error(res.message or "报告未生成", fix="改正后重新运行本单元格")
    note = f"（{res.message}）" if res.message else ""
    show(
        Markup('<p style="{}">报告已写入 <code>{}</code>{}</p>').format(
            "color:#1b5e20" if res.status == "ok" else ERROR_STYLE, res.html_path, note
        )
    )
    return res
