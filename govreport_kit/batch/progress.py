"""Observers of a batch run: a live line on a terminal, one log line per job otherwise.

An observer has three methods, all optional to act on: ``batch_started(total, to_run, problems)``,
``job_finished(result, results_so_far)`` and ``batch_finished(batch_result)``. The runner calls
them and knows nothing else about terminals or logs.
"""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO

from govreport_kit.batch.jobs import FAILED, FINDINGS, OK, SKIPPED, STATUS_LABELS


class Observer:
    def batch_started(self, total: int, to_run: int, problems: list[str]) -> None:
        pass

    def job_finished(self, result: Any, results: list[Any]) -> None:
        pass

    def batch_finished(self, batch: Any) -> None:
        pass


def _counts(results) -> dict[str, int]:
    out = {OK: 0, FINDINGS: 0, FAILED: 0, SKIPPED: 0}
    for r in results:
        out[r.status] = out.get(r.status, 0) + 1
    return out


def _fmt_seconds(s: float) -> str:
    s = max(0, int(round(s)))
    return f"{s // 60} 分 {s % 60:02d} 秒" if s >= 60 else f"{s} 秒"


class _Base(Observer):
    def __init__(self, stream: TextIO | None = None):
        self.stream = stream or sys.stderr
        self.total = self.to_run = 0
        self.t0 = time.perf_counter()

    def batch_started(self, total, to_run, problems):
        self.total, self.to_run, self.t0 = total, to_run, time.perf_counter()
        for p in problems:
            self.stream.write(f"注意：{p}\n")
        if not total:
            self.stream.write("没有找到任何参数文件（应为 <参数目录>/<机构代码>/<年度>.yaml）。\n")
        skipped = total - to_run
        self.stream.write(
            f"共 {total} 份报告，需运行 {to_run} 份" + (f"，{skipped} 份未变化将跳过" if skipped else "") + "。\n"
        )
        self.stream.flush()

    def eta(self, results) -> float | None:
        ran = [r for r in results if r.status != SKIPPED]
        left = self.to_run - len(ran)
        if not ran or left <= 0:
            return None if left > 0 else 0.0
        return (time.perf_counter() - self.t0) / len(ran) * left


class LogProgress(_Base):
    """One plain line per finished job (for logs and pipes)."""

    def job_finished(self, result, results):
        r = result
        if r.status == SKIPPED:
            return  # announced in the summary; a rerun with nothing changed stays quiet
        what = STATUS_LABELS.get(r.status, r.status)
        detail = f"错误 {r.errors}，警告 {r.warnings}" if r.status != FAILED else (r.reason or "原因未知")
        retry = "（重试后）" if r.attempts > 1 else ""
        done = sum(1 for x in results if x.status != SKIPPED)
        self.stream.write(
            f"[{done}/{self.to_run}] {r.agency} {r.year} 年：{what}{retry}，{detail}，用时 {r.seconds:.1f} 秒\n"
        )
        self.stream.flush()


class TtyProgress(_Base):
    """One live line, rewritten in place: done / findings / failed / skipped and time left."""

    def job_finished(self, result, results):
        c = _counts(results)
        eta = self.eta(results)
        left = f"，预计剩余 {_fmt_seconds(eta)}" if eta else ""
        line = (
            f"\r已完成 {len(results)}/{self.total}：正常 {c[OK]}，有错误 {c[FINDINGS]}，失败 {c[FAILED]}，"
            f"跳过 {c[SKIPPED]}{left}"
        )
        self.stream.write(line + "\x1b[K")
        if result.status == FAILED:  # a failure gets its own line above the live one
            self.stream.write(f"\r\x1b[K失败：{result.agency} {result.year} 年：{result.reason}\n" + line)
        self.stream.flush()

    def batch_finished(self, batch):
        self.stream.write("\n")
        self.stream.flush()


def default_observer(stream: TextIO | None = None) -> Observer:
    stream = stream or sys.stderr
    return TtyProgress(stream) if getattr(stream, "isatty", lambda: False)() else LogProgress(stream)


def summary(batch: Any) -> str:
    """The Chinese summary printed at the end of ``govreport batch``."""
    c = _counts(batch.results)
    n = len(batch.results)
    ran = n - c[SKIPPED]
    per = f"（每份 {batch.seconds / ran:.2f} 秒）" if ran else ""
    lines = [
        f"批量运行结束：共 {n} 份，正常 {c[OK]}，有错误 {c[FINDINGS]}，失败 {c[FAILED]}，跳过 {c[SKIPPED]}；"
        f"用时 {batch.seconds:.1f} 秒{per}。"
    ]
    for r in batch.results:
        if r.status == FAILED:
            lines.append(f"  失败 {r.agency} {r.year} 年：{r.reason}")
        elif r.status == FINDINGS:
            lines.append(f"  有错误 {r.agency} {r.year} 年：{r.errors} 个错误、{r.warnings} 个警告")
    if batch.index_path:
        lines.append(f"索引页：{batch.index_path}")
    return "\n".join(lines)
