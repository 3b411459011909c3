"""The message itself (pure): headers, names, body limits, identity; and params/mail.yaml validation."""

from __future__ import annotations

import re
from email import message_from_bytes, policy

import pytest

from govreport_kit.core.errors import GovReportError
from govreport_kit.inputs.params import validate_params
from govreport_kit.mail import compose as C
from govreport_kit.mail.config import (
    DEFAULT_SUBJECT,
    PASSWORD_ENV,
    MailConfigError,
    load_config,
    password_for,
    validate_config,
)

FINDINGS = [
    {
        "severity": "warning",
        "rule": "R-X",
        "row_label": "（二）部分公开",
        "column_label": "总计",
        "message": "部分公开占比异常：请核对 <b>表三</b> 的数字",
    }
]


def item(**kw) -> C.MailItem:
    base = dict(
        agency_code="xishan-edu",
        agency_name="昆明市西山区教育体育局",
        year=2023,
        audience="review",
        findings=FINDINGS,
        figures=C.Figures(10, 9, 6, 1, 2),
        previous=C.Figures(8, 8, 4, 0, 1),
        attachments=(
            C.Attachment(
                "pdf",
                b"%PDF-1.7\n" + bytes(range(256)) * 40,
                C.attachment_name("昆明市西山区教育体育局", 2023, "pdf"),
                "xishan-edu-2023.pdf",
            ),
        ),
        to=("a@example.cn",),
        cc=("b@example.cn",),
        counts={"error": 0, "warning": 1, "info": 0},
    )
    base.update(kw)
    return C.MailItem(**base)


def made(it=None, **kw):
    return C.compose(
        it or item(), sender="年报发送 <govreport@region.example.cn>", subject_template=DEFAULT_SUBJECT, **kw
    )


def test_subject_figures_and_findings():
    m = made(date=0)
    assert m.subject == "【年度报告审阅稿】昆明市西山区教育体育局 2023 年：错误 0 项，警告 1 项"
    msg = message_from_bytes(m.eml, policy=policy.default)
    assert str(msg["Subject"]) == m.subject and msg["Message-ID"] == m.message_id
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    for needle in (
        "本年新收申请（件）：10 / 8 / +2（+25.0%）",
        "公开（含部分公开）占办结：66.7% / 50.0% / +16.7 个百分点",
        "行政复议（件）：1 / 0 / +1",
        "行政诉讼（件）：2 / 1 / +1（+100.0%）",
        "[警告] （二）部分公开，总计：部分公开占比异常",
    ):
        assert needle in text
    assert "&lt;b&gt;表三&lt;/b&gt;" in html and "<b>表三" not in html  # finding text escaped
    assert "<style" not in html and "<script" not in html and "data:" not in html and 'class="figures"' in html
    assert len(html.encode()) < 100_000


def test_unknown_previous_year_shows_dashes():
    text = made(item(previous=None)).text
    assert "本年新收申请（件）：10 / — / —" in text and "上年（未知）" in text


def test_identity_is_stable_and_follows_the_content():
    a, b = made(date=0), made(date=10**9)
    assert a.message_id == b.message_id and a.content_hash == b.content_hash
    assert a.eml.replace(a.eml.split(b"Date: ")[1].split(b"\r\n")[0], b"") == b.eml.replace(
        b.eml.split(b"Date: ")[1].split(b"\r\n")[0], b""
    )  # only the date differs
    assert made(item(to=("c@example.cn",))).message_id != a.message_id
    assert made(item(counts={"error": 1, "warning": 1})).message_id != a.message_id
    assert made(item(audience="publish")).message_id.startswith("<govreport.xishan-edu.2023.publish.")
    assert re.fullmatch(r"<govreport\.xishan-edu\.2023\.review\.[0-9a-f]{32}@region\.example\.cn>", a.message_id)


def test_attachment_names_are_short_and_encoded_three_ways():
    assert C.attachment_name("昆明市西山区教育体育局", 2023, "pdf") == "西山区教育体育局2023年报.pdf"
    long = C.attachment_name("云南省昆明市某某某某某某某某某某某某某某某某某某某局", 2023, "html")
    assert len(C._encoded_word(long)) <= 75 and long.endswith("局2023年报.html")
    eml = made().eml.decode("ascii")  # every header and body line is ASCII
    assert "filename*=UTF-8''%E8%A5%BF" in eml and 'filename="xishan-edu-2023.pdf"' in eml
    assert 'name="=?UTF-8?B?' in eml and "*0" not in eml
    assert all(len(line) <= 998 for line in eml.split("\r\n"))


def test_params_mail_key_is_validated():
    base = {"agency": {"code": "x-edu", "name": "某局"}, "year": 2023, "data": "2023.xlsx"}
    ok = validate_params({**base, "mail": {"to": ["a@example.cn"], "cc": ["b@example.cn", "c@example.cn"]}})
    assert ok["mail"]["cc"] == ["b@example.cn", "c@example.cn"]
    with pytest.raises(GovReportError, match="mail.to.*第 2 项.*不是有效的邮箱地址"):
        validate_params({**base, "mail": {"to": ["a@example.cn", "not an address"]}})
    with pytest.raises(GovReportError, match="未知的键“mail.bcc”"):
        validate_params({**base, "mail": {"bcc": ["a@example.cn"]}})


def test_password_in_the_config_file_is_refused(tmp_path):
    f = tmp_path / "mail.yaml"
    f.write_text("host: smtp.example.cn\nuser: me\npassword: hunter2\n", encoding="utf-8")
    with pytest.raises(MailConfigError) as e:
        load_config(f)
    assert e.value.exit_code == 2 and PASSWORD_ENV in e.value.message and "钥匙串" in e.value.message
    assert "hunter2" not in e.value.message


def test_config_validation(tmp_path, monkeypatch):
    with pytest.raises(MailConfigError, match="是不是想写“starttls”"):
        validate_config({"startls": True})
    with pytest.raises(MailConfigError, match="只能选一个"):
        validate_config({"starttls": True, "ssl": True})
    with pytest.raises(MailConfigError, match="不可用"):
        validate_config({"subject": "{agency.__class__}"})
    with pytest.raises(MailConfigError, match="attach"):
        validate_config({"attach": ["docx"]})
    cfg = validate_config({"user": "me", "attach": ["pdf"], "port": 587, "starttls": True})
    assert cfg.attach == ("pdf",) and cfg.port == 587
    monkeypatch.setenv(PASSWORD_ENV, "s3cret")
    assert password_for(cfg) == "s3cret"
    monkeypatch.delenv(PASSWORD_ENV)
    import sys

    monkeypatch.setitem(sys.modules, "keyring", None)  # no keyring installed
    with pytest.raises(MailConfigError, match=PASSWORD_ENV):
        password_for(cfg)
    assert cfg.with_server("localhost:1025").starttls is False
    with pytest.raises(MailConfigError, match="--smtp"):
        cfg.with_server("localhost")
