"""Charts: deterministic SVG with text as paths, in the review copy, checked in a real Chromium."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from govreport_kit.report import charts, notebook
from govreport_kit.report.notebook import load

OUTPUT = Path(__file__).resolve().parents[1] / "output"
T4 = {
    ("review", "upheld"): 3,
    ("review", "corrected"): 1,
    ("review", "pending"): 1,
    ("review", "total"): 5,
    ("litigation_direct", "upheld"): 2,
    ("litigation_direct", "total"): 2,
}


@pytest.fixture(scope="module")
def project(synth_ledger, write_project, tmp_path_factory):
    root = tmp_path_factory.mktemp("charts")
    rows = synth_ledger()
    for y in (2022, 2023, 2024):
        write_project(root, y, rows, ledger_name="ledger.csv", table4=T4 if y == 2024 else None)
    return root / "params" / "ledger-test"


def _model(project, year=2024):
    return load("ledger-test", year, str(project / f"{year}.yaml"))


def test_charts_are_deterministic_svg_with_text_as_paths(project):
    model = _model(project)
    first, second = charts.report_charts(model), charts.report_charts(model)
    assert [c.key for c in first] == ["outcomes", "applicants", "trend", "reviews"]
    for a, b in zip(first, second):
        assert a.svg == b.svg
        assert a.svg.startswith("<svg") and "<text" not in a.svg and "<script" not in a.svg
        assert "NotoSansCJKsc-Regular" in a.svg  # the SC face of the collection drew the glyphs
        ids = re.findall(r'\bid="([^"]+)"', a.svg)
        assert ids and all(i.startswith(a.key + "-") for i in ids)
        refs = re.findall(r'(?:href="#|url\(#)([^")]+)', a.svg)
        assert refs and set(refs) <= set(ids)
    all_ids = [i for c in first for i in re.findall(r'\bid="([^"]+)"', c.svg)]
    assert len(all_ids) == len(set(all_ids))  # several charts in one page never share an id


def test_trend_needs_past_years_and_reads_the_history(project):
    model = _model(project)
    assert sorted(model.history) == [2022, 2023]
    points = charts.trend_points(model)
    assert [p[0] for p in points] == [2022, 2023, 2024]
    assert points[-1][1] == int(model.get("table3", "new", "total"))
    model.history = {}
    assert charts.trend_chart(model) is None


def test_outcome_groups_add_up_to_the_total(project):
    model = _model(project)
    assert sum(n for _, n in charts.outcome_counts(model)) == int(model.get("table3", "total", "total"))
    assert [label for label, _ in charts.outcome_counts(model)] == [
        "予以公开",
        "部分公开",
        "不予公开",
        "无法提供",
        "不予处理",
        "其他处理",
    ]


def test_appendix_in_review_and_in_publish_only_when_asked(project, tmp_path):
    model = _model(project)
    html = notebook.show_appendix(model, "review")
    assert 'id="chart-trend"' in html and 'id="compare"' in html and 'id="ledger"' in html
    assert notebook.show_appendix(model, "publish") is None
    model.options["charts"] = True
    html = notebook.show_appendix(model, "publish")
    assert 'id="chart-outcomes"' in html and 'id="compare"' not in html
    model.options.update(charts=False, compare=False)
    assert notebook.show_appendix(model, "review") is None


def test_yoy_placeholders_from_last_year(project):
    from govreport_kit.inputs.narrative import fill, yoy

    model = _model(project)
    last = model.history[2023]
    now, then = int(model.get("table3", "new", "total")), int(last.get("table3", "new", "total"))
    assert fill("{{ yoy(table3.new.total) }}", model) == yoy(str(now), str(then))
    assert fill("{{yoy( table3.new.total )}}", model).startswith(("同比", "与上年", "上年为0"))
    model.history = {}
    assert fill("{{ yoy(table3.new.total) }}", model) == "无上年数据，无法计算同比"


def test_check_does_not_import_matplotlib(project):
    code = (
        "import sys; from govreport_kit.cli import main; rc = main(['check', sys.argv[1]]); "
        "print(json.dumps('matplotlib' in sys.modules))"
    )
    res = subprocess.run(
        [sys.executable, "-c", "import json;" + code, str(project / "2024.yaml")],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert res.stdout.strip().splitlines()[-1] == "false", res.stdout + res.stderr


# ------------------------------------------------------------------------------ the real browser


@pytest.mark.browser
@pytest.mark.kernel
def test_charts_in_chromium_and_byte_identical_runs(project, tmp_path, launch_chromium):
    sync_api = pytest.importorskip("playwright.sync_api")
    from govreport_kit.running.runner import run_report

    first = run_report(project / "2024.yaml", outputs_root=tmp_path / "a")
    second = run_report(project / "2024.yaml", outputs_root=tmp_path / "b")
    assert first.status in ("ok", "findings"), first.message
    html = Path(first.html_path).read_bytes()
    assert html == Path(second.html_path).read_bytes()
    assert len(html) < 400_000
    out = OUTPUT / "test_charts_in_chromium"
    out.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as p:
        b = launch_chromium(p)
        page = b.new_context(viewport={"width": 1100, "height": 900}, locale="zh-CN").new_page()
        refused = []
        page.route(
            "**/*",
            lambda r: (
                r.continue_() if r.request.url.startswith("file://") else (refused.append(r.request.url), r.abort())
            ),
        )
        page.goto(Path(first.html_path).as_uri(), wait_until="load")
        for key in ("outcomes", "applicants", "trend", "reviews"):
            fig = page.locator(f"#chart-{key}")
            assert fig.is_visible()
            svg = fig.locator("svg")
            box = svg.bounding_box()
            assert box and box["width"] > 250 and box["height"] > 100
            # text drawn as glyph paths: the glyph definitions exist and are used
            glyphs = svg.locator("defs path[id*='NotoSansCJKsc']")
            assert glyphs.count() > 8
            assert svg.locator("use").count() > glyphs.count()
            assert svg.locator("text").count() == 0
            fig.screenshot(path=str(out / f"{key}.png"))
        assert page.locator("#compare td").filter(has_text=re.compile("同比|持平|上年为0")).count() > 5
        assert page.locator("#ledger li").count() >= 4
        page.locator("#appendix").screenshot(path=str(out / "appendix.png"))
        b.close()
    assert refused == []
    # the glyphs left ink: a chart's screenshot is not blank
    from PIL import Image  # noqa: PLC0415 - Pillow comes with matplotlib

    img = Image.open(out / "outcomes.png").convert("L")
    assert sum(img.histogram()[:128]) > 500


@pytest.mark.kernel
def test_sample_review_report_has_charts_and_stays_under_150_kb(sample_run):

    res = sample_run()
    assert res.status == "ok", res.message
    html = Path(res.html_path).read_text(encoding="utf-8")
    assert 'id="chart-outcomes"' in html and 'id="chart-applicants"' in html
    assert res.html_bytes < 150_000
    publish = sample_run("publish", audience="publish")
    assert publish.status == "ok" and "chart-" not in Path(publish.html_path).read_text(encoding="utf-8")
