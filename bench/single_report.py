"""Time one sample report end to end with ``govreport run``, against plain papermill + nbconvert.

Usage: .venv/bin/python bench/single_report.py [--runs 5] [--naive-runs 1] [PARAMS]

Each run is a fresh ``govreport run`` process (CLI start, kernel, execution, export, write), timed
from outside; the runner's own phase timings come back through ``GOVREPORT_RUN_RESULT``. Figures
are medians over the runs:

* ``cli_start_s``: wall time not spent inside ``run_report``: interpreter start, CLI imports,
  process exit;
* ``kernel_start_s``: launching the kernel plus the time the run then still had to wait for it
  (the kernel boots on the other core while the params are validated, the data loaded and
  papermill imported; that overlapped work is printed as ``overlapped_s``);
* ``execution_s``: the notebook's cells; ``export_s``: nbconvert; ``write_s``: the output files;
* ``pdf_s``: what ``--pdf`` adds (WeasyPrint laying out ``report.pdf``; ``--no-pdf`` leaves it out).

The plain alternative (``papermill`` CLI, then ``jupyter nbconvert --to html --no-input``) is
timed in the same run. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def ours(params: str | None, out: Path, pdf: bool = True) -> dict[str, float]:
    result = out / "result.json"
    env = {**os.environ, "GOVREPORT_RUN_RESULT": str(result)}
    cmd = (
        [str(BIN / "govreport"), "run", "--outputs", str(out)]
        + (["--pdf"] if pdf else [])
        + ([params] if params else [])
    )
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"govreport run failed ({proc.returncode}): {proc.stderr}")
    rr = json.loads(result.read_text(encoding="utf-8"))
    t = rr["timings"]
    overlapped = sum(t.get(k, 0.0) for k in ("validate", "check", "prepare"))
    return {
        "total_s": wall,
        "cli_start_s": wall - sum(t.values()),
        "kernel_start_s": t.get("kernel_start", 0.0) + t.get("kernel_wait", 0.0),
        "overlapped_s": overlapped,
        "execution_s": t.get("execute", 0.0),
        "export_s": t.get("export", 0.0),
        "write_s": t.get("write", 0.0),
        "pdf_s": t.get("pdf", 0.0),
        "html_bytes": rr["html_bytes"],
        "pdf_bytes": rr.get("pdf_bytes", 0),
    }


def naive(params: str | None, out: Path) -> dict[str, float]:
    nb_out, html_out = out / "report.ipynb", out / "report.html"
    pm = [str(BIN / "papermill"), str(ROOT / "notebooks" / "report.ipynb"), str(nb_out), "--no-progress-bar"]
    if params:
        pm += ["-p", "params_path", str(Path(params).resolve())]
    t0 = time.perf_counter()
    subprocess.run(pm, check=True, capture_output=True, cwd=ROOT / "notebooks")
    t1 = time.perf_counter()
    subprocess.run(
        [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(nb_out), "--output", html_out.name],
        check=True,
        capture_output=True,
    )
    t2 = time.perf_counter()
    return {"total_s": t2 - t0, "papermill_s": t1 - t0, "nbconvert_s": t2 - t1, "html_bytes": html_out.stat().st_size}


def median(rows: list[dict[str, float]], key: str) -> float:
    return statistics.median(r[key] for r in rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("params", nargs="?", help="params file (default: the built-in sample)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--naive-runs", type=int, default=1)
    ap.add_argument("--no-pdf", action="store_true", help="time govreport run without --pdf")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="govreport-bench-") as tmp:
        rows = []
        for i in range(args.runs):
            r = ours(args.params, Path(tmp) / f"ours-{i}", pdf=not args.no_pdf)
            rows.append(r)
            print(
                f"run {i + 1}: total {r['total_s']:.2f} s = CLI start {r['cli_start_s']:.2f} + kernel start "
                f"{r['kernel_start_s']:.2f} (while {r['overlapped_s']:.2f} s of validate/load/imports ran) + "
                f"execution {r['execution_s']:.2f} + export {r['export_s']:.2f} + PDF {r['pdf_s']:.2f} + "
                f"write {r['write_s']:.3f}; HTML {r['html_bytes']} bytes, PDF {r['pdf_bytes']} bytes"
            )
        plain = []
        for i in range(args.naive_runs):
            folder = Path(tmp) / f"naive-{i}"
            folder.mkdir()
            r = naive(args.params, folder)
            plain.append(r)
            print(
                f"plain papermill + nbconvert {i + 1}: total {r['total_s']:.2f} s (papermill {r['papermill_s']:.2f}, "
                f"nbconvert {r['nbconvert_s']:.2f}); HTML {r['html_bytes']} bytes"
            )

    keys = ("cli_start_s", "kernel_start_s", "overlapped_s", "execution_s", "export_s", "pdf_s", "write_s", "total_s")
    summary = {k: round(median(rows, k), 3) for k in keys}
    summary["html_bytes"] = int(median(rows, "html_bytes"))
    summary["pdf_bytes"] = int(median(rows, "pdf_bytes"))
    summary["runs"] = args.runs
    if plain:
        summary["naive_total_s"] = round(median(plain, "total_s"), 3)
        summary["naive_html_bytes"] = int(median(plain, "html_bytes"))
        summary["ratio_naive_over_ours"] = round(summary["naive_total_s"] / summary["total_s"], 2)
    print(
        f"median of {args.runs}: "
        + ", ".join(f"{k} {summary[k]:.3f}" for k in keys)
        + f"; HTML {summary['html_bytes']} bytes; PDF {summary['pdf_bytes']} bytes"
    )
    if plain:
        print(
            f"plain papermill + nbconvert: {summary['naive_total_s']:.2f} s, {summary['naive_html_bytes']} bytes; "
            f"ratio {summary['ratio_naive_over_ours']}x"
        )
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
