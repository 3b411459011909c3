"""Hand one message to an SMTP server: STARTTLS or implicit TLS, a timeout, bounded retries.

Temporary failures (a 4xx reply; a connection refused, reset, dropped or timed out) are retried
up to ``config.retries`` attempts in all, waiting ``backoff``, ``2*backoff`` … seconds between
them; permanent ones (5xx, a TLS or login failure) never. Recipients the server refuses while
accepting others are returned in ``refused``: the message still goes to the others.
"""

from __future__ import annotations

import smtplib
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from govreport_kit.mail.config import MailConfig


@dataclass
class Delivery:
    ok: bool  # accepted by the server for at least one recipient
    reply: str  # the final reply, or why it failed
    refused: dict[str, str] = field(default_factory=dict)
    attempts: int = 0
    temporary: bool = False  # the last failure was temporary (retries used up)


class _Temporary(Exception):
    pass


class _Permanent(Exception):
    def __init__(self, reply: str, refused: dict[str, str] | None = None):
        super().__init__(reply)
        self.reply, self.refused = reply, refused or {}


def _text(code: int, msg: bytes | str) -> str:
    m = msg.decode("utf-8", "replace") if isinstance(msg, bytes) else str(msg)
    return f"{code} {m}".strip()


def _fail(code: int, msg: bytes | str, refused: dict[str, str] | None = None):
    reply = _text(code, msg)
    if 400 <= code < 500:
        raise _Temporary(reply)
    raise _Permanent(reply, refused)


def _connect(config: MailConfig, password: str | None) -> smtplib.SMTP:
    context = ssl.create_default_context(cafile=config.ca_file) if (config.ssl or config.starttls) else None
    if config.ssl:
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(config.host, config.port, timeout=config.timeout, context=context)
    else:
        smtp = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
    try:
        smtp.ehlo()
        if config.starttls:
            smtp.starttls(context=context)
            smtp.ehlo()
        if config.user:
            smtp.login(config.user, password or "")
    except BaseException:
        smtp.close()
        raise
    return smtp


def _transaction(smtp: smtplib.SMTP, sender: str, recipients: list[str], data: bytes) -> tuple[str, dict[str, str]]:
    code, msg = smtp.mail(sender)
    if code != 250:
        _fail(code, msg)
    refused: dict[str, str] = {}
    for r in recipients:
        code, msg = smtp.rcpt(r)
        if code not in (250, 251):
            refused[r] = _text(code, msg)
    if len(refused) == len(recipients):
        smtp.rset()
        temporary = all(v[:1] == "4" for v in refused.values())
        summary = "；".join(f"{k}: {v}" for k, v in refused.items())
        if temporary:
            raise _Temporary(f"所有收件人被暂时拒绝：{summary}")
        raise _Permanent(f"所有收件人被拒绝：{summary}", refused)
    code, msg = smtp.data(data)
    if code != 250:
        _fail(code, msg, refused)
    return _text(code, msg), refused


def deliver(
    config: MailConfig,
    sender: str,
    recipients: list[str],
    data: bytes,
    *,
    password: str | None = None,
    sleep: Callable[[float], None] = time.sleep,
    on_retry: Callable[[int, str], None] | None = None,
) -> Delivery:
    """Send ``data`` (the .eml bytes) to ``recipients``; never raises for an SMTP or network problem."""
    attempt, last = 0, ""
    while attempt < config.retries:
        attempt += 1
        try:
            smtp = _connect(config, password)
            try:
                reply, refused = _transaction(smtp, sender, recipients, data)
            finally:
                try:
                    smtp.quit()
                except (smtplib.SMTPException, OSError):
                    smtp.close()
            return Delivery(True, reply, refused, attempt)
        except _Permanent as e:
            return Delivery(False, e.reply, e.refused, attempt)
        except smtplib.SMTPAuthenticationError as e:
            return Delivery(False, "登录被拒绝：" + _text(e.smtp_code, e.smtp_error), {}, attempt)
        except smtplib.SMTPNotSupportedError as e:
            return Delivery(False, f"服务器不支持：{e}", {}, attempt)
        except smtplib.SMTPResponseException as e:  # a reply to EHLO/STARTTLS/…
            if not 400 <= e.smtp_code < 500:
                return Delivery(False, _text(e.smtp_code, e.smtp_error), {}, attempt)
            last = _text(e.smtp_code, e.smtp_error)
        except ssl.SSLError as e:  # a certificate or protocol problem: retrying will not help
            return Delivery(False, f"TLS 失败：{e}", {}, attempt)
        except _Temporary as e:
            last = e.args[0]
        except (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, ConnectionError, TimeoutError, OSError) as e:
            last = f"连接失败：{type(e).__name__}: {e}"
        if attempt < config.retries:
            if on_retry:
                on_retry(attempt, last)
            sleep(config.backoff * 2 ** (attempt - 1))
    return Delivery(False, last, {}, attempt, temporary=True)
