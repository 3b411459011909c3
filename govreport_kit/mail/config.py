"""``params/mail.yaml``: the SMTP server and the defaults of ``govreport mail`` (see docs/mail.md).

Keys (all optional; an unknown key is an error with a suggestion)::

    host: localhost          # SMTP server
    port: 25
    starttls: false          # upgrade the plain connection with STARTTLS (port 587)
    ssl: false               # implicit TLS from the first byte (port 465); not both
    ca_file: null            # a CA bundle to trust besides the system's (a private server's certificate)
    user: null               # log in as this user; the password comes from GOVREPORT_SMTP_PASSWORD
                             # or the system keyring (service "govreport"), never from a file
    from: 年报发送 <govreport@example.invalid>
    reply_to: null
    cc: []                   # copied on every message (besides each params file's mail.cc)
    subject: "【{audience_label}】{agency} {year} 年：错误 {errors} 项，警告 {warnings} 项"
    max_bytes: 10000000      # refuse a bigger message before connecting
    attach: [html, pdf]      # which report files to attach
    timeout: 30              # seconds per SMTP operation
    retries: 3               # attempts per message on a temporary failure (4xx, refused/dropped connection)
    backoff: 2.0             # seconds before the 2nd attempt, doubled for each further one

A ``password`` key is refused: a password in a file ends up in backups, shares and version control.
"""

from __future__ import annotations

import difflib
import os
import string
from dataclasses import dataclass, field, replace
from decimal import Decimal
from email.utils import parseaddr
from pathlib import Path
from typing import Any

from govreport_kit.core.errors import GovReportError, Location

CONFIG_FILE = "mail.yaml"
PASSWORD_ENV = "GOVREPORT_SMTP_PASSWORD"
KEYRING_SERVICE = "govreport"
SUBJECT_FIELDS = ("audience_label", "agency", "agency_code", "year", "errors", "warnings")
DEFAULT_SUBJECT = "【{audience_label}】{agency} {year} 年：错误 {errors} 项，警告 {warnings} 项"
ATTACHMENTS = ("html", "pdf")


class MailConfigError(GovReportError):
    """``params/mail.yaml`` or a command-line option of ``govreport mail`` is unusable (exit 2)."""


@dataclass(frozen=True)
class MailConfig:
    host: str = "localhost"
    port: int = 25
    starttls: bool = False
    ssl: bool = False
    ca_file: str | None = None
    user: str | None = None
    sender: str = "年报发送 <govreport@example.invalid>"  # the ``from`` key
    reply_to: str | None = None
    cc: tuple[str, ...] = ()
    subject: str = DEFAULT_SUBJECT
    max_bytes: int = 10_000_000
    attach: tuple[str, ...] = ATTACHMENTS
    timeout: float = 30.0
    retries: int = 3
    backoff: float = 2.0
    path: str | None = field(default=None, compare=False)

    @property
    def sender_address(self) -> str:
        return parseaddr(self.sender)[1]

    def with_server(self, host_port: str) -> MailConfig:
        """``--smtp HOST:PORT``: this server, plain SMTP without login (a local test server)."""
        host, sep, port = host_port.rpartition(":")
        if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise MailConfigError(
                f"--smtp 的值“{host_port}”无效", Location(key="--smtp"), "写成 主机:端口，例如 localhost:1025"
            )
        return replace(self, host=host.strip("[]"), port=int(port), starttls=False, ssl=False, user=None)


_KEYS = {
    "host": str,
    "port": int,
    "starttls": bool,
    "ssl": bool,
    "ca_file": str,
    "user": str,
    "from": str,
    "reply_to": str,
    "cc": list,
    "subject": str,
    "max_bytes": int,
    "attach": list,
    "timeout": (int, float, Decimal),
    "retries": int,
    "backoff": (int, float, Decimal),
}


def load_config(path: str | os.PathLike | None) -> MailConfig:
    """Read and validate ``params/mail.yaml``; a missing file gives the defaults (localhost:25)."""
    if path is None or not Path(path).is_file():
        return MailConfig()
    from govreport_kit.inputs import strict_yaml
    from govreport_kit.inputs.encoding import display_path, read_text

    name = display_path(Path(path))
    try:
        doc = strict_yaml.load(read_text(Path(path)))
    except strict_yaml.YamlProblem as e:
        raise MailConfigError(e.what, Location(file=name, line=e.line, key=e.key), e.fix) from None
    except GovReportError as e:
        raise MailConfigError(e.what, e.where, e.fix) from None
    return validate_config(doc.data, name, doc.lines, path=str(path))


def validate_config(
    data: Any, file: str | None = None, lines: dict | None = None, *, path: str | None = None
) -> MailConfig:
    lines = lines or {}

    def fail(what: str, key: str | None, fix: str | None = None):
        raise MailConfigError(what, Location(file=file, line=lines.get(key) if key else None, key=key), fix)

    if data is None:
        return MailConfig(path=path)
    if not isinstance(data, dict):
        fail("邮件配置的最外层必须是“键: 值”形式", None)
    if "password" in data:
        fail(
            "邮件配置文件里不能写密码",
            "password",
            f"删除 password 这一行；密码放在环境变量 {PASSWORD_ENV} 中，或存入系统钥匙串"
            f"（keyring set {KEYRING_SERVICE} <user>）",
        )
    values: dict[str, Any] = {}
    for key, value in data.items():
        kind = _KEYS.get(key)
        if kind is None:
            near = difflib.get_close_matches(str(key), list(_KEYS), n=1, cutoff=0.5)
            fail(
                f"未知的键“{key}”", key, (f"是不是想写“{near[0]}”？" if near else "") + f"可用的键：{', '.join(_KEYS)}"
            )
        if value is None:
            continue
        if isinstance(value, bool) and kind is not bool or not isinstance(value, kind):
            fail(f"键“{key}”的值“{value}”类型不对", key, "参考 docs/mail.md 中的示例")
        values[key] = value
    return _build(values, fail, path)


def _build(v: dict[str, Any], fail, path: str | None) -> MailConfig:
    from govreport_kit.inputs.params import email_problem

    if v.get("starttls") and v.get("ssl"):
        fail("starttls 和 ssl 只能选一个", "ssl", "端口 587 一般用 starttls: true；端口 465 用 ssl: true")
    if "port" in v and not 0 < v["port"] < 65536:
        fail(f"端口 {v['port']} 无效", "port")
    for key in ("from", "reply_to"):
        if key in v:
            problem = email_problem(parseaddr(v[key])[1])
            if problem:
                fail(f"键“{key}”：{problem}", key, "写成 名称 <name@example.gov.cn> 或 name@example.gov.cn")
    for i, addr in enumerate(v.get("cc", [])):
        problem = email_problem(addr)
        if problem:
            fail(f"键“cc”的第 {i + 1} 项：{problem}", "cc")
    attach = v.get("attach", list(ATTACHMENTS))
    if not attach or any(a not in ATTACHMENTS for a in attach) or len(set(attach)) != len(attach):
        fail(f"attach 的值 {attach} 无效", "attach", "可选 [html, pdf]、[pdf] 或 [html]")
    if "subject" in v:
        subject_problem(v["subject"], fail)
    for key in ("max_bytes", "retries"):
        if key in v and v[key] < 1:
            fail(f"键“{key}”至少为 1", key)
    if "ca_file" in v and not Path(v["ca_file"]).is_file():
        fail(f"CA 证书文件不存在：{v['ca_file']}", "ca_file")
    kw = {
        "host": v.get("host"),
        "port": v.get("port"),
        "starttls": v.get("starttls"),
        "ssl": v.get("ssl"),
        "ca_file": v.get("ca_file"),
        "user": v.get("user"),
        "sender": v.get("from"),
        "reply_to": v.get("reply_to"),
        "cc": tuple(v["cc"]) if "cc" in v else None,
        "subject": v.get("subject"),
        "max_bytes": v.get("max_bytes"),
        "attach": tuple(attach),
        "timeout": float(v["timeout"]) if "timeout" in v else None,
        "retries": v.get("retries"),
        "backoff": float(v["backoff"]) if "backoff" in v else None,
    }
    return MailConfig(**{k: x for k, x in kw.items() if x is not None}, path=path)


def subject_problem(template: str, fail) -> None:
    """Only ``{field}`` with a known name: no attribute or index access, no format spec tricks."""
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError as e:
        fail(f"主题模板无效：{e}", "subject", "花括号要成对；字面的花括号写成 {{ }}")
        return
    for _, name, spec, conv in parts:
        if name is not None and (name not in SUBJECT_FIELDS or spec or conv):
            fail(
                f"主题模板中的“{{{name}}}”不可用",
                "subject",
                f"可用的字段：{', '.join('{' + f + '}' for f in SUBJECT_FIELDS)}",
            )


def password_for(config: MailConfig) -> str | None:
    """The SMTP password: ``GOVREPORT_SMTP_PASSWORD``, else the system keyring, else None."""
    if not config.user:
        return None
    if os.environ.get(PASSWORD_ENV):
        return os.environ[PASSWORD_ENV]
    try:
        import keyring  # optional
    except ImportError:
        keyring = None
    if keyring is not None:
        try:
            found = keyring.get_password(KEYRING_SERVICE, config.user)
        except Exception:
            found = None
        if found:
            return found
    raise MailConfigError(
        f"没有找到用户 {config.user} 的 SMTP 密码",
        Location(file=config.path, key="user"),
        f"设置环境变量 {PASSWORD_ENV}，或用 keyring set {KEYRING_SERVICE} {config.user} 存入系统钥匙串",
    )
