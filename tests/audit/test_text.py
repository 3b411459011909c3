"""Text input: normalisation, the cells of one row, and whole reports in every text shape."""

from __future__ import annotations

from decimal import Decimal

import pytest

from govreport_kit.audit import audit_text
from govreport_kit.audit.text import BLANK, NA, PAD, VALUE, read_text_source, segment_pieces
from govreport_kit.core import format as fmt
from govreport_kit.core.normalize import label_key, normalize_text, squeeze

from ._synth import (
    make_cells,
    render_cell_per_line,
    render_markdown,
    render_pdf_like,
    render_pipe,
    render_run_together,
    truncate,
)


def read_back(res, form):
    """{cell: value} as read (None for blank) and the cells not read."""
    out = {}
    for t in fmt.TABLE_CODES:
        for r, c in fmt.cells(t, form):
            v = res.model.get(t, r, c)
            out[(t, r, c)] = None if v is None or str(v) == "<NA>" else v
    return out, res.unread_cells


# ------------------------------------------------------------------ normalisation
def test_kangxi_and_radicals_supplement_map_back():
    # U+2F00 ⼀ (Kangxi) is mapped by NFKC, U+2EA0 ⺠ (radicals supplement) only by the explicit map
    assert normalize_text("\u2f00、本年新收") == "一、本年新收"
    assert normalize_text("人\u2ea0政府") == "人民政府"
    assert normalize_text("\u2ed4户网站") == "门户网站"


def test_brackets_enumeration_and_spaces():
    assert normalize_text("（一）予以公开") == "(一)予以公开"
    assert normalize_text("1、属于国家秘密") == "1.属于国家秘密"
    assert squeeze("商业 企业 | 科研\n机构") == "商业企业 | 科研机构"
    assert squeeze("数量 230 000023") == "数量 230 000023"  # spaces between digits are kept
    assert label_key("3.危及“三安全一稳定”") == label_key('3、危及"三安全一稳定"')


def test_exporter_header_and_markdown_rules_are_dropped():
    raw = "标题: 某局2023年政府信息公开工作年度报告\n发布时间: 2024-01-01\n==== 正文 ====\n| a | b |\n|---|---|\n| 1 | 2 |\n- 3 -\n"
    title, text = read_text_source(raw)
    assert title == "某局2023年政府信息公开工作年度报告"
    assert text == "| a | b |\n| 1 | 2 |"


# ------------------------------------------------------------------ the cells of one row
def kinds(seg):
    return [(p.kind, p.value) for p in segment_pieces(seg)]


def test_pipe_row_with_padding_and_explicit_blanks():
    assert kinds(" | 2 | 0 | 2 | ||\n") == [(VALUE, 2), (VALUE, 0), (VALUE, 2), (BLANK, None)]
    assert kinds(" | 0 | | | 0 |\n") == [(VALUE, 0), (BLANK, None), (BLANK, None), (VALUE, 0)]
    # blanks dropped by the exporter: only padding, positions unknown
    assert kinds(" |\n3 |\n3 |\n|||||||\n") == [(VALUE, 3), (VALUE, 3)]


def test_one_cell_per_line_units_signs_and_na():
    assert kinds(" |\n253 |\n--253 |\n0 |\n") == [(VALUE, 253), (VALUE, -253), (VALUE, 0)]
    assert kinds(" |\n9 |\n103.3879万元 |\n") == [(VALUE, 9), (VALUE, Decimal("103.3879"))]
    assert kinds(" | / | — | 5件 |") == [(NA, None), (NA, None), (VALUE, 5)]


def test_words_after_the_values_end_the_row():
    assert kinds(" 10690第二十条第(六)项信息内容") == [(VALUE, 10690)]
    assert kinds(" | 0 |\n| | 6.属于四") == [(VALUE, 0), (PAD, None), (BLANK, None)]


def test_run_together_tokens_are_weak():
    pieces = segment_pieces("230 000023")
    assert [(p.digits, p.strong) for p in pieces] == [("230", False), ("000023", False)]


# ------------------------------------------------------------------ whole reports, every shape
SHAPES = {"pipe": render_pipe, "one_cell_per_line": render_cell_per_line, "markdown": render_markdown}


@pytest.mark.parametrize("form", fmt.FORMATS)
@pytest.mark.parametrize("shape", sorted(SHAPES))
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_round_trip_with_blanks(shape, form, seed):
    cells = make_cells(seed, form, blanks=True, big=seed == 1)
    res = audit_text(SHAPES[shape](cells, form), f"{shape}.txt")
    assert res.format == form
    got, unread = read_back(res, form)
    assert not unread
    assert got == cells
    assert all(res.model.state(*k) == "blank" for k, v in cells.items() if v is None)
    assert not [f for f in res.findings if f.severity == "error"]


@pytest.mark.parametrize("seed", [0, 3])
def test_pdf_text_with_radicals_broken_labels_and_page_numbers(seed):
    cells = make_cells(seed, "2021")
    text = render_pdf_like(cells, "2021")
    assert "\u2f00" in text and "\u2ea0" in text  # look-alikes of 一 and 民 are in the input
    res = audit_text(text, "pdf.txt")
    got, unread = read_back(res, "2021")
    assert not unread
    assert got == cells
    assert res.agency == "测试县市场监督管理局" and res.year == 2023


@pytest.mark.parametrize("form", fmt.FORMATS)
@pytest.mark.parametrize("seed", range(6))
def test_run_together_digits_never_guess(seed, form):
    """Every cell is read correctly or left empty; an empty row lists the true reading."""
    cells = make_cells(seed, form, big=seed % 2 == 1)
    res = audit_text(render_run_together(cells, form), "run.txt")
    got, unread = read_back(res, form)
    for key, v in cells.items():
        if key not in unread:
            assert got[key] == v, key
    ambiguous = [u for u in res.unreadable if u.kind == "ambiguous_row"]
    for u in ambiguous:
        cols = [c.code for c in fmt.table_columns(u.table, u.row, form)] if u.table != "table4" else None
        truth = (
            [cells[(u.table, u.row, c)] for c in cols]
            if cols
            else [cells[("table4", g.code, c.code)] for g in fmt.T4_GROUPS for c in fmt.T4_RESULTS]
        )
        if len(u.candidates) < 10:
            assert [None if x is None else Decimal(str(x)) for x in truth] in [
                [None if x is None else Decimal(str(x)) for x in c] for c in u.candidates
            ]
    # table 三 and 四 carry identities: small numbers are always resolved
    if seed % 2 == 0:
        assert not [k for k in unread if k[0] in ("table3", "table4")]


@pytest.mark.parametrize("fraction", [0.35, 0.5, 0.62, 0.75, 0.9])
def test_truncated_copy_yields_what_it_holds(fraction):
    cells = make_cells(4, "2021")
    text = truncate(render_pipe(cells, "2021"), fraction)
    res = audit_text(text, "cut.txt")
    got, unread = read_back(res, "2021")
    for key in cells:
        if key not in unread:
            assert got[key] == cells[key], key
    assert any(u.kind == "truncated" for u in res.unreadable)
    assert not [f for f in res.findings if f.severity == "error"]


def test_wrong_prose_number_is_a_warning():
    cells = make_cells(5, "2021")
    res = audit_text(render_pipe(cells, "2021", wrong=True), "x.txt")
    rules = [f.rule for f in res.findings if f.severity == "warning"]
    assert rules.count("R-N-T3") == 1
    ok = audit_text(render_pipe(cells, "2021"), "x.txt")
    assert not [f for f in ok.findings if f.rule.startswith("R-N-")]


def test_label_typos_are_read_and_reported_with_the_nearest_label():
    cells = make_cells(6, "2021", blanks=True)
    text = (
        render_pipe(cells, "2021")
        .replace("现行有效件数", "现行有效件")
        .replace("2.其他法律行政法规禁止公开", "2.其他法律行政法规禁示公开")
        .replace("四、政府信息公开行政复议、行政诉讼情况", "四、政府信息公开行政法复议、行政诉讼情况")
    )
    res = audit_text(text, "typos.txt")
    got, unread = read_back(res, "2021")
    assert not unread and got == cells
    typos = {(u.found, u.nearest) for u in res.unreadable if u.kind == "unknown_label"}
    assert ("现行有效件", "现行有效件数") in typos
    row = [u for u in res.unreadable if u.kind == "unknown_label" and u.row == "denied_prohibited_by_law"]
    assert len(row) == 1 and row[0].nearest == "2.其他法律行政法规禁止公开" and "禁示" in row[0].found
    assert any(n == fmt.PART_BY_CODE["table4"].title for _, n in typos)


def test_cross_year_rules_when_years_are_audited_together(tmp_path):
    from govreport_kit.audit import audit_paths

    last = make_cells(8, "2021")
    this = make_cells(9, "2021")
    (tmp_path / "2022.txt").write_text(render_pipe(last, "2021", year=2022), encoding="utf-8")
    (tmp_path / "2023.txt").write_text(render_pipe(this, "2021", year=2023), encoding="utf-8")
    res = {r.year: r for r in audit_paths([tmp_path])}
    carried = [
        c.code
        for c in fmt.T3_COLUMNS
        if this[("table3", "carried", c.code)] != last[("table3", "carried_forward", c.code)]
    ]
    assert carried  # the two draws disagree somewhere
    assert sorted(f.column for f in res[2023].findings if f.rule == "R-X-CARRY") == sorted(carried)
    assert not [f for f in res[2022].findings if f.rule.startswith("R-X-")]  # no 2021 report given
    assert [f.row for f in res[2023].findings if f.rule == "R-X-STOCK"]  # random stocks do not add up


def test_a_list_of_the_part_titles_in_the_preamble_is_not_the_outline():
    cells = make_cells(10, "2021", blanks=True)
    listing = (
        "本报告包括：一、总体情况；二、主动公开政府信息情况；三、收到和处理政府信息公开申请情况；"
        "四、政府信息公开行政复议、行政诉讼情况；五、存在的主要问题及改进情况；六、其他需要报告的事项。\n"
    )
    text = render_pipe(cells, "2021")
    first_line_end = text.index("\n") + 1
    res = audit_text(text[:first_line_end] + listing + text[first_line_end:], "listed.txt")
    got, unread = read_back(res, "2021")
    assert not unread and got == cells
    assert "本报告包括" in res.model.narrative["preamble"]
