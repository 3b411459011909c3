"""What the notebook offers in the Lab, without the Lab: DataFrames, the error display, export_html."""

from __future__ import annotations

from pathlib import Path

import pytest

from govreport_kit.core import format as fmt
from govreport_kit.core import paths
from govreport_kit.core.errors import Location, ParamsError
from govreport_kit.inputs.load import load_agency_year
from govreport_kit.report import frames, lab, style
from govreport_kit.report.notebook import show_table


def test_tables_as_dataframes_with_chinese_labels():
    model = load_agency_year(paths.sample_params())
    tables = frames.tables(model)
    assert list(tables) == [fmt.TABLE_TITLES[t] for t in fmt.TABLE_CODES]
    t3 = frames.table_frame(model, "table3")
    assert list(t3.columns) == [c.label for c in fmt.T3_COLUMNS]
    assert fmt.T3_ROWS[0].label in t3.index
    assert "行政复议" in frames.table_frame(model, "table4").index


def test_table_output_outside_ipython_is_the_report_fragment():
    model = load_agency_year(paths.sample_params())
    html = show_table(model, "table3")
    assert html.startswith('<section class="part part-table" id="part-table3">') and "style=" not in html
    inlined = style.inline_styles(html)
    assert 'class="govreport"' in inlined and "border: 1px solid #333" in inlined and "<style" not in inlined


def test_error_line_and_details():
    err = ParamsError("找不到参数文件", where=Location(file="params/x/2023.yaml"), fix="检查 params_path")
    assert lab.error_line(err) == "错误：文件 params/x/2023.yaml：找不到参数文件。检查 params_path"
    try:
        raise err
    except ParamsError as e:
        details = str(lab.error_details_html(e, e.__traceback__))
    assert details.startswith('<details class="govreport-error"><summary>详细信息</summary>')
    assert "改正方法：检查 params_path" in details and "Traceback" not in details


@pytest.mark.kernel
def test_export_html_writes_what_govreport_run_writes(tmp_path, sample_run):
    res = lab.export_html("xishan-edu", 2023, outputs_root=tmp_path)
    assert res.status == "ok" and Path(res.html_path).parent == tmp_path / "xishan-edu" / "2023"
    assert Path(res.html_path).read_bytes() == Path(sample_run().html_path).read_bytes()


def test_export_html_failure_is_a_govreport_error(tmp_path):
    with pytest.raises(ParamsError, match="找不到参数文件"):
        lab.export_html("nobody", 2023, outputs_root=tmp_path)


@pytest.mark.kernel
def test_inlined_rules_are_the_report_stylesheet(sample_run):
    """style.SCREEN_CSS (inlined in notebook outputs) repeats the page's rules (shared/style.css.j2) line by line."""
    html = Path(sample_run().html_path).read_text(encoding="utf-8")
    for line in (style.SCREEN_CSS % {"font": style.FONT_STACK}).splitlines():
        assert line in html, line
