"""Fixtures for the mail tests: a real SMTP server on loopback (aiosmtpd) whose replies the tests
script, a self-signed certificate, and a mail project.

``smtp_server(tls_context=None)`` is the :class:`Server` context manager; its :class:`Recorder` keeps every message the server accepted (envelope and bytes) and can refuse a
recipient (``refuse_rcpt``: address -> reply), refuse the DATA of a message for a recipient
(``refuse_data``: address -> reply, e.g. 552) or answer the next DATA commands with temporary
failures (``temporary``: a list of replies used up one per DATA).
"""

from __future__ import annotations

import json
import shutil
import socket
import ssl
import subprocess
from email import message_from_bytes, policy
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Recorder:
    def __init__(self):
        self.received: list[tuple[str, list[str], bytes]] = []
        self.refuse_rcpt: dict[str, str] = {}
        self.refuse_data: dict[str, str] = {}
        self.temporary: list[str] = []
        self.data_commands = 0
        self.tls_sessions = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse_rcpt:
            return self.refuse_rcpt[address]
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        self.data_commands += 1
        if session.ssl:
            self.tls_sessions += 1
        if self.temporary:
            return self.temporary.pop(0)
        for rcpt in envelope.rcpt_tos:
            if rcpt in self.refuse_data:
                return self.refuse_data[rcpt]
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.original_content)))
        return f"250 2.0.0 Ok: queued as Q{len(self.received)}"

    def messages(self):
        return [message_from_bytes(raw, policy=policy.default) for _, _, raw in self.received]


class Server:
    def __init__(self, tls_context: ssl.SSLContext | None = None):
        from aiosmtpd.controller import Controller

        self.handler = Recorder()
        self.port = _free_port()
        kw = {"tls_context": tls_context, "require_starttls": True} if tls_context else {}
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, **kw)

    def __enter__(self) -> Server:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"


def _self_signed(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1/localhost made with openssl: (cert, key)."""
    if not shutil.which("openssl"):
        pytest.skip("openssl is not installed")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "2",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


_AGENCIES = {  # code -> (name, recipients, cc)
    "xishan-edu": ("昆明市西山区教育体育局", ["review@xishan.example.cn"], ["office@region.example.cn"]),
    "wuhua-edu": ("昆明市五华区教育体育局", ["review@wuhua.example.cn", "boss@wuhua.example.cn"], []),
    "panlong-hr": ("昆明市盘龙区人力资源和社会保障局", ["review@panlong.example.cn"], []),
}
MAIL_YAML = """host: 127.0.0.1
port: 25
from: 年报发送 <govreport@region.example.cn>
reply_to: office@region.example.cn
retries: 3
backoff: 0.05
timeout: 10
"""


@pytest.fixture(scope="session")
def free_port():
    """``free_port()``: a loopback TCP port nothing listens on (yet)."""
    return _free_port


@pytest.fixture(scope="session")
def smtp_server():
    """``smtp_server(tls_context=None)``: a :class:`Server` to use as a context manager (``srv.handler``,
    ``srv.address``, ``srv.port``)."""
    return Server


@pytest.fixture(scope="session")
def self_signed():
    """``self_signed(folder)``: a self-signed certificate for 127.0.0.1/localhost made with openssl: (cert, key)."""
    return _self_signed


@pytest.fixture(scope="session")
def AGENCIES() -> dict[str, tuple[str, list[str], list[str]]]:
    """The mail project's agencies: code -> (name, recipients, cc)."""
    return _AGENCIES


@pytest.fixture(scope="session")
def make_project(write_agency):
    """``make_project(root)``: a project with three agency-years (the sample's data, different names and
    recipients) and params/mail.yaml."""

    def make(root: Path) -> Path:
        for code, (name, to, cc) in _AGENCIES.items():
            params = write_agency(root, code, name=name)
            text = params.read_text(encoding="utf-8").partition("\nmail:")[0].rstrip("\n")  # the sample's own go
            params.write_text(text + f"\nmail:\n  to: {json.dumps(to)}\n  cc: {json.dumps(cc)}\n", encoding="utf-8")
        (root / "params" / "mail.yaml").write_text(MAIL_YAML, encoding="utf-8")
        return root

    return make
