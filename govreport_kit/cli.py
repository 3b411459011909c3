"""The ``govreport`` command: a thin layer over the Python API.

Each sub-command parses its arguments and calls one function of the package. Errors on bad
input (:class:`~govreport_kit.errors.GovReportError`) are printed as one Chinese message with
no traceback; the exit status is 2 when an input cannot be read at all.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .errors import GovReportError


def _print_json(obj) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2) + "\n")


# ---------------------------------------------------------------- check (issue: format model)
def cmd_check(args) -> int:
    raise NotImplementedError("check")


# ---------------------------------------------------------------- template
def cmd_template(args) -> int:
    raise NotImplementedError("template")


# ---------------------------------------------------------------- run (issue: report)
def cmd_run(args) -> int:
    raise NotImplementedError("run")


# ---------------------------------------------------------------- batch / new (issue: batch)
def cmd_batch(args) -> int:
    raise NotImplementedError("batch")


def cmd_new(args) -> int:
    raise NotImplementedError("new")


# ---------------------------------------------------------------- audit / import (issue: audit)
def cmd_audit(args) -> int:
    raise NotImplementedError("audit")


def cmd_import(args) -> int:
    raise NotImplementedError("import")


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
    s.add_argument("--audience", choices=["review", "publish"], default="review", help="review：附问题清单；publish：有错误时拒绝生成")
    s.add_argument("--outputs", help="输出根目录（默认 outputs/）")
    s.set_defaults(func=cmd_run)

    s = sub.add_parser("batch", help="批量生成所有机构、所有年度的报告")
    s.add_argument("params_dir", nargs="?", help="参数目录（默认 params/）")
    s.add_argument("--workers", type=int, default=None, help="并行数（默认 CPU 核数）")
    s.add_argument("--changed-only", action="store_true", help="只重跑输入有变化的报告")
    s.add_argument("--audience", choices=["review", "publish"], default="review")
    s.add_argument("--timeout", type=float, default=None, help="单个报告的超时（秒）")
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
