"""The data of a batch run: a job (one agency-year) and its result. Plain, picklable, JSON-ready."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from govreport_kit.core.format import REVIEW
from govreport_kit.running.result import FAILED, FINDINGS, OK, RUN_STATUSES, RunResult

SKIPPED = "skipped"  # a batch job whose inputs did not change since its last ok run
STATUSES = (OK, FINDINGS, FAILED, SKIPPED)
STATUS_LABELS = {OK: "正常", FINDINGS: "有错误", FAILED: "失败", SKIPPED: "跳过"}


@dataclass(frozen=True)
class Job:
    agency: str
    year: int
    params_path: str  # absolute
    name: str = ""  # the agency's name, for the index (from the params, when readable)
    outputs_root: str = ""  # a local path or an fsspec URL
    audience: str = REVIEW
    timeout: float | None = None
    notebook: str | None = None  # None: the package's report notebook
    docx: bool = False  # also write report.docx
    inputs: dict[str, str] = field(default_factory=dict)  # input name -> sha256
    fingerprint: str = ""
    pdf: bool = False  # also write report.pdf
    kernel_start: str | None = None  # fork | spawn | auto; None: the worker's setting (not fingerprinted)

    @property
    def key(self) -> str:
        return f"{self.agency}/{self.year}"


@dataclass
class JobResult:
    agency: str
    year: int
    status: str
    name: str = ""
    errors: int = 0  # error-severity findings
    warnings: int = 0
    reason: str | None = None  # Chinese: why failed / why skipped
    cause: str | None = None  # machine code of a failure (the runner's: input, cell, timeout, dead_kernel …)
    attempts: int = 1
    seconds: float = 0.0
    report: str | None = None  # paths relative to the outputs root, POSIX separators
    findings: str | None = None
    notebook: str | None = None
    fingerprint: str = ""
    inputs: dict[str, str] = field(default_factory=dict)
    kernels_started: int = 0
    worker: str = ""
    timings: dict[str, float] = field(default_factory=dict)
    previous_status: str | None = None  # for skipped jobs: the status of the run they reuse
    retryable: bool = False  # an infrastructure failure (dead kernel, port race): worth one retry

    @property
    def key(self) -> str:
        return f"{self.agency}/{self.year}"

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("retryable")
        d["seconds"] = round(self.seconds, 3)
        d["timings"] = {k: round(v, 3) for k, v in sorted(self.timings.items())}
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> JobResult:
        names = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in d.items() if k in names})

    @classmethod
    def failure(cls, job: Job, reason: str, *, attempts: int = 1, retryable: bool = False, **kw: Any) -> JobResult:
        return cls(
            job.agency,
            job.year,
            FAILED,
            name=job.name,
            reason=reason,
            attempts=attempts,
            fingerprint=job.fingerprint,
            inputs=dict(job.inputs),
            retryable=retryable,
            **kw,
        )

    @classmethod
    def from_run(cls, job: Job, rr: RunResult) -> JobResult:
        """The batch record of the report runner's result (paths relative to the outputs root)."""
        status, reason = rr.status, rr.message or rr.reason
        if status not in RUN_STATUSES:
            status, reason = FAILED, reason or f"未知状态：{status!r}"
        res = cls(
            job.agency,
            job.year,
            status,
            name=job.name,
            errors=rr.errors,
            warnings=rr.warnings,
            reason=reason if status != OK else None,
            cause=rr.reason,
            fingerprint=job.fingerprint,
            inputs=dict(job.inputs),
            timings={k: float(v) for k, v in rr.timings.items()},
        )
        res.report = _relative(rr.html_path, job)
        res.findings = _relative(rr.findings_path, job)
        res.notebook = _relative(rr.notebook_path or rr.failed_notebook_path, job)
        res.retryable = status == FAILED and rr.retryable
        return res

    @classmethod
    def skipped_from(cls, job: Job, last: JobResult | None) -> JobResult:
        """A job skipped as unchanged: it reuses the counts and outputs of its last ``ok`` run."""
        base = last or cls(job.agency, job.year, OK, name=job.name)
        return replace(
            base,
            status=SKIPPED,
            reason="输入未变化，沿用上次结果",
            attempts=0,
            seconds=0.0,
            kernels_started=0,
            timings={},
            worker="",
            previous_status=base.status,
            fingerprint=job.fingerprint,
            inputs=dict(job.inputs),
            name=job.name or base.name,
        )


def _relative(path: str | None, job: Job) -> str | None:
    """An output path as ``<agency>/<year>/<file>``, relative to the outputs root (for links)."""
    if not path:
        return None
    return f"{job.agency}/{job.year}/{os.path.basename(os.fspath(path))}"
