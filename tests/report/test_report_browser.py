"""The report in a real headless Chromium (Debian's, driven by Playwright), all network refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from govreport_kit.core import format as fmt
from govreport_kit.running.runner import run_report

pytestmark = [pytest.mark.browser, pytest.mark.kernel]

OUTPUT = Path(__file__).resolve().parents[1] / "output"
CJK_FAMILIES = ("CJK", "YaHei", "PingFang", "Hiragino", "Source Han", "WenQuanYi")


@pytest.fixture(scope="module")
def browser(launch_chromium):
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = launch_chromium(p)
        yield b
        b.close()


class Visit:
    """A page opened from file:// with every other request refused and recorded, dialogs recorded."""

    def __init__(self, browser, html_path: str, request):
        self.url = Path(html_path).resolve().as_uri()
        self.requests: list[str] = []
        self.refused: list[str] = []
        self.dialogs: list[str] = []
        self.context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="zh-CN")
        self.page = self.context.new_page()
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", self._dialog)
        self.page.route("**/*", self._route)
        self.page.goto(self.url, wait_until="load")
        self.page.wait_for_timeout(300)  # let anything that would run, run
        self.out = OUTPUT / request.node.name
        self.out.mkdir(parents=True, exist_ok=True)

    def _route(self, route):
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            self.refused.append(route.request.url)
            route.abort()

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def screenshot(self, name: str = "report.png") -> Path:
        path = self.out / name
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def close(self):
        self.context.close()


@pytest.fixture
def visit(browser, request):
    opened = []

    def open_(html_path):
        v = Visit(browser, html_path, request)
        opened.append(v)
        return v

    yield open_
    for v in opened:
        v.close()


def test_sample_report_in_chromium(sample_run, visit):
    res = sample_run()
    assert res.status == "ok", res.message
    v = visit(res.html_path)
    page = v.page
    assert v.requests == [v.url] and v.refused == [] and v.dialogs == []

    labels = page.locator("#table-table3 tbody th.label")
    assert labels.count() == 25
    for i, row in enumerate(fmt.T3_ROWS):
        assert labels.nth(i).is_visible()
        assert labels.nth(i).inner_text().replace("\n", "") == row.label

    for cell, value in {
        "table3.new.natural_person": "2",
        "table3.new.total": "2",
        "table3.partial.natural_person": "2",
        "table3.carried_forward.total": "0",
        "table2.licensing.value": "56",
        "table2.punishment.value": "4",
        "table4.review.total": "0",
    }.items():
        assert page.locator(f'[data-cell="{cell}"]').inner_text() == value, cell

    spans = page.evaluate("""() => {
        const th = [...document.querySelectorAll('#table-table3 thead th')];
        const get = t => th.find(e => e.textContent === t);
        const box = e => e.getBoundingClientRect();
        const rows = [...document.querySelectorAll('#table-table3 thead tr')].map(r => box(r));
        const orgs = ['商业企业', '科研机构', '社会公益组织', '法律服务机构', '其他'].map(t => box(get(t)));
        return {
            natural: [get('自然人').rowSpan, get('自然人').colSpan, box(get('自然人')).height, rows[1].height + rows[2].height],
            orgs: [get('法人或其他组织').colSpan, box(get('法人或其他组织')).width, orgs[4].right - orgs[0].left],
            total: [get('总计').rowSpan, box(get('总计')).height],
            group: [...document.querySelectorAll('#table-table3 th.group')].map(e => [e.textContent, e.rowSpan]),
        };
    }""")
    assert spans["natural"][:2] == [2, 1] and abs(spans["natural"][2] - spans["natural"][3]) <= 2
    assert spans["orgs"][0] == 5 and abs(spans["orgs"][1] - spans["orgs"][2]) <= 2
    assert spans["total"][0] == 2 and abs(spans["total"][1] - spans["natural"][2]) <= 1
    assert ["三、本年度办理结果", 22] in spans["group"] and ["（三）不予公开", 8] in spans["group"]

    assert_cjk_font(page, "h1")
    assert v.screenshot().stat().st_size > 10_000


def assert_cjk_font(page, selector: str) -> None:
    """Chinese is drawn with a CJK font: by Chromium's own account and by the pixels."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    cjk = [f for f in fonts if any(k in f["familyName"] for k in CJK_FAMILIES)]
    assert cjk and sum(f["glyphCount"] for f in cjk) >= 10, fonts
    if any("Noto" in f["familyName"] for f in cjk):  # Linux: the simplified-Chinese face, thanks to lang="zh-CN"
        assert any(f["familyName"].endswith("SC") for f in cjk), fonts

    pixels = page.evaluate(
        """(sel) => {
        const font = getComputedStyle(document.querySelector(sel)).fontFamily;
        const draw = (text) => {
            const c = document.createElement('canvas'); c.width = 120; c.height = 60;
            const g = c.getContext('2d'); g.font = '40px ' + font; g.fillStyle = '#000';
            g.fillText(text, 10, 45);
            const d = g.getImageData(0, 0, c.width, c.height).data;
            let ink = 0; for (let i = 3; i < d.length; i += 4) ink += d[i] > 0 ? 1 : 0;
            return [c.toDataURL(), ink];
        };
        return {a: draw('政'), b: draw('府'), missing: draw('\\uE000')};
    }""",
        selector,
    )
    assert pixels["a"][1] > 50 and pixels["b"][1] > 50
    assert pixels["a"][0] != pixels["b"][0], "two Chinese characters drew the same shape (boxes?)"
    assert pixels["a"][0] != pixels["missing"][0]


def test_injected_markup_stays_text_in_chromium(INJECTION, write_agency, visit, tmp_path):
    params = write_agency(tmp_path, "injection", name=INJECTION.name, narrative=INJECTION.narrative)
    res = run_report(params, outputs_root=tmp_path / "out")
    assert res.status == "ok", res.message
    v = visit(res.html_path)
    page = v.page
    assert v.dialogs == [] and v.requests == [v.url] and v.refused == []
    found = page.evaluate("""() => ({
        scripts: document.querySelectorAll('script').length,
        imgs: document.querySelectorAll('img').length,
        handlers: [...document.querySelectorAll('*')].filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length,
        jsLinks: [...document.querySelectorAll('a')].filter(a => !/^(https?:|mailto:|#)/.test(a.getAttribute('href') || '')).length,
        title: document.title,
    })""")
    assert found == {
        "scripts": 0,
        "imgs": 0,
        "handlers": 0,
        "jsLinks": 0,
        "title": INJECTION.name + "2023年政府信息公开工作年度报告",
    }
    h1 = page.locator("h1").inner_text()
    assert INJECTION.name in h1 and page.locator("h1").is_visible()
    text = page.locator("#part-overview").inner_text()
    assert "<img src=x onerror=alert(1)>" in text and "[点我](javascript:alert(1))" in text
    assert '<a href="javascript:alert(2)">链接</a>' in text
    assert "<script>alert(1)</script>" in page.locator("#part-preamble").inner_text()
    page.locator("h1").click()
    page.wait_for_timeout(100)
    assert v.dialogs == []
    v.screenshot()


def test_findings_link_to_highlighted_cells_in_chromium(write_agency, visit, tmp_path):
    params = write_agency(tmp_path, "bad-totals", changes={("table3", "new", "total"): 3})
    res = run_report(params, outputs_root=tmp_path / "out")
    assert res.status == "findings" and res.errors >= 1
    v = visit(res.html_path)
    page = v.page
    first = page.locator("#findings li.finding").first
    assert "sev-error" in first.get_attribute("class")
    href = first.locator("a").get_attribute("href")
    first.locator("a").click()
    page.wait_for_timeout(100)
    assert page.evaluate("location.hash") == href
    target = page.locator(href)
    assert "flag-error" in target.get_attribute("class") and target.is_visible()
    assert page.evaluate(f"document.querySelector('{href}').matches(':target')")
    color = page.evaluate(f"getComputedStyle(document.querySelector('{href}')).backgroundColor")
    assert color not in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)")
    assert v.requests == [v.url]
    v.screenshot()
