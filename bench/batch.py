"""Benchmark of batch runs: ``python bench/batch.py [N] [--naive-sample K] [--spawn] [--keep]``.

Generates N synthetic agencies (default 40) in a temporary folder and times, on this machine:

(a) the plain loop: ``papermill`` CLI then ``jupyter nbconvert --to html --no-input`` per report,
    sequential (with ``--naive-sample K``: on the first K reports, extrapolated, and said so);
(b) ``govreport batch --workers 1`` (skipped with ``--no-serial``);
(c) ``govreport batch`` with every core (kernels forked from each worker's template process,
    see docs/batch.md; ``auto``: normal kernels if the template cannot start);
(d) ``govreport batch --changed-only`` again, nothing changed;
(e) with ``--spawn``: (c) again with ``--kernel-start spawn`` (normal kernels), for the ratio.

Memory: while (b) and (c) run, the RSS of each worker process plus its descendants (the fork
template and its kernels, or the normal kernels) is sampled (psutil, every 0.25 s); the peak of
that sum is "per worker" (a child caught between fork and exec is not counted twice, see
``_tree_by_worker``). PSS (shared pages split between processes: what the worker tree really
costs, since forked kernels share the template's pages) is summed the same way. For (c) the
PSS per worker early in the run (second quarter of the reports, after start-up) and late (last quarter) is
printed, and the time the first and the second half of the reports took: with many reports
(``bench/batch.py 1000 --naive-sample 10 --no-serial``) equal halves mean time linear in N, equal PSS flat
memory. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))


_CMDLINES: dict[psutil.Process, list[str]] = {}


def _cmdline(p: psutil.Process) -> list[str]:
    """A process's command line, read once per process (reading /proc at every sample cost CPU).

    Keyed by the ``Process`` itself, which psutil compares by pid and start time: a pid reused
    by a later process is a new key."""
    if p not in _CMDLINES:
        _CMDLINES[p] = p.cmdline()
    return _CMDLINES[p]


def _tree_by_worker(cli: psutil.Process) -> dict[int, list[psutil.Process]]:
    """Worker processes of a batch (children of the CLI) -> the worker and its kernels.

    Left out: multiprocessing's resource tracker, and a child caught between fork and exec while
    a kernel is being launched (same command line as its parent): until it execs it shares its
    parent's pages, so its RSS is the worker's counted a second time, not memory of its own.
    Kept: the fork-server template and its kernels (named ``grk-template``, ``grk-kernel``), which
    may have the worker's command line when the template was forked from it: for them RSS counts
    shared pages again, PSS does not.
    """
    out = {}
    for child in cli.children(recursive=False):
        try:
            cmd = _cmdline(child)
            if "resource_tracker" in " ".join(cmd):
                continue
            # a fork template and its kernels share the worker's command line but are named grk-*
            kids = [k for k in child.children(recursive=True) if _cmdline(k) != cmd or k.name().startswith("grk-")]
            out[child.pid] = [child, *kids]
        except psutil.Error:
            continue
    return out


class MemorySampler(threading.Thread):
    """Peak RSS and PSS per worker tree; with ``outputs``, a series (seconds, reports done, PSS).

    Every 0.25 s (a forked kernel lives about 0.4 s, so each is seen), PSS every 0.5 s, the
    series every 0.5 s. The sampler runs on the machine it measures: at every 0.1 s, as first
    written, it used about 8% of a core during (c) (0.97 s of CPU in a 12.4 s run, measured with
    ``time.thread_time``; reading PSS makes the kernel walk each process's pages), time the batch
    itself was then charged with. So it samples less often and its thread runs at nice 19 (Linux
    threads have their own nice value): it takes the CPU the batch leaves idle.
    """

    def __init__(self, pid: int, interval: float = 0.25, outputs: Path | None = None):
        super().__init__(daemon=True)
        self.pid, self.interval, self.outputs = pid, interval, outputs
        self.peak_rss = self.peak_pss = 0
        self.stop = threading.Event()
        self.samples = 0
        self.series: list[tuple[float, int, int]] = []  # (seconds, reports done, max PSS of a worker tree)
        self.t0 = time.perf_counter()

    def done(self) -> int:
        if self.outputs is None or not self.outputs.is_dir():
            return 0
        return sum(1 for _ in self.outputs.glob("*/*/batch.json"))

    def run(self):
        try:
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
        except (AttributeError, OSError):  # not Linux: the sampler competes at normal priority
            pass
        try:
            cli = psutil.Process(self.pid)
        except psutil.Error:
            return
        n = 0
        while not self.stop.is_set():
            try:
                trees = _tree_by_worker(cli)
            except psutil.Error:
                break
            max_pss = 0
            for procs in trees.values():
                rss = pss = 0
                for p in procs:
                    try:
                        rss += p.memory_info().rss
                        if n % 2 == 0:  # PSS reads smaps: sample it less often
                            pss += p.memory_full_info().pss
                    except psutil.Error:
                        pass
                self.peak_rss = max(self.peak_rss, rss)
                self.peak_pss = max(self.peak_pss, pss)
                max_pss = max(max_pss, pss)
            if n % 2 == 0 and self.outputs is not None and max_pss:
                self.series.append((time.perf_counter() - self.t0, self.done(), max_pss))
            n += 1
            self.samples = n
            self.stop.wait(self.interval)

    def trend(self, n: int, total: float) -> dict[str, float | None]:
        """PSS per worker in the second and last quarter of the reports (the first holds the workers'
        start-up, still importing); seconds for each half of the reports, the second ending at
        ``total``, the run's own wall time (the last sample may come up to 0.5 s before its end)."""

        def mean_pss(lo: float, hi: float) -> float | None:
            vals = [p for _, d, p in self.series if lo * n <= d < hi * n]
            return round(sum(vals) / len(vals) / 2**20, 1) if vals else None

        half = next((t for t, d, _ in self.series if d >= n / 2), None)
        return {
            "pss_mb_second_quarter": mean_pss(0.25, 0.5),
            "pss_mb_last_quarter": mean_pss(0.75, 1.01),
            "first_half_s": round(half, 1) if half else None,
            "second_half_s": round(total - half, 1) if half and total else None,
        }


def run_timed(
    cmd: list[str], sample: bool = False, outputs: Path | None = None
) -> tuple[float, int, MemorySampler | None]:
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    sampler = MemorySampler(proc.pid, outputs=outputs) if sample else None
    if sampler:
        sampler.start()
    rc = proc.wait()
    dt = time.perf_counter() - t0
    if sampler:
        sampler.stop.set()
        sampler.join()
    return dt, rc, sampler


def naive(params_files: list[Path], work: Path) -> float:
    nb = ROOT / "notebooks" / "report.ipynb"
    t0 = time.perf_counter()
    for p in params_files:
        code, year = p.parent.name, p.stem
        out = work / f"{code}-{year}.ipynb"
        subprocess.run(
            [
                str(BIN / "papermill"),
                str(nb),
                str(out),
                "-p",
                "agency_code",
                code,
                "-p",
                "year",
                year,
                "-p",
                "params_path",
                str(p),
                "--no-progress-bar",
            ],
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        subprocess.run(
            [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(out)],
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    return time.perf_counter() - t0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", nargs="?", type=int, default=40)
    ap.add_argument("--naive-sample", type=int, default=None, help="time the plain loop on K reports and extrapolate")
    ap.add_argument("--seed", type=int, default=2023)
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    ap.add_argument("--spawn", action="store_true", help="also time (c) with normal kernels (--kernel-start spawn)")
    ap.add_argument("--no-serial", action="store_true", help="skip (b), e.g. for the 1,000-report scaling run")
    args = ap.parse_args(argv)
    from govreport_kit.authoring import synth
    from govreport_kit.batch.run import default_workers

    n, cores = args.n, default_workers()
    tmp = Path(tempfile.mkdtemp(prefix="govreport-bench-"))
    try:
        params = tmp / "params"
        synth.write_agencies(params, n, seed=args.seed)
        files = sorted(params.glob("*/*.yaml"))
        print(f"{n} 个合成机构，{cores} 个核心；临时目录 {tmp}")

        k = min(args.naive_sample or n, n)
        (tmp / "naive").mkdir()
        t_naive = naive(files[:k], tmp / "naive")
        naive_per = t_naive / k
        note = f"（按前 {k} 份外推）" if k < n else ""
        print(f"(a) papermill + nbconvert 逐份：{naive_per:.2f} 秒/份{note}，{60 / naive_per:.1f} 份/分钟")

        gov = str(BIN / "govreport")
        t_serial, mem_b = None, None
        if not args.no_serial:
            t_serial, rc_b, mem_b = run_timed(
                [gov, "batch", str(params), "--outputs", str(tmp / "out1"), "--workers", "1"], True
            )
            print(
                f"(b) govreport batch --workers 1：{t_serial:.1f} 秒，{t_serial / n:.2f} 秒/份，"
                f"{60 * n / t_serial:.1f} 份/分钟（退出码 {rc_b}）"
            )
        t_par, rc_c, mem_c = run_timed([gov, "batch", str(params), "--outputs", str(tmp / "out2")], True, tmp / "out2")
        print(
            f"(c) govreport batch（{cores} 个工作进程）：{t_par:.1f} 秒，{t_par / n:.2f} 秒/份，"
            f"{60 * n / t_par:.1f} 份/分钟（退出码 {rc_c}）"
        )
        trend = mem_c.trend(n, t_par)
        print(
            f"    前一半报告 {trend['first_half_s']} 秒，后一半 {trend['second_half_s']} 秒；每个工作进程 PSS："
            f"第二个四分之一 {trend['pss_mb_second_quarter']} MB，最后四分之一 {trend['pss_mb_last_quarter']} MB"
        )
        t_rerun, rc_d, _ = run_timed([gov, "batch", str(params), "--outputs", str(tmp / "out2"), "--changed-only"])
        print(f"(d) govreport batch --changed-only（无变化）：{t_rerun:.2f} 秒（退出码 {rc_d}）")
        man = json.loads((tmp / "out2" / "manifest.json").read_text(encoding="utf-8"))
        print(f"    重跑结果：{man['totals']}")
        t_spawn = None
        if args.spawn:
            t_spawn, rc_e, _ = run_timed(
                [gov, "batch", str(params), "--outputs", str(tmp / "out3"), "--kernel-start", "spawn"]
            )
            print(
                f"(e) govreport batch --kernel-start spawn：{t_spawn:.1f} 秒，{t_spawn / n:.2f} 秒/份（退出码 {rc_e}）；"
                f"(e)/(c) = {t_spawn / t_par:.1f}"
            )

        mems = [m for m in (mem_b, mem_c) if m is not None]
        peak_rss = max(m.peak_rss for m in mems) / 2**20
        peak_pss = max(m.peak_pss for m in mems) / 2**20
        serial = f"(a)/(b) = {naive_per / (t_serial / n):.1f}，" if t_serial else ""
        print(f"比值 {serial}(a)/(c) = {naive_per / (t_par / n):.1f}")
        print(f"每个工作进程（含其内核）的内存峰值：RSS {peak_rss:.0f} MB，PSS {peak_pss:.0f} MB")
        result = {
            "n": n,
            "naive_s_per_report": round(naive_per, 3),
            "naive_sampled_reports": k,
            "serial_s_per_report": round(t_serial / n, 3) if t_serial else None,
            "parallel_s_per_report": round(t_par / n, 3),
            "parallel_workers": cores,
            "unchanged_rerun_s": round(t_rerun, 3),
            "ratio_naive_over_serial": round(naive_per / (t_serial / n), 2) if t_serial else None,
            "ratio_naive_over_parallel": round(naive_per / (t_par / n), 2),
            "peak_mb_per_worker": round(peak_rss, 1),
            "peak_pss_mb_per_worker": round(peak_pss, 1),
            "parallel_exit_code": rc_c,
            **{f"parallel_{k}": v for k, v in trend.items()},
        }
        if t_spawn is not None:
            result["spawn_parallel_s_per_report"] = round(t_spawn / n, 3)
            result["ratio_spawn_over_fork"] = round(t_spawn / t_par, 2)
        print(json.dumps(result, ensure_ascii=False))
        return 0
    finally:
        if args.keep:
            print(f"保留临时目录 {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
