"""The ``govreport`` command: a thin layer over the Python API.

Each sub-command parses its arguments and calls one function of the package; the commands live
in one module per stage (``cli/check.py``, ``cli/run.py``, ``cli/audit.py`` …), each with a
``register(sub)`` that adds its parsers. Errors on bad input
(:class:`~govreport_kit.core.errors.GovReportError`) are printed as one Chinese message with no
traceback; the exit status is 2 when an input cannot be read at all. Help, usage and argparse's
own messages are Chinese (:mod:`govreport_kit.cli.chinese`), for every sub-command.

``--project DIR`` (before or after the command) names the analyst's project folder; it sets
``GOVREPORT_PROJECT`` for this process and the kernels it starts (see :mod:`govreport_kit.core.paths`).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from govreport_kit.cli import audit, check, mail, office, run, tables
from govreport_kit.cli.chinese import ChineseArgumentParser
from govreport_kit.core.errors import GovReportError, Location, ParamsError
from govreport_kit.core.paths import PROJECT_ENV

COMMAND_MODULES = (check, run, audit, office, tables, mail)
PROJECT_HELP = "项目文件夹（含 params/、outputs/）；默认从当前文件夹向上找含 params/ 的文件夹"


def build_parser() -> argparse.ArgumentParser:
    p = ChineseArgumentParser(prog="govreport", description="政府信息公开工作年度报告：生成、检查与发布")
    p.add_argument("--project", help=PROJECT_HELP)
    sub = p.add_subparsers(dest="command", required=True, metavar="命令")
    for module in COMMAND_MODULES:
        module.register(sub)
    for command in sub.choices.values():  # also accepted after the command: govreport run --project DIR
        if not any("--project" in a.option_strings for a in command._actions):
            command.add_argument("--project", default=argparse.SUPPRESS, help=PROJECT_HELP)
    return p


def _interrupt(signum, frame):
    raise KeyboardInterrupt  # SIGTERM is handled like Ctrl-C: workers and kernels are stopped


def use_project(folder: str) -> Path:
    """Make ``folder`` the project of this process and of the kernels it starts."""
    root = Path(folder).expanduser().absolute()
    if not root.is_dir():
        raise ParamsError(
            "项目文件夹不存在",
            where=Location(key="--project", file=str(root)),
            fix="给出一个已有的文件夹（其中有 params/）",
        )
    os.environ[PROJECT_ENV] = str(root)
    return root


def main(argv: list[str] | None = None) -> int:
    import signal

    args = build_parser().parse_args(argv)
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _interrupt)
    try:
        if getattr(args, "project", None):
            use_project(args.project)
        return int(args.func(args) or 0)
    except GovReportError as e:
        sys.stderr.write(f"错误：{e.message}\n")
        return e.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("已中断。\n")
        return 130


if __name__ == "__main__":
    sys.exit(main())
