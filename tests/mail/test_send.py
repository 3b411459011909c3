"""``govreport mail`` against a real SMTP server on loopback (aiosmtpd): delivery, no double sends,
refusals, retries, a server that is down, STARTTLS with a self-signed certificate.

The three agency-years are rendered once per module (real kernel runs, HTML + PDF); each test
works on its own copy of that project, so the batch records found there make rendering a no-op.
"""

from __future__ import annotations

import json
import re
import shutil
import ssl
from email.header import decode_header, make_header
from pathlib import Path
from urllib.parse import unquote

import pytest

from govreport_kit.cli import main
from govreport_kit.mail.outbox import read_ledger
from govreport_kit.mail.run import mail_reports

pytest.importorskip("aiosmtpd")
pytestmark = [pytest.mark.kernel, pytest.mark.slow]


@pytest.fixture(scope="module")
def rendered(make_project, tmp_path_factory):
    root = make_project(tmp_path_factory.mktemp("mailproj"))
    import os

    old = os.environ.get("GOVREPORT_PROJECT")
    os.environ["GOVREPORT_PROJECT"] = str(root)
    try:
        run = mail_reports(dry_run=True)
    finally:
        if old is None:
            os.environ.pop("GOVREPORT_PROJECT", None)
        else:
            os.environ["GOVREPORT_PROJECT"] = old
    assert run.exit_code == 0, run.summary()
    shutil.rmtree(root / "outputs" / "outbox")  # each test starts with an empty outbox and ledger
    return root


@pytest.fixture
def project(rendered, tmp_path, monkeypatch):
    root = tmp_path / "proj"
    shutil.copytree(rendered, root)
    monkeypatch.setenv("GOVREPORT_PROJECT", str(root))
    return root


def ledger(project: Path):
    return read_ledger(project / "outputs" / "outbox" / "ledger.jsonl")


def outbox_files(project: Path) -> list[Path]:
    return sorted((project / "outputs" / "outbox").rglob("*.eml"))


def attachments(msg) -> dict[str, bytes]:
    """Attachments by their Chinese name, read from the raw headers: the RFC 2231 ``filename*``,
    the RFC 2047 ``name=`` (must agree) and the ASCII ``filename`` fallback; no continuations."""
    out = {}
    for part in msg.iter_attachments():
        raw = {k.lower(): re.sub(r"\r?\n[ \t]", " ", v) for k, v in part.raw_items()}
        cd, ct = raw["content-disposition"], raw["content-type"]
        assert "*0" not in cd and "*0" not in ct  # no RFC 2231 continuations
        star = re.search(r"filename\*=UTF-8''([^;\s]+)", cd).group(1)
        name = unquote(star, encoding="utf-8", errors="strict")
        fallback = re.search(r'filename="([^"]+)"', cd).group(1)
        assert fallback.isascii() and re.fullmatch(r"[a-z0-9-]+-2023\.(pdf|html)", fallback)
        word = re.search(r'name="(=\?UTF-8\?B\?[^"]+\?=)"', ct).group(1)
        assert len(word) <= 75 and str(make_header(decode_header(word))) == name
        assert part.get_filename() == name  # Python's own reading agrees
        data = part.get_payload(decode=True)
        out[name] = data
    return out


def test_batch_delivered_with_every_attachment_intact(smtp_server, AGENCIES, project):
    with smtp_server() as srv:
        run = mail_reports(smtp=srv.address)
    assert run.exit_code == 0, run.summary()
    msgs = srv.handler.messages()
    assert len(msgs) == 3
    by_code = {m["Message-ID"].split(".")[1]: (m, env) for m, env in zip(msgs, srv.handler.received)}
    for code, (name, to, cc) in AGENCIES.items():
        msg, (mail_from, rcpts, raw) = by_code[code]
        assert mail_from == "govreport@region.example.cn"
        assert sorted(rcpts) == sorted(to + cc)
        assert str(msg["Subject"]) == f"【年度报告审阅稿】{name} 2023 年：错误 0 项，警告 0 项"
        out_dir = project / "outputs" / code / "2023"
        got = attachments(msg)
        assert len(got) == 2
        (html_name,) = [n for n in got if n.endswith(".html")]
        (pdf_name,) = [n for n in got if n.endswith(".pdf")]
        assert html_name.endswith("2023年报.html") and html_name[: -len("2023年报.html")] in name
        assert pdf_name == html_name[: -len("html")] + "pdf"
        assert got[pdf_name] == (out_dir / "report.pdf").read_bytes()
        assert got[html_name] == (out_dir / "report.html").read_bytes()
        body = msg.get_body(("html",)).get_content()
        text = msg.get_body(("plain",)).get_content()
        assert len(body.encode("utf-8")) < 100_000 and "<script" not in body.lower() and "data:" not in body
        for figure in ("本年新收申请", "办结", "予以公开＋部分公开", "行政复议", "行政诉讼"):
            assert figure in body and figure in text
        # the .eml in the outbox is what the server got
        eml = project / "outputs" / "outbox" / code / "2023"
        (sent_file,) = list(eml.glob("*.eml"))
        assert sent_file.read_bytes().replace(b"\r\n", b"\n") == raw.replace(b"\r\n", b"\n")
    records = ledger(project)
    assert len(records) == 3 and {r.status for r in records.values()} == {"sent"}
    assert all(r.reply.startswith("250") and r.message_id in {m["Message-ID"] for m in msgs} for r in records.values())


def test_rerun_sends_nothing_and_changed_input_sends_one_new_message(smtp_server, project, capsys):
    with smtp_server() as srv:
        assert main(["mail", "--smtp", srv.address]) == 0
        first = capsys.readouterr()
        assert len(srv.handler.received) == 3
        assert main(["mail", "--smtp", srv.address]) == 0
        again = capsys.readouterr()
        assert len(srv.handler.received) == 3
        assert again.err.count("此前已发送") == 3 and "跳过（此前已发送）3 封" in again.out
        # a changed narrative: re-rendered, a new message (new Message-ID); the others skipped
        md = project / "params" / "wuhua-edu" / "2023.md"
        md.write_text(md.read_text(encoding="utf-8") + "\n本年度另有补充说明。\n", encoding="utf-8")
        assert main(["mail", "--smtp", srv.address]) == 0
        changed = capsys.readouterr()
        assert len(srv.handler.received) == 4
        new = srv.handler.messages()[-1]
        assert ".wuhua-edu.2023.review." in new["Message-ID"]
        assert new["Message-ID"] not in {m["Message-ID"] for m in srv.handler.messages()[:3]}
        assert "正在生成" in changed.err and changed.err.count("此前已发送") == 2
        # --resend forces, with the same Message-ID as before
        assert main(["mail", "--smtp", srv.address, "--resend", str(project / "params" / "xishan-edu")]) == 0
        assert len(srv.handler.received) == 5
    assert "已发送 3 封" in first.out
    assert len(ledger(project)) == 4


def test_refused_recipient_and_size_refusal_are_recorded_while_the_rest_go_through(smtp_server, project, capsys):
    with smtp_server() as srv:
        srv.handler.refuse_rcpt["boss@wuhua.example.cn"] = "550 5.1.1 <boss@wuhua.example.cn>: user unknown"
        srv.handler.refuse_data["review@panlong.example.cn"] = "552 5.3.4 Message size exceeds fixed limit"
        code = main(["mail", "--smtp", srv.address])
        out = capsys.readouterr()
    assert code == 1
    got = {env[1][0] for env in srv.handler.received}
    assert got == {"review@xishan.example.cn", "review@wuhua.example.cn"}
    wuhua_rcpts = [env[1] for env in srv.handler.received if "review@wuhua.example.cn" in env[1]][0]
    assert wuhua_rcpts == ["review@wuhua.example.cn"]
    recs = {r.agency: r for r in ledger(project).values()}
    assert recs["wuhua-edu"].status == "sent" and recs["wuhua-edu"].refused == {
        "boss@wuhua.example.cn": "550 5.1.1 <boss@wuhua.example.cn>: user unknown"
    }
    assert recs["panlong-hr"].status == "failed" and recs["panlong-hr"].reply.startswith("552")
    assert recs["panlong-hr"].attempts == 1  # 5xx: never retried
    assert srv.handler.data_commands == 3
    assert "boss@wuhua.example.cn" in out.err and "被拒绝，不再重试" in out.err
    assert "被拒收件人 1 个" in out.out and "失败 1 封" in out.out


def test_temporary_failure_is_retried(smtp_server, project, capsys):
    with smtp_server() as srv:
        srv.handler.temporary = ["451 4.3.0 Try again later"]
        assert main(["mail", "--smtp", srv.address, str(project / "params" / "xishan-edu")]) == 0
        err = capsys.readouterr().err
    assert len(srv.handler.received) == 1 and srv.handler.data_commands == 2
    (rec,) = ledger(project).values()
    assert rec.status == "sent" and rec.attempts == 2
    assert "第 1 次尝试失败" in err and "451" in err


def test_server_down_exits_1_with_the_outbox_intact(smtp_server, free_port, project, capsys):
    port = free_port()  # nothing listens there
    assert main(["mail", "--smtp", f"127.0.0.1:{port}"]) == 1
    out = capsys.readouterr()
    files = outbox_files(project)
    assert len(files) == 3 and all(f.stat().st_size > 100_000 for f in files)
    recs = ledger(project).values()
    assert {r.status for r in recs} == {"failed"} and all(r.attempts == 3 for r in recs)
    assert "连接失败" in out.err and "失败 3 封" in out.out
    before = {f: f.read_bytes() for f in files}
    # the server comes up: the same messages (same files, same ids) go out
    with smtp_server() as srv:
        assert main(["mail", "--smtp", srv.address]) == 0
    assert len(srv.handler.received) == 3
    assert {f: f.read_bytes() for f in outbox_files(project)} == before


def test_interrupted_send_is_reported_not_resent(smtp_server, project, capsys):
    assert main(["mail", "--dry-run", str(project / "params" / "xishan-edu")]) == 0
    path = project / "outputs" / "outbox" / "ledger.jsonl"
    rec = json.loads(path.read_text(encoding="utf-8"))
    rec["status"] = "sending"  # as left by a run killed during the SMTP transaction
    path.write_text(json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
    with smtp_server() as srv:
        assert main(["mail", "--smtp", srv.address, str(project / "params" / "xishan-edu")]) == 1
        out = capsys.readouterr()
        assert srv.handler.received == []
        assert "上次发送中断" in out.err and "--resend" in out.err
        assert main(["mail", "--smtp", srv.address, "--resend", str(project / "params" / "xishan-edu")]) == 0
        assert len(srv.handler.received) == 1


def test_dry_run_writes_the_outbox_and_sends_nothing(project, capsys):
    assert main(["mail", "--dry-run"]) == 0
    out = capsys.readouterr().out
    files = outbox_files(project)
    assert len(files) == 3 and all(str(f) in out for f in files)
    assert {r.status for r in ledger(project).values()} == {"written"}


def test_over_the_size_limit_is_refused_before_connecting(smtp_server, project, capsys):
    (project / "params" / "mail.yaml").write_text(
        (project / "params" / "mail.yaml").read_text(encoding="utf-8") + "max_bytes: 100000\n", encoding="utf-8"
    )
    with smtp_server() as srv:
        assert main(["mail", "--smtp", srv.address, str(project / "params" / "xishan-edu")]) == 1
    err = capsys.readouterr().err
    assert srv.handler.data_commands == 0 and "attach: [pdf]" in err and "max_bytes" in err


def test_starttls_with_a_self_signed_certificate_the_test_trusts(smtp_server, self_signed, project, tmp_path):
    cert, key = self_signed(tmp_path)
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    with smtp_server(tls_context=ctx) as srv:
        cfg = project / "params" / "mail.yaml"
        text = (
            cfg.read_text(encoding="utf-8").replace("port: 25", f"port: {srv.port}").replace("retries: 3", "retries: 1")
        )
        cfg.write_text(text + "starttls: true\n", encoding="utf-8")
        # not trusted yet: refused by our side, never retried
        run = mail_reports([str(project / "params" / "xishan-edu")])
        assert run.exit_code == 1 and "TLS" in run.outcomes[0].message and srv.handler.data_commands == 0
        cfg.write_text(cfg.read_text(encoding="utf-8") + f"ca_file: {json.dumps(str(cert))}\n", encoding="utf-8")
        run = mail_reports([str(project / "params" / "xishan-edu")])
        assert run.exit_code == 0, run.summary()
    assert len(srv.handler.received) == 1 and srv.handler.tls_sessions == 1


@pytest.mark.browser
def test_received_html_body_is_laid_out_without_style_elements(smtp_server, project, launch_chromium):
    """What Gmail shows in the views that drop <style>: the body from the server, <style> removed."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with smtp_server() as srv:
        assert mail_reports([str(project / "params" / "xishan-edu")], smtp=srv.address).exit_code == 0
    (msg,) = srv.handler.messages()
    body = msg.get_body(("html",)).get_content()
    stripped = re.sub(r"<style\b.*?</style\s*>", "", body, flags=re.S | re.I)
    out = Path(__file__).resolve().parents[1] / "output" / "test_received_html_body_is_laid_out"
    out.mkdir(parents=True, exist_ok=True)
    page_file = out / "body.html"
    page_file.write_text(stripped, encoding="utf-8")
    with sync_api.sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            page = browser.new_page(viewport={"width": 800, "height": 900}, locale="zh-CN")
            requests = []
            page.on("request", lambda r: requests.append(r.url))
            page.goto(page_file.as_uri(), wait_until="load")
            assert page.evaluate("document.querySelectorAll('style,script,link,img').length") == 0
            rows = page.evaluate("""() => [...document.querySelectorAll('table.figures tr')].map(tr =>
                [...tr.children].map(c => { const r = c.getBoundingClientRect();
                    return {x: r.left, y: r.top, w: r.width, h: r.height, text: c.innerText.trim()}; }))""")
            table = page.evaluate(
                "(() => { const r = document.querySelector('table.figures').getBoundingClientRect();"
                " return {w: r.width, h: r.height}; })()"
            )
            page.screenshot(path=str(out / "body.png"), full_page=True)
        finally:
            browser.close()
    assert requests == [page_file.as_uri()]
    assert [c["text"] for c in rows[0]] == ["指标", "2023 年", "上年", "变化"]
    assert len(rows) == 7 and all(len(r) == 4 for r in rows)
    for r in rows:  # a grid: the cells of a row side by side on one line, same columns in every row
        assert len({round(c["y"]) for c in r}) == 1
        assert [c["x"] for c in r] == sorted(c["x"] for c in r) and all(c["w"] > 40 for c in r)
        assert [round(c["x"]) for c in r] == [round(c["x"]) for c in rows[0]]
    assert table["w"] > 500 and rows[1][0]["text"] == "本年新收申请（件）"
