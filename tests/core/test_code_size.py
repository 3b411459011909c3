"""The layout rule of docs/DEVELOPERS.md, enforced: no module over 400 lines, no function over 60.

Counted with ``ast`` over ``govreport_kit/``: a module's physical lines; a function from its
``def`` line to its last line (nested functions count towards the function holding them, and on
their own). A module or function on the exception list below needs a reason written next to it.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "govreport_kit"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60

#: path relative to govreport_kit/ -> why it may be longer.
MODULE_EXCEPTIONS = {
    "core/format.py": "the official format as data (parts, rows, columns, headers, both versions, rules), "
    "read top to bottom as format-2021.md is; splitting it would scatter the one definition",
}
#: "path:function" -> why it may be longer.
FUNCTION_EXCEPTIONS: dict[str, str] = {}


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path.relative_to(PACKAGE).as_posix(), path.read_text(encoding="utf-8")


def test_no_module_is_longer_than_the_limit():
    long = {
        name: len(text.splitlines())
        for name, text in _modules()
        if len(text.splitlines()) > MAX_MODULE_LINES and name not in MODULE_EXCEPTIONS
    }
    assert not long, f"modules over {MAX_MODULE_LINES} lines (split them by what they do): {long}"


def test_no_function_is_longer_than_the_limit():
    long = {}
    for name, text in _modules():
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines = node.end_lineno - node.lineno + 1
                key = f"{name}:{node.name}"
                if lines > MAX_FUNCTION_LINES and key not in FUNCTION_EXCEPTIONS:
                    long[key] = lines
    assert not long, f"functions over {MAX_FUNCTION_LINES} lines (split them into steps): {long}"


def test_every_exception_is_still_needed():
    names = dict(_modules())
    for name in MODULE_EXCEPTIONS:
        assert len(names[name].splitlines()) > MAX_MODULE_LINES, f"{name} fits now: drop its exception"
    for key in FUNCTION_EXCEPTIONS:
        path, func = key.split(":")
        sizes = [
            n.end_lineno - n.lineno + 1
            for n in ast.walk(ast.parse(names[path]))
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == func
        ]
        assert sizes and max(sizes) > MAX_FUNCTION_LINES, f"{key} fits now: drop its exception"
