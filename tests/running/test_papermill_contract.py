"""The papermill functions running/execute.py uses beyond papermill's documented API, pinned.

pyproject.toml bounds papermill to the minor release checked here; a new release must pass this
test before the bound is raised.
"""

from __future__ import annotations

import inspect

import nbformat
import papermill
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine
from papermill.exceptions import PapermillExecutionError
from papermill.execute import prepare_notebook_metadata, raise_for_execution_errors, remove_error_markers
from papermill.inspection import inspect_notebook


def _params(fn) -> list[str]:
    return list(inspect.signature(fn).parameters)


def test_papermill_version_is_the_one_checked():
    assert papermill.__version__.startswith("2.7.")


def test_private_signatures_are_as_used():
    assert _params(prepare_notebook_metadata)[:3] == ["nb", "input_path", "output_path"]
    assert _params(raise_for_execution_errors)[:2] == ["nb", "output_path"]
    assert _params(remove_error_markers)[:1] == ["nb"]
    assert "execute_managed_notebook" in vars(NBClientEngine)
    assert issubclass(PapermillNotebookClient, object) and hasattr(PapermillNotebookClient, "execute")
    assert {"nb_man", "km"} <= set(_params(PapermillNotebookClient.__init__))


def test_error_markers_and_execution_errors_behave_as_execute_expects(tmp_path):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("1/0")
    cell.outputs = [nbformat.v4.new_output("error", ename="ZeroDivisionError", evalue="division by zero", traceback=[])]
    nb.cells = [cell]
    try:
        raise_for_execution_errors(nb, None)
    except PapermillExecutionError as e:
        assert e.ename == "ZeroDivisionError" and e.evalue == "division by zero"
    else:
        raise AssertionError("raise_for_execution_errors did not raise")
    assert any("papermill-error-cell-tag" in c.metadata.get("tags", []) for c in nb.cells)
    cleaned = remove_error_markers(nb)
    assert not any("papermill-error-cell-tag" in c.metadata.get("tags", []) for c in cleaned.cells)


def test_inspect_notebook_reads_the_parameters_cell(tmp_path):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell('agency_code = "x"  # 机构代码\nyear: int = 2023\n')
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [cell]
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python 3"}
    path = tmp_path / "p.ipynb"
    nbformat.write(nb, str(path))
    assert set(inspect_notebook(str(path))) == {"agency_code", "year"}


def test_our_exporter_equals_nbconvert_s_but_for_its_reserialisation(sample_run):
    """The exporter skips nbconvert's BeautifulSoup pass (see execute._report_exporter_class):
    on the sample's executed notebook, our page and the stock HTMLExporter's are the same document."""
    from pathlib import Path

    from bs4 import BeautifulSoup
    from nbconvert import HTMLExporter

    from govreport_kit.core.paths import TEMPLATES_DIR
    from govreport_kit.report import render
    from govreport_kit.running import execute

    res = sample_run()
    nb = nbformat.read(Path(res.output_dir) / "report.ipynb", as_version=4)
    ours = execute.export_html(nb)
    stock, _ = HTMLExporter(**execute.exporter_options(TEMPLATES_DIR)).from_notebook_node(
        nb, resources={"font_stack": render.FONT_STACK}
    )
    assert type(execute.exporter()).__mro__[1] is HTMLExporter
    assert ours != stock  # the pass really is skipped ...
    assert str(BeautifulSoup(ours, features="html.parser")) == stock  # ... and did nothing else
