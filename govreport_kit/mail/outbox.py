"""The outbox and the send ledger under ``<outputs>/outbox/`` (format in docs/mail.md).

* ``<outputs>/outbox/<agency>/<year>/<audience>-<hash12>.eml``: every message, written before it
  is sent and never rewritten (the bytes sent are the bytes in the file).
* ``<outputs>/outbox/ledger.jsonl``: one JSON object per line, **one line per message**
  (keyed by ``message_id``), rewritten atomically on every change of status. Statuses:
  ``written`` (in the outbox, not sent: ``--dry-run``), ``sending`` (marked just before the SMTP
  transaction; still there afterwards means the run was interrupted and the server's answer is
  unknown), ``sent`` (accepted by the server, possibly with some recipients refused, see
  ``refused``), ``failed`` (refused, too large, or every attempt failed; see ``reply``).

A run holds ``outbox/.lock`` (``flock``) so two runs cannot send the same message at once.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from govreport_kit.core.files import atomic_write

OUTBOX_DIR = "outbox"
LEDGER_FILE = "ledger.jsonl"
LOCK_FILE = ".lock"
WRITTEN, SENDING, SENT, FAILED = "written", "sending", "sent", "failed"
STATUS_LABELS = {WRITTEN: "已写入发件箱", SENDING: "发送中（中断）", SENT: "已发送", FAILED: "发送失败"}


@dataclass
class Record:
    """One message in the ledger. ``time`` is ISO 8601 UTC of the last change."""

    message_id: str
    agency: str
    year: int
    audience: str
    to: list[str]
    cc: list[str]
    subject: str
    content_hash: str
    eml: str  # path relative to the outbox folder, POSIX separators
    bytes: int
    status: str
    reply: str = ""  # the server's last reply ("250 2.0.0 Ok: queued as …"), or why it failed
    refused: dict[str, str] = field(default_factory=dict)  # recipient -> server reply
    attempts: int = 0
    time: str = ""
    errors: int = 0  # findings of the report the message carries (the office's tracker shows 已退回 from them)
    warnings: int = 0

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Record:
        names = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in d.items() if k in names})


def now_iso() -> str:
    return _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


class Outbox:
    """The outbox folder of one outputs root."""

    def __init__(self, outputs_root: str | os.PathLike):
        self.root = (Path(outputs_root) / OUTBOX_DIR).resolve()
        self.ledger_path = self.root / LEDGER_FILE

    def eml_path(self, agency: str, year: int, audience: str, content_hash: str) -> Path:
        """Where a message lives; ``agency`` is a validated code, checked again to stay inside."""
        path = (self.root / agency / str(int(year)) / f"{audience}-{content_hash[:12]}.eml").resolve()
        if not path.is_relative_to(self.root):
            raise ValueError(f"outbox path outside the outbox: {path}")
        return path

    def write_eml(self, path: Path, data: bytes) -> bool:
        """Write the message unless it is there already (then the existing bytes are kept); True if written."""
        if path.is_file():
            return False
        atomic_write(path, data, mkdir=True)
        return True

    # ---- ledger
    def read(self) -> dict[str, Record]:
        """Every message by Message-ID (a damaged line is skipped; the last line for an id wins)."""
        return read_ledger(self.ledger_path)

    def update(self, record: Record) -> None:
        records = self.read()
        record.time = now_iso()
        records[record.message_id] = record
        lines = [json.dumps(asdict(r), ensure_ascii=False, sort_keys=True) for r in records.values()]
        atomic_write(self.ledger_path, "\n".join(lines) + "\n", mkdir=True)

    @contextmanager
    def locked(self) -> Iterator[None]:
        import fcntl

        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / LOCK_FILE, "a+") as f:
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                from govreport_kit.mail.config import MailConfigError

                raise MailConfigError(
                    f"另一个 govreport mail 正在使用发件箱 {self.root}", fix="等它结束后再运行"
                ) from None
            try:
                yield
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)


def read_ledger(path: str | os.PathLike) -> dict[str, Record]:
    """The ledger as {Message-ID: Record}; for other tools (e.g. a page that shows 已发送)."""
    out: dict[str, Record] = {}
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return out
    for line in text.splitlines():
        try:
            rec = Record.from_dict(json.loads(line))
        except (ValueError, TypeError):
            continue
        out[rec.message_id] = rec
    return out


def latest_sent(path: str | os.PathLike, agency: str, year: int, audience: str | None = None) -> Record | None:
    """The most recent ``sent`` record of an agency-year (optionally of one audience), or None."""
    found = [
        r
        for r in read_ledger(path).values()
        if r.agency == agency
        and r.year == int(year)
        and r.status == SENT
        and (audience is None or r.audience == audience)
    ]
    return max(found, key=lambda r: r.time) if found else None
