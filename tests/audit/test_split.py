"""Run-together rows: every split that fits, the identities that decide, and “ambiguous” otherwise."""

from __future__ import annotations

from decimal import Decimal

from govreport_kit.audit import audit_text
from govreport_kit.audit.resolve import resolve_table
from govreport_kit.audit.split import ROW_TARGETS, enumerate_readings, solve_across_rows, t3_constraints, t3_row_ok
from govreport_kit.audit.tables import read_rows
from govreport_kit.audit.text import segment_pieces


def values(readings):
    return [[c[0] for c in r] for r in readings]


def readings(text, n, table=None):
    return enumerate_readings(segment_pieces(text), n, ROW_TARGETS.get(table) if table else None)


def test_row_identity_picks_the_only_split():
    assert values(readings("640020470", 7, "table3").readings) == [[64, 0, 0, 2, 0, 4, 70]]
    assert values(readings("713000074", 7, "table3").readings) == [[71, 3, 0, 0, 0, 0, 74]]
    # a space is a cell boundary even when the digits around it run together
    assert values(readings("230 000023", 7, "table3").readings) == [[23, 0, 0, 0, 0, 0, 23]]


def test_table4_groups_each_sum():
    r = readings("10203120001200000", 15, "table4")
    assert values(r.readings) == [[1, 0, 2, 0, 3, 12, 0, 0, 0, 12, 0, 0, 0, 0, 0]]


def test_no_leading_zeros_and_every_cut_listed_without_identity():
    r = readings("8855698", 3)
    assert [8, 8, 55698] in values(r.readings) and [88, 55, 698] in values(r.readings)
    assert all(not any(str(v).startswith("0") and v != 0 for v in row) for row in values(r.readings))
    assert len(r.readings) == 15


def test_decimals_and_unit_stay_with_the_last_cell():
    r = readings("13575394432.52元", 2)
    assert [135, Decimal("75394432.52")] in values(r.readings)
    assert all(c[1][2] == "元" for c in r.readings)


def test_dropped_blanks_are_placed_in_every_order():
    r = enumerate_readings(segment_pieces(" |\n3 |\n3 |\n|||||||\n"), 7)
    fits = [x for x in r.readings if t3_row_ok(x)]
    assert len(fits) == 6  # 3 may be in any of the six applicant columns: ambiguous
    assert all(x[6][0] == 3 for x in fits)


def test_rows_are_decided_across_the_table():
    # "220000325" alone is 22/0/0/0/0/3/25 or 2/20/0/0/0/3/25; the column identities decide
    row = readings("220000325", 7, "table3").readings
    assert len(row) == 2
    zero = ((0, None, None),) * 7
    other = {r: [zero] for r in ("carried", "granted", "partial")}
    cands = {
        "new": [
            (
                (22, None, None),
                (0, None, None),
                (0, None, None),
                (0, None, None),
                (0, None, None),
                (3, None, None),
                (25, None, None),
            )
        ],
        "unable_not_held": row,
        "total": [((22, None, None),) + ((0, None, None),) * 4 + ((3, None, None), (25, None, None))],
        "carried_forward": [zero],
        **other,
    }
    from govreport_kit.core import format as fmt

    for r in fmt.T3_OUTCOME_ROWS:
        cands.setdefault(r, [zero])
    solved = solve_across_rows(cands, t3_constraints("2021"))
    assert values(solved["unable_not_held"]) == [[22, 0, 0, 0, 0, 3, 25]]


def test_prose_decides_table2_and_says_so_otherwise():
    head = "某局2022年政府信息公开工作年度报告\n统计期限为2022年1月1日至2022年12月31日。\n一、总体情况\n"
    t2 = (
        "二、主动公开政府信息情况第二十条第(一)项信息内容本年制发件数本年废止件数现行有效件数规章000行政规范性文件8855698"
        "第二十条第(五)项信息内容本年处理决定数量行政许可5\n三、收到和处理政府信息公开申请情况\n"
    )
    told = head + "集中公开现行有效行政规范性文件698件，本年度制发的规范性文件88件。\n" + t2
    res = audit_text(told, "told.txt")
    assert res.model.get("table2", "normative_documents", "repealed") == 55
    silent = audit_text(head + "全年公开信息100条。\n" + t2, "silent.txt")
    assert ("table2", "normative_documents", "repealed") in silent.unread_cells
    amb = [u for u in silent.unreadable if u.kind == "ambiguous_row"]
    assert amb and amb[0].row == "normative_documents" and [88, 55, 698] in amb[0].candidates


def test_last_years_stock_decides_table2():
    from govreport_kit.audit.audit import audit_parsed, parse_report

    def report(year, row, prose=""):
        return parse_report(
            f"某局{year}年政府信息公开工作年度报告\n统计期限为{year}年1月1日至{year}年12月31日。\n一、总体情况\n{prose}\n"
            f"二、主动公开政府信息情况\n规章 | 0 | 0 | 0 |\n行政规范性文件{row}\n"
            "三、收到和处理政府信息公开申请情况\n",
            f"{year}.txt",
        )

    prev = report(2021, " | 69 | 3 | 665 |")
    this = report(2022, "8855698")
    res = audit_parsed([this, prev])
    assert res[0].model.get("table2", "normative_documents", "repealed") == 55  # 665 + 88 − 55 = 698
    assert [u for u in res[0].unreadable if u.kind == "ambiguous_row"] == []


def test_table3_read_from_run_together_text_is_resolved_whole():
    text = (
        "一、本年新收政府信息公开申请数量640020470二、上年结转政府信息公开申请数量0000000"
        "三、本年度办理结果(一)予以公开270020130(二)部分公开(区分处理的,只计这一情形,不计其他情形)500000 5"
        "(三)不予公开1.属于国家秘密00000002.其他法律行政法规禁止公开00000003.危及“三安全一稳定”0000000"
        "4.保护第三方合法权益00000005.属于三类内部事务信息10000016.属于四类过程性信息00000007.属于行政执法案卷6000006"
        "8.属于行政查询事项1000001(四)无法提供1.本机关不掌握相关政府信息2200003252.没有现成信息需要另行制作0000000"
        "3.补正后申请内容仍不明确0000000(五)不予处理1.信访举报投诉类申请00000002.重复申请00000003.要求提供公开出版物0000000"
        "4.无正当理由大量反复申请00000005.要求行政机关确认或重新出具已获取信息0000000(六)其他处理"
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请00000002.申请人逾期未按收费通知要求缴纳费用、"
        "行政机关不再处理其政府信息公开申请00000003.其他1000001(七)总计630020469四、结转下年度继续办理1000001"
    )
    tr = read_rows(text, "table3", "2021")
    resolve_table(tr)
    got = {rr.spec.code: [c[0] for c in rr.values] for rr in tr.rows}
    assert got["unable_not_held"] == [22, 0, 0, 0, 0, 3, 25]
    assert got["total"] == [63, 0, 0, 2, 0, 4, 69]
    assert all(rr.values is not None for rr in tr.rows)
