"""R-N-* findings: compare the quotes found by :mod:`prose` with the tables as read."""

from __future__ import annotations

from decimal import Decimal

from govreport_kit.audit.prose import (
    Quote,
    Values,
    application_quotes,
    breakdown_mismatches,
    cn_counts,
    make_finding,
    review_quotes,
    t2_quotes,
    unit_problems,
)
from govreport_kit.checks.findings import Finding
from govreport_kit.core import format as fmt
from govreport_kit.core.normalize import normalize_text, squeeze

PCT_TOLERANCE = Decimal("0.1")
SUB_LABELS = {code: label for code, (label, _) in fmt.T3_SUBTOTALS.items()}
SUB_LABELS.update({"granted": "予以公开", "partial": "部分公开"})


def _short(s: str, n: int = 60) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


def _sub_rows(code: str, form: str) -> tuple[str, ...]:
    if code in ("granted", "partial"):
        return (code,)
    if code == "other" and form == "2019":
        return ("other",)
    return fmt.T3_SUBTOTALS[code][1]


def _check_t3(quotes: list[Quote], v: Values) -> list[Finding]:
    out: list[Finding] = []
    new, carried = v.t3_row("new"), v.t3_row("carried")
    total, forward = v.t3_row("total"), v.t3_row("carried_forward")
    received = None if new is None or carried is None else new + carried
    figures = {"new": new, "carried": carried, "total": total, "carried_forward": forward, "received": received}
    handled_quote = None
    subs: dict[str, int] = {}
    for q in quotes:
        k = q.kind
        if k in _TOTAL_QUOTES:
            out.extend(_total_quote(q, figures))
        elif k.startswith("applicant:"):
            out.extend(_applicant_quote(q, v))
        elif k.startswith("sub:"):
            code = k.split(":", 1)[1]
            if k == "sub:disclosed" or code not in subs:
                subs[code] = q.value
            out.extend(_check_sub(q, code, v, total))
        if k == "handled":
            handled_quote = q.value
    out.extend(_sum_of_subs(subs, handled_quote if handled_quote is not None else total))
    return out


#: kind -> (table 三 row the quote is about, the figures it may equal, wording of the finding)
_TOTAL_QUOTES = {
    "new": ("new", ("new",), "称新收申请{q}件，表三“本年新收”总计为{new}件"),
    "received": ("new", ("new", "received"), "称收到申请{q}件，表三本年新收{new}件（含上年结转共{received}件）"),
    "handled": ("total", ("total", "new", "received"), "称办理/答复申请{q}件，表三“（七）总计”为{total}件"),
    "carried": ("carried", ("carried",), "称上年结转{q}件，表三为{carried}件"),
    "carried_forward": ("carried_forward", ("carried_forward",), "称结转下年度{q}件，表三为{carried_forward}件"),
}


def _total_quote(q: Quote, figures: dict[str, int | None]) -> list[Finding]:
    row, allowed, wording = _TOTAL_QUOTES[q.kind]
    have = figures[row]
    if have is None or q.value in {figures[a] for a in allowed}:
        return []
    text = f"正文“{_short(q.text)}”" + wording.format(q=q.value, **{k: v for k, v in figures.items()})
    return [make_finding("R-N-T3", text, "table3", row, "total", have, q.value)]


def _applicant_quote(q: Quote, v: Values) -> list[Finding]:
    col = q.kind.split(":", 1)[1]
    a, b = v.t3_row("new", col), v.t3_row("carried", col)
    if a is None or b is None or q.value in {a, a + b}:
        return []
    label = fmt.column_label("table3", col)
    text = f"正文“{_short(q.text)}”称{label}申请{q.value}件，表三本年新收{label}为{a}件"
    return [make_finding("R-N-T3", text, "table3", "new", col, a, q.value)]


def _sum_of_subs(subs: dict[str, int], target: int | None) -> list[Finding]:
    """R-N-SUB when the prose quotes every kind of outcome and they do not add up to the total."""
    five = {"denied", "unable", "not_processed", "other"}
    if not (five <= subs.keys() and ("disclosed" in subs or {"granted", "partial"} <= subs.keys())):
        return []
    quoted = sum(subs[c] for c in five) + subs.get("disclosed", subs.get("granted", 0) + subs.get("partial", 0))
    if target is None or quoted == target:
        return []
    text = f"正文引用的各类办理结果合计{quoted}件，与办理总数{target}件不符"
    return [make_finding("R-N-SUB", text, "table3", "total", "total", target, quoted)]


def _check_sub(q: Quote, code: str, v: Values, total) -> list[Finding]:
    rows = _sub_rows(code, v.form)
    table = v.t3_sum(rows)
    if table is None:
        return []
    label = SUB_LABELS[code]
    bad_count = q.value != table
    bad_pct = False
    if q.pct is not None and total:
        computed = Decimal(table) * 100 / Decimal(total)
        bad_pct = abs(computed - q.pct) > PCT_TOLERANCE
    if not (bad_count or bad_pct):
        return []
    msg = f"正文“{_short(q.text)}”称{label}{q.value}件"
    if q.pct is not None:
        msg += f"（占{q.pct}%）"
    msg += f"，表三{label}合计{table}件"
    if total:
        msg += f"，占总计{total}件的{(Decimal(table) * 100 / Decimal(total)).quantize(Decimal('0.01'))}%"
    return [make_finding("R-N-SUB", msg, "table3", rows[0], "total", table, q.value)]


def _check_t4(quotes: list[Quote], v: Values) -> list[Finding]:
    out = []
    groups = [g.code for g in fmt.T4_GROUPS]
    tot = {g: v.get("table4", g, "total") for g in groups}
    for q in quotes:
        if q.kind == "review" and tot["review"] is not None and q.value != tot["review"]:
            out.append(
                make_finding(
                    "R-N-T4",
                    f"正文“{_short(q.text)}”称行政复议{q.value}件，表四行政复议总计为{tot['review']}件",
                    "table4",
                    "review",
                    "total",
                    tot["review"],
                    q.value,
                )
            )
        elif q.kind == "litigation":
            a, b = tot["litigation_direct"], tot["litigation_after_review"]
            if a is not None and b is not None and q.value != a + b:
                out.append(
                    make_finding(
                        "R-N-T4",
                        f"正文“{_short(q.text)}”称行政诉讼{q.value}件，表四两类行政诉讼总计为{a + b}件",
                        "table4",
                        "litigation_direct",
                        "total",
                        a + b,
                        q.value,
                    )
                )
        elif q.kind in ("all_upheld", "all_closed", "none_corrected"):
            cols = {
                "all_upheld": ("corrected", "other", "pending"),
                "all_closed": ("pending",),
                "none_corrected": ("corrected",),
            }[q.kind]
            word = {"all_upheld": "均获维持", "all_closed": "均已审结", "none_corrected": "均未被纠正"}[q.kind]
            for g in groups:
                for c in cols:
                    x = v.get("table4", g, c)
                    if x:
                        out.append(
                            make_finding(
                                "R-N-T4",
                                f"正文称复议、诉讼“{word}”，但表四{fmt.row_label('table4', g)}"
                                f"“{fmt.column_label('table4', c)}”为{x}件",
                                "table4",
                                g,
                                c,
                                0,
                                x,
                            )
                        )
    return out


_2019_QUAL = {"in_force": ("total_published",), "issued": ("new_made", "new_published"), "repealed": ()}


def _check_t2(quotes: list[Quote], v: Values) -> list[Finding]:
    out = []
    for q in quotes:
        row, _, qual = q.kind.partition(":")
        try:
            cols = [c.code for c in fmt.table_columns("table2", row, v.form)]
        except KeyError:
            continue
        if qual:
            cols = [qual] if v.form == "2021" else list(_2019_QUAL.get(qual, ())) or cols
            if not cols:
                continue
        values = [v.get("table2", row, c) for c in cols]
        if any(x is None for x in values) or q.value in values:
            continue
        label = fmt.row_label("table2", row, v.form)
        shown = "、".join(str(x) for x in values)
        out.append(
            make_finding(
                "R-N-T2",
                f"正文“{_short(q.text)}”称{label}{q.value}件，表二{label}为{shown}",
                "table2",
                row,
                cols[0],
                values[0],
                q.value,
            )
        )
    return out


def check_narrative(overview: str, v: Values) -> list[Finding]:
    """Every R-N-* finding for part 一 (``overview``) against the tables read into ``v``."""
    text = cn_counts(squeeze(normalize_text(overview or "")))
    if not text.strip():
        return []
    out = _check_t3(application_quotes(text), v)
    out += _check_t4(review_quotes(text), v)
    out += _check_t2(t2_quotes(text), v)
    for total, parts, unit, sent in breakdown_mismatches(text):
        rule = "R-N-T3" if "申请" in sent else "R-N-T2"
        out.append(
            make_finding(
                rule,
                f"正文“{_short(sent)}”给出总数{total}{unit}，但所列分项合计{parts}{unit}",
                expected=parts,
                found=total,
            )
        )
    for what, sent in unit_problems(text):
        out.append(
            make_finding(
                "R-N-UNIT", f"正文“{_short(sent)}”中的“{what}”单位不合理，请核对数量级（条、件、万元、元）", found=what
            )
        )
    return out
