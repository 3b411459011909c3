"""Accuracy and speed of ``govreport audit`` on the corpus: ``python bench/audit_corpus.py [CORPUS]``.

CORPUS defaults to ../shared/corpus (the tests use their copy, tests/fixtures/corpus). Every
report file there is audited (together, so the cross-year rules apply), plus every file an
``expected/*.json`` names as its ``source`` (the seed, ``../seeds/…``). Each file is compared with
the expected JSON of the same report (same ``source``, or the same file stem): the table cells
read correctly, the rules expected (``violations``: ``RULE:row-or-column``; ``narrative_mismatches``:
their rule ids) and found, and the error findings not expected. Files without an expected JSON
(the truncated excerpts) must yield what they hold without an exception and without an error.

Speed: the text files, then the HTML files, are audited again and again for at least two seconds
each, from their decoded content (reading and decoding the files excluded), everything else
included (HTML parsing, tables, splitting, model, every rule).

Word and PDF rows: the corpus has no published .docx or .pdf, so every expected JSON's tables
(agency, year, format) are rendered by our own writers, as the documents agencies exchange: the
Word report (``report/docx.py``) and the HTML report's tables printed to PDF by WeasyPrint (as the
tests do, ``tests/_documents_support.py``). Each is audited from its file and compared cell by
cell with the expected JSON; the speed is whole files per second (opening and parsing included).
``--no-documents`` skips them; without WeasyPrint the PDF row is skipped.

The last line is one JSON object: reports, cells_total, cells_correct, cells_wrong (a value
different from the expected one), cells_unread (left empty and said so), violations_expected,
violations_found, unexpected_errors, exceptions, reports_per_second (text input),
html_reports_per_second, and for the documents docx_/pdf_ cells_total, cells_correct,
cells_wrong, cells_unread, reports_per_second.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import traceback
from collections import Counter
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from govreport_kit.audit.audit import (
    HTML_SUFFIXES,
    TEXT_SUFFIXES,
    audit_parsed,
    finalize,
    parse_file,
    parse_report,
    read_source,
)
from govreport_kit.audit.html import parse_html
from govreport_kit.audit.text import read_text_source
from govreport_kit.core import format as fmt
from govreport_kit.inputs.encoding import read_text

#: ../shared/corpus where it exists (the dev machine), else the copy the tests carry.
DEFAULT_CORPUS = next(
    (
        p
        for p in (ROOT.parent / "shared" / "corpus", ROOT / "tests" / "fixtures" / "corpus")
        if (p / "expected").is_dir()
    ),
    ROOT / "tests" / "fixtures" / "corpus",
)


def report_files(corpus: Path) -> tuple[list[Path], dict[Path, dict]]:
    """The report files to audit and, for those that have one, their expected JSON."""
    expected = {}
    for jf in sorted((corpus / "expected").glob("*.json")):
        data = json.loads(jf.read_text(encoding="utf-8"))
        expected[jf.stem] = data
    files = sorted(
        f
        for f in corpus.iterdir()
        if f.is_file() and f.suffix.lower() in HTML_SUFFIXES | TEXT_SUFFIXES and f.name not in ("INDEX.md", "README.md")
    )
    by_file: dict[Path, dict] = {}
    for data in expected.values():
        src = (corpus / data["source"]).resolve()
        if src.is_file() and src not in [f.resolve() for f in files]:
            files.append(src)
    for f in files:
        for stem, data in expected.items():
            if (corpus / data["source"]).resolve() == f.resolve() or f.stem == stem:
                by_file[f] = data
    return files, by_file


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return Decimal(str(a)) == Decimal(str(b))


def compare_cells(result, exp: dict) -> tuple[int, int, int, int, list[str]]:
    """(total, correct, wrong, unread, descriptions of the differences)."""
    form = exp.get("format", "2021")
    got = result.tables() if result.model is not None else {}
    total = correct = wrong = unread = 0
    diffs = []
    t2key = "table2" if form == "2021" else "table2_2019"
    for table in fmt.TABLE_CODES:
        key = t2key if table == "table2" else table
        for r, c in fmt.cells(table, form):
            e = exp.get(key, {}).get(r)
            e = e.get(c) if isinstance(e, dict) else e
            g = got.get(key, {}).get(r) if result.format == form else None
            g = g.get(c) if isinstance(g, dict) else g
            total += 1
            if (table, r, c) in result.unread_cells or result.format != form:
                unread += 1
                diffs.append(f"{table}.{r}.{c}: 未读出（应为 {e}）")
            elif _same(e, g):
                correct += 1
            else:
                wrong += 1
                diffs.append(f"{table}.{r}.{c}: 读为 {g}，应为 {e}")
    return total, correct, wrong, unread, diffs


def _matches(f, rule: str, where: str) -> bool:
    return f.rule == rule and where in (f.row, f.column)


def compare_rules(result, exp: dict) -> tuple[int, int, list, list]:
    """(expected, found, missed descriptions, unexpected error findings)."""
    expected_e = [v.split(":", 1) for v in exp.get("violations", [])]
    narrative = Counter(m.split(":", 1)[0].strip() for m in exp.get("narrative_mismatches", []))
    found = 0
    missed = []
    for rule, where in expected_e:
        if any(_matches(f, rule, where) for f in result.findings):
            found += 1
        else:
            missed.append(f"{rule}:{where}")
    have = Counter(f.rule for f in result.findings if f.rule.startswith("R-N-"))
    for rule, k in narrative.items():
        found += min(k, have[rule])
        if have[rule] < k:
            missed.append(f"{rule} ×{k - have[rule]}")
    unexpected = [
        f
        for f in result.findings
        if f.severity == fmt.ERROR and not any(_matches(f, rule, where) for rule, where in expected_e)
    ]
    return len(expected_e) + sum(narrative.values()), found, missed, unexpected


def _audit_raw(src: str, raw: str, kind: str):
    if kind == "html":
        page = parse_html(raw)
        return finalize(parse_report(page.text, src, page.title, "html"))
    title, text = read_text_source(raw)
    return finalize(parse_report(text, src, title, "text"))


def speed(files: list[Path], kinds: set[str], seconds: float = 2.0) -> float:
    """Reports per second from the decoded file content: HTML parsing, text reading, tables,
    splitting, model, every rule (file reading and decoding excluded)."""
    sources = []
    for f in files:
        _, _, kind = read_source(f)
        if kind in kinds:
            sources.append((str(f), read_text(f), kind))
    if not sources:
        return 0.0
    for s in sources:  # warm-up: imports, caches
        _audit_raw(*s)
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        for s in sources:
            _audit_raw(*s)
            n += 1
    return n / (time.perf_counter() - t0)


def _expected_model(exp: dict):
    from govreport_kit.core.model import Agency, cells_from_dict, from_cells

    form = exp.get("format", "2021")
    tables = {k: exp[k] for k in ("table2", "table2_2019", "table3", "table4") if k in exp}
    valid = {(t, r, c) for t in fmt.TABLE_CODES for r, c in fmt.cells(t, form)}  # expected JSONs carry notes too
    cells = [x for x in cells_from_dict(tables) if x[:3] in valid]
    return from_cells(Agency(exp.get("agency") or "某机关", "bench"), int(exp["year"]), cells, form)


def document_rows(expected: dict, seconds: float, workdir: Path) -> dict:
    """Word and PDF renderings of every expected report, audited back: cells and files per second."""
    from govreport_kit.report.docx import report_docx
    from govreport_kit.report.prose import default_preamble

    writers = {"docx": lambda m: report_docx(m, {"preamble": default_preamble(m)})}
    try:
        sys.path.insert(0, str(ROOT / "tests"))
        from _documents_support import html_to_pdf, report_html

        writers["pdf"] = lambda m: html_to_pdf(report_html(m))
    except ImportError:  # WeasyPrint not installed
        print("（未安装 WeasyPrint，跳过 PDF）")
    out = {}
    for kind, write in writers.items():
        files, totals = [], Counter()
        for stem, exp in sorted({Path(e["source"]).stem: e for e in expected.values()}.items()):
            if exp.get("format") not in fmt.FORMATS:
                continue
            path = workdir / f"{stem}.{kind}"
            path.write_bytes(write(_expected_model(exp)))
            files.append((path, exp))
        for path, exp in files:
            res = audit_parsed([parse_file(path)])[0]
            t, ok, wrong, unread, diffs = compare_cells(res, exp)
            totals.update(cells_total=t, cells_correct=ok, cells_wrong=wrong, cells_unread=unread)
            print(f"== {path.name}: 单元格 {ok}/{t} 读对，{wrong} 读错，{unread} 未读出")
            for d in diffs[:5]:
                print(f"     {d}")
        n, t0 = 0, time.perf_counter()
        while files and time.perf_counter() - t0 < seconds:
            for path, _ in files:
                audit_parsed([parse_file(path)])
                n += 1
        rate = n / (time.perf_counter() - t0) if files else 0.0
        out.update({f"{kind}_{k}": totals[k] for k in ("cells_total", "cells_correct", "cells_wrong", "cells_unread")})
        out[f"{kind}_reports_per_second"] = round(rate, 2)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus", nargs="?", default=str(DEFAULT_CORPUS))
    ap.add_argument("--seconds", type=float, default=2.0, help="how long to time each kind of input")
    ap.add_argument("--no-documents", action="store_true", help="skip the Word and PDF rows")
    args = ap.parse_args(argv)
    corpus = Path(args.corpus)
    files, expected = report_files(corpus)
    parsed, exceptions = [], 0
    for f in files:
        try:
            parsed.append(parse_file(f, display=f.name))
        except Exception:  # noqa: BLE001 - a benchmark counts them
            exceptions += 1
            traceback.print_exc()
    try:
        results = audit_parsed(parsed)
    except Exception:  # noqa: BLE001
        traceback.print_exc()
        results, exceptions = [], exceptions + 1
    totals = Counter()
    for f, res in zip([f for f in files], results):
        exp = expected.get(f)
        head = f"== {f.name}: {res.agency or '（机关不详）'} {res.year} 年，{res.format} 年版"
        print(head)
        if exp is not None:
            t, ok, wrong, unread, diffs = compare_cells(res, exp)
            e, found, missed, unexpected = compare_rules(res, exp)
            totals.update(
                cells_total=t,
                cells_correct=ok,
                cells_wrong=wrong,
                cells_unread=unread,
                violations_expected=e,
                violations_found=found,
                unexpected_errors=len(unexpected),
            )
            print(f"   单元格：{ok}/{t} 读对，{wrong} 读错，{unread} 未读出（已说明）")
            for d in diffs[:12]:
                print(f"     {d}")
            if len(diffs) > 12:
                print(f"     …另有 {len(diffs) - 12} 处")
            print(f"   规则：应发现 {e}，发现 {found}" + (f"，漏掉 {', '.join(missed)}" if missed else ""))
            for u in unexpected:
                print(f"   意外的错误：{u.rule} {u.table}.{u.row}.{u.column} {u.message}")
        else:
            errors = [x for x in res.findings if x.severity == fmt.ERROR]
            totals.update(unexpected_errors=len(errors))
            read = 0 if res.model is None else sum(1 for _ in res.model.iter_cells()) - len(res.unread_cells)
            print(f"   读出 {read} 个单元格；未能读出：" + "；".join(sorted({u.kind for u in res.unreadable})))
            for u in errors:
                print(f"   意外的错误：{u.rule} {u.table}.{u.row}.{u.column} {u.message}")
        warnings = Counter(x.rule for x in res.findings if x.severity == fmt.WARNING)
        if warnings:
            print("   警告：" + "，".join(f"{k}×{v}" for k, v in sorted(warnings.items())))
    text_rate = speed(files, {"text"}, args.seconds)
    html_rate = speed(files, {"html"}, args.seconds)
    summary = {
        "reports": len(results),
        **{
            k: totals[k]
            for k in (
                "cells_total",
                "cells_correct",
                "cells_wrong",
                "cells_unread",
                "violations_expected",
                "violations_found",
                "unexpected_errors",
            )
        },
        "exceptions": exceptions,
        "reports_per_second": round(text_rate, 1),
        "html_reports_per_second": round(html_rate, 1),
    }
    if not args.no_documents:
        import tempfile

        with tempfile.TemporaryDirectory(prefix="govreport-bench-docs-") as tmp:
            summary.update(document_rows(expected, args.seconds, Path(tmp)))
    print(
        f"合计：{summary['cells_correct']}/{summary['cells_total']} 个单元格读对，"
        f"{summary['cells_wrong']} 个读错，{summary['cells_unread']} 个未读出；"
        f"规则 {summary['violations_found']}/{summary['violations_expected']}；意外错误 {summary['unexpected_errors']}；"
        f"异常 {exceptions}；文本 {summary['reports_per_second']} 份/秒，网页 {summary['html_reports_per_second']} 份/秒"
    )
    print(json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
