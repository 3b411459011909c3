"""The one list of packages whose versions are recorded: report footer and ``<meta>``, batch manifest, fingerprints.

These are the packages that shape a report's bytes (execution, export, checks, rendering). The
report footer, the ``govreport:version:*`` ``<meta>`` tags, ``outputs/manifest.json`` and the
``--changed-only`` fingerprint all record exactly :func:`package_versions`.
"""

from __future__ import annotations

import sys
from functools import lru_cache

from govreport_kit import __version__

VERSIONED_PACKAGES = (
    "chinese-calendar",
    "ipykernel",
    "jinja2",
    "jupyter_client",
    "markdown-it-py",
    "matplotlib",
    "nbclient",
    "nbconvert",
    "nbformat",
    "nh3",
    "pandas",
    "pandera",
    "papermill",
)


@lru_cache(maxsize=1)
def _versions() -> tuple[tuple[str, str], ...]:
    from importlib.metadata import PackageNotFoundError, version

    out = [("govreport_kit", __version__), ("python", sys.version.split()[0])]
    for name in VERSIONED_PACKAGES:
        try:
            out.append((name, version(name)))
        except PackageNotFoundError:
            out.append((name, "-"))
    return tuple(out)


def package_versions() -> dict[str, str]:
    """``{package: version}`` for govreport_kit, Python and :data:`VERSIONED_PACKAGES` (``-`` when absent)."""
    return dict(_versions())
