"""What became of one report run: the status names and :class:`RunResult` (plain data, no imports).

The status names are shared by the batch (:mod:`govreport_kit.batch.jobs` adds ``skipped``) and
the CLI; a batch ``JobResult`` is built from a ``RunResult`` by ``JobResult.from_run``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

OK, FINDINGS, FAILED = "ok", "findings", "failed"
RUN_STATUSES = (OK, FINDINGS, FAILED)
#: ``RunResult.reason`` for input that cannot be read at all (exit status 2).
INPUT = "input"


@dataclass
class RunResult:
    """What became of one report run. Plain data: picklable, JSON-ready via :meth:`to_dict`.

    ``status``: ``ok``; ``findings`` (error findings in the data: a review report was written
    with them listed, a publish report was refused); ``failed`` (bad input, failed cell, timeout,
    dead kernel). ``reason`` is a machine code (``input``, ``refused``, ``cell``, ``timeout``,
    ``dead_kernel``, ``kernel_start``, ``no_marker``, ``export``); ``message`` is Chinese.
    ``retryable`` marks infrastructure failures worth one retry (never data errors).
    """

    status: str
    agency_code: str | None = None
    year: int | None = None
    audience: str | None = "review"  # core.format.AUDIENCES; None: the params file's
    html_path: str | None = None
    notebook_path: str | None = None
    findings_path: str | None = None
    failed_notebook_path: str | None = None
    docx_path: str | None = None  # report.docx, when asked for (``docx=True``)
    pdf_path: str | None = None  # report.pdf, when asked for (``pdf=True``)
    errors: int = 0
    warnings: int = 0
    infos: int = 0
    reason: str | None = None
    message: str = ""
    retryable: bool = False
    html_bytes: int = 0
    pdf_bytes: int = 0
    output_dir: str | None = None
    detail: str = ""  # a traceback for ``internal`` failures
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        """0 ok; 2 when the input cannot be read at all; 1 otherwise."""
        if self.status == OK:
            return 0
        return 2 if self.reason == INPUT else 1

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
