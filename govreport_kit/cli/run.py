"""``govreport run``, ``govreport batch`` and ``govreport new``: reports for one agency-year or many."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from govreport_kit.cli.common import require_paths
from govreport_kit.core import format as fmt
from govreport_kit.core.errors import Location, ParamsError


def cmd_run(args) -> int:
    from govreport_kit.running.runner import run_report

    require_paths(args.params, "参数文件")
    require_paths(args.outputs, "--outputs", "--outputs")
    res = run_report(args.params, audience=args.audience, outputs_root=args.outputs, docx=args.docx, pdf=args.pdf)
    if os.environ.get("GOVREPORT_RUN_RESULT"):  # for bench/single_report.py: the timings of each phase
        Path(os.environ["GOVREPORT_RUN_RESULT"]).write_text(
            json.dumps(res.to_dict(), ensure_ascii=False), encoding="utf-8"
        )
    if res.html_path:
        sys.stdout.write(res.html_path + "\n")
    if res.docx_path:
        sys.stdout.write(res.docx_path + "\n")
    if res.pdf_path:
        sys.stdout.write(res.pdf_path + "\n")
    if res.status != "ok":
        sys.stderr.write(f"{'注意' if res.html_path else '错误'}：{res.message}\n")
        if res.failed_notebook_path:
            sys.stderr.write(f"未完成的 notebook 已保存在 {res.failed_notebook_path}（出错的单元格已标出）\n")
    return res.exit_code


def cmd_batch(args) -> int:
    from govreport_kit.batch.progress import default_observer, summary
    from govreport_kit.batch.run import run_batch

    require_paths(args.params_dir, "参数目录")
    require_paths(args.outputs, "--outputs", "--outputs")
    if args.workers is not None and args.workers < 1:
        raise ParamsError("--workers 至少为 1", where=Location(key="--workers"))
    res = run_batch(
        args.params_dir,
        outputs_root=args.outputs,
        workers=args.workers,
        changed_only=args.changed_only,
        audience=args.audience,
        timeout=args.timeout,
        scheduler=args.scheduler,
        observers=[default_observer(sys.stderr)],
        docx=args.docx,
        pdf=args.pdf,
        kernel_start=args.kernel_start,
    )
    sys.stdout.write(summary(res) + "\n")
    return res.exit_code


def cmd_new(args) -> int:
    from govreport_kit.authoring.new import new_agency_year

    require_paths(args.params_dir, "--params-dir", "--params-dir")
    made = new_agency_year(args.code, args.year, args.name, args.params_dir)
    for note in made.notes:
        sys.stdout.write(note + "\n")
    sys.stdout.write(
        f"已创建：\n  参数文件 {made.params}\n  数据工作簿 {made.workbook}\n  正文 {made.narrative}\n"
        f"填好工作簿和正文后运行：govreport check {made.params}\n"
    )
    return 0


def register(sub) -> None:
    s = sub.add_parser("run", help="生成一份年度报告（HTML）")
    s.add_argument("params", nargs="?", help="参数文件 params/<机构代码>/<年度>.yaml；省略时生成内置示例")
    s.add_argument(
        "--audience",
        choices=fmt.AUDIENCES,
        default=None,
        help="review：附问题清单；publish：有错误时拒绝生成（默认取参数文件 report.audience，未写则为 review）",
    )
    s.add_argument("--outputs", help="输出根目录（默认 outputs/）")
    s.add_argument("--docx", action="store_true", help="同时生成 Word 版 report.docx（按官方格式模板排版）")
    s.add_argument("--pdf", action="store_true", help="同时生成 report.pdf（A4，可检索、可复制文字）")
    s.set_defaults(func=cmd_run)
    s = sub.add_parser("batch", help="批量生成所有机构、所有年度的报告")
    s.add_argument("params_dir", nargs="?", help="参数目录（默认 params/）")
    s.add_argument("--workers", type=int, default=None, help="并行数（默认 CPU 核数）")
    s.add_argument("--changed-only", action="store_true", help="只重跑输入有变化的报告")
    s.add_argument("--audience", choices=fmt.AUDIENCES, default=fmt.REVIEW)
    s.add_argument("--timeout", type=float, default=None, help="单个报告的超时（秒，默认 600）")
    s.add_argument("--scheduler", default=None, help="Dask 调度器地址（可选）")
    s.add_argument("--outputs", help="输出根目录（默认 outputs/；可为 fsspec 支持的任意路径）")
    s.add_argument("--docx", action="store_true", help="每份报告同时生成 Word 版 report.docx")
    s.add_argument("--pdf", action="store_true", help="同时生成每份报告的 report.pdf")
    s.add_argument(
        "--kernel-start",
        choices=["auto", "fork", "spawn"],
        default=None,
        help="内核启动方式：fork 从预先导入的模板进程派生（仅 Linux），spawn 普通启动，"
        "auto（默认）能 fork 就 fork；也可用环境变量 GOVREPORT_KERNEL_START",
    )
    s.set_defaults(func=cmd_batch)
    s = sub.add_parser("new", help="为新的机构年度建立参数、工作簿和正文")
    s.add_argument("code", help="机构代码")
    s.add_argument("--year", type=int, required=True)
    s.add_argument("--name", required=True, help="机构名称")
    s.add_argument("--params-dir", help="参数目录（默认 params/）")
    s.set_defaults(func=cmd_new)
