"""What the mail ledger says was sent to each agency (read-only; :mod:`govreport_kit.mail` writes it).

Records are read from ``outputs/outbox/ledger.jsonl`` (one JSON object per line: ``agency``,
``year``, ``audience``, ``status``, ``time`` …). A missing or unreadable ledger means nothing was
sent; a bad line is skipped (the mail command reports ledger problems itself).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

LEDGER_NAMES = ("outbox/ledger.jsonl",)


def _epoch(value: Any) -> float | None:
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            t = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        return t.timestamp()
    return None


def sends_by_agency(outputs_dir: Path, year: int) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for name in LEDGER_NAMES:
        path = outputs_dir / name
        if not path.is_file():
            continue
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            if not isinstance(rec, dict) or str(rec.get("year")) != str(year) or not isinstance(rec.get("agency"), str):
                continue
            rec = dict(rec)
            rec["time_epoch"] = _epoch(rec.get("time"))
            out.setdefault(rec["agency"], []).append(rec)
    return out
