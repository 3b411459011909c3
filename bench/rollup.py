"""Benchmark: ``govreport rollup`` over N member agencies whose reports exist.

    .venv/bin/python bench/rollup.py 60 1000

For each N: a synthetic region of N agencies (two years, csv data) is written to a temporary
project; each member's ``outputs/<agency>/<year>/findings.json`` is written with the runner's own
functions (``report.notebook.marker`` + ``running.runner.findings_json``: the tables, findings and
input hashes a rendered report records), without starting kernels; then ``govreport rollup --json``
(reads the reports) and ``govreport rollup`` (also executes notebooks/rollup.ipynb and exports the
HTML) run as the user would run them. The plain alternative, the same roll-up with no report to
read (every member's inputs loaded and checked), is timed in the same run.
Prints the figures and, last, one JSON line.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def write_reports(project: Path, year: int) -> int:
    from govreport_kit.audit.fastcheck import validate_table
    from govreport_kit.checks.rules import check
    from govreport_kit.core.files import atomic_write
    from govreport_kit.inputs.load import load_agency_year, load_previous
    from govreport_kit.inputs.params import load_params
    from govreport_kit.report.notebook import marker
    from govreport_kit.running.runner import findings_json

    n = 0
    for params_path in sorted((project / "params").glob(f"*/{year}.yaml")):
        params = load_params(params_path)
        model = load_agency_year(params)
        findings = check(model, load_previous(params), validate=validate_table)
        mark = marker(model, findings)
        out = project / "outputs" / params.agency.code / str(year)
        out.mkdir(parents=True, exist_ok=True)
        atomic_write(out / "findings.json", findings_json(params.agency.code, year, mark["findings"], "review", mark))
        n += 1
    return n


def timed(cmd: list[str], cwd: Path) -> tuple[float, subprocess.CompletedProcess]:
    t = time.perf_counter()
    res = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    return time.perf_counter() - t, res


def one(n: int) -> dict:
    from govreport_kit.authoring.synth_region import write_region

    with tempfile.TemporaryDirectory(prefix="govreport-bench-rollup-") as tmp:
        project = Path(tmp)
        write_region(project / "params", n, seed=7, districts=max(1, n // 40), years=(2022, 2023))
        cli = [sys.executable, "-m", "govreport_kit.cli", "rollup", "--year", "2023"]
        plain_s, res = timed(cli + ["--json"], project)
        assert res.returncode == 0, res.stderr
        t = time.perf_counter()
        reports = write_reports(project, 2023) + write_reports(project, 2022)
        prep_s = time.perf_counter() - t
        json_s, res = timed(cli + ["--json"], project)
        assert res.returncode == 0, res.stderr
        included = json.loads(res.stdout)["members_included"]
        html_s, res = timed(cli, project)
        assert res.returncode == 0, res.stderr
        html = project / "outputs" / "_regions" / "city" / "2023" / "rollup.html"
        return {
            "n": n,
            "included": included,
            "reports": reports,
            "plain_json_s": round(plain_s, 2),
            "json_s": round(json_s, 2),
            "html_s": round(html_s, 2),
            "html_bytes": html.stat().st_size,
            "ratio_plain_over_json": round(plain_s / json_s, 2),
            "prepare_reports_s": round(prep_s, 1),
        }


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [60, 1000]
    rows = []
    for n in sizes:
        r = one(n)
        rows.append(r)
        print(
            f"N={n}：计入 {r['included']} 个成员；读已生成的报告 rollup --json {r['json_s']} 秒，"
            f"含 HTML（执行 rollup.ipynb）{r['html_s']} 秒，HTML {r['html_bytes']} 字节；"
            f"不读报告、逐个加载检查输入 {r['plain_json_s']} 秒（{r['ratio_plain_over_json']} 倍）",
            flush=True,
        )
    print(json.dumps({"rollup": rows}, ensure_ascii=False))


if __name__ == "__main__":
    main()
