"""The ``govreport`` command speaks Chinese: help, usage and argparse's own messages, for every command."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys

import pytest

from govreport_kit import cli
from govreport_kit.cli.chinese import MESSAGES, ChineseArgumentParser

# argparse's English, as it would appear in help or an error (the message ids without their % fields).
ARGPARSE_ENGLISH = sorted(
    {w for msgid in MESSAGES for w in re.split(r"%\(\w+\)[rs]|%[rs]|[^A-Za-z' ]+", msgid) if len(w.strip()) > 3}
    | {"usage", "error", "options", "positional", "required", "invalid", "unrecognized", "choose from", "arguments"}
)


def govreport(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "govreport_kit", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={"COLUMNS": "100", "PATH": "/usr/bin:/bin"},
    )


def assert_no_argparse_english(text: str) -> None:
    found = [w for w in ARGPARSE_ENGLISH if re.search(rf"(?i)\b{re.escape(w.strip())}\b", text)]
    assert not found, (found, text)


def test_top_level_help_is_chinese():
    r = govreport("--help")
    assert r.returncode == 0 and r.stderr == ""
    assert r.stdout.startswith("用法：govreport")
    for heading in ("位置参数：", "选项：", "显示本帮助并退出", "--project"):
        assert heading in r.stdout
    assert_no_argparse_english(r.stdout)


@pytest.mark.parametrize("command", sorted(cli.build_parser()._subparsers._group_actions[0].choices))
def test_every_command_help_is_chinese(command):
    r = govreport(command, "--help")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(f"用法：govreport {command}") and "显示本帮助并退出" in r.stdout
    assert "--project" in r.stdout
    assert_no_argparse_english(r.stdout)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["bogus"], "无效的选项：'bogus'"),
        ([], "缺少必需的参数：命令"),
        (["template"], "缺少必需的参数：--agency, --year"),
        (["template", "--agency", "x", "--year", "abc"], "参数 --year：无效的整数：'abc'"),
        (["run", "--audience", "everyone"], "无效的选项：'everyone'（可选：'review', 'publish'）"),
        (["check", "a.yaml", "b.yaml"], "无法识别的参数：b.yaml"),
        (["run", "--outputs"], "参数 --outputs：需要一个值"),
    ],
)
def test_usage_errors_are_one_chinese_message_and_exit_2(args, expected):
    r = govreport(*args)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.startswith("用法：govreport") and expected in r.stderr, r.stderr
    assert "错误：" in r.stderr and "Traceback" not in r.stderr
    assert_no_argparse_english(r.stderr)


def test_a_command_added_by_another_module_gets_chinese_help(capsys):
    """A new cli/<name>.py only calls sub.add_parser: the Chinese parser and formatter come with it."""
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    new = sub.add_parser("demo-command", help="演示")
    new.add_argument("--to", required=True)
    assert isinstance(new, ChineseArgumentParser)
    with pytest.raises(SystemExit) as e:
        parser.parse_args(["demo-command"])
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert "缺少必需的参数：--to" in err and "用法：govreport demo-command [-h] --to 值" in err
    assert_no_argparse_english(err)


def test_argparse_is_left_alone_outside_our_parsers():
    cli.build_parser().format_help()
    assert argparse.ArgumentParser(prog="x").format_help().startswith("usage: x")
