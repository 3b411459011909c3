"""strict_yaml: plain values only, nothing implicit; dump_scalar round-trips any text."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govreport_kit.inputs import strict_yaml as sy


@pytest.mark.parametrize(
    "text, value",
    [
        ("0", 0),
        ("-12", -12),
        ("2023", 2023),
        ("103.3879", Decimal("103.3879")),
        ("true", True),
        ("false", False),
        ("null", None),
        ("~", None),
        ("", None),
        ("0871-68226567", "0871-68226567"),
        ("kmxsjyjbgs@126.com", "kmxsjyjbgs@126.com"),
        ('"0101"', "0101"),
        ("'no'", "no"),
        ("昆明市西山区", "昆明市西山区"),
        ("on_time", "on_time"),
    ],
)
def test_plain_scalars(text, value):
    got = sy.load(f"k: {text}\n").data["k"]
    assert got == value and type(got) is type(value)


@pytest.mark.parametrize(
    "text",
    [
        "0101",
        "no",
        "No",
        "yes",
        "on",
        "OFF",
        "y",
        "N",
        "1e3",
        "12:30",
        "2023-01-01",
        "0x1f",
        "0o17",
        ".5",
        "1.",
        "+1",
        "1_000",
        ".inf",
        ".NaN",
    ],
)
def test_ambiguous_scalars_are_refused_with_the_key_and_a_quoted_example(text):
    with pytest.raises(sy.YamlProblem) as e:
        sy.load(f"a:\n  b: {text}\n")
    assert e.value.key == "a.b" and e.value.line == 2 and f'"{text}"' in e.value.fix


def test_lines_are_recorded_per_key():
    doc = sy.load("a:\n  b: 1\n  c:\n    - x\n    - z\nd: 2\n")
    assert doc.data == {"a": {"b": 1, "c": ["x", "z"]}, "d": 2}
    assert doc.lines["a.b"] == 2 and doc.lines["a.c[1]"] == 5 and doc.line("a.c.zz") == 3 and doc.lines["d"] == 6


def test_control_characters_are_a_problem_not_a_crash():
    with pytest.raises(sy.YamlProblem):
        sy.load("k: a\x1fb\n")


def test_syntax_error_has_a_line():
    with pytest.raises(sy.YamlProblem) as e:
        sy.load("a: [1, 2\nb: 3\n")
    assert "语法错误" in e.value.what and e.value.line is not None


@given(st.text())
def test_dump_scalar_round_trips_any_text(text):
    assert sy.load(f"k: {sy.dump_scalar(text)}\n").data == {"k": text}
