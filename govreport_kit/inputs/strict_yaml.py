"""A strict YAML reader for params and data files: plain JSON types out, nothing implicit.

PyYAML follows YAML 1.1, which silently turns ``0101`` into 65, ``no`` into False, ``12:30`` into
750 and ``2023-01-01`` into a date, and whose tags (``!!python/object``, ``!!binary``) build
objects. Here the document is only *composed* (parsed into nodes, nothing constructed) and the
node tree is turned into values by this module:

* any explicit tag, anchor or alias is rejected;
* a quoted or block scalar is a string;
* a plain scalar is an ``int`` when it matches ``-?(0|[1-9][0-9]*)``, a ``Decimal`` when it is a
  plain decimal such as ``103.3879``, ``True``/``False`` for ``true``/``false``, ``None`` for
  ``null``, ``~`` or nothing; any other plain scalar that YAML 1.1 would read as something other
  than a string (``0101``, ``no``, ``on``, ``1e3``, ``12:30``, ``2023-01-01``, ``.inf``) is an
  error that names the key and says to quote the value; everything else is a string;
* mapping keys are strings; a duplicate key is an error.

Each value's line is kept in :attr:`Document.lines` (key path such as ``agency.postcode`` → line).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import yaml
from yaml.events import AliasEvent, CollectionStartEvent, ScalarEvent
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from govreport_kit.core import limits

INT_RE = re.compile(r"^-?(0|[1-9][0-9]*)$")
DECIMAL_RE = re.compile(r"^-?(0|[1-9][0-9]*)\.[0-9]+$")
BOOLS = {"true": True, "false": False, "True": True, "False": False, "TRUE": True, "FALSE": False}
NULLS = {"", "~", "null", "Null", "NULL"}
_YAML11 = yaml.resolver.Resolver()
_STR_TAG = "tag:yaml.org,2002:str"
_KINDS = {
    "int": "整数",
    "float": "小数",
    "bool": "是/否（布尔值）",
    "timestamp": "日期",
    "null": "空值",
    "merge": "合并键",
    "value": "特殊值",
}


class YamlProblem(Exception):
    """A problem with a line and key path; the caller turns it into a ParamsError or InputError."""

    def __init__(self, what: str, line: int | None = None, key: str | None = None, fix: str | None = None):
        super().__init__(what)
        self.what, self.line, self.key, self.fix = what, line, key, fix


class _ComposeOnly(yaml.SafeLoader):
    """Composes nodes and refuses explicit tags, anchors and aliases before any value exists."""

    def __init__(self, stream):
        super().__init__(stream)
        self._paths = [""]  # key path of the node being composed, for messages

    def compose_node(self, parent, index):
        path = self._paths[-1]
        if isinstance(parent, MappingNode) and isinstance(index, ScalarNode):
            path = f"{path}.{index.value}" if path else index.value
        elif isinstance(parent, SequenceNode):
            path = f"{path}[{index}]"
        event = self.peek_event()
        line = event.start_mark.line + 1
        key = path or None
        if isinstance(event, AliasEvent):
            raise YamlProblem(f"不支持 YAML 别名“*{event.anchor}”", line, key, "请直接写出值")
        if isinstance(event, (ScalarEvent, CollectionStartEvent)):
            if event.anchor is not None:
                raise YamlProblem(f"不支持 YAML 锚点“&{event.anchor}”", line, key, "请直接写出值")
            if event.tag is not None:
                raise YamlProblem(
                    f"不允许使用 YAML 标签“{_short_tag(event.tag)}”",
                    line,
                    key,
                    "删除标签，只写普通的文字或数字（文字可加引号）",
                )
        if len(self._paths) > limits.YAML_DEPTH.value:  # before Python's recursion limit, with a message
            raise YamlProblem(
                f"嵌套层数太多，超过{limits.YAML_DEPTH.describe()}",
                line,
                key,
                "参数文件和数据文件只有两三层缩进；请检查文件内容",
            )
        self._paths.append(path)
        try:
            return super().compose_node(parent, index)
        finally:
            self._paths.pop()


def _short_tag(tag: str) -> str:
    return "!!" + tag[len("tag:yaml.org,2002:") :] if tag.startswith("tag:yaml.org,2002:") else tag


@dataclass
class Document:
    data: Any
    lines: dict[str, int] = field(default_factory=dict)

    def line(self, key: str) -> int | None:
        """Line of ``key`` or of its nearest enclosing key (the document's first line at worst)."""
        return key_line(self.lines, key, self.lines.get(""))


def key_line(lines: Mapping[str, int], key: str | None, default: int | None = None) -> int | None:
    """The line of dotted ``key`` (``agency.code``) in ``lines``, or of its nearest enclosing key."""
    while key:
        if key in lines:
            return lines[key]
        key = key.rpartition(".")[0]
    return default


def load(text: str) -> Document:
    """Parse one YAML document into plain values; :class:`YamlProblem` on anything unsafe or implicit."""
    loader = None
    try:
        loader = _ComposeOnly(text)  # the reader refuses control characters already here
        node = loader.get_single_node()
    except YamlProblem:
        raise
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        raise YamlProblem(
            f"YAML 语法错误：{e.problem or e.context}",
            line,
            fix="检查缩进（用空格，不用 Tab）、冒号后的空格和引号是否成对",
        ) from None
    except yaml.reader.ReaderError as e:
        line = text.count("\n", 0, e.position) + 1 if isinstance(e.position, int) else None
        raise YamlProblem(f"文件含有不允许的控制字符（#x{e.character:04x}）", line, fix="请删除该字符") from None
    except yaml.YAMLError as e:
        raise YamlProblem(f"YAML 语法错误：{e}") from None
    finally:
        if loader is not None:
            loader.dispose()
    doc = Document(None)
    if node is None:
        return doc
    doc.lines[""] = node.start_mark.line + 1
    doc.data = _value(node, "", doc.lines)
    return doc


def _value(node, path: str, lines: dict[str, int]) -> Any:
    if isinstance(node, MappingNode):
        out: dict[str, Any] = {}
        for knode, vnode in node.value:
            if not isinstance(knode, ScalarNode):
                raise YamlProblem("键必须是简单的文字", knode.start_mark.line + 1, path or None)
            key = knode.value
            sub = f"{path}.{key}" if path else key
            line = knode.start_mark.line + 1
            if key in out:
                raise YamlProblem(
                    f"键“{key}”重复出现（第一次在第 {lines.get(sub)} 行）",
                    line,
                    sub,
                    "每个键只能写一次，请删除多余的一处",
                )
            lines[sub] = line
            out[key] = _value(vnode, sub, lines)
        return out
    if isinstance(node, SequenceNode):
        items = []
        for i, item in enumerate(node.value):
            sub = f"{path}[{i}]"
            lines[sub] = item.start_mark.line + 1
            items.append(_value(item, sub, lines))
        return items
    return _scalar(node, path)


def _scalar(node: ScalarNode, path: str) -> Any:
    text = node.value
    if node.style is not None:  # quoted or block scalar: always a string
        return text
    if len(text) > 4 * limits.NUMBER_DIGITS.value and (INT_RE.match(text) or DECIMAL_RE.match(text)):
        raise YamlProblem(
            f"数字有 {len(text):,} 位，超过{limits.NUMBER_DIGITS.describe()}",
            node.start_mark.line + 1,
            path or None,
            "请检查这个值",
        )
    if INT_RE.match(text):
        return int(text)
    if DECIMAL_RE.match(text):
        return Decimal(text)
    if text in BOOLS:
        return BOOLS[text]
    if text in NULLS:
        return None
    tag = _YAML11.resolve(ScalarNode, text, (True, False))
    kind = _KINDS.get(tag.rsplit(":", 1)[-1], tag) if tag != _STR_TAG else _yaml12_kind(text)
    if kind:
        raise YamlProblem(
            f"值 {text} 含义不明确：YAML 会把它当作{kind}，而不是原样的文字",
            node.start_mark.line + 1,
            path or None,
            f'用引号括起来，例如 "{text}"',
        )
    return text


_YAML12_NUMBER = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$|^0o[0-7]+$|^0x[0-9a-fA-F]+$")
_YAML11_SHORT_BOOLS = {"y", "Y", "n", "N"}


def _yaml12_kind(text: str) -> str | None:
    """What YAML 1.2 (or the full YAML 1.1 spec, beyond PyYAML) would read ``text`` as, if not text."""
    if _YAML12_NUMBER.match(text):
        return "数字"
    if text in _YAML11_SHORT_BOOLS:
        return _KINDS["bool"]
    return None


def dump_scalar(value: Any) -> str:
    """One value as canonical YAML: strings quoted unless they read back unchanged as plain text."""
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, (int, Decimal)):
        return str(value)
    text = str(value)
    if _plain_safe(text):
        return text
    return '"' + "".join(_escape(ch) for ch in text) + '"'


_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}
_PRINTABLE = re.compile("[\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _escape(ch: str) -> str:
    """One character inside a double-quoted YAML scalar (non-printables and line breaks escaped)."""
    if ch in _ESCAPES:
        return _ESCAPES[ch]
    if _PRINTABLE.match(ch) and ch not in "\u2028\u2029\ufeff":
        return ch
    return f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}"


_PLAIN_OK = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`][^:#\n\r\t]*$")


def _plain_safe(text: str) -> bool:
    if not text or text != text.strip() or not _PLAIN_OK.match(text):
        return False
    if any(ord(ch) < 32 for ch in text):
        return False
    try:
        return load(f"k: {text}\n").data == {"k": text}
    except YamlProblem:
        return False
