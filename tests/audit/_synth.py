"""Synthetic published reports for the audit tests: consistent tables rendered in every shape.

``make_cells`` draws tables whose identities hold (R-T3-BAL/COL/ROW, R-T4-SUM), optionally with
blank cells; the ``render_*`` functions write a whole report (title, preamble, part 一 quoting
the tables, tables 二/三/四, parts 五/六) the way published reports come: pipe rows, one cell per
line, Markdown tables, digits run together, PDF-like text, a web page with site chrome.
Labels come from ``govreport_kit.core.format``.
"""

from __future__ import annotations

import random
from decimal import Decimal

from govreport_kit.core import format as fmt
from govreport_kit.core.model import Agency, from_cells

AGENCY = "测试县市场监督管理局"


def make_cells(seed: int = 0, form: str = "2021", blanks: bool = False, big: bool = False) -> dict:
    """{(table, row, column): value or None} with every identity of the form holding."""
    rng = random.Random(seed)
    hi = 400 if big else 9

    def draw(p_zero=0.6):
        return 0 if rng.random() < p_zero else rng.randint(1, hi)

    cells: dict = {}
    outcomes = fmt.T3_OUTCOME_ROWS if form == "2021" else fmt.T3_OUTCOME_ROWS_2019
    comp = fmt.T3_COMPONENT_COLUMNS
    for c in comp:
        p = 0.3 if c == "natural_person" else 0.85
        for r in outcomes:
            cells[("table3", r, c)] = draw(p)
        total = sum(cells[("table3", r, c)] for r in outcomes)
        cells[("table3", "total", c)] = total
        carried = rng.randint(0, min(total, 3))
        forward = draw(0.7)
        cells[("table3", "carried", c)] = carried
        cells[("table3", "carried_forward", c)] = forward
        cells[("table3", "new", c)] = total + forward - carried
    for r in [x.code for x in fmt.table_rows("table3", form)]:
        cells[("table3", r, "total")] = sum(cells[("table3", r, c)] for c in comp)
    for g in fmt.T4_GROUPS:
        parts = [draw(0.7) for _ in range(4)]
        for res, v in zip(fmt.T4_RESULTS[:4], parts):
            cells[("table4", g.code, res.code)] = v
        cells[("table4", g.code, "total")] = sum(parts)
    for r, c in fmt.cells("table2", form):
        if fmt.is_decimal_cell("table2", r, c, form):
            cells[("table2", r, c)] = Decimal(rng.randint(0, 99999)) / 100
        elif c == "change_this_year":
            cells[("table2", r, c)] = rng.randint(-5, 9)
        else:
            cells[("table2", r, c)] = draw(0.3)
    if blanks:  # leave some zero components blank (as published reports do)
        for key in list(cells):
            t, r, c = key
            if t == "table3" and c in fmt.T3_ORG_COLUMNS and cells[key] == 0 and rng.random() < 0.5:
                cells[key] = None
    return cells


def model_of(cells: dict, form: str = "2021", year: int = 2023):
    return from_cells(Agency(AGENCY, "synthetic"), year, [(t, r, c, v) for (t, r, c), v in cells.items()], form)


def _v(v) -> str:
    if v is None:
        return ""
    if isinstance(v, Decimal):
        return format(v, "f")
    return str(v)


def _sum(cells, table, rows, col="total"):
    return sum(cells.get((table, r, col)) or 0 for r in rows)


def prose(cells: dict, form: str = "2021", wrong: bool = False) -> str:
    """Part 一 quoting the tables (one number off when ``wrong``)."""
    new = cells[("table3", "new", "total")]
    total = cells[("table3", "total", "total")]
    forward = cells[("table3", "carried_forward", "total")]
    review = cells[("table4", "review", "total")]
    lit = cells[("table4", "litigation_direct", "total")] + cells[("table4", "litigation_after_review", "total")]
    denied = _sum(cells, "table3", fmt.T3_SUBTOTALS["denied"][1])
    return (
        "（一）主动公开\n全年通过政府网站主动公开政府信息120条。\n"
        "（二）依申请公开\n"
        f"本年度共收到政府信息公开申请{new + (1 if wrong else 0)}件，办结{total}件，{forward}件结转下年度继续办理；"
        f"其中不予公开{denied}件。\n"
        f"（三）监督保障\n本年度因政府信息公开被申请行政复议{review}件，被提起行政诉讼{lit}件。\n"
    )


def header(cells: dict, form: str, year: int = 2023) -> str:
    return (
        f"{AGENCY}{year}年政府信息公开工作年度报告\n"
        f"本报告根据《中华人民共和国政府信息公开条例》编制，所列数据统计期限为{year}年1月1日至{year}年12月31日。"
        "如有疑问请与本局办公室联系（地址：测试县人民路1号，邮编：650000，电话：0871-1234567）。\n"
        f"{fmt.PART_BY_CODE['overview'].title}\n"
    )


TAIL = (
    "五、存在的主要问题及改进情况\n一是公开内容不够丰富。二是解读形式单一。下一步将加强培训。\n"
    "六、其他需要报告的事项\n本年度未收取信息处理费。\n"
)


# ------------------------------------------------------------------ rows of the three tables
def t2_rows(cells: dict, form: str):
    """(kind, cells) per line: kind "caption", "header" or "data"."""
    sections = fmt.T2_SECTIONS if form == "2021" else fmt.T2_2019_SECTIONS
    for s in sections:
        yield "caption", [s.caption]
        head = getattr(s, "header", None) or ("信息内容",) + tuple(c.label for c in s.columns)
        yield "header", list(head)
        for r in s.rows:
            yield "data", [r.label] + [_v(cells[("table2", r.code, c.code)]) for c in s.columns]


def t3_rows(cells: dict, form: str):
    groups = fmt.T3_ROW_GROUPS if form == "2021" else fmt.T3_ROW_GROUPS_2019
    starts = {g.first: g.label for g in groups}
    yield "header", [fmt.T3_HEADER_NOTE, "申请人情况"]
    yield "header", [h.label for h in fmt.T3_HEADER[1]]
    yield "header", [h.label for h in fmt.T3_HEADER[2]]
    for r in fmt.table_rows("table3", form):
        labels = []
        if r.code == "granted":
            labels.append(fmt.T3_RESULTS_LABEL)
        if r.code in starts and starts[r.code] != fmt.T3_RESULTS_LABEL:
            labels.append(starts[r.code])
        yield "data", labels + [r.label] + [_v(cells[("table3", r.code, c.code)]) for c in fmt.T3_COLUMNS]


def t4_rows(cells: dict, form: str):
    for hr in fmt.T4_HEADER:
        yield "header", [h.label for h in hr]
    yield "data", [_v(cells[("table4", g.code, c.code)]) for g in fmt.T4_GROUPS for c in fmt.T4_RESULTS]


TABLES = (("table2", t2_rows), ("table3", t3_rows), ("table4", t4_rows))


def _report(cells, form, row_text, wrong=False, year=2023) -> str:
    out = [header(cells, form, year), prose(cells, form, wrong)]
    for table, rows in TABLES:
        out.append(fmt.PART_BY_CODE[table].title + "\n")
        for kind, cs in rows(cells, form):
            out.append(row_text(kind, cs))
    out.append(TAIL)
    return "".join(out)


# ------------------------------------------------------------------ the shapes
def render_pipe(cells, form="2021", **kw) -> str:
    """Pipe-separated rows, as in the seed (``label | 0 | 0 | 0 |``); a blank cell is ``| |``."""
    return _report(cells, form, lambda kind, cs: " | ".join(x if x else " " for x in cs) + " |\n", **kw)


def render_cell_per_line(cells, form="2021", **kw) -> str:
    """One cell per line (``规章 |`` / ``0 |``); a blank cell is a line holding `` |``."""
    return _report(cells, form, lambda kind, cs: "".join(f"{x} |\n" for x in cs), **kw)


def render_markdown(cells, form="2021", **kw) -> str:
    def row(kind, cs):
        line = "| " + " | ".join(x if x else " " for x in cs) + " |\n"
        if kind == "header":
            line += "|" + "---|" * len(cs) + "\n"
        return line

    return _report(cells, form, row, **kw)


def render_run_together(cells, form="2021", **kw) -> str:
    """Every table on one line, the digits of a row run together (as pingtan-2021.txt)."""

    def row(kind, cs):
        return "".join(cs)

    text = _report(cells, form, row, **kw)
    return text


RADICALS = {"一": "\u2f00", "人": "\u2f08", "民": "\u2ea0", "长": "\u2ed3", "门": "\u2ed4", "见": "\u2ec5"}


def render_pdf_like(cells, form="2021", **kw) -> str:
    """PDF text: one cell per line without pipes, long labels broken over two lines, Kangxi radical
    look-alikes (U+2F00 block and U+2E80 block), page numbers between rows."""
    count = [0]

    def row(kind, cs):
        lines = []
        for x in cs:
            if len(x) > 12:
                x = x[:7] + "\n" + x[7:]
            lines.append(x)
        count[0] += 1
        page = f"\n- {count[0]} -\n" if count[0] % 9 == 0 else "\n"
        return "\n".join(lines) + page

    text = _report(cells, form, row, **kw)
    return "".join(RADICALS.get(ch, ch) for ch in text)


def render_html_page(cells, form="2021", chrome=True, in_script=False, **kw) -> str:
    """A whole web page: site chrome around the article; tables as in the official layout
    (rowspan/colspan) from govreport_kit.report.render; optionally the article only inside a JS string."""
    from markupsafe import escape

    from govreport_kit.report import render

    m = model_of(cells, form)
    paras = "".join(
        f"<p>{escape(line)}</p>" for line in (header(cells, form) + prose(cells, form, **kw)).split("\n") if line
    )
    tables = "".join(
        f"<p>{escape(fmt.PART_BY_CODE[t].title)}</p>"
        + str(render.table_section_html(m, t)).replace("<h2>", "<!-- ").replace("</h2>", " -->")
        for t in fmt.TABLE_CODES
    )
    tail = "".join(f"<p>{escape(x)}</p>" for x in TAIL.split("\n") if x)
    article = f'<div class="article">{paras}{tables}{tail}</div>'
    chrome_top = (
        '<div class="nav"><ul><li><a href="/">首页</a></li><li>政务公开</li><li>政府信息公开年报</li></ul>'
        '<table class="layout"><tr><td>当前位置：首页 &gt; 政府信息公开</td><td>2024-01-20</td></tr></table></div>'
    )
    chrome_bottom = '<div class="footer"><p>主办单位：测试县人民政府 版权所有</p><p>网站标识码 0000000000</p></div>'
    if in_script:
        js = article.replace("\\", "\\\\").replace("'", "\\'").replace("</", "<\\/").replace("\n", "\\n")
        body = f"{chrome_top}<div id='content'></div><script>var html = '{js}';document.getElementById('content').innerHTML = html;</script>{chrome_bottom}"
    else:
        body = f"{chrome_top}{article}{chrome_bottom}" if chrome else article
    title = f"{AGENCY}2023年政府信息公开工作年度报告_政府信息公开年报_测试县人民政府"
    return f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title><style>.x{{}}</style></head><body>{body}</body></html>'


def truncate(text: str, fraction: float) -> str:
    return text[: int(len(text) * fraction)]
