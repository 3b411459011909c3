"""Variants of published reports beyond the corpus (tests/fixtures/audit/), read as a careful person reads them.

The fixtures with an ``.expected.json`` are also read cell by cell in test_fixtures.py; here the
behaviour specific to each variant is asserted, and each is shown to fail without its fix.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from govreport_kit.audit import audit_paths, audit_text
from govreport_kit.audit.prose import cn_counts, cn_number
from govreport_kit.core.normalize import normalize_text

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "audit"


def one(name: str):
    return audit_paths([FIXTURES / name])[0]


def kinds(res) -> list[tuple[str, str | None, str | None]]:
    return [(u.kind, u.table, u.row) for u in res.unreadable]


# ------------------------------------------------------------------ labels
def test_traditional_characters_read_as_the_official_labels():
    assert (
        normalize_text("屬於國家秘密 重複申請 沒有現成信息需要另行製作")
        == "属于国家秘密 重复申请 没有现成信息需要另行制作"
    )
    res = one("traditional_characters_in_labels.txt")
    assert res.unread_cells == set() and res.unreadable == []
    assert res.model.get("table3", "denied_state_secret", "total") == 14
    assert res.model.get("table2", "regulations", "issued") == 7


def test_typo_in_a_numbered_label_keeps_the_previous_row_whole():
    """ "2.其它法律…" (typo) is matched by similarity; its "2." must not stay as an 8th cell of row 1."""
    res = one("typos_in_fixed_labels.txt")
    assert not any(u.kind == "ambiguous_row" for u in res.unreadable)
    assert res.model.get("table3", "denied_state_secret", "natural_person") == 8
    typos = {u.found for u in res.unreadable if u.kind == "unknown_label"}
    assert {"其它法律行政法规禁止公开", "保护第三方合法权利", "现行有效件", "三、本年度办理情况"} <= typos


def test_table3_group_label_repeated_on_every_row():
    res = one("table3_group_label_on_every_row.txt")
    assert res.unread_cells == set()
    row = res.to_dict()["tables"]["table3"]["unable_unclear_after_correction"]
    assert row["natural_person"] == 7 and row["research"] is None and row["total"] == 24


# ------------------------------------------------------------------ cells
def test_units_inside_cells_of_table4_do_not_split_the_row():
    """ "3件 | 0件 | …" in table 四: 件 after a number is a unit, not a word between header and data."""
    res = one("units_inside_table_cells.txt")
    assert not [u for u in res.unreadable if u.table == "table4"]
    assert not any(c[0] == "table4" for c in res.unread_cells)


def test_word_exported_html_and_2019_web_page():
    res = one("word_exported_html_spans_nbsp_extra_column.html")
    assert res.unread_cells == set() and not res.has_errors
    assert res.to_dict()["tables"]["table3"]["denied_state_secret"]["commercial"] is None  # &nbsp;: blank, not 0
    res19 = one("format_2019_web_page.html")
    assert res19.format == "2019" and res19.unread_cells == set()
    assert "table2_2019" in res19.to_dict()["tables"]


def test_gbk_page_with_charset_meta():
    res = one("gbk_encoded_page.html")
    assert res.agency == "测试县市场监督管理局" and res.unread_cells == set()


# ------------------------------------------------------------------ whole files
def test_two_reports_in_one_file_are_audited_separately():
    results = audit_paths([FIXTURES / "two_reports_in_one_file.txt"])
    assert [r.year for r in results] == [2023, 2022]
    assert results[1].source.endswith("#2") and results[1].unread_cells == set()
    assert any("2份年度报告" in u.message for u in results[0].unreadable)
    # the 2022 report is last year's: the cross-year rules run between the two
    assert any(f.rule == "R-X-CARRY" for f in results[0].findings)


def test_report_followed_by_its_jiedu_is_one_report():
    results = audit_paths([FIXTURES / "report_followed_by_jiedu.txt"])
    assert len(results) == 1 and results[0].unread_cells == set()
    assert not any(f.rule.startswith("R-N") for f in results[0].findings)  # 解读's 500件 is not part 一


def test_not_a_report_and_blank_file(tmp_path):
    res = one("not_a_report.txt")
    assert res.format is None and kinds(res) == [("unreadable_file", None, None)]
    blank = tmp_path / "blank.txt"
    blank.write_text("\n  \n\n", encoding="utf-8")
    res = audit_paths([blank])[0]
    assert res.format is None and res.unreadable[0].kind == "unreadable_file"


def test_truncated_in_table4_and_before_table2():
    res = one("truncated_in_table4.txt")
    assert ("truncated", "table4", "table4") in kinds(res)
    assert res.model.get("table3", "total", "total") == 166 and not res.has_errors
    assert all(c[0] == "table4" for c in res.unread_cells)
    res = one("truncated_before_table2.txt")
    assert {t for _, t, _ in kinds(res)} >= {"table2", "table3", "table4"}
    assert len(res.unread_cells) == 200 and not res.has_errors


# ------------------------------------------------------------------ prose
@pytest.mark.parametrize(
    "text,value",
    [("十二", 12), ("两", 2), ("一百零五", 105), ("一百三十九", 139), ("一二", None), ("零", None), ("十十", None)],
)
def test_cn_number(text, value):
    assert cn_number(text) == value


def test_cn_counts_leaves_set_phrases():
    assert cn_counts("收到申请两件，高效办成一件事，第三件，十二条") == "收到申请2件，高效办成一件事，第三件，12条"


def test_prose_wordings_agree_with_consistent_tables():
    res = one("prose_wordings_and_chinese_numerals.txt")
    assert not [f for f in res.findings if f.rule.startswith("R-N")]


@pytest.mark.parametrize(
    "old,new,rule,row",
    [
        ("申请142件（其中上年结转三件）", "申请142件（其中上年结转四件）", "R-N-T3", "carried"),
        ("结转下年度12件", "结转下年度13件", "R-N-T3", "carried_forward"),
        ("占6.92%", "占9.92%", "R-N-SUB", "granted"),
        ("行政复议两件", "行政复议三件", "R-N-T4", "review"),
    ],
)
def test_prose_wordings_disagreeing_are_flagged(old, new, rule, row):
    text = (FIXTURES / "prose_wordings_and_chinese_numerals.txt").read_text(encoding="utf-8")
    assert old in text
    res = audit_text(text.replace(old, new), "p.txt")
    assert [(f.rule, f.row) for f in res.findings if f.rule.startswith("R-N")] == [(rule, row)]


def test_none_corrected_against_a_corrected_case():
    text = (FIXTURES / "prose_wordings_and_chinese_numerals.txt").read_text(encoding="utf-8")
    lines = text.split("\n")
    i = next(k for k, ln in enumerate(lines) if ln.startswith("结果维持 | 结果纠正")) + 1
    cells = lines[i].split(" | ")
    assert cells[:5] == ["2", "0", "0", "0", "2"]
    lines[i] = " | ".join(["1", "1", *cells[2:]])
    res = audit_text("\n".join(lines), "c.txt")
    found = [(f.rule, f.row, f.column) for f in res.findings if f.rule == "R-N-T4"]
    assert found == [("R-N-T4", "review", "corrected")]


# ------------------------------------------------------------------ layouts
def test_table4_as_three_labelled_rows_of_five():
    res = one("table4_as_three_labelled_rows.txt")
    assert not [u for u in res.unreadable if u.table == "table4"]
    t4 = res.to_dict()["tables"]["table4"]
    assert t4["review"] == {"upheld": 3, "corrected": 1, "other": 0, "pending": 7, "total": 11}


def test_table4_one_cell_per_line_under_the_old_title():
    res = one("table4_one_cell_per_line_old_title.txt")
    assert res.unread_cells == set()
    assert not [u for u in res.unreadable if u.kind == "unknown_label"]  # the old title is an official variant


def test_html_padding_column_at_the_edge_is_dropped_but_not_inside():
    from govreport_kit.audit.html import HtmlCell, HtmlTable

    t = HtmlTable(
        [
            [HtmlCell(""), HtmlCell("a", colspan=3), HtmlCell("")],
            [HtmlCell(""), HtmlCell("1"), HtmlCell(""), HtmlCell("3"), HtmlCell("")],
        ]
    )
    t.trim_empty_edges()
    assert t.pipe_lines() == ["| a |", "| 1 |   | 3 |"]  # the empty inner cell stays a blank
    res = one("html_empty_edge_column.html")
    assert res.unread_cells == set() and not res.has_errors


def test_dun_numbering_glued_to_the_previous_row_digits():
    assert normalize_text("3790001703962、其他法律") == "3790001703962.其他法律"
    assert normalize_text("分别为2、3件") == "分别为2、3件"
    res = one("run_together_dun_numbering_halfwidth_brackets.txt")
    assert not [u for u in res.unreadable if u.table == "table3"]
    assert not any(c[0] == "table3" for c in res.unread_cells)


# ------------------------------------------------------------------ values written in other ways
def _pipe_fixture() -> str:
    return (FIXTURES / "pipe_rows_with_blanks.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "cell,value",
    [
        ("6517500元", "651.75"),
        ("651.75万元", "651.75"),
        ("6,517,500元", "651.75"),
        ("0.00", "0"),
        ("６５１.７５", "651.75"),
    ],
)
def test_fee_cell_with_unit_separator_or_fullwidth_digits(cell, value):
    from decimal import Decimal

    text = _pipe_fixture()
    assert "行政事业性收费 | 651.75 |" in text
    res = audit_text(text.replace("行政事业性收费 | 651.75 |", f"行政事业性收费 | {cell} |"), "fee.txt")
    assert Decimal(str(res.model.get("table2", "fees_wan_yuan", "value"))) == Decimal(value)
    assert not [u for u in res.unreadable if u.table == "table2"]


def test_fullwidth_digits_and_thousands_separators_in_table3():
    text = _pipe_fixture().replace("| 78 | 12 | 14 | 2 | 18 | 15 | 139 |", "| ７８ | 12 | 14 | 2 | 18 | 15 | １３９ |")
    res = audit_text(text, "fw.txt")
    assert res.model.get("table3", "new", "natural_person") == 78 and res.model.get("table3", "new", "total") == 139
    big = _pipe_fixture().replace("| 78 | 12 | 14 | 2 | 18 | 15 | 139 |", "| 1,078 | 12 | 14 | 2 | 18 | 15 | 1,139 |")
    res = audit_text(big, "k.txt")
    assert res.model.get("table3", "new", "natural_person") == 1078 and res.model.get("table3", "new", "total") == 1139


def test_signed_changes_in_the_2019_table2():
    from . import _synth as S

    cells = S.make_cells(4, form="2019")
    text = S.render_pipe(cells, "2019")
    changes = [(k, v) for k, v in cells.items() if k[2] == "change_this_year" and v]
    assert changes
    for (t, r, _c), v in changes:  # "+3" and "--2" as some offices write them
        old = f"{fmt_row(r)} | {cells[(t, r, 'previous_year_items')]} | {v} |"
        assert old in text, old
        signed = f"+{v}" if v > 0 else f"--{-v}"
        text = text.replace(old, f"{fmt_row(r)} | {cells[(t, r, 'previous_year_items')]} | {signed} |")
    res = audit_text(text, "signed.txt")
    for (t, r, c), v in changes:
        assert res.model.get(t, r, c) == v
    assert not res.has_errors


def fmt_row(code: str) -> str:
    from govreport_kit.core import format as fmt

    return fmt.row_label("table2", code, "2019")


def test_gbk_text_and_binary_file(tmp_path):
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes(_pipe_fixture().encode("gbk"))
    res = audit_paths([gbk])[0]
    assert res.agency == "测试县市场监督管理局" and res.unread_cells == set()
    binary = tmp_path / "scan.html"
    binary.write_bytes(bytes(range(256)) * 8)
    res = audit_paths([binary])[0]
    assert res.format is None and [u.kind for u in res.unreadable] == ["unreadable_file"]


# ------------------------------------------------------------------ title and period
@pytest.mark.parametrize(
    "old,new,agency,period",
    [
        (
            "测试县市场监督管理局2023年政府信息公开工作年度报告",
            "测试县市场监督管理局二〇二三年政府信息公开工作年度报告",
            "测试县市场监督管理局",
            ("2023-01-01", "2023-12-31"),
        ),
        (
            "测试县市场监督管理局2023年政府信息公开工作年度报告",
            "测试县市场监督管理局政府信息公开工作2023年度报告",
            "测试县市场监督管理局",
            ("2023-01-01", "2023-12-31"),
        ),
        ("2023年1月1日至2023年12月31日", "2023.1.1-2023.12.31", "测试县市场监督管理局", ("2023-01-01", "2023-12-31")),
        (
            "2023年1月1日至2023年12月31日",
            "2023-01-01至2023-12-31",
            "测试县市场监督管理局",
            ("2023-01-01", "2023-12-31"),
        ),
        (
            "测试县市场监督管理局2023年政府信息公开工作年度报告",
            "政府信息公开工作年度报告",
            "",
            ("2023-01-01", "2023-12-31"),
        ),
    ],
)
def test_title_and_period_wordings(old, new, agency, period):
    text = _pipe_fixture()
    assert old in text
    res = audit_text(text.replace(old, new), "meta.txt")
    assert (res.agency, res.year, res.model.period) == (agency, 2023, period)
    assert not [f for f in res.findings if f.rule == "R-META"]
    missing = [u.message for u in res.unreadable if u.kind == "missing_meta"]
    assert bool(missing) == (agency == "")  # "请与本局办公室联系" names no agency: said, not guessed


def test_period_of_another_year_is_an_error():
    res = audit_text(_pipe_fixture().replace("2023年1月1日至2023年12月31日", "2022.1.1-2022.12.31"), "p.txt")
    assert [f.severity for f in res.findings if f.rule == "R-META"][:1] == ["error"]
