"""Before a batch runs: the jobs found under ``params/``, what each is fingerprinted on, and the
arguments checked (timeout, outputs root) so that a bad one stops the batch before anything
is written.
"""

from __future__ import annotations

import math
import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from govreport_kit.batch import fingerprint as batch_inputs
from govreport_kit.batch import store as batch_store
from govreport_kit.batch.jobs import Job, JobResult
from govreport_kit.core import format as fmt
from govreport_kit.core import limits
from govreport_kit.core.agency import agency_code_problem
from govreport_kit.core.errors import InputError, Location, ParamsError

YEAR_FILE_RE = re.compile(r"^(\d{4})\.yaml$")
#: Seconds a report may take when no timeout is given: a report takes about a second, so a job
#: still running after ten minutes is hung, and must not hold its worker for the rest of the batch.
DEFAULT_TIMEOUT = float(limits.REPORT_SECONDS.value)
#: The largest --timeout accepted (a day): beyond it a number is a typo, and timers overflow.
MAX_TIMEOUT = 86400.0


@dataclass
class Discovery:
    jobs: list[Job]
    problems: list[str] = field(default_factory=list)  # Chinese lines: names that were not used


# ------------------------------------------------------------------------------------ discovery
def discover(params_dir: str | os.PathLike) -> Discovery:
    """Every ``<params_dir>/<agency>/<year>.yaml``, sorted by agency then year.

    Hidden entries and files at the top level are ignored silently; an agency folder whose name is
    not a valid code, or a YAML file whose name is not a year, is listed in ``problems``.
    """
    root = Path(params_dir).resolve()
    if not root.is_dir():
        raise ParamsError(f"参数目录不存在：{root}", fix="请指定包含 <机构代码>/<年度>.yaml 的文件夹")
    jobs, problems = [], []
    for d in sorted(root.iterdir()):
        if d.name.startswith(".") or not d.is_dir():
            continue
        why = agency_code_problem(d.name)
        if why:
            if any(d.glob("*.yaml")):
                problems.append(f"已忽略文件夹 {d.name}：{why}")
            continue
        for f in sorted(d.iterdir()):
            if f.name.startswith(".") or not f.is_file() or f.suffix.lower() not in (".yaml", ".yml"):
                continue
            m = YEAR_FILE_RE.match(f.name)
            if not m or fmt.year_problem(int(m.group(1))):
                problems.append(f"已忽略 {d.name}/{f.name}：参数文件应命名为 <年度>.yaml，例如 2023.yaml")
                continue
            jobs.append(Job(agency=d.name, year=int(m.group(1)), params_path=str(f)))
    return Discovery(jobs, problems)


# ------------------------------------------------------------------------------------ planning
def plan(
    jobs: Sequence[Job],
    outputs_root: str,
    *,
    changed_only: bool,
    audience: str,
    timeout: float | None,
    notebook: str | None,
    docx: bool = False,
    pdf: bool = False,
) -> tuple[list[Job], list[JobResult]]:
    """Fingerprint every job; return (jobs to run, results of the jobs skipped as unchanged)."""
    to_run, skipped = [], []
    common = batch_inputs.common_inputs(notebook)
    for job in jobs:
        job = replace(
            job, outputs_root=outputs_root, audience=audience, timeout=timeout, notebook=notebook, docx=docx, pdf=pdf
        )
        inputs, name = batch_inputs.job_inputs(job.params_path, common)
        # without --docx / --pdf: fingerprints as before
        options = {"audience": audience, **({"docx": True} if docx else {}), **({"pdf": True} if pdf else {})}
        job = replace(job, inputs=inputs, name=name, fingerprint=batch_inputs.fingerprint(inputs, **options))
        if changed_only:
            last = batch_store.read_record(outputs_root, job.agency, job.year)
            if batch_inputs.unchanged(last, job.fingerprint) and batch_store.has_report(
                outputs_root, job.agency, job.year
            ):
                skipped.append(JobResult.skipped_from(job, last))
                continue
        to_run.append(job)
    return to_run, skipped


def validate_timeout(timeout: Any) -> float:
    """Seconds per report: a positive, finite number (int or float); None means the default."""
    if timeout is None:
        return DEFAULT_TIMEOUT
    if (
        isinstance(timeout, bool)
        or not isinstance(timeout, (int, float))
        or not math.isfinite(timeout)
        or not 0 < timeout <= MAX_TIMEOUT
    ):
        raise ParamsError(
            f"--timeout 应为 0 到 {MAX_TIMEOUT:g} 之间的正数（秒），而不是“{timeout}”",
            Location(key="--timeout"),
            f"例如 --timeout 120 或 --timeout 30.5；不写则为 {DEFAULT_TIMEOUT:g} 秒",
        )
    return float(timeout)


def check_outputs_root(root: Path) -> None:
    """The outputs root is a folder we can write into, checked before any job runs."""
    try:
        if root.exists() and not root.is_dir():
            raise InputError(
                "输出根目录是一个文件，不是文件夹", Location(file=str(root)), "请用 --outputs 指定一个文件夹"
            )
        root.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=root):
            pass
    except OSError as e:
        raise InputError(
            f"输出根目录不能写入（{e.strerror}）",
            Location(file=str(root)),
            "请检查文件夹的权限和磁盘空间，或用 --outputs 换一个文件夹",
        ) from None


def discover_some(params_dir: Path) -> Discovery:
    """:func:`discover`, refusing a folder with no params file before the outputs are touched."""
    found = discover(params_dir)
    if not found.jobs:  # e.g. an agency folder given instead of params/: keep the outputs as they are
        extra = "；" + "；".join(found.problems) if found.problems else ""
        raise ParamsError(
            f"在 {params_dir} 中没有找到任何参数文件（<机构代码>/<年度>.yaml）{extra}",
            Location(file=str(params_dir)),
            "batch 需要参数目录（一般是 params/），不是某个机构的文件夹；输出文件夹没有改动",
        )
    return found
