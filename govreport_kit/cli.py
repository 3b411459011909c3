"""The ``govreport`` command: a thin layer over the Python API.

Each sub-command parses its arguments and calls one function of the package. Errors on bad
input (:class:`~govreport_kit.errors.GovReportError`) are printed as one Chinese message with
no traceback; the exit status is 2 when an input cannot be read at all.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from .errors import GovReportError, Location, ParamsError


def _print_json(obj) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2) + "\n")


# ---------------------------------------------------------------- check (issue: format model)
def cmd_check(args) -> int:
    from . import paths
    from .checks import check
    from .encoding import display_path
    from .findings import has_errors, sort_findings
    from .findings_table import format_findings
    from .load import load_any

    path = Path(args.path) if args.path else paths.SAMPLE_PARAMS
    model, previous = load_any(path)
    findings = sort_findings(check(model, previous))
    for note in model.options.get("notes", []):
        sys.stderr.write(f"注意：{note}\n")
    if args.json:
        _print_json([f.to_dict() for f in findings])
    else:
        prev = f"，对照 {previous.year} 年数据" if previous is not None else ""
        sys.stdout.write(f"检查 {display_path(path)}：{model.agency.name} {model.year} 年（{model.format} 年版格式{prev}）\n\n")
        sys.stdout.write(format_findings(findings, model.format))
    return 1 if has_errors(findings) else 0


# ---------------------------------------------------------------- template
def cmd_template(args) -> int:
    from .errors import InputError
    from .model import Agency, agency_code_problem
    from .params import YEAR_RANGE
    from .workbook import write_template

    problem = agency_code_problem(args.agency)
    if problem:
        raise ParamsError(problem, Location(key="--agency"), "例如 xishan-edu（只用小写英文字母、数字、“-”和“_”）")
    if not YEAR_RANGE[0] <= args.year <= YEAR_RANGE[1]:
        raise ParamsError(f"年度 {args.year} 不在 {YEAR_RANGE[0]}–{YEAR_RANGE[1]} 之间", Location(key="--year"))
    out = Path(args.out) if args.out else Path(f"{args.agency}-{args.year}.xlsx")
    if out.suffix.lower() != ".xlsx":
        raise ParamsError(f"输出文件“{out}”应以 .xlsx 结尾", Location(key="--out"))
    if out.exists():
        raise InputError("文件已存在，不会覆盖", Location(file=str(out)), "请用 --out 指定另一个文件名，或先把已有文件改名或移走")
    if not out.parent.is_dir():
        raise InputError("输出文件夹不存在", Location(file=str(out.parent)), "请先创建该文件夹")
    write_template(out, Agency(name=args.name or "", code=args.agency), args.year)
    sys.stdout.write(f"{out}\n")
    return 0


# ---------------------------------------------------------------- run (issue: report)
def cmd_run(args) -> int:
    from .runner import run_report

    res = run_report(args.params, audience=args.audience, outputs_root=args.outputs)
    if os.environ.get("GOVREPORT_RUN_RESULT"):  # for bench/single_report.py: the timings of each phase
        Path(os.environ["GOVREPORT_RUN_RESULT"]).write_text(json.dumps(res.to_dict(), ensure_ascii=False), encoding="utf-8")
    if res.html_path:
        sys.stdout.write(res.html_path + "\n")
    if res.status != "ok":
        sys.stderr.write(f"{'注意' if res.html_path else '错误'}：{res.message}\n")
        if res.failed_notebook_path:
            sys.stderr.write(f"未完成的 notebook 已保存在 {res.failed_notebook_path}（出错的单元格已标出）\n")
    return res.exit_code


# ---------------------------------------------------------------- batch / new (issue: batch)
def cmd_batch(args) -> int:
    from .batch import run_batch
    from .batch_progress import default_observer, summary

    if args.workers is not None and args.workers < 1:
        raise ParamsError("--workers 至少为 1", where=Location(key="--workers"))
    res = run_batch(args.params_dir, outputs_root=args.outputs, workers=args.workers, changed_only=args.changed_only,
                    audience=args.audience, timeout=args.timeout, scheduler=args.scheduler,
                    observers=[default_observer(sys.stderr)])
    sys.stdout.write(summary(res) + "\n")
    return res.exit_code


def cmd_new(args) -> int:
    from .scaffold import new_agency_year

    made = new_agency_year(args.code, args.year, args.name, args.params_dir)
    for note in made.notes:
        sys.stdout.write(note + "\n")
    sys.stdout.write(f"已创建：\n  参数文件 {made.params}\n  数据工作簿 {made.workbook}\n  正文 {made.narrative}\n"
                     f"填好工作簿和正文后运行：govreport check {made.params}\n")
    return 0


# ---------------------------------------------------------------- audit / import (issue: audit)
def cmd_audit(args) -> int:
    from .audit import audit_paths
    from .audit.render_html import render_page
    from .audit.summary import summarize_all
    from .encoding import atomic_write
    from .errors import InputError

    results = audit_paths(args.paths)
    if not results:
        raise InputError("没有找到可审核的报告文件（.html、.htm、.txt、.md）", Location(file="、".join(args.paths)))
    if args.html:
        out = Path(args.html)
        if not out.parent.is_dir():
            raise InputError("输出文件夹不存在", Location(file=str(out.parent)), "请先创建该文件夹")
        try:
            atomic_write(out, render_page(results).encode("utf-8"))
        except OSError as e:
            raise InputError(f"无法写入审核页面（{e.strerror}）", Location(file=str(out))) from None
        sys.stderr.write(f"审核页面已写入 {out}\n")
    if args.json:
        _print_json([r.to_dict() for r in results])
    else:
        sys.stdout.write(summarize_all(results))
    if not any(r.readable for r in results):
        return 2
    return 1 if any(r.has_errors for r in results) else 0


def cmd_import(args) -> int:
    from . import paths
    from .audit.importer import import_report

    res = import_report(args.report, args.agency, args.params_dir or paths.PARAMS_DIR, overwrite=args.force)
    for p in res.replaced:
        sys.stderr.write(f"注意：已覆盖原有文件 {p}\n")
    unread = len(res.audit.unread_cells)
    sys.stdout.write(f"{res.params}\n{res.workbook}\n{res.narrative}\n")
    if unread:
        sys.stderr.write(f"注意：{unread} 个单元格未能读出，在工作簿中留空，请对照原报告填写：\n")
        for u in res.audit.unreadable:
            sys.stderr.write(f"  - {u.message}\n")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="govreport", description="政府信息公开工作年度报告：生成、检查与发布")
    sub = p.add_subparsers(dest="command", required=True, metavar="命令")

    s = sub.add_parser("check", help="检查一份数据（参数文件、Excel 工作簿或长表 CSV），列出全部问题")
    s.add_argument("path", nargs="?", help="参数文件 .yaml、工作簿 .xlsx 或长表 .csv；省略时检查内置示例")
    s.add_argument("--json", action="store_true", help="以 JSON 输出问题列表")
    s.set_defaults(func=cmd_check)

    s = sub.add_parser("template", help="生成空白 Excel 填报模板")
    s.add_argument("--agency", required=True, help="机构代码（小写英文字母、数字、-、_）")
    s.add_argument("--year", required=True, type=int, help="报告年度")
    s.add_argument("--out", help="输出文件路径（默认 <机构代码>-<年度>.xlsx）")
    s.add_argument("--name", default="", help="机构名称（可选）")
    s.set_defaults(func=cmd_template)

    s = sub.add_parser("run", help="生成一份年度报告（HTML）")
    s.add_argument("params", nargs="?", help="参数文件 params/<机构代码>/<年度>.yaml；省略时生成内置示例")
    s.add_argument("--audience", choices=["review", "publish"], default=None,
                   help="review：附问题清单；publish：有错误时拒绝生成（默认取参数文件 report.audience，未写则为 review）")
    s.add_argument("--outputs", help="输出根目录（默认 outputs/）")
    s.set_defaults(func=cmd_run)

    s = sub.add_parser("batch", help="批量生成所有机构、所有年度的报告")
    s.add_argument("params_dir", nargs="?", help="参数目录（默认 params/）")
    s.add_argument("--workers", type=int, default=None, help="并行数（默认 CPU 核数）")
    s.add_argument("--changed-only", action="store_true", help="只重跑输入有变化的报告")
    s.add_argument("--audience", choices=["review", "publish"], default="review")
    s.add_argument("--timeout", type=float, default=None, help="单个报告的超时（秒，默认 600）")
    s.add_argument("--scheduler", default=None, help="Dask 调度器地址（可选）")
    s.add_argument("--outputs", help="输出根目录（默认 outputs/；可为 fsspec 支持的任意路径）")
    s.set_defaults(func=cmd_batch)

    s = sub.add_parser("new", help="为新的机构年度建立参数、工作簿和正文")
    s.add_argument("code", help="机构代码")
    s.add_argument("--year", type=int, required=True)
    s.add_argument("--name", required=True, help="机构名称")
    s.add_argument("--params-dir", help="参数目录（默认 params/）")
    s.set_defaults(func=cmd_new)

    s = sub.add_parser("audit", help="审核已发布的年度报告（网页或文本）")
    s.add_argument("paths", nargs="+", help="文件或文件夹")
    s.add_argument("--json", action="store_true")
    s.add_argument("--html", help="输出离线审核页面")
    s.set_defaults(func=cmd_audit)

    s = sub.add_parser("import", help="把已发布的报告转换为本工具的输入文件")
    s.add_argument("report", help="已发布报告的文件")
    s.add_argument("--agency", required=True, help="机构代码")
    s.add_argument("--params-dir", help="参数目录（默认 params/）")
    s.add_argument("--force", action="store_true", help="已有同名文件时覆盖（会列出被覆盖的文件）")
    s.set_defaults(func=cmd_import)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except GovReportError as e:
        sys.stderr.write(f"错误：{e.message}\n")
        return e.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("已中断。\n")
        return 130


if __name__ == "__main__":
    sys.exit(main())
