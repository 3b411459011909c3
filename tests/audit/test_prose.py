"""Numbers quoted in part 一 against the tables (R-N-T3, R-N-SUB, R-N-T4, R-N-T2, R-N-UNIT)."""

from __future__ import annotations

import pytest

from govreport_kit.audit.prose import Values, breakdown_mismatches, t2_facts
from govreport_kit.audit.prose_rules import check_narrative
from govreport_kit.core import format as fmt


def values(form="2021", unread=(), **cells):
    """A table with every cell 0 except ``cells`` (keys "table3.new.total" → value)."""
    data = {(t, r, c): 0 for t in fmt.TABLE_CODES for r, c in fmt.cells(t, form)}
    for k, v in cells.items():
        data[tuple(k.split("__"))] = v
    return Values(data, set(unread), form)


def rules(text, v):
    return [(f.rule, f.row, f.expected, f.found) for f in check_narrative(text, v)]


T3 = dict(
    table3__new__total=74,
    table3__new__natural_person=71,
    table3__new__commercial=3,
    table3__carried__total=1,
    table3__carried__natural_person=1,
    table3__total__total=75,
    table3__carried_forward__total=0,
)


@pytest.mark.parametrize(
    "text",
    [
        "全区收到政府信息公开申请75件，涉及自然人72件、商业企业3件，均在法定期限内予以答复。",  # new + carried
        "本年度共收到74件申请，办结75件。",  # new
        "本年新收政府信息公开申请74件，上年结转1件。",
    ],
)
def test_tolerated_wordings_pass(text):
    assert rules(text, values(**T3)) == []


def test_received_number_matching_nothing_is_flagged():
    found = rules("本年度共收到政府信息公开申请80件，办结75件，0件结转下年度。", values(**T3))
    assert found == [("R-N-T3", "new", 74, 80)]


def test_carried_forward_after_the_number():
    found = rules(
        "及时依法依规办结69件，2件结转下年度继续办理。",
        values(table3__total__total=69, table3__carried_forward__total=1),
    )
    assert found == [("R-N-T3", "carried_forward", 1, 2)]


def test_subtotals_with_percentages_and_their_sum():
    cells = dict(
        table3__total__total=805,
        table3__granted__natural_person=258,
        table3__granted__commercial=14,
        table3__granted__total=None,
        table3__partial__natural_person=3,
        table3__partial__total=None,
        table3__denied_state_secret__total=35,
        table3__unable_not_held__total=265,
        table3__unable_needs_creation__total=72,
        table3__not_processed_duplicate__total=158,
    )
    text = (
        "答复政府信息公开申请805件。予以公开及部分公开258件，占33.9%；不予公开35件，占4.34%；"
        "因本机关不掌握等原因无法提供265件，占32.9%；不予处理158件，占19.6%；其他处理0件。"
    )
    found = rules(text, values("2019", **cells))
    # 予以公开 has a blank 总计: its components count (258 + 14 = 272, + 部分公开 3 = 275)
    assert ("R-N-SUB", "granted", 275, 258) in found
    assert ("R-N-SUB", "unable_not_held", 337, 265) in found
    assert ("R-N-SUB", "total", 805, 716) in found  # 258 + 35 + 265 + 158 + 0
    assert len(found) == 3  # 35 = 不予公开 and 4.34% ≈ 35/805 = 4.35% pass


def test_review_litigation_and_all_upheld():
    v = values(
        table4__review__upheld=5,
        table4__review__pending=2,
        table4__review__total=7,
        table4__litigation_direct__upheld=8,
        table4__litigation_direct__pending=1,
        table4__litigation_direct__total=9,
    )
    found = rules("信息公开类行政复议7件，诉讼9件，均获维持。", v)
    assert sorted(found) == [("R-N-T4", "litigation_direct", 0, 1), ("R-N-T4", "review", 0, 2)]
    assert rules("信息公开类行政复议8件，诉讼9件。", v) == [("R-N-T4", "review", 7, 8)]


def test_table2_counts_from_the_seed():
    text = "年内共有“主动公开”事项107件(行政许可104件、行政处罚3件),无行政强制信息。"
    v = values(table2__licensing__value=56, table2__punishment__value=4)
    assert sorted(rules(text, v)) == [("R-N-T2", "licensing", 56, 104), ("R-N-T2", "punishment", 4, 3)]


def test_table2_items_published_and_department_documents_are_not_decisions():
    v = values("2019", table2__normative_documents__new_published=60, table2__licensing__decisions_this_year=181)
    text = (
        "行政许可类信息69条，政策、规范性文件类信息68条。刊登政府规章、规范性文件等112件，部门规范性文件45件。"
        "主动公开行政规范性文件60件。"
    )
    assert rules(text, v) == []


def test_stock_facts_feed_the_splitter():
    text = "集中公开现行有效行政规范性文件698件，动态更新本年度制发的规范性文件88件。"
    assert t2_facts(text, "2021") == {
        ("normative_documents", "in_force"): {698},
        ("normative_documents", "issued"): {88},
    }


def test_breakdowns():
    bad = (
        "共公布政府信息2599条，(其中机构职能类信息25条，政策、规范性文件类信息68条，规划计划类信息28条，"
        "行政许可类信息69条，重大建设项目信息90条，为民办实事类信息175条，民政扶贫救灾社会保障就业类信息67条，"
        "国土资源城乡建设环保能源类信息983条，科教文体卫生类信息48条，安全生产、应急管理类信息124条，"
        "其他应主动公开政府信息856条)"
    )
    assert [(t, s) for t, s, _, _ in breakdown_mismatches(bad)] == [(2599, 2533)]
    nested = "今年共发布380条财政资金信息，其中专项资金152条，预决算公开197条（政府预决算32条、部门预决算公开165条）、“三公”经费27条、债券发行4条。"
    assert breakdown_mismatches(nested) == []
    single = "全年发布信息270条(其中行政审批公示信息65条)。"
    assert breakdown_mismatches(single) == []
    approx = "累计公布网上信息1000余条，其中安全提示200条、通知100条。"
    assert breakdown_mismatches(approx) == []


def test_units():
    found = check_narrative("全年累计发布政务信息173769万条。", values())
    assert [f.rule for f in found] == ["R-N-UNIT"]
    assert check_narrative("全年累计发布政务信息17.3万条。", values()) == []


def test_unread_cells_are_not_compared():
    v = values(unread={("table3", "new", "total")}, table3__new__total=1)
    assert rules("本年度共收到政府信息公开申请80件。", v) == []


def test_breakdown_in_parentheses():
    assert breakdown_mismatches("年内共有主动公开事项107件(行政许可104件、行政处罚3件),无行政强制信息") == []
    assert [(t, s) for t, s, _, _ in breakdown_mismatches("年内共有事项108件(行政许可104件、行政处罚3件)")] == [
        (108, 107)
    ]
    # "含…另有…" is not a breakdown of the total
    assert breakdown_mismatches("答复申请805件(含上年度结转申请18件,另有72件申请顺延到下年度答复)") == []
