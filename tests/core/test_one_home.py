"""Each job done in one place: file modes, hashes, years, versions, severity counts, places, spans."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from govreport_kit.batch import index_page, store
from govreport_kit.batch.jobs import OK, JobResult
from govreport_kit.checks.findings import Finding, count_by_severity
from govreport_kit.checks.wording import place_text
from govreport_kit.core import format as fmt
from govreport_kit.core.errors import InputError, Location, ParamsError
from govreport_kit.core.files import sha256_bytes, sha256_file
from govreport_kit.core.grid import place_spans, span_grid
from govreport_kit.core.model import AGENCY_CODE_HINT, require_agency_code
from govreport_kit.core.versions import VERSIONED_PACKAGES, package_versions


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_batch_outputs_are_readable_by_colleagues(tmp_path):
    results = [JobResult("a-agency", 2023, OK, name="甲局")]
    index, manifest = index_page.write_outputs(str(tmp_path), results)
    store.write_record(str(tmp_path), results[0])
    for path in (Path(index), Path(manifest), tmp_path / "a-agency" / "2023" / store.RECORD):
        assert _mode(path) == 0o644, path


def test_one_sha256(tmp_path):
    (tmp_path / "f").write_bytes(b"abc")
    assert sha256_file(tmp_path / "f") == sha256_bytes(b"abc") == sha256_bytes("abc")


@pytest.mark.parametrize(
    "year, ok", [(2008, True), (2100, True), (2007, False), (2101, False), (0, False), (True, False), ("2023", False)]
)
def test_one_year_range(year, ok):
    assert (fmt.year_problem(year) is None) == ok


def test_the_year_range_is_the_same_for_params_output_folders_and_scaffolds(tmp_path):
    from govreport_kit.authoring.new import new_agency_year
    from govreport_kit.running.runner import output_dir

    with pytest.raises(ParamsError, match="2008–2100"):
        output_dir(tmp_path, "a-agency", 2101)
    with pytest.raises(ParamsError, match="2008–2100"):
        new_agency_year("a-agency", 1999, "甲局", tmp_path)
    assert output_dir(tmp_path, "a-agency", 2100).name == "2100"


def test_one_version_list_for_footer_meta_and_manifest():
    versions = package_versions()
    assert list(versions)[:2] == ["govreport_kit", "python"] and set(VERSIONED_PACKAGES) <= set(versions)
    assert index_page.manifest([])["versions"] == versions


def test_severity_counts_from_findings_or_their_dicts():
    fs = [Finding("R-T3-BAL", fmt.ERROR, "x"), Finding("R-SEC5", fmt.INFO, "y"), Finding("R-T3-COL", fmt.ERROR, "z")]
    assert (
        count_by_severity(fs) == count_by_severity([f.to_dict() for f in fs]) == {"error": 2, "warning": 0, "info": 1}
    )


def test_one_place_text_for_terminal_report_and_audit_page():
    f = Finding(
        "R-T3-COL",
        fmt.ERROR,
        "x",
        "table3",
        "total",
        "natural_person",
        source=Location(file="a.xlsx", sheet="表三", cell="D28"),
    )
    assert place_text(f, source=False) == "表三“（七）总计”行“自然人”列"
    assert place_text(f) == "表三“（七）总计”行“自然人”列（表三!D28）"
    assert place_text(Finding("R-N-T3", fmt.WARNING, "x")) == "正文"
    assert place_text(Finding("R-META", fmt.ERROR, "x")) == "整份报告"


def test_one_agency_code_hint():
    with pytest.raises(ParamsError) as e:
        require_agency_code("../x", Location(key="--agency"))
    assert e.value.fix == AGENCY_CODE_HINT
    with pytest.raises(InputError):
        require_agency_code("CON", Location(key="code"), InputError)


def test_span_placement_as_an_html_table():
    header = fmt.T3_HEADER
    placed = place_spans(header)
    assert [c for _, c in placed[1]] == [3, 4, 9]  # under the 3-column note: 自然人, 法人或其他组织, 总计
    assert [c for _, c in placed[2]] == [4, 5, 6, 7, 8]
    grid = span_grid(header, lambda cell: cell.label)
    assert len(grid) == 3 and all(len(row) == 10 for row in grid)
    assert grid[2][0] == fmt.T3_HEADER_NOTE and grid[2][9] == "总计"


def test_the_2019_choice_is_one_lookup():
    assert fmt.format_for_year(2020) == "2019" and fmt.format_for_year(2021) == "2021"
    assert fmt.spec("2019").t3_outcome_rows == fmt.T3_OUTCOME_ROWS_2019
    assert fmt.spec(None) is fmt.spec("2021") is fmt.FORMAT_SPECS["2021"]
    assert fmt.expected_format("auto", 2020) is None and fmt.expected_format("auto", 2023) == "2021"
