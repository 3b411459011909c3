"""argparse in Chinese: usage lines, section titles and argparse's own error messages.

argparse looks its messages up through ``gettext`` (module globals ``argparse._`` and
``argparse.ngettext``). :class:`ChineseArgumentParser` swaps in a translation for the duration of
each of its own calls (construction, parsing, help, errors) and restores the originals afterwards,
so nothing else in the process (pytest, Jupyter) sees a changed argparse.

``add_subparsers`` creates sub-parsers of the parent's class by default, and the formatter is
this module's, so every command registered with ``register(sub)`` gets Chinese help for free.
"""

from __future__ import annotations

import argparse
import gettext
import re
import sys
import threading
import unicodedata
from contextlib import contextmanager

#: argparse's message ids (Python 3.11–3.13) and their Chinese text; unknown ids pass through unchanged.
MESSAGES = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "optional arguments": "选项",
    "show this help message and exit": "显示本帮助并退出",
    "show program's version number and exit": "显示版本号并退出",
    "subcommands": "命令",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "one of the arguments %s is required": "参数 %s 中必须给出一个",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选项：%(value)r（可选：%(choices)s）",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "未知命令 %(parser_name)r（可选：%(choices)s）",
    "invalid %(type)s value: %(value)r": "无效的%(type)s：%(value)r",
    "expected one argument": "需要一个值",
    "expected at most one argument": "最多需要一个值",
    "expected at least one argument": "至少需要一个值",
    "expected %s argument": "需要 %s 个值",
    "expected %s arguments": "需要 %s 个值",
    "ambiguous option: %(option)s could match %(matches)s": "选项不明确：%(option)s 可能是 %(matches)s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "ignored explicit argument %r": "忽略了多余的值 %r",
    "unexpected option string: %s": "意外的选项：%s",
    "can't open '%(filename)s': %(error)s": "无法打开“%(filename)s”：%(error)s",
    'argument "-" with mode %r': "参数“-”不能用于模式 %r",
    "%r is not callable": "%r 不可调用",
}
#: Shown for an argument's value when the command gives no ``metavar`` (by ``dest``); unknown dests: “值”.
METAVARS = {
    "params": "参数文件",
    "path": "文件",
    "paths": "文件",
    "code": "机构代码",
    "agency": "机构代码",
    "year": "年度",
    "name": "名称",
    "out": "文件",
    "outputs": "目录",
    "params_dir": "目录",
    "workers": "个数",
    "timeout": "秒",
    "scheduler": "地址",
    "report": "报告文件",
    "html": "文件",
    "project": "文件夹",
}
#: Type names in "invalid %(type)s value" (argparse uses the converter's __name__).
TYPE_NAMES = {"int": "整数", "float": "数字", "str": "文本"}

_lock = threading.RLock()


def display_width(text: str) -> int:
    """Terminal columns: two for wide (CJK) characters."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def translate(message: str) -> str:
    return MESSAGES.get(message, gettext.gettext(message)) if message else message


def ntranslate(singular: str, plural: str, n: int) -> str:
    return translate(singular if n == 1 else plural)


@contextmanager
def chinese_messages():
    """argparse speaks Chinese inside the block (re-entrant; restored on exit)."""
    with _lock:
        saved = argparse._, argparse.ngettext
        argparse._, argparse.ngettext = translate, ntranslate
        try:
            yield
        finally:
            argparse._, argparse.ngettext = saved


class ChineseHelpFormatter(argparse.HelpFormatter):
    """Chinese usage prefix; a little wider so that Chinese help lines are not broken too early."""

    def __init__(self, prog, indent_increment=2, max_help_position=32, width=None):
        super().__init__(prog, indent_increment, max_help_position, width)

    def _get_default_metavar_for_optional(self, action):
        return METAVARS.get(action.dest, "值")

    def _get_default_metavar_for_positional(self, action):
        return METAVARS.get(action.dest, action.dest)

    def _format_action(self, action):
        # argparse pads the option column with len(); a Chinese character is two columns wide.
        text = super()._format_action(action)
        head = " " * self._current_indent + self._format_action_invocation(action)
        extra = display_width(head) - len(head)
        rest = text[len(head) :]
        if extra and text.startswith(head) and len(rest) - len(rest.lstrip(" ")) - extra >= 2:
            text = head + rest[extra:]
        return text

    def _split_lines(self, text, width):
        """Wrap by display width (Chinese characters count two); ASCII words stay whole."""
        lines, line = [], ""
        for token in re.findall(r"[!-~]+|\s+|.", " ".join(text.split())):
            if line.strip() and display_width(line + token.rstrip()) > width:
                lines.append(line.rstrip())
                line = token.lstrip()
            else:
                line += token
        return lines + [line.rstrip()] if line.strip() else lines

    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, prefix if prefix is not None else translate("usage: "))


class ChineseArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser whose help, usage and errors are Chinese; errors exit with status 2."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", ChineseHelpFormatter)
        with chinese_messages():
            super().__init__(*args, **kwargs)

    def add_subparsers(self, **kwargs):
        kwargs.setdefault("parser_class", type(self))
        with chinese_messages():
            return super().add_subparsers(**kwargs)

    def parse_known_args(self, args=None, namespace=None):
        with chinese_messages():
            return super().parse_known_args(args, namespace)

    def parse_args(self, args=None, namespace=None):
        with chinese_messages():
            return super().parse_args(args, namespace)

    def format_usage(self):
        with chinese_messages():
            return super().format_usage()

    def format_help(self):
        with chinese_messages():
            text = super().format_help()
        for group in self._action_groups:  # section headings end with a full-width colon
            if group.title:
                text = text.replace(f"\n{group.title}:\n", f"\n{group.title}：\n")
        return text

    def error(self, message):
        with chinese_messages():
            self.print_usage(sys.stderr)
            self.exit(2, translate("%(prog)s: error: %(message)s\n") % {"prog": self.prog, "message": message})

    def _get_value(self, action, arg_string):
        try:
            return super()._get_value(action, arg_string)
        except argparse.ArgumentError:
            name = getattr(action.type, "__name__", "")
            if name in TYPE_NAMES:
                raise argparse.ArgumentError(
                    action,
                    translate("invalid %(type)s value: %(value)r") % {"type": TYPE_NAMES[name], "value": arg_string},
                ) from None
            raise
