"""The narrative: the preamble and parts 一, 五, 六 as Markdown, with numbers as placeholders.

File layout (one Markdown file per agency-year, beside the params, e.g. ``params/xishan-edu/2023.md``):

* text before the first part heading is the preamble (legal basis, statistics period, contact);
* a part starts at a heading whose text is the official title of a prose part:
  ``# 一、总体情况``, ``# 五、存在的主要问题及改进情况``, ``# 六、其他需要报告的事项``
  (``##`` is accepted too); sub-heads inside a part use a lower level, e.g. ``## （一）主动公开``;
* any other level-1 heading is an error naming its line (so is a table part's title: parts 二,
  三 and 四 are generated from the data), and so is a part given twice; lines inside fenced code
  blocks are never headings.

Placeholders (``{{ name }}``; spaces inside the braces are optional):

* ``{{ year }}``, ``{{ agency.name }}`` and every field of ``format.AGENCY_FIELDS`` (``agency.address``,
  ``agency.phone``, ``agency.email`` …), ``{{ period.start }}``/``{{ period.end }}`` (“2023年1月1日”);
* table 二: ``{{ table2.licensing }}`` for single-value rows, ``{{ table2.regulations.issued }}`` for
  the grid rows (``table2.licensing.value`` is accepted as an alias); 2019 format: ``table2.<row>.<column>``;
* table 三: ``{{ table3.<row>.<column> }}`` with the codes of format-2021.md §3, plus the subtotals
  of ``format.T3_SUBTOTALS`` (``table3.denied.total``, ``table3.disclosed.natural_person`` …);
* ``{{ pct(table3.<row or subtotal>.<column>) }}``: that number as a percentage of the same
  column's （七）总计, one decimal (“33.9%”); for outcome rows, subtotals and ``total``;
  a zero 总计 gives “0.0%”;
* table 四: ``{{ table4.<group>.<result> }}`` and ``{{ table4.litigation.<result> }}`` (both
  litigation groups together, ``format.T4_SUBTOTALS``);
* ``{{ yoy(<any table placeholder>) }}``: the change from last year's same figure, “同比增长12.5%”,
  “同比下降3.0%”, “与上年持平”, “上年为0，无法计算同比”, or “无上年数据，无法计算同比” when last year is
  not known (``model.history``, loaded for the report from the params' ``previous``);
* with an application ledger (docs/ledger.md): ``{{ ledger.fees.count }}`` (applications closed
  this year with a fee), ``{{ ledger.fees.total_yuan }}`` (their fees in 元), ``{{ ledger.on_time }}``
  (replies within the statutory period), ``{{ ledger.late }}`` (late replies and overdue open
  applications), ``{{ ledger.median_days }}`` (median working days to reply).

Values: counts as plain integers (“2456”, no separators); 万元 amounts exactly as stored
(``Decimal("103.3879")`` -> “103.3879”); a blank or not-applicable cell reads “0”, as the checks
read it (R-BLANK reports it). An empty agency field used by a placeholder is an error.
``\\{{`` writes a literal ``{{``. Nothing is ever evaluated: a placeholder is looked up in
:func:`placeholder_values`; an unknown one raises :class:`PlaceholderError` naming the
placeholder, the part, the line and the nearest valid names. The filled text is still untrusted
Markdown; the report sanitises it when it renders it.
"""

from __future__ import annotations

import difflib
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from pandas import NA as _NA

from govreport_kit.core import format as fmt
from govreport_kit.core.errors import InputError, Location, PlaceholderError

PROSE_PARTS = fmt.NARRATIVE_PARTS  # preamble, overview, problems, other
HEADING_RE = re.compile(r"^ {0,3}(#{1,6})[ \t]*(.*?)[ \t#]*$")
FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
TOKEN_RE = re.compile(r"\\\{\{|\{\{([^{}\n]*)\}\}|\{\{")
NAME_RE = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")
PCT_RE = re.compile(r"pct\(\s*([^()\s]+)\s*\)")
YOY_RE = re.compile(r"yoy\(\s*([^()\s]+)\s*\)")
NO_HISTORY = "无上年数据，无法计算同比"


def _part_name(part: str | None) -> str:
    if part is None:
        return "正文"
    title = fmt.PART_BY_CODE[part].title
    return f"“{title}”部分" if title else f"开头部分（“{fmt.PART_BY_CODE['overview'].title}”之前）"


# ------------------------------------------------------------------------------ the file layout


def split_parts(markdown: str, file: str | None = None) -> dict[str, str]:
    """The prose parts of a narrative file: {part code: Markdown}, every prose part present ("" if absent)."""
    return {code: text for code, (text, _) in _split(markdown, file).items()}


def split_parts_located(markdown: str, file: str | None = None) -> tuple[dict[str, str], dict[str, Location]]:
    """``split_parts`` plus where each part starts in the file (for messages)."""
    split = _split(markdown, file)
    return (
        {code: text for code, (text, _) in split.items()},
        {code: Location(file=file, line=first) for code, (_, first) in split.items()},
    )


def _split(markdown: str, file: str | None) -> dict[str, tuple[str, int]]:
    titles = {re.sub(r"\s+", "", p.title): p for p in fmt.PARTS if p.title}
    titles[re.sub(r"\s+", "", fmt.TABLE4_TITLE_OLD)] = fmt.PART_BY_CODE["table4"]
    lines = markdown.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    bodies: dict[str, list[str]] = {"preamble": []}
    starts = {"preamble": 1}
    current, fence = "preamble", None
    for no, line in enumerate(lines, 1):
        f = FENCE_RE.match(line)
        if f and (fence is None or f.group(1)[0] == fence):
            fence = None if fence else f.group(1)[0]
        h = None if fence or f else HEADING_RE.match(line)
        text = re.sub(r"\s+", "", h.group(2) or "") if h else ""
        part = titles.get(text) if h and len(h.group(1)) <= 2 else None
        if h and len(h.group(1)) == 1 and part is None:
            near = difflib.get_close_matches(text, [p.title for p in fmt.PARTS if p.kind == "prose" and p.title], 3, 0)
            raise InputError(
                f"一级标题“{(h.group(2) or '').strip()}”不是正文部分的标题",
                Location(file=file, line=no),
                fix="正文只能有“" + "”“".join(near) + "”等部分标题，其他小标题请用“##”",
            )
        if part is None:
            bodies[current].append(line)
            continue
        if part.kind != "prose":
            raise InputError(
                f"“{part.title}”由表格数据生成，正文文件中不能有这一部分",
                Location(file=file, line=no),
                fix="请删除这个标题及其下的文字",
            )
        if part.code in bodies:
            raise InputError(
                f"“{part.title}”出现了两次（第 {starts[part.code] - 1} 行已有）",
                Location(file=file, line=no),
                fix="请把两处内容合并到同一个标题下",
            )
        current = part.code
        bodies[current], starts[current] = [], no + 1
    out = {}
    for code in PROSE_PARTS:
        body = bodies.get(code, [])
        first = starts.get(code, 1)
        while body and not body[0].strip():
            body, first = body[1:], first + 1
        while body and not body[-1].strip():
            body = body[:-1]
        out[code] = ("\n".join(body), first)
    return out


# ------------------------------------------------------------------------------ the values


def _num(v: Any) -> int | Decimal | None:
    if v is None or v is _NA or (isinstance(v, float) and v != v):
        return 0
    if hasattr(v, "item") and not isinstance(v, Decimal):
        v = v.item()
    if isinstance(v, bool):
        return None
    if isinstance(v, float):
        return int(v) if v.is_integer() else Decimal(repr(v))
    return v if isinstance(v, (int, Decimal)) else None


def _text(v: Any) -> str:
    n = _num(v)
    return str(v) if n is None else (format(n, "f") if isinstance(n, Decimal) else str(n))


def _pct(part: Any, whole: Any) -> str:
    p, w = _num(part), _num(whole)
    if p is None or w is None or w == 0:
        return "0.0%"
    return f"{(Decimal(p) * 100 / Decimal(w)).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"


def _date(iso: str) -> str:
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", str(iso))
    return f"{m.group(1)}年{int(m.group(2))}月{int(m.group(3))}日" if m else str(iso)


def placeholder_values(model) -> dict[str, str]:
    """Every valid placeholder name (``pct(...)`` forms included) and the text it becomes."""
    form = model.format
    v: dict[str, str] = {"year": str(model.year)}
    for f, _ in fmt.AGENCY_FIELDS:
        v[f"agency.{f}"] = str(getattr(model.agency, f, "") or "")
    start, end = model.statistics_period
    v["period.start"], v["period.end"] = _date(start), _date(end)
    # one dict per table, not one pandas ``.at`` per cell (thousands per report otherwise)
    t2 = model.table2["value"].to_dict()
    for r, c in fmt.cells("table2", form):
        v[f"table2.{r}.{c}"] = _text(t2[(r, c)])
        if c == "value":
            v[f"table2.{r}"] = v[f"table2.{r}.{c}"]
    t3 = model.table3.to_dict()  # {column: {row: value}}
    rows = [r.code for r in fmt.table_rows("table3", form)]
    outcomes = fmt.spec(form).t3_outcome_rows
    for c in fmt.T3_COLUMNS:
        col = c.code
        nums: dict[str, Any] = {r: t3[col][r] for r in rows}
        for code, (_, members) in fmt.T3_SUBTOTALS.items():
            present = [m for m in members if m in rows]
            if present and code not in nums:  # 2019: the row “other” is its own subtotal
                nums[code] = sum((_num(t3[col][m]) or 0) for m in present)
        for r, n in nums.items():
            v[f"table3.{r}.{col}"] = _text(n)
            if r in outcomes or r == "total" or r in fmt.T3_SUBTOTALS:
                v[f"pct(table3.{r}.{col})"] = _pct(n, nums["total"])
    t4 = model.table4.to_dict()
    for g in fmt.T4_GROUPS:
        for c in fmt.T4_RESULTS:
            v[f"table4.{g.code}.{c.code}"] = _text(t4[c.code][g.code])
    for code, (_, groups) in fmt.T4_SUBTOTALS.items():
        for c in fmt.T4_RESULTS:
            v[f"table4.{code}.{c.code}"] = _text(sum((_num(t4[c.code][g]) or 0) for g in groups))
    v.update(ledger_values(model))
    history = getattr(model, "history", None) or {}
    last = history.get(model.year - 1)
    before = placeholder_values(last) if last is not None else {}
    for name in [n for n in v if n.startswith("table")]:
        v[f"yoy({name})"] = yoy(v[name], before[name]) if name in before else NO_HISTORY
    return v


def ledger_values(model) -> dict[str, str]:
    """The ``ledger.*`` placeholders, when table 三 comes from the application ledger."""
    s = getattr(model, "ledger", None)
    if s is None:
        return {}
    median = (
        ""
        if s.median_days is None
        else (str(int(s.median_days)) if float(s.median_days).is_integer() else f"{s.median_days:.1f}")
    )
    return {
        "ledger.fees.count": str(s.fee_count),
        "ledger.fees.total_yuan": _text(s.fee_total_yuan),
        "ledger.on_time": str(s.on_time),
        "ledger.late": str(len(s.late)),
        "ledger.median_days": median or "0",
    }


def yoy(current: str, previous: str) -> str:
    """同比 wording from two placeholder texts: “同比增长12.5%”, “同比下降3.0%”, “与上年持平”, “上年为0，无法计算同比”."""
    try:
        now, then = Decimal(current), Decimal(previous)
    except ArithmeticError:
        return NO_HISTORY
    if now == then:
        return "与上年持平"
    if then == 0:
        return "上年为0，无法计算同比"
    change = ((now - then) * 100 / abs(then)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return f"同比增长{change}%" if change > 0 else (f"同比下降{-change}%" if change < 0 else "与上年基本持平")


# ------------------------------------------------------------------------------ filling


def fill(
    text: str,
    model,
    *,
    part: str | None = None,
    file: str | None = None,
    first_line: int = 1,
    values: dict[str, str] | None = None,
) -> str:
    """``text`` with every placeholder replaced; PlaceholderError for an unknown or malformed one.

    ``part``, ``file`` and ``first_line`` (the file line of ``text``'s first line) only make the
    error message point at the right place.
    """
    values = placeholder_values(model) if values is None else values

    def fail(what: str, pos: int, fix: str) -> PlaceholderError:
        line = first_line + text.count("\n", 0, pos)
        return PlaceholderError(f"{_part_name(part)}中{what}", Location(file=file, line=line), fix=fix)

    def replace(m: re.Match) -> str:
        raw = m.group(0)
        if raw == "\\{{":
            return "{{"
        if m.group(1) is None:
            raise fail(
                "的“{{”没有配对的“}}”",
                m.start(),
                "占位符须写在一行内，形如 {{ table3.new.total }}；要写出“{{”本身，请写成 \\{{",
            )
        name = _canonical(m.group(1))
        if name in values and (name.startswith(("pct(", "yoy(")) or NAME_RE.fullmatch(name)):
            if values[name] == "" and name.startswith("agency."):
                raise fail(
                    f"的占位符“{{{{ {name} }}}}”没有值", m.start(), f"请在参数文件中填写 {name}，或从正文中删去它"
                )
            return values[name]
        near = difflib.get_close_matches(name, list(values), 3, 0)
        raise fail(
            f"的占位符“{raw}”不存在",
            m.start(),
            "最接近的有效名称：" + "、".join(f"{{{{ {n} }}}}" for n in near) + "（全部名称见 docs/narrative.md）",
        )

    return TOKEN_RE.sub(replace, text)


def token_problem(m: re.Match, values: dict[str, str]) -> bool:
    """Cheaply: would ``fill`` refuse this token?"""
    if m.group(0) == "\\{{":
        return False
    if m.group(1) is None:
        return True
    name = _canonical(m.group(1))
    if name not in values or not (name.startswith("pct(") or NAME_RE.fullmatch(name)):
        return True
    return values[name] == "" and name.startswith("agency.")


def placeholder_problems(
    text: str,
    model,
    *,
    part: str | None = None,
    file: str | None = None,
    first_line: int = 1,
    values: dict[str, str] | None = None,
    limit: int | None = None,
) -> list[PlaceholderError]:
    """Every unknown or malformed placeholder of ``text`` (``fill`` stops at the first one);
    at most ``limit`` of them (each costs a “did you mean” search): count the rest with
    :func:`count_placeholder_problems`."""
    values = placeholder_values(model) if values is None else values
    problems = []
    for m in TOKEN_RE.finditer(text):
        if limit is not None and len(problems) >= limit:
            break
        if not token_problem(m, values):
            continue
        try:
            fill(
                m.group(0),
                model,
                part=part,
                file=file,
                values=values,
                first_line=first_line + text.count("\n", 0, m.start()),
            )
        except PlaceholderError as e:
            problems.append(e)
    return problems


def count_placeholder_problems(text: str, values: dict[str, str]) -> int:
    """How many tokens of ``text`` ``fill`` would refuse (no messages built: linear and cheap)."""
    return sum(1 for m in TOKEN_RE.finditer(text) if token_problem(m, values))


def fill_narrative(markdown: str, model, file: str | None = None) -> dict[str, str]:
    """Split a narrative file into its parts and fill each; errors name the file's line."""
    values = placeholder_values(model)
    return {
        code: fill(text, model, part=code, file=file, first_line=first, values=values)
        for code, (text, first) in _split(markdown, file).items()
    }


def _canonical(expr: str) -> str:
    expr = expr.strip()
    pct = PCT_RE.fullmatch(expr)
    if pct:
        return f"pct({pct.group(1)})"
    change = YOY_RE.fullmatch(expr)
    return f"yoy({change.group(1)})" if change else expr


def placeholders_in(text: str) -> list[str]:
    """The placeholder names a text uses, in order, as keys of placeholder_values (``\\{{`` excluded)."""
    return [_canonical(m.group(1)) for m in TOKEN_RE.finditer(text) if m.group(1) is not None]
