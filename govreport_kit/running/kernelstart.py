"""How report kernels start: forked from a template process (``fork``), as normal processes
(``spawn``), or ``auto`` (fork where supported, spawn as the fallback); see docs/batch.md."""

from __future__ import annotations

import os
import socket
import sys

ENV_VAR = "GOVREPORT_KERNEL_START"
MODES = ("auto", "fork", "spawn")


def resolve_mode(explicit: str | None = None, default: str = "auto") -> str:
    """``explicit`` (an option) wins, then ``GOVREPORT_KERNEL_START``, then ``default``."""
    for value in (explicit, os.environ.get(ENV_VAR), default):
        if value:
            value = value.strip().lower()
            if value in MODES:
                return value
    return default


def supported() -> bool:
    """The fork server runs on Linux only (fork, and file descriptors passed over a socket)."""
    return sys.platform.startswith("linux") and hasattr(os, "fork") and hasattr(socket, "send_fds")
