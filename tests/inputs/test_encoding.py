"""encoding.read_text: UTF-8 (with or without BOM), GBK, GB18030; empty and undecodable files."""

from __future__ import annotations

import codecs

import pytest

from govreport_kit.core.errors import InputError
from govreport_kit.inputs.encoding import decode_bytes, read_decoded, read_text
from govreport_kit.inputs.longform import read_longform_csv

NAME = "昆明市西山区教育体育局"


def test_utf8_with_bom_is_detected_and_stripped(INPUTS):
    d = read_decoded(INPUTS / "sample_tables.csv")
    assert d.bom is True and d.encoding == "utf-8"
    assert d.text.startswith("table,row,column,value")
    assert NAME in d.text


def test_plain_utf8():
    d = decode_bytes("表三,自然人\n".encode(), "x.csv")
    assert (d.text, d.encoding, d.bom) == ("表三,自然人\n", "utf-8", False)


def test_gbk_csv_reads_correctly(INPUTS):
    raw = (INPUTS / "gbk_encoded.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # the fixture really is GBK
    d = read_decoded(INPUTS / "gbk_encoded.csv")
    assert d.encoding == "gb18030" and NAME in d.text
    model = read_longform_csv(INPUTS / "gbk_encoded.csv")
    assert model.agency.name == NAME and model.get("table2", "licensing", "value") == 56


def test_gb18030_csv_with_characters_outside_gbk_reads_correctly(INPUTS):
    text = read_text(INPUTS / "gb18030_encoded.csv")
    assert "测试㐀𠀀教育局" in text
    with pytest.raises(UnicodeEncodeError):
        "㐀𠀀".encode("gbk")
    model = read_longform_csv(INPUTS / "gb18030_encoded.csv")
    assert model.agency.name == "测试㐀𠀀教育局"
    assert model.get("table3", "new", "total") == 2


def test_empty_file_is_an_error_naming_the_file(INPUTS):
    with pytest.raises(InputError) as e:
        read_text(INPUTS / "empty.csv")
    assert "文件为空" in e.value.message and "empty.csv" in e.value.message
    assert e.value.where.file.endswith("empty.csv")


def test_bom_only_counts_as_empty():
    with pytest.raises(InputError, match="文件为空"):
        decode_bytes(codecs.BOM_UTF8, "bom.csv")


def test_undecodable_file_names_file_and_byte_offset(INPUTS):
    with pytest.raises(InputError) as e:
        read_text(INPUTS / "undecodable.csv")
    msg = e.value.message
    assert "undecodable.csv" in msg and "无法识别文件编码" in msg
    assert e.value.details["offset"] == 47 and "第 47 字节" in msg


def test_utf16_is_refused_with_advice():
    with pytest.raises(InputError, match="UTF-16"):
        decode_bytes("table".encode("utf-16"), "u16.csv")


def test_missing_file(INPUTS):
    with pytest.raises(InputError, match="文件不存在"):
        read_text(INPUTS / "no-such-file.csv")


@pytest.mark.parametrize(
    "name, needles",
    [
        ("empty.csv", ("empty.csv", "文件为空")),
        ("undecodable.csv", ("undecodable.csv", "第 47 字节", "无法识别文件编码")),
    ],
)
def test_cli_refuses_unreadable_text(INPUTS, assert_cli_refuses, name, needles):
    assert_cli_refuses(INPUTS / name, *needles)
