"""Synthetic application ledgers and the projects around them, for the ledger tests.

Everything is deterministic (``random.Random(seed)``). :func:`independent_count` counts table 三
straight from the generated dicts with the issue's definitions, without the code under test.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from decimal import Decimal
from pathlib import Path

from govreport_kit.core import format as fmt

APPLICANT_LABELS = {
    "natural_person": "自然人",
    "commercial": "商业企业",
    "research": "科研机构",
    "social_welfare": "社会公益组织",
    "legal_service": "法律服务机构",
    "other_org": "其他",
}
HEADER = [
    "编号",
    "收到日期",
    "申请人类型",
    "申请方式",
    "补正完成日期",
    "延长答复期限",
    "办结日期",
    "办理结果",
    "收费金额（元）",
    "备注",
]
CODES = ["id", "received", "applicant", "channel", "corrected", "extended", "closed", "outcome", "fee_yuan", "note"]


def synth_ledger(n: int = 360, years=(2022, 2023, 2024), seed: int = 12) -> list[dict]:
    """``n`` applications received over ``years``; some open at the end, some crossing a year."""
    rng = random.Random(seed)
    first, last = dt.date(years[0], 1, 1), dt.date(years[-1], 12, 31)
    span = (last - first).days
    outcomes = list(fmt.T3_OUTCOME_ROWS)
    rows = []
    for i in range(n):
        received = first + dt.timedelta(days=rng.randrange(span + 1))
        applicant = rng.choices(list(APPLICANT_LABELS), weights=[60, 15, 3, 3, 4, 15])[0]
        corrected = received + dt.timedelta(days=rng.randrange(1, 10)) if rng.random() < 0.1 else None
        extended = rng.random() < 0.1
        closed = received + dt.timedelta(days=rng.randrange(0, 75)) if rng.random() < 0.93 else None
        if closed is not None and corrected is not None and closed < corrected:
            closed = corrected
        if closed is not None and closed > last:
            closed = None  # still open when the ledger was exported
        outcome = rng.choice(outcomes) if closed is not None else None
        # half the outcomes by label, some with the group prefix, a few by code
        if outcome is not None:
            style = rng.random()
            text = (
                fmt.ledger_outcome_choice(outcome)
                if style < 0.4
                else outcome
                if style < 0.5
                else fmt.row_label("table3", outcome)
            )
        else:
            text = ""
        fee = Decimal(rng.choice([100, 200, 300])) if closed is not None and rng.random() < 0.05 else None
        rows.append(
            {
                "id": f"YSQ-{i + 1:04d}",
                "received": received,
                "applicant": APPLICANT_LABELS[applicant],
                "applicant_code": applicant,
                "channel": rng.choice(fmt.LEDGER_CHANNELS),
                "corrected": corrected,
                "extended": "是" if extended else "",
                "closed": closed,
                "outcome": text,
                "outcome_code": outcome,
                "fee_yuan": fee,
                "note": "",
            }
        )
    return rows


def independent_count(rows: list[dict], year: int) -> dict[tuple[str, str], int]:
    """Table 三 of ``year`` counted by hand from the generator's own fields (not the code under test)."""
    out: dict[tuple[str, str], int] = {}
    y0, y1 = dt.date(year, 1, 1), dt.date(year, 12, 31)

    def add(row, col):
        out[(row, col)] = out.get((row, col), 0) + 1
        out[(row, "total")] = out.get((row, "total"), 0) + 1

    for r in rows:
        a, rec, clo = r["applicant_code"], r["received"], r["closed"]
        if y0 <= rec <= y1:
            add("new", a)
        if rec < y0 and (clo is None or clo >= y0):
            add("carried", a)
        if clo is not None and y0 <= clo <= y1:
            add(r["outcome_code"], a)
            add("total", a)
        if rec <= y1 and (clo is None or clo > y1):
            add("carried_forward", a)
    return out


def _cell(v) -> str:
    if v is None:
        return ""
    return v.isoformat() if isinstance(v, dt.date) else str(v)


def ledger_csv(rows: list[dict], encoding: str = "utf-8") -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(HEADER)
    for r in rows:
        w.writerow([_cell(r.get(c)) for c in CODES])
    return buf.getvalue().encode(encoding)


def write_project(
    root: Path,
    year: int,
    ledger_rows: list[dict] | None,
    *,
    code: str = "ledger-test",
    table3: dict[tuple[str, str], int] | None = None,
    ledger_name: str | None = None,
    ledger_bytes: bytes | None = None,
    previous: bool = True,
    table4: dict[tuple[str, str], int] | None = None,
    report: str = "",
) -> Path:
    """params/<code>/<year>.yaml with a long-form data file (tables 二, 四, optional 三) and a ledger."""
    folder = root / "params" / code
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["table,row,column,value"]
    lines += [f"table2,{r},{c},0" for r, c in fmt.cells("table2")]
    lines += [f"table4,{r},{c},{(table4 or {}).get((r, c), 0)}" for r, c in fmt.cells("table4")]
    for (r, c), v in (table3 or {}).items():
        lines.append(f"table3,{r},{c},{v}")
    (folder / f"{year}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    name = ledger_name or f"{year}-ledger.csv"
    (folder / name).parent.mkdir(parents=True, exist_ok=True)
    if ledger_bytes is not None:
        (folder / name).write_bytes(ledger_bytes)
    elif ledger_rows is not None:
        (folder / name).write_bytes(ledger_csv(ledger_rows))
    params = [f"agency:\n  code: {code}\n  name: 台账测试局", f"year: {year}", f"data: {year}.csv"]
    if ledger_rows is not None or ledger_bytes is not None:
        params.append(f"ledger: {name}")
    if not previous:
        params.append("previous: null")
    if report:
        params.append("report:\n" + report)
    path = folder / f"{year}.yaml"
    path.write_text("\n".join(params) + "\n", encoding="utf-8")
    return path
