"""What a report depends on, hashed: the basis of ``--changed-only``.

A job's inputs are its params file, every other file in its agency folder (data, narrative and the
previous years that cross-year checks read), any file the params name outside that folder, the
notebook, the nbconvert template, the package code that shapes a report, and the versions of the
libraries that execute and export it. Their SHA-256 digests and the audience make the job's
fingerprint. Hashing reads bytes only: no pandas, no papermill, no kernel.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from govreport_kit.core.versions import package_versions
from govreport_kit.running.result import OK

if TYPE_CHECKING:
    from govreport_kit.batch.jobs import JobResult
from govreport_kit.core.files import sha256_bytes, sha256_file

# Modules that never change a report's bytes: editing them must not re-run every report.
_NOT_REPORT_CODE = {"__main__.py"}
_NOT_REPORT_DIRS = {"audit", "batch", "authoring", "cli", "mail", "office", "templates", "__pycache__"}


def _tree_digest(root: Path, skip_files: set[str] = frozenset(), skip_dirs: set[str] = frozenset()) -> str:
    h = hashlib.sha256()
    if root.is_dir():
        for p in sorted(root.rglob("*")):
            rel = p.relative_to(root)
            if not p.is_file() or p.name in skip_files or set(rel.parts[:-1]) & skip_dirs or p.suffix == ".pyc":
                continue
            h.update(rel.as_posix().encode() + b"\0" + sha256_file(p).encode() + b"\n")
    return h.hexdigest()


def report_notebook() -> Path:
    from govreport_kit.core import paths

    return paths.report_notebook()


@lru_cache(maxsize=8)
def common_inputs(notebook: str | None = None) -> dict[str, str]:
    """Inputs shared by every job of a run (computed once per process)."""
    from govreport_kit.core import paths

    nb = Path(notebook) if notebook else report_notebook()
    return {
        "notebook": sha256_file(nb) if nb.is_file() else "missing",
        "template": _tree_digest(paths.TEMPLATES_DIR, skip_dirs={"pages"}),  # pages/: index and audit pages
        "package": _tree_digest(paths.PACKAGE_DIR, _NOT_REPORT_CODE, _NOT_REPORT_DIRS),
        "versions": sha256_bytes(json.dumps(package_versions(), sort_keys=True)),
    }


def _read_params(params_path: Path) -> tuple[str, list[Path]]:
    """(agency name, files the params name), when the params can be read; else ("", [])."""
    try:
        from govreport_kit.inputs.params import load_params

        params = load_params(params_path)
    except Exception:  # an unreadable params file: the run reports it; its bytes are hashed anyway
        return "", []
    found = []
    for name in ("data", "narrative", "ledger", "previous"):
        v = getattr(params, name, None)
        for item in v if isinstance(v, (list, tuple)) else [v]:
            if isinstance(item, (str, Path)) and str(item):
                p = Path(item)
                found.append(p if p.is_absolute() else params_path.parent / p)
    agency = getattr(params, "agency", None)
    return str(getattr(agency, "name", "") or ""), found


def job_inputs(params_path: str | Path, common: dict[str, str]) -> tuple[dict[str, str], str]:
    """(input name -> sha256, agency name) for one job. Names of files in the agency folder are
    relative, so they are stable across machines."""
    params_path = Path(params_path)
    folder = params_path.parent
    out: dict[str, str] = {}
    for p in sorted(folder.rglob("*")):
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts):
            out[f"{folder.name}/{p.relative_to(folder).as_posix()}"] = sha256_file(p)
    name, referenced = _read_params(params_path)
    for p in referenced:
        p = p.resolve()
        if not p.is_relative_to(folder.resolve()):
            out[str(p)] = sha256_file(p) if p.is_file() else "missing"
    out.update(common)
    return out, name


def fingerprint(inputs: dict[str, str], **options: Any) -> str:
    blob = json.dumps({"inputs": inputs, "options": options}, sort_keys=True, ensure_ascii=False)
    return sha256_bytes(blob)


def unchanged(last: JobResult | None, fp: str) -> bool:
    """True when the last recorded run of a job ended ``ok`` with this very fingerprint."""
    return last is not None and last.status == OK and last.fingerprint == fp
