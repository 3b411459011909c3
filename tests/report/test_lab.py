"""The report notebook in a real JupyterLab (server on loopback, driven by Playwright in Debian's chromium).

Run All, then: the tables carry the report's styling (borders, vertical row-group labels, flagged
cells coloured) both as just executed (trusted outputs) and reopened from disk as an untrusted
notebook (what VS Code and the Lab do with outputs they did not produce: ``<style>`` is dropped,
inline styles stay); each table has its DataFrame under a collapsed ``<details>``; a bad parameter
shows as ONE Chinese line, with no traceback, the details a click away.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from govreport_kit.core import paths

pytestmark = [pytest.mark.browser, pytest.mark.kernel, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
OUTPUT = Path(__file__).resolve().parents[1] / "output"
FLAGGED = ("table3", "new", "total")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def notebook_with_parameters(dest: Path, **values) -> Path:
    nb = nbformat.read(str(paths.packaged_notebook("report.ipynb")), as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    lines = []
    for line in cell.source.splitlines():
        name = line.split("=")[0].strip()
        lines.append(f"{name} = {json.dumps(values[name], ensure_ascii=False)}" if name in values else line)
    cell.source = "\n".join(lines)
    nbformat.write(nb, str(dest))
    return dest


@pytest.fixture(scope="module")
def lab(tmp_path_factory, write_agency):
    """A JupyterLab server on 127.0.0.1 for a project holding params/ and notebooks/."""
    root = tmp_path_factory.mktemp("lab")
    project = root / "project"
    write_agency(project, "bad-totals", changes={FLAGGED: 3})
    (project / "notebooks").mkdir()
    notebook_with_parameters(project / "notebooks" / "report.ipynb", agency_code="bad-totals")
    notebook_with_parameters(project / "notebooks" / "bad.ipynb", agency_code="bad-totals", year=2019)
    state = root / "jupyter"
    env = {k: v for k, v in os.environ.items() if k != paths.PROJECT_ENV}
    env.update(
        {
            "JUPYTER_CONFIG_DIR": str(state / "config"),
            "JUPYTER_RUNTIME_DIR": str(state / "runtime"),
            "JUPYTER_DATA_DIR": str(state / "data"),
            "JUPYTERLAB_SETTINGS_DIR": str(state / "settings"),
            "JUPYTERLAB_WORKSPACES_DIR": str(state / "workspaces"),
            "IPYTHONDIR": str(state / "ipython"),
            "PATH": f"{Path(sys.executable).parent}:{env.get('PATH', '')}",
        }
    )
    token, port = secrets.token_hex(16), free_port()
    log = open(root / "lab.log", "wb")  # noqa: SIM115
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyter",
            "lab",
            "--no-browser",
            f"--port={port}",
            "--ServerApp.ip=127.0.0.1",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={project}",
            "--expose-app-in-browser",
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--ServerApp.port_retries=0",
            *(["--allow-root"] if os.geteuid() == 0 else []),
        ],
        cwd=project,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=1):
                    break
            except OSError:
                if server.poll() is not None:
                    pytest.fail((root / "lab.log").read_text(errors="replace")[-3000:])
                time.sleep(0.1)
        yield {"base": base, "token": token, "project": project}
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture(scope="module")
def browser(launch_chromium):
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = launch_chromium(p)
        yield b
        b.close()


def open_notebook(browser, lab, name: str):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    page = context.new_page()
    outside: list[str] = []

    def route(r):
        if r.request.url.startswith(lab["base"]):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.goto(f"{lab['base']}/lab/tree/notebooks/{name}?token={lab['token']}&reset")  # reset: no restored tabs
    page.wait_for_function(
        "() => window.jupyterapp && document.querySelector('.jp-NotebookPanel .jp-Cell')", timeout=60_000
    )
    page.wait_for_function(
        """() => { const w = window.jupyterapp.shell.currentWidget;
        return w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel
               && w.sessionContext.session.kernel.status === 'idle'; }""",
        timeout=60_000,
    )
    return context, page, outside


def shutdown_kernels(lab) -> None:
    """Stop every kernel of the server (two cores are shared: an idle kernel still costs)."""
    url = f"{lab['base']}/api/kernels?token={lab['token']}"
    with urllib.request.urlopen(url, timeout=10) as r:
        kernels = json.loads(r.read())
    for k in kernels:
        req = urllib.request.Request(f"{lab['base']}/api/kernels/{k['id']}?token={lab['token']}", method="DELETE")
        urllib.request.urlopen(req, timeout=30).close()


def run_all(page) -> None:
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")


def styles(page) -> dict:
    return page.evaluate(
        """(flagged) => {
        // data-cell="t.r.c" and id="cell-t-r-c"; the Lab's sanitiser (untrusted outputs) keeps the id only,
        // as data-jupyter-id
        const cell = (code) => document.querySelector(`.jp-OutputArea td[data-cell="${code}"]`) ||
            document.querySelector(`.jp-OutputArea td[data-jupyter-id="cell-${code.replaceAll('.', '-')}"]`);
        const td = cell('table3.new.natural_person');
        const group = document.querySelector('.jp-OutputArea th.group');
        const flag = cell(flagged);
        if (!td || !group || !flag) return null;
        const cs = e => getComputedStyle(e);
        const box = group.getBoundingClientRect();
        // where 本年度办 of 三、本年度办理结果 are drawn (one text node per character in the notebook)
        const texts = [...group.childNodes].filter(n => n.nodeType === 3), chars = [];
        for (let i = 2; i < 6; i++) { const r = document.createRange(); r.selectNodeContents(texts[i]);
                                      const b = r.getBoundingClientRect(); chars.push([b.left, b.top]); }
        return {border: [cs(td).borderTopStyle, cs(td).borderTopWidth], writing: cs(group).writingMode,
                groupStyle: group.getAttribute('style'), flagStyle: flag.getAttribute('style'),
                groupTall: box.height > 3 * box.width, chars: chars, box: [box.width, box.height],
                stacked: chars.every((c, i) => i === 0 || (c[1] > chars[i - 1][1] && Math.abs(c[0] - chars[0][0]) < 3)),
                flagClass: flag.className, flagBackground: cs(flag).backgroundColor,
                frames: document.querySelectorAll('.jp-OutputArea details.govreport-frame').length,
                framesOpen: document.querySelectorAll('.jp-OutputArea details.govreport-frame[open]').length,
                frameHeaders: [...document.querySelectorAll('.jp-OutputArea details.govreport-frame th')]
                               .map(e => e.textContent)};
    }""",
        ".".join(FLAGGED),
    )


def assert_styled(page) -> None:
    page.locator(".jp-OutputArea th.group").first.scroll_into_view_if_needed()
    s = styles(page)
    assert s is not None, page.evaluate(
        "() => [...document.querySelectorAll('.jp-OutputArea td')].slice(0, 3)"
        ".map(e => e.outerHTML).join('\\n') + ' | ' + document.querySelectorAll('.jp-OutputArea table').length"
    )
    assert s["border"] == ["solid", "1px"]
    # Vertical: the Lab's sanitiser and VS Code drop writing-mode, so the notebook stacks the characters
    # (the HTML report keeps writing-mode:vertical-rl).
    assert s["groupTall"] and s["stacked"], str([s["groupTall"], s["stacked"], s["chars"], s["box"]])
    assert "flag-error" in s["flagClass"] and s["flagBackground"] == "rgb(253, 224, 222)", s
    assert s["frames"] == 3 and s["framesOpen"] == 0
    assert "自然人" in s["frameHeaders"] and "结果维持" in s["frameHeaders"]


def test_run_all_in_jupyterlab_shows_the_styled_report(browser, lab, request):
    out = OUTPUT / request.node.name
    out.mkdir(parents=True, exist_ok=True)
    context, page, outside = open_notebook(browser, lab, "report.ipynb")
    try:
        run_all(page)
        page.get_by_text("报告已生成：错误").wait_for(timeout=120_000)
        assert_styled(page)
        page.locator(".jp-OutputArea details.govreport-frame").nth(1).locator("summary").click()
        page.screenshot(path=str(out / "lab.png"), full_page=True)
        page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
        page.wait_for_function("() => !window.jupyterapp.shell.currentWidget.context.model.dirty", timeout=30_000)
    finally:
        context.close()
        shutdown_kernels(lab)
    assert outside == []

    saved = nbformat.read(str(lab["project"] / "notebooks" / "report.ipynb"), as_version=4)
    assert any(o.get("data", {}).get("text/html") for c in saved.cells for o in c.get("outputs", []))


def test_untrusted_outputs_keep_the_styling(browser, lab, request):
    """As the Lab shows outputs it did not produce (and as VS Code does): sanitised, ``<style>`` dropped."""
    out = OUTPUT / request.node.name
    out.mkdir(parents=True, exist_ok=True)
    context, page, outside = open_notebook(browser, lab, "report.ipynb")  # saved with outputs by the test above
    try:
        page.locator(".jp-OutputArea th.group").first.wait_for(timeout=30_000)
        sanitizer = page.evaluate("""() => {
            const w = window.jupyterapp.shell.currentWidget, cells = w.content.model.cells;
            for (let i = 0; i < cells.length; i++) cells.get(i).trusted = false;  // re-rendered, sanitised
            const s = w.content.rendermime.sanitizer;
            return s.sanitize('<style>td{color:red}</style><td style="border:1px solid #333">x</td>');
        }""")
        assert "<style>" not in sanitizer and "border" in sanitizer  # what untrusted output loses and keeps
        page.wait_for_timeout(500)
        trusted = page.evaluate("""() => { const cells = window.jupyterapp.shell.currentWidget.content.model.cells;
            const out = []; for (let i = 0; i < cells.length; i++) { const c = cells.get(i);
                if (c.type === 'code' && c.outputs.length) out.push(c.trusted); } return out; }""")
        assert trusted and not any(trusted), trusted
        assert_styled(page)
        page.screenshot(path=str(out / "untrusted.png"), full_page=True)
    finally:
        context.close()
        shutdown_kernels(lab)
    assert outside == []


def test_bad_parameter_is_one_chinese_line_in_jupyterlab(browser, lab, request):
    out = OUTPUT / request.node.name
    out.mkdir(parents=True, exist_ok=True)
    context, page, outside = open_notebook(browser, lab, "bad.ipynb")
    try:
        run_all(page)
        stderr = page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
        try:
            stderr.first.wait_for(timeout=120_000)
        finally:
            page.screenshot(path=str(out / "error.png"), full_page=True)
            (out / "outputs.html").write_text(
                page.evaluate(
                    "() => [...document.querySelectorAll('.jp-OutputArea')].map(e => e.outerHTML).join('\\n')"
                )
            )
        page.wait_for_function(
            """() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status
                                  === 'idle'""",
            timeout=30_000,
        )
        page.screenshot(path=str(out / "error.png"), full_page=True)
        assert stderr.count() == 1
        line = stderr.first.inner_text().strip()
        assert "\n" not in line and line.startswith("错误：") and "找不到参数文件" in line, line
        visible = page.evaluate("() => window.jupyterapp.shell.currentWidget.content.node.innerText")
        assert "Traceback" not in visible and "ParamsError" not in visible
        details = page.locator(".jp-OutputArea details.govreport-error")
        assert details.count() == 1 and details.get_attribute("open") is None
        assert details.locator("summary").inner_text() == "详细信息"
        details.locator("summary").click()
        assert "改正方法" in details.inner_text() and "load" in details.inner_text()
        page.screenshot(path=str(out / "error-details.png"), full_page=True)
    finally:
        context.close()
        shutdown_kernels(lab)
    assert outside == []
