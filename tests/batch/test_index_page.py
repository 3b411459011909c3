"""The batch index page and manifest: offline, escaped, sortable without script, with totals."""

from __future__ import annotations

import json
import re

import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from govreport_kit.batch import index_page
from govreport_kit.batch import store as batch_store
from govreport_kit.batch.jobs import EMPTY, FAILED, FINDINGS, OK, SKIPPED, JobResult


def _results():
    return [
        JobResult(
            "b-agency",
            2023,
            OK,
            name="乙局",
            errors=0,
            warnings=3,
            seconds=1.5,
            report="b-agency/2023/report.html",
            findings="b-agency/2023/findings.json",
        ),
        JobResult(
            "a-agency",
            2023,
            FINDINGS,
            name="甲局",
            errors=4,
            warnings=1,
            seconds=2.5,
            report="a-agency/2023/report.html",
            findings="a-agency/2023/findings.json",
        ),
        JobResult(
            "c-agency",
            2022,
            FAILED,
            name="<script>alert(1)</script><img src=x onerror=alert(1)>",
            reason='单元格出错：<b>"javascript:alert(1)"</b>',
            notebook="c-agency/2022/report.failed.ipynb",
            seconds=0.5,
        ),
        JobResult(
            "d-agency",
            2023,
            SKIPPED,
            name="丁局",
            warnings=2,
            previous_status=OK,
            report="d-agency/2023/report.html",
            findings="d-agency/2023/findings.json",
        ),
    ]


def test_index_escapes_everything_and_has_no_script_or_external_url():
    html = index_page.render_index(_results())
    tree = HTMLParser(html)
    assert tree.css("script") == [] and tree.css("img") == []
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "onerror=alert(1)>" not in html
    assert not re.search(r"(?:src|href)=\"(?:https?:)?//", html) and "@import" not in html and "url(" not in html
    assert tree.css_first("html").attributes["lang"] == "zh-CN"
    # the failure reason is shown as text
    assert "单元格出错：&lt;b&gt;" in html


def test_index_lists_every_job_with_links_counts_and_totals():
    tree = HTMLParser(index_page.render_index(_results()))
    rows = tree.css("table.jobs tbody tr")
    assert len(rows) == 4
    cells = {r.css("td")[0].text(): [td.text() for td in r.css("td")] for r in rows}
    assert cells["a-agency"][3] == "有错误" and cells["a-agency"][4] == "4" and cells["a-agency"][5] == "1"
    assert cells["d-agency"][3].startswith("跳过")
    links = {a.attributes["href"] for a in tree.css("tbody a")}
    assert {
        "b-agency/2023/report.html",
        "a-agency/2023/findings.json",
        "c-agency/2022/report.failed.ipynb",
        "d-agency/2023/report.html",
    } <= links
    assert "c-agency/2022/report.html" not in links  # a failed job links its notebook, not a report
    foot = tree.css_first("table.jobs tfoot").text()
    assert "4 份" in foot and "失败 1" in foot
    totals = tree.css_first("p.totals").text()
    assert "正常 1" in totals and "有错误 1" in totals and "跳过 1" in totals and "错误合计 4" in totals


def test_every_column_sorts_both_ways_without_script():
    html = index_page.render_index(_results())
    tree = HTMLParser(html)
    keys = [c[0] for c in index_page.COLUMNS]
    for key in keys:
        for d in ("asc", "desc"):
            assert tree.css_first(f"#sort-{key}-{d}") is not None
            assert tree.css_first(f'thead a[href="#sort-{key}-{d}"]') is not None
            assert f"#sort-{key}-{d}:target ~ table.jobs tbody tr" in html
    # each row carries its rank for every key; the errors ranks follow the error counts
    rank = {}
    for r in tree.css("table.jobs tbody tr"):
        style = dict(x.split(":") for x in r.attributes["style"].split(";"))
        rank[r.css("td")[0].text()] = int(style["--k-errors"])
        assert set(style) == {f"--k-{k}" for k in keys}
    assert rank["a-agency"] == 4 and max(rank.values()) == 4
    assert sorted(rank.values()) == [1, 2, 3, 4]


def test_manifest_and_index_are_written_atomically_with_canonical_json(tmp_path):
    index, man = index_page.write_outputs(str(tmp_path), _results(), params_dir="/p")
    data = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert data["schema"] == index_page.MANIFEST_SCHEMA
    assert data["totals"] == {
        "jobs": 4,
        OK: 1,
        FINDINGS: 1,
        EMPTY: 0,
        FAILED: 1,
        SKIPPED: 1,
        "errors": 4,
        "warnings": 6,
    }
    assert [j["agency"] for j in data["jobs"]] == ["b-agency", "a-agency", "c-agency", "d-agency"]
    raw = (tmp_path / "manifest.json").read_bytes()
    assert raw == batch_store.dumps(data)  # sorted keys, UTF-8, stable
    assert "甲局".encode() in raw
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.browser
def test_a_real_browser_reorders_rows_when_a_sort_link_is_followed(tmp_path, launch_chromium):
    sync_api = pytest.importorskip("playwright.sync_api")
    page_file = tmp_path / "index.html"
    page_file.write_text(index_page.render_index(_results()), encoding="utf-8")
    order_js = """() => [...document.querySelectorAll('table.jobs tbody tr')]
        .map(r => [r.getBoundingClientRect().top, r.cells[0].innerText]).sort((a, b) => a[0] - b[0]).map(x => x[1])"""
    with sync_api.sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            page = browser.new_page()
            requests = []
            page.on("request", lambda r: requests.append(r.url))
            page.goto(page_file.as_uri())
            assert page.evaluate(order_js) == ["b-agency", "a-agency", "c-agency", "d-agency"]
            page.click('thead a[href="#sort-agency-asc"] >> nth=0')
            assert page.evaluate(order_js) == ["a-agency", "b-agency", "c-agency", "d-agency"]
            page.click('thead a[href="#sort-errors-desc"]')
            assert page.evaluate(order_js)[0] == "a-agency"
            page.click('thead a[href="#sort-status-asc"]')
            assert page.evaluate(order_js) == ["c-agency", "a-agency", "b-agency", "d-agency"]
            assert page.evaluate("() => document.scripts.length") == 0
            assert all(u.startswith("file://") for u in requests)
        finally:
            browser.close()
