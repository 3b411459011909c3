"""What every command shares: JSON output, argument checks."""

from __future__ import annotations

import json
import sys


def print_json(obj) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2) + "\n")


def require_paths(values, what: str, key: str | None = None) -> None:
    """An empty path argument (``check ""``, ``"$F"`` with F unset) is an error, never “the default”."""
    from govreport_kit.core.errors import InputError, Location

    for v in [values] if isinstance(values, str) or values is None else values:
        if v is not None and not str(v).strip():
            raise InputError(
                f"{what}是空字符串", Location(key=key), '请给出路径；如果路径来自变量（如 "$F"），请确认变量已赋值'
            )
