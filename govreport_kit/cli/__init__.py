"""The ``govreport`` command: a thin layer over the Python API.

Each sub-command parses its arguments and calls one function of the package; the commands live
in one module per stage (``cli/check.py``, ``cli/run.py``, ``cli/audit.py`` …), each with a
``register(sub)`` that adds its parsers. Errors on bad input
(:class:`~govreport_kit.core.errors.GovReportError`) are printed as one Chinese message with no
traceback; the exit status is 2 when an input cannot be read at all.
"""

from __future__ import annotations

import argparse
import sys

from govreport_kit.cli import audit, check, mail, office, run, tables
from govreport_kit.core.errors import GovReportError

COMMAND_MODULES = (check, run, audit, office, tables, mail)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="govreport", description="政府信息公开工作年度报告：生成、检查与发布")
    sub = p.add_subparsers(dest="command", required=True, metavar="命令")
    for module in COMMAND_MODULES:
        module.register(sub)
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
