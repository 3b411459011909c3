"""One e-mail per agency-year (pure: data in, message bytes out).

The body is what mail clients render as meant: a layout of nested tables with inline styles and
``width`` attributes only (Outlook's Word engine has no flexbox, Gmail drops ``<style>`` in some
views), no script, no ``data:`` URI, no image, well under Gmail's ~102 KB clipping; the plain-text
alternative carries the same content. Attachments get a Chinese file name that mail clients show
intact (RFC 2047 ``name=`` in Content-Type, a single-segment RFC 2231 ``filename*`` and an ASCII
``filename`` fallback in Content-Disposition; short enough never to need RFC 2231 continuations).

The content hash covers everything but the ``Date`` header (sender, recipients, subject, both
bodies, attachment names and bytes), and the Message-ID is derived from agency, year, audience and
that hash: the same message always gets the same id; changed content is a new message.
"""

from __future__ import annotations

import base64
import html as _html
import io
import json
from dataclasses import dataclass, field
from email import encoders
from email.generator import BytesGenerator
from email.header import Header
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import formataddr, formatdate, parseaddr
from typing import Any
from urllib.parse import quote

from govreport_kit.core.files import sha256_bytes

AUDIENCE_LABELS = {"review": "年度报告审阅稿", "publish": "年度报告发布稿"}
SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}
SEVERITY_COLOURS = {"error": "#c62828", "warning": "#a15c00", "info": "#1565c0"}
MAX_BODY_BYTES = 100_000
FONT = "'Microsoft YaHei','微软雅黑','PingFang SC','Hiragino Sans GB','Noto Sans CJK SC',sans-serif"
_MIME = {"pdf": ("application", "pdf"), "html": ("text", "html")}


@dataclass(frozen=True)
class Figures:
    """Key figures of one year: 新收, 办结, 予以公开+部分公开, 行政复议, 行政诉讼 (counts)."""

    received: int
    concluded: int
    disclosed: int  # 予以公开 + 部分公开
    review: int
    litigation: int

    @property
    def disclosed_share(self) -> float | None:
        return self.disclosed / self.concluded if self.concluded else None


def key_figures(model) -> Figures:
    """The figures of an :class:`~govreport_kit.core.model.AgencyYear` (blanks read as 0)."""
    v = lambda t, r, c: int(model.value_or_zero(t, r, c) or 0)  # noqa: E731
    return Figures(
        received=v("table3", "new", "total"),
        concluded=v("table3", "total", "total"),
        disclosed=v("table3", "granted", "total") + v("table3", "partial", "total"),
        review=v("table4", "review", "total"),
        litigation=v("table4", "litigation_direct", "total") + v("table4", "litigation_after_review", "total"),
    )


@dataclass(frozen=True)
class Attachment:
    kind: str  # "html" or "pdf"
    data: bytes
    filename: str  # Chinese display name
    ascii_name: str  # fallback, e.g. xishan-edu-2023.pdf


@dataclass(frozen=True)
class MailItem:
    """Everything one message is made of."""

    agency_code: str
    agency_name: str
    year: int
    audience: str
    findings: list[dict[str, Any]]
    figures: Figures
    previous: Figures | None
    attachments: tuple[Attachment, ...]
    to: tuple[str, ...]
    cc: tuple[str, ...] = ()
    counts: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Composed:
    subject: str
    text: str
    html: str
    content_hash: str
    message_id: str
    eml: bytes


def attachment_name(agency_name: str, year: int, ext: str) -> str:
    """A short Chinese file name whose RFC 2047 encoded word stays within 75 characters."""
    candidates = [agency_name]
    for sep in ("省", "市", "州", "盟"):
        head, found, tail = agency_name.partition(sep)
        if found and len(tail) >= 4:
            candidates.append(tail)
    for name in candidates + [agency_name[-i:] for i in range(len(agency_name) - 1, 3, -1)]:
        full = f"{name}{year}年报.{ext}"
        if len(_encoded_word(full)) <= 75:
            return full
    return f"{year}年报.{ext}"


def _encoded_word(text: str) -> str:
    return "=?UTF-8?B?" + base64.b64encode(text.encode("utf-8")).decode("ascii") + "?="


def subject_for(template: str, item: MailItem) -> str:
    return template.format(
        audience_label=AUDIENCE_LABELS.get(item.audience, item.audience),
        agency=item.agency_name,
        agency_code=item.agency_code,
        year=item.year,
        errors=item.counts.get("error", 0),
        warnings=item.counts.get("warning", 0),
    )


# ------------------------------------------------------------------------------------ content
def figure_rows(cur: Figures, prev: Figures | None) -> list[tuple[str, str, str, str]]:
    """(label, this year, last year, change) for the figures table; last year "—" when unknown."""

    def pct(f: Figures) -> str:
        s = f.disclosed_share
        return "—" if s is None else f"{s * 100:.1f}%"

    def delta(a: int, b: int | None) -> str:
        if b is None:
            return "—"
        d = a - b
        rel = f"（{d / b * 100:+.1f}%）" if b else ""
        return "持平" if d == 0 else f"{d:+d}{rel}"

    rows = [
        ("本年新收申请（件）", "received"),
        ("办结（件）", "concluded"),
        ("予以公开＋部分公开（件）", "disclosed"),
        ("行政复议（件）", "review"),
        ("行政诉讼（件）", "litigation"),
    ]
    out = []
    for label, key in rows:
        a, b = getattr(cur, key), (getattr(prev, key) if prev else None)
        out.append((label, str(a), "—" if b is None else str(b), delta(a, b)))
        if key == "disclosed":
            share_prev = pct(prev) if prev else "—"
            change = "—"
            if prev and cur.disclosed_share is not None and prev.disclosed_share is not None:
                d = (cur.disclosed_share - prev.disclosed_share) * 100
                change = "持平" if abs(d) < 0.05 else f"{d:+.1f} 个百分点"
            out.append(("公开（含部分公开）占办结", pct(cur), share_prev, change))
    return out


def finding_rows(findings: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    """(severity label, where, what to change) for each finding."""
    out = []
    for f in findings:
        where = "，".join(x for x in (f.get("row_label"), f.get("column_label")) if x) or "正文"
        out.append((SEVERITY_LABELS.get(f.get("severity"), f.get("severity") or ""), where, str(f.get("message", ""))))
    return out


def text_body(item: MailItem, subject: str, reply_to: str | None) -> str:
    prev_year = f"{item.year - 1} 年" if item.previous else "上年（未知）"
    lines = [subject, "", _intro(item), "", f"主要数据（{item.year} 年 / {prev_year} / 变化）："]
    lines += [f"  {label}：{a} / {b} / {c}" for label, a, b, c in figure_rows(item.figures, item.previous)]
    lines += ["", _findings_heading(item)]
    rows = finding_rows(item.findings)
    lines += [f"  {i}. [{sev}] {where}：{what}" for i, (sev, where, what) in enumerate(rows, 1)] or ["  未发现问题。"]
    lines += ["", _footer(item, reply_to)]
    return "\n".join(lines) + "\n"


def _intro(item: MailItem) -> str:
    files = "、".join(a.filename for a in item.attachments)
    c = item.counts
    return (
        f"附件是{item.agency_name} {item.year} 年政府信息公开工作{AUDIENCE_LABELS.get(item.audience, '')}（{files}）。"
        f"检查结果：错误 {c.get('error', 0)} 项，警告 {c.get('warning', 0)} 项，提示 {c.get('info', 0)} 项。"
    )


def _findings_heading(item: MailItem) -> str:
    return "检查发现的问题（请按“要修改的内容”改正后重新生成）：" if item.findings else "检查结果："


def _footer(item: MailItem, reply_to: str | None) -> str:
    back = f"如有疑问请回复至 {reply_to}。" if reply_to else "如有疑问请直接回复本邮件。"
    return f"本邮件由 govreport_kit 根据 {item.agency_code}/{item.year} 的报告自动生成。{back}"


def html_body(item: MailItem, subject: str, reply_to: str | None) -> str:
    e = _html.escape
    cell = "padding:6px 8px;border:1px solid #c8c8c8;"
    head = cell + "background:#eef2f6;font-weight:bold;"
    prev_year = f"{item.year - 1} 年" if item.previous else "上年"
    fig = [
        f'<tr><th align="left" style="{head}">指标</th><th align="right" style="{head}">{item.year} 年</th>'
        f'<th align="right" style="{head}">{prev_year}</th><th align="right" style="{head}">变化</th></tr>'
    ]
    for label, a, b, c in figure_rows(item.figures, item.previous):
        fig.append(
            f'<tr><td style="{cell}">{e(label)}</td><td align="right" style="{cell}">{e(a)}</td>'
            f'<td align="right" style="{cell}">{e(b)}</td><td align="right" style="{cell}">{e(c)}</td></tr>'
        )
    rows = finding_rows(item.findings)
    if rows:
        fnd = [
            f'<tr><th align="left" width="60" style="{head}">级别</th><th align="left" style="{head}">位置</th>'
            f'<th align="left" style="{head}">要修改的内容</th></tr>'
        ]
        for (sev, where, what), f in zip(rows, item.findings):
            colour = SEVERITY_COLOURS.get(f.get("severity"), "#333333")
            fnd.append(
                f'<tr><td style="{cell}color:{colour};font-weight:bold;">{e(sev)}</td>'
                f'<td style="{cell}">{e(where)}</td><td style="{cell}">{e(what)}</td></tr>'
            )
        findings = (
            f'<table class="findings" role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" '
            f'style="border-collapse:collapse;width:100%;">{"".join(fnd)}</table>'
        )
    else:
        findings = '<p style="margin:0;">未发现问题。</p>'
    base = f"font-family:{FONT};font-size:14px;line-height:1.6;color:#222222;"
    return (
        f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{e(subject)}</title></head>'
        f'<body style="margin:0;padding:0;background:#f3f4f6;">'
        f'<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#f3f4f6;">'
        f'<tr><td align="center" style="padding:16px 8px;">'
        f'<table class="card" role="presentation" width="640" cellpadding="0" cellspacing="0" border="0" '
        f'style="width:640px;max-width:100%;background:#ffffff;border:1px solid #d0d0d0;{base}">'
        f'<tr><td style="padding:14px 20px;background:#1f4e79;color:#ffffff;font-size:17px;font-weight:bold;">'
        f"{e(item.agency_name)} {item.year} 年政府信息公开工作{e(AUDIENCE_LABELS.get(item.audience, ''))}</td></tr>"
        f'<tr><td style="padding:16px 20px 8px;">{e(_intro(item))}</td></tr>'
        f'<tr><td style="padding:8px 20px 4px;font-weight:bold;">主要数据</td></tr>'
        f'<tr><td style="padding:0 20px 12px;"><table class="figures" role="presentation" width="100%" cellpadding="0" '
        f'cellspacing="0" border="0" style="border-collapse:collapse;width:100%;">{"".join(fig)}</table></td></tr>'
        f'<tr><td style="padding:8px 20px 4px;font-weight:bold;">{e(_findings_heading(item))}</td></tr>'
        f'<tr><td style="padding:0 20px 16px;">{findings}</td></tr>'
        f'<tr><td style="padding:10px 20px;border-top:1px solid #e0e0e0;color:#666666;font-size:12px;">'
        f"{e(_footer(item, reply_to))}</td></tr>"
        f"</table></td></tr></table></body></html>\n"
    )


# ------------------------------------------------------------------------------------ the message
def compose(
    item: MailItem, *, sender: str, subject_template: str, reply_to: str | None = None, date: float | None = None
) -> Composed:
    """The message as .eml bytes (CRLF), with its content hash and Message-ID."""
    subject = subject_for(subject_template, item)
    text, body = text_body(item, subject, reply_to), html_body(item, subject, reply_to)
    ident = {
        "from": sender,
        "reply_to": reply_to,
        "to": list(item.to),
        "cc": list(item.cc),
        "subject": subject,
        "text": text,
        "html": body,
        "attachments": [[a.filename, a.ascii_name, sha256_bytes(a.data)] for a in item.attachments],
    }
    content_hash = sha256_bytes(json.dumps(ident, ensure_ascii=False, sort_keys=True))
    domain = parseaddr(sender)[1].rpartition("@")[2] or "govreport.invalid"
    message_id = f"<govreport.{item.agency_code}.{item.year}.{item.audience}.{content_hash[:32]}@{domain}>"

    msg = MIMEMultipart("mixed")
    alt = MIMEMultipart("alternative")
    alt.attach(MIMEText(text, "plain", "utf-8"))
    alt.attach(MIMEText(body, "html", "utf-8"))
    msg.attach(alt)
    msg.set_boundary(f"=_mixed_{content_hash[:24]}")  # boundaries from the content: the same bytes every time
    alt.set_boundary(f"=_alt_{content_hash[:24]}")
    for a in item.attachments:
        msg.attach(_attachment_part(a))
    name, addr = parseaddr(sender)
    msg["From"] = formataddr((str(Header(name, "utf-8")) if name and not name.isascii() else name, addr))
    msg["To"] = ", ".join(item.to)
    if item.cc:
        msg["Cc"] = ", ".join(item.cc)
    if reply_to:
        msg["Reply-To"] = (
            reply_to
            if reply_to.isascii()
            else formataddr((Header(parseaddr(reply_to)[0], "utf-8").encode(), parseaddr(reply_to)[1]))
        )
    msg["Subject"] = Header(subject, "utf-8").encode()
    msg["Date"] = formatdate(date, usegmt=True)
    msg["Message-ID"] = message_id
    msg["X-Mailer"] = "govreport_kit"
    buf = io.BytesIO()
    BytesGenerator(buf, mangle_from_=False, maxheaderlen=0, policy=compat32.clone(linesep="\r\n")).flatten(msg)
    return Composed(subject, text, body, content_hash, message_id, buf.getvalue())


def _attachment_part(a: Attachment) -> MIMEBase:
    maintype, subtype = _MIME[a.kind]
    part = MIMEBase(maintype, subtype)
    part.set_payload(a.data)
    encoders.encode_base64(part)
    del part["Content-Type"]
    charset = '; charset="utf-8"' if a.kind == "html" else ""
    part["Content-Type"] = f'{maintype}/{subtype}{charset};\r\n name="{_encoded_word(a.filename)}"'
    part["Content-Disposition"] = (
        f"attachment;\r\n filename*=UTF-8''{quote(a.filename, safe='')};\r\n filename=\"{a.ascii_name}\""
    )
    return part
