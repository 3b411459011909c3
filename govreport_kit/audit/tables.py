"""Find the rows of tables 二, 三 and 四 in a report's text and read their cells.

Each table's region (from :mod:`detect`) is squeezed (broken words joined), then every row label
of :mod:`govreport_kit.core.format` is searched in form order: first exactly (with its item number,
so "00000002.其他法律…" ends the previous row at "0000000"), then without the item number, then by
similarity (typos such as "行政法复议"; the nearest official label is reported). The text between
one label and the next holds that row's cells (:func:`text.segment_pieces`).
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass, field

from govreport_kit.audit.split import Reading, RowReadings
from govreport_kit.audit.text import Piece, segment_pieces
from govreport_kit.core import format as fmt
from govreport_kit.core.normalize import has_cjk, label_key, squeeze, strip_enum

FUZZY_LABEL_MIN = 0.6
TYPO_REPORT_MIN = 0.75
_ENUM_PREFIX = re.compile(r"^(\d{1,2}\.|\([一二三四五六七八九十]+\)|[一二三四五六七八九十]+、)")


@dataclass(frozen=True)
class RowSpec:
    table: str
    code: str
    label: str
    keys: tuple[str, ...]  # label keys to search, official first
    core: str  # key without item number
    prefix: str  # item number key ("1.", "(一)", "一、") or ""
    columns: tuple[str, ...]

    @property
    def n(self) -> int:
        return len(self.columns)


def _spec(table: str, code: str, label: str, columns, aliases=()) -> RowSpec:
    key = label_key(label)
    m = _ENUM_PREFIX.match(key)
    keys = tuple(dict.fromkeys([key, *(label_key(a) for a in aliases)]))
    return RowSpec(table, code, label, keys, strip_enum(label), m.group(1) if m else "", tuple(columns))


@functools.cache
def row_specs(table: str, form: str) -> tuple[RowSpec, ...]:
    if table == "table4":
        cols = tuple(f"{g.code}.{c.code}" for g in fmt.T4_GROUPS for c in fmt.T4_RESULTS)
        return (_spec("table4", "table4", fmt.T4_GROUPS[0].label, cols),)
    other = "2019" if form == "2021" else "2021"
    specs = []
    for r in fmt.table_rows(table, form):
        aliases = ()
        if table == "table2":
            aliases = tuple(x.label for x in fmt.table_rows("table2", other) if x.code == r.code and x.label != r.label)
        cols = tuple(c.code for c in fmt.table_columns(table, r.code, form))
        specs.append(_spec(table, r.code, r.label, cols, aliases))
    return tuple(specs)


@functools.cache
def known_words(table: str, form: str) -> tuple[str, ...]:
    """Keys of every fixed text of a table (rows, headers, captions, group labels), longest first."""
    words: set[str] = set()
    if table == "table2":
        for s in fmt.T2_SECTIONS + fmt.T2_2019_SECTIONS:
            words.update([s.caption, *s.header, *(r.label for r in s.rows)])
        words.update(["本年收费金额", "单位:万元"])  # the fee header as often broken at its bracket
    elif table == "table3":
        words.update([fmt.T3_HEADER_NOTE, fmt.T3_RESULTS_LABEL, *(c.label for c in fmt.T3_COLUMNS)])
        words.update(h.label for row in fmt.T3_HEADER for h in row)
        words.update(g.label for g in fmt.T3_ROW_GROUPS)
        words.update(r.label for r in fmt.T3_ROWS + fmt.T3_ROWS_2019)
    else:
        words.update(h.label for row in fmt.T4_HEADER for h in row)
    words.update(p.title for p in fmt.PARTS if p.title)
    words.add(fmt.TABLE4_TITLE_OLD)
    return tuple(sorted({label_key(w) for w in words}, key=len, reverse=True))


@dataclass
class RowRead:
    spec: RowSpec
    found: str | None = None  # label text as found (None: not found)
    exact: bool = True
    start: int = -1
    end: int = -1
    pieces: list[Piece] = field(default_factory=list)
    truncated: bool = False
    readings: RowReadings | None = None
    candidates: list[Reading] = field(default_factory=list)
    values: Reading | None = None
    problem: str = ""  # why the row was not read (Chinese)
    partial: list = field(default_factory=list)  # (column index, cell) of a cut row's cells that are whole


@dataclass
class TableRead:
    table: str
    form: str
    found: bool
    rows: list[RowRead]
    label_issues: list[tuple[str, str, float]] = field(default_factory=list)  # (found, nearest, ratio)
    truncated: bool = False
    header_units: str = ""

    def row(self, code: str) -> RowRead | None:
        return next((r for r in self.rows if r.spec.code == code), None)


def _ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def _anchor_rows(stream: str, specs: list[RowSpec]) -> list[RowRead]:
    reads = [RowRead(s) for s in specs]
    pos = 0
    for rr in reads:  # pass 1: the full label, in order
        for key in rr.spec.keys:
            i = stream.find(key, pos)
            if i >= 0:
                rr.found, rr.start, rr.end = stream[i : i + len(key)], i, i + len(key)
                pos = rr.end
                break
    for k, rr in enumerate(reads):  # pass 2: label without its number, then by similarity
        if rr.found is not None:
            continue
        lo = max((r.end for r in reads[:k] if r.found is not None), default=0)
        hi = min((r.start for r in reads[k + 1 :] if r.found is not None), default=len(stream))
        gap = stream[lo:hi]
        cores = [rr.spec.core] + [strip_enum(x) for x in rr.spec.keys[1:]]
        if len(rr.spec.core) > 8:
            cores.append(rr.spec.core[:6])
        hit = None
        first = not any(r.found is not None for r in reads[:k])
        for n, core in enumerate(cores):
            if len(core) < 2 or (first and core in _header_words(rr.spec.table)):
                continue  # "其他", "总计" before any row is read: the header's column labels
            j = gap.find(core)
            while j >= 0 and len(core) <= 4 and _inside_word(stream, lo + j, core, rr.spec):
                j = gap.find(core, j + 1)  # "其他" inside the group label "(六)其他处理" is not row "3.其他"
            if j >= 0:
                end = lo + j + len(core)
                exact = n < len(cores) - 1 or core == rr.spec.core or len(rr.spec.core) <= 8
                if not exact:  # only the label's beginning matched: take the whole label as written
                    end += len(re.match(r"[^\d\s|/—–\-\x00]*", stream[end:]).group(0))
                hit = (lo + j, end, exact)
                break
        if hit is None:
            best = None
            for m in re.finditer(r"[^\d\s|/—–\-]{2,}", gap):
                frag = m.group(0)
                if (first and strip_enum(frag) in _header_words(rr.spec.table)) or (
                    frag not in rr.spec.keys and frag in _fixed_words(rr.spec.table)
                ):
                    continue  # a header word or another fixed text (group label "(六)其他处理") is no row label
                r = _ratio(rr.spec.core, strip_enum(frag))
                if r >= FUZZY_LABEL_MIN and (best is None or r > best[0]):
                    best = (r, lo + m.start(), lo + m.end())
            if best is not None:
                start = best[1]
                while start < best[2] and stream[start] in ".、":  # the item number's dot: not the label's
                    start += 1
                hit = (start, best[2], False)
        if hit is not None:
            rr.start, rr.end, rr.exact = hit
            rr.found = stream[rr.start : rr.end]
    return reads


def _inside_word(stream: str, pos: int, core: str, spec: RowSpec) -> bool:
    """Whether ``core`` at ``pos`` is part of a longer fixed text of the table (not this row's label)."""
    for w in known_words(spec.table, "2021") + known_words(spec.table, "2019"):
        if len(w) > len(core) and core in w and w not in spec.keys:
            k = w.find(core)
            if stream.startswith(w, pos - k) if pos >= k else False:
                return True
    return False


@functools.cache
def _fixed_words(table: str) -> frozenset[str]:
    return frozenset(known_words(table, "2021") + known_words(table, "2019"))


@functools.cache
def _header_words(table: str) -> frozenset[str]:
    """Column labels of a table's header that are also the core of a row label ("其他", "总计")."""
    words = {label_key(c.label) for c in fmt.T3_COLUMNS} if table == "table3" else set()
    if table == "table3":
        words.update(label_key(h.label) for row in fmt.T3_HEADER for h in row)
    return frozenset(words)


def _label_issues(stream: str, table: str, form: str, specs: list[RowSpec]) -> list[tuple[str, str, float]]:
    """Words in a table that are close to, but not, an official label (typos)."""
    words = known_words(table, form)
    rest = stream
    for w in words:
        if len(w) >= 2:
            rest = rest.replace(w, "|")
    issues = []
    labels = words
    for m in re.finditer(r"[^\d\s|/—–\-.,:;()]{3,}", rest):
        frag = m.group(0)
        if not has_cjk(frag) or frag in ("万元",):
            continue
        best = max(
            ((_ratio(frag, w), w) for w in labels if abs(len(w) - len(frag)) <= max(3, len(w) // 3)), default=(0.0, "")
        )
        if TYPO_REPORT_MIN <= best[0] < 1.0:
            issues.append((frag, best[1], round(best[0], 2)))
    return issues


MASK = "\x00"
_CUT_LABEL = re.compile(r"\d\.[\u3400-\u9fff“”\"(),、]+\s*$")
_TRAILING_ENUM = re.compile(
    r"(?:\(\d{1,2}\)|\d{1,2}\.|[①-⑳]|\([一二三四五六七八九十]{1,2}\)|[一二三四五六七八九十]{1,2}、)[ \t]*$"
)


def _mask_words(segment: str, table: str, form: str) -> str:
    """Fixed texts of the form inside a row's text (a vertical group label or a header that a PDF
    extraction put between the values) are not cells: mask them so they neither count as cells nor
    end the row."""
    if not has_cjk(segment):
        return segment
    for w in known_words(table, form):
        if len(w) >= 2 and w in segment:
            segment = segment.replace(w, MASK)
    return segment


def read_rows(region: str, table: str, form: str, at_end: bool = False) -> TableRead:
    """Read one table's rows from its region of the report text."""
    stream = squeeze(region)
    specs = row_specs(table, form)
    if table == "table4":
        return _read_table4(stream, specs[0], form, at_end)
    reads = _anchor_rows(stream, specs)
    found = [r for r in reads if r.found is not None]
    tr = TableRead(table, form, bool(found), reads)
    if not found:
        tr.truncated = at_end
        for rr in reads:
            rr.truncated = at_end
            rr.problem = "报告在此行之前中断" if at_end else ""
        return tr
    dropped, whole = False, 0  # a whole row shows fewer cells than it has: blanks were dropped
    for k, rr in enumerate(reads):
        if rr.found is None:
            continue
        nxt = min((r.start for r in reads[k + 1 :] if r.found is not None and r.start >= rr.end), default=len(stream))
        seg = stream[rr.end : nxt]
        nxt_read = next((r for r in reads[k + 1 :] if r.found is not None), None)
        if nxt_read is not None and nxt_read.found not in nxt_read.spec.keys:
            prefix = nxt_read.spec.prefix  # the next row's own item number ("2.", "(1)", "1、")
            seg = (
                seg.rstrip()[: -len(prefix)]
                if prefix and seg.rstrip().endswith(prefix)
                else _TRAILING_ENUM.sub("", seg)
            )
        if at_end and nxt == len(stream):  # a cut next label ("…739524(五)不予处理1.信访"): its number is no cell
            seg = _CUT_LABEL.sub("", seg)
        masked = _mask_words(seg, table, form)
        rr.pieces = segment_pieces(masked)
        if at_end and nxt == len(stream):
            cap = sum(len(p.digits) if p.splittable else 1 for p in rr.pieces if p.kind != "pad")
            # words follow the row's values (the next label, cut): this row is whole
            tail = re.split(r"\d", masked)[-1]
            ended = bool(re.search(r"[\u3400-\u9fff\x00]", tail)) and any(p.kind != "pad" for p in rr.pieces)
            closed = bool(re.search(r"[|\n]\s*$", seg)) or ended
            if not ended and (cap < rr.spec.n or not closed):
                rr.truncated = True
                rr.problem = "报告在此行中断"
                # without pipes a blank cell may leave no trace: trust places only when whole rows
                # before showed every cell and no empty line hides a blank here
                sure = "|" in seg or (whole and not re.search(r"\n[ \t]*\n", seg.strip()))
                rr.partial = _whole_cells(rr.pieces, rr.spec.n, closed) if sure and not dropped else []
        else:
            whole += 1
            items = [p for p in rr.pieces if p.kind != "pad"]
            dropped = dropped or (0 < len(items) < rr.spec.n and all(p.strong for p in items))
    last_found = max(k for k, r in enumerate(reads) if r.found is not None)
    if at_end and last_found < len(reads) - 1:
        tr.truncated = True
        for rr in reads[last_found + 1 :]:
            rr.truncated = True
            rr.problem = "报告在此行之前中断"
    tr.label_issues = _label_issues(stream, table, form, specs)
    if table == "table2" and "万元" in stream[: max(0, (tr.row("government_procurement") or reads[-1]).start)]:
        tr.header_units = "万元"
    return tr


def _whole_cells(pieces: list[Piece], n: int, closed: bool) -> list:
    """The cells of a cut row that are certainly whole: delimited cells in their place, except
    the last one when nothing closes it (its digits may be cut)."""
    from govreport_kit.audit.split import _piece_cell

    items = [p for p in pieces if p.kind != "pad"]
    if any(not p.strong for p in items) or any(p.kind == "pad" for p in pieces[: len(items)]):
        return []
    keep = items if closed else items[:-1]
    return [(i, _piece_cell(p)) for i, p in enumerate(keep[:n])]


_T4_GAP = re.compile(r"[\u3400-\u9fff]+")
_UNIT_AFTER_DIGIT = re.compile(r"(?<=\d)[ \t]*(?:万元|元|件|个|项|条|次)")


def _read_table4(stream: str, spec: RowSpec, form: str, at_end: bool) -> TableRead:
    rr = RowRead(spec)
    tr = TableRead("table4", form, False, [rr])
    # the data row is the stretch between two words that holds the most digits
    best = None
    words = _UNIT_AFTER_DIGIT.sub(lambda m: " " * len(m.group(0)), stream)  # "3件" is a cell, not a word
    bounds = [0] + [p for m in _T4_GAP.finditer(words) for p in (m.start(), m.end())] + [len(stream)]
    for a, b in zip(bounds[::2], bounds[1::2]):
        digits = sum(ch.isdigit() for ch in stream[a:b])
        if digits and (best is None or digits > best[0]):
            best = (digits, a, b)
    header_seen = any(w in stream for w in (label_key(fmt.T4_RESULTS[0].label), label_key(fmt.T4_GROUPS[0].label)))
    if best is None:
        tr.found = header_seen
        if at_end:
            tr.truncated = True
            rr.truncated = True
            rr.problem = "报告在表四数据行之前中断"
        return tr
    _, a, b = best
    first = re.search(r"[\d/—–-]", stream[a:b])
    if first is not None and "\n" in stream[a : a + first.start()]:  # the data row starts on its own line
        a = stream.rindex("\n", a, a + first.start()) + 1
    rr.found, rr.start, rr.end, tr.found = stream[max(0, a - 4) : a], a, a, True
    seg = stream[a:b]
    rr.pieces = segment_pieces(seg)
    by_group = _t4_group_rows(stream, words, spec.n)
    if by_group is not None and len([p for p in rr.pieces if p.kind != "pad"]) < spec.n:
        rr.pieces, b = by_group
        seg = stream[a:b]
    if at_end and b == len(stream):
        values = [p for p in rr.pieces if p.kind != "pad"]
        if len(values) < spec.n and not any(p.splittable for p in values) or not re.search(r"[|\n]\s*$", seg):
            rr.truncated = tr.truncated = True
            rr.problem = "报告在表四数据行中断"
    tr.label_issues = _label_issues(stream, "table4", form, [spec])
    return tr


def _t4_group_rows(stream: str, words: str, n: int) -> tuple[list[Piece], int] | None:
    """Table 四 laid out as three labelled rows ("行政复议 | 1 | 0 | 0 | 0 | 1", "未经复议直接起诉 | …",
    "复议后起诉 | …"): (the 15 cells in form order, where the last row ends), or None when the table
    is not laid out so (each row must hold exactly its five delimited cells)."""
    size = n // len(fmt.T4_GROUPS)
    pieces: list[Piece] = []
    pos, end = 0, 0
    for g in fmt.T4_GROUPS:
        key = label_key(g.label)
        hit = None
        for m in re.finditer(re.escape(key), stream[pos:]):
            i = pos + m.end()
            j = next((x.start() for x in _T4_GAP.finditer(words, i)), len(stream))
            if re.search(r"\d", stream[i:j]):
                hit = (i, j)
                break
        if hit is None:
            return None
        row = [p for p in segment_pieces(stream[hit[0] : hit[1]]) if p.kind != "pad"]
        if len(row) != size or any(not p.strong for p in row):
            return None
        pieces += row
        pos = end = hit[1]
    return pieces, end
