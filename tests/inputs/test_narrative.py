"""The narrative file: its parts, its placeholders, and the errors that name the place."""

from __future__ import annotations

from decimal import Decimal

import pytest

from govreport_kit.checks import rules as checks
from govreport_kit.core import format as fmt
from govreport_kit.core import model as m
from govreport_kit.core.errors import InputError, PlaceholderError
from govreport_kit.inputs import narrative


@pytest.fixture(scope="session")
def SAMPLE(SAMPLE_NARRATIVE) -> str:
    """The sample's narrative Markdown."""
    return SAMPLE_NARRATIVE.read_text(encoding="utf-8")


# ------------------------------------------------------------------------------ layout


def test_split_parts_of_the_sample(SAMPLE):
    parts = narrative.split_parts(SAMPLE)
    assert list(parts) == ["preamble", "overview", "problems", "other"]
    assert parts["preamble"].startswith("本报告由{{ agency.name }}依据《中华人民共和国政府信息公开条例》")
    assert [line[3:] for line in parts["overview"].splitlines() if line.startswith("## ")] == list(
        fmt.OVERVIEW_SUBHEADS
    )
    assert "# " not in parts["other"] and parts["other"] == "本年度我局未向申请人收取信息处理费。"
    assert not any(line.startswith("# ") for text in parts.values() for line in text.splitlines())


def test_missing_parts_are_empty_and_level_two_part_headings_are_accepted():
    parts = narrative.split_parts("前言\n\n## 六、其他需要报告的事项\n\n无。\n")
    assert parts == {"preamble": "前言", "overview": "", "problems": "", "other": "无。"}


def test_an_unknown_top_level_heading_names_its_line_and_the_nearest_titles():
    with pytest.raises(InputError) as info:
        narrative.split_parts("前言\n\n# 一、总体情况\n\n文字\n\n# 五、存在的问题\n", file="2023.md")
    e = info.value
    assert e.where.line == 7 and e.where.file == "2023.md"
    assert "五、存在的问题" in e.message and "五、存在的主要问题及改进情况" in e.message


def test_a_table_part_or_a_repeated_part_is_an_error():
    with pytest.raises(InputError, match="由表格数据生成") as info:
        narrative.split_parts("# 一、总体情况\n\n# 三、收到和处理政府信息公开申请情况\n")
    assert info.value.where.line == 3
    with pytest.raises(InputError, match="出现了两次") as info:
        narrative.split_parts("# 一、总体情况\na\n# 一、总体情况\nb\n")
    assert info.value.where.line == 3


def test_headings_inside_code_fences_are_text():
    parts = narrative.split_parts("# 五、存在的主要问题及改进情况\n```\n# 不是标题\n```\n")
    assert parts["problems"] == "```\n# 不是标题\n```"


# ------------------------------------------------------------------------------ filling


def test_the_sample_narrative_fills_with_no_error_and_no_placeholder_left(SAMPLE, SAMPLE_NARRATIVE, seed_model):
    model = seed_model()
    parts = narrative.fill_narrative(SAMPLE, model, file=str(SAMPLE_NARRATIVE))
    for text in parts.values():
        assert "{{" not in text and "}}" not in text
    assert "本年新收申请2件，其中自然人提出2件，另有上年结转0件" in parts["overview"]
    assert "部分公开2件（占办结总数的100.0%）" in parts["overview"]
    assert "作出行政许可决定56件、行政处罚决定4件" in parts["overview"]
    assert "被申请行政复议0件、被提起行政诉讼0件" in parts["overview"]
    assert "统计时段为2023年1月1日至2023年12月31日" in parts["preamble"]
    assert "电子邮箱：kmxsjyjbgs@126.com" in parts["preamble"]
    # every number the tables hold is a placeholder: the prose's own figures stay literal
    assert set(narrative.placeholders_in(SAMPLE)) <= set(narrative.placeholder_values(model))
    model.narrative = parts
    assert checks.check(model) == []


def test_the_sample_numbers_follow_the_data(SAMPLE, seed_model):
    model = seed_model()
    model.set("table3", "new", "natural_person", 7)
    model.set("table3", "new", "total", 7)
    text = narrative.fill_narrative(SAMPLE, model)["overview"]
    assert "本年新收申请7件，其中自然人提出7件" in text and "本年新收申请2件" not in text


def test_an_unknown_placeholder_names_itself_the_part_the_line_and_the_nearest_names(SAMPLE, seed_model):
    bad = SAMPLE.replace("{{ table3.new.total }}", "{{ table3.nwe.total }}")
    line = bad.splitlines().index(next(x for x in bad.splitlines() if "table3.nwe" in x)) + 1
    with pytest.raises(PlaceholderError) as info:
        narrative.fill_narrative(bad, seed_model(), file="2023.md")
    e = info.value
    assert (e.where.file, e.where.line) == ("2023.md", line)
    assert "{{ table3.nwe.total }}" in e.message and "“一、总体情况”部分" in e.message
    assert e.fix.startswith("最接近的有效名称：{{ table3.new.total }}")
    assert e.fix.count("{{") == 3


def test_nothing_is_evaluated(seed_model):
    for text in ("{{ __import__('os').system('echo hi') }}", "{{ 1 + 1 }}", "{{ pct(1) }}", "{{ year.__class__ }}"):
        with pytest.raises(PlaceholderError):
            narrative.fill(text, seed_model())


def test_braces_are_escaped_and_an_unclosed_placeholder_is_an_error(seed_model):
    model = seed_model()
    assert (
        narrative.fill(r"写作 \{{ table3.new.total }} 得 {{table3.new.total}}；{单括号}", model)
        == "写作 {{ table3.new.total }} 得 2；{单括号}"
    )
    with pytest.raises(PlaceholderError, match="没有配对") as info:
        narrative.fill("第一行\n共 {{ table3.new.total 件", model, part="problems", first_line=20)
    assert info.value.where.line == 21 and "“五、存在的主要问题及改进情况”部分" in info.value.message


def test_an_empty_agency_field_is_an_error(seed_model):
    model = seed_model()
    model.agency.website = ""
    with pytest.raises(PlaceholderError, match="agency.website"):
        narrative.fill("网址：{{ agency.website }}", model)


# ------------------------------------------------------------------------------ values


def test_placeholder_values_cover_every_cell_and_subtotal(seed_model):
    model = seed_model()
    v = narrative.placeholder_values(model)
    for table in fmt.TABLE_CODES:
        for row, column in fmt.cells(table):
            assert f"{table}.{row}.{column}" in v
    for code in fmt.T3_SUBTOTALS:
        assert f"table3.{code}.total" in v and f"pct(table3.{code}.total)" in v
    assert v["table2.licensing"] == v["table2.licensing.value"] == "56"
    assert v["table4.litigation.total"] == "0" and v["agency.name"] == "昆明市西山区教育体育局"
    assert "pct(table3.new.total)" not in v  # a share of 办结总数 only for outcomes


def test_subtotals_percentages_blanks_and_decimals():
    cells = [
        ("table3", "denied_state_secret", "total", 1),
        ("table3", "denied_query_matter", "total", 2),
        ("table3", "granted", "total", 6),
        ("table3", "total", "total", 9),
        ("table3", "partial", "natural_person", 1),
        ("table3", "total", "natural_person", 3),
        ("table4", "litigation_direct", "total", 2),
        ("table4", "litigation_after_review", "total", 1),
        ("table2", "fees_wan_yuan", "value", Decimal("103.3870")),
    ]
    model = m.from_cells(m.Agency(name="某局", code="a"), 2023, cells)
    v = narrative.placeholder_values(model)
    assert v["table3.denied.total"] == "3"
    assert v["pct(table3.denied.total)"] == "33.3%" and v["pct(table3.granted.total)"] == "66.7%"
    assert v["pct(table3.partial.natural_person)"] == "33.3%"
    assert v["pct(table3.granted.research)"] == "0.0%"  # a 总计 of 0
    assert v["table3.new.total"] == "0"  # blank reads as 0
    assert v["table2.fees_wan_yuan"] == "103.3870"  # as stored
    assert v["table4.litigation.total"] == "3"
    assert narrative.fill("{{ pct( table3.denied.total ) }}", model) == "33.3%"


def test_2019_names_use_the_2019_codes():
    model = m.from_cells(m.Agency(name="某局", code="a"), 2020, [("table3", "other", "total", 4)], form="2019")
    v = narrative.placeholder_values(model)
    assert v["table3.other.total"] == "4" and "table3.other_other.total" not in v
    assert "table2.licensing.decisions_this_year" in v and "table2.licensing" not in v
