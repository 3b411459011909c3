"""What ``notebooks/report.ipynb`` calls: load, check, show each part, and write the end marker.

Each ``show_*`` function displays one HTML fragment built by :mod:`govreport_kit.report.render`
in two forms and no ``text/plain`` fallback (so nothing such as a memory address can leak into
the report): :data:`FRAGMENT_MIME`, the fragment itself, which the nbconvert template puts in the
report; and ``text/html``, the same with the report's styles inlined (JupyterLab and VS Code show
no ``<style>`` from outputs) and, for tables, the table as a DataFrame under a collapsed
``<details>``. Outside IPython they return the fragment instead. In the Lab,
:func:`~govreport_kit.report.lab.use_chinese_errors` shows bad input as one Chinese line and
:func:`~govreport_kit.report.lab.export_html` writes what ``govreport run`` writes.

The notebook ends with :func:`finish`, which displays the *end marker*: an output of mimetype
:data:`MARKER_MIME` whose data carries the title, ``<meta>`` tags, footer and finding counts.
The nbconvert template takes the page head and footer from it, and the runner decides success
by its presence (a timed-out or dead kernel can leave a notebook that looks complete).

This module keeps its imports light: pandera and the checks are imported only when findings
are computed here rather than handed in by ``govreport run`` (parameter ``precomputed``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from markupsafe import Markup

from govreport_kit.checks.findings import Finding, count_by_severity, has_errors, sort_findings
from govreport_kit.core import format as fmt
from govreport_kit.core.errors import Location, ParamsError, RunError
from govreport_kit.core.paths import params_dir, project_root
from govreport_kit.core.versions import package_versions
from govreport_kit.report import prose, render
from govreport_kit.report.frames import table_frame, tables
from govreport_kit.report.lab import export_html, use_chinese_errors

MARKER_MIME = "application/vnd.govreport.report+json"
FRAGMENT_MIME = "application/vnd.govreport.fragment+html"


class ReportRefused(RunError):
    """A publish run while error-severity findings stand."""


# -------------------------------------------------------------------------------------------
# Loading and checking


def params_file(agency_code: str, year: int, params_path: str = "") -> Path:
    """The parameters file: ``params_path`` if given, else ``params/<agency_code>/<year>.yaml``."""
    if params_path:
        return Path(params_path).expanduser().absolute()
    from govreport_kit.core.agency import require_agency_code

    require_agency_code(agency_code, Location(key="agency_code"))
    return params_dir() / agency_code / f"{int(year)}.yaml"


def load(agency_code: str, year: int, params_path: str = ""):
    """Load the agency-year named by the notebook's parameters (an :class:`AgencyYear`).

    First, in IPython, bad input from here on is shown as one Chinese line instead of a
    traceback (:func:`~govreport_kit.report.lab.use_chinese_errors`; the cell still fails).
    """
    from govreport_kit.inputs.load import load_agency_year

    use_chinese_errors()
    path = params_file(agency_code, year, params_path)
    if not path.is_file():
        raise ParamsError(
            "找不到参数文件", where=Location(file=str(path)), fix="检查 params_path，或用 govreport new 建立该机构年度"
        )
    from govreport_kit.inputs.params import load_params

    params = load_params(path)
    model = load_agency_year(params)
    if model.agency.code != agency_code or int(model.year) != int(year):
        raise ParamsError(
            f"参数文件属于 {model.agency.code} {model.year} 年，而 notebook 参数是 {agency_code} {year} 年",
            where=Location(file=str(path)),
            fix="把 agency_code 和 year 改成与参数文件一致",
        )
    from govreport_kit.inputs.load import load_history

    model.history = load_history(params)
    model.options.setdefault("params_path", str(path))
    if params.narrative is not None:
        model.options.setdefault("narrative_path", str(params.narrative))
    return model


def check(model, precomputed: str = "") -> list[Finding]:
    """Every finding for the model, errors first.

    ``precomputed`` is the JSON text :func:`findings_payload` made in the ``govreport run``
    process (which checks while the kernel starts); it is used only when its input hashes equal
    the model's. Empty: run the checks here.
    """
    if precomputed:
        data = json.loads(precomputed)
        if data.get("inputs") != model.inputs:
            raise RunError(
                "预先计算的检查结果与当前输入文件不一致", fix="重新运行 govreport run，或把 precomputed 置空"
            )
        return [finding_from_dict(d, model.format) for d in data["findings"]]
    return compute_findings(model)


def compute_findings(model) -> list[Finding]:
    """Run every check, with the same agency's previous year when it can be loaded."""
    from govreport_kit.checks.rules import check as run_checks

    return sort_findings(run_checks(model, previous=_previous(model)))


def _previous(model):
    history = getattr(model, "history", None) or {}
    if model.year - 1 in history:  # loaded with the model (report.load)
        return history[model.year - 1]
    path = model.options.get("params_path")
    if not path:
        return None
    from govreport_kit.inputs import load as load_mod

    loader = getattr(load_mod, "load_previous", None)
    if loader is None:
        return None
    from govreport_kit.inputs.params import load_params

    return loader(load_params(path))


def findings_payload(model, findings: Iterable[Finding]) -> str:
    """The ``precomputed`` parameter: findings plus the input hashes they belong to (plain JSON)."""
    return json.dumps(
        {"inputs": model.inputs, "findings": [f.to_dict() for f in findings]},
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )


def finding_from_dict(d: dict[str, Any], form: str = "2021") -> Finding:
    """The inverse of ``Finding.to_dict`` (``form``: the format of the model it belongs to)."""
    return Finding.from_dict(d, form)


def refusal_message(findings: Iterable[Finding]) -> str | None:
    """Why a publish report cannot be produced (Chinese), or None when it can."""
    errors = [f for f in sort_findings(findings) if f.severity == fmt.ERROR]
    if not errors:
        return None
    first = errors[0]
    return (
        f"数据中有 {len(errors)} 个错误，不能生成发布版报告。第一个错误：{first.rule} {first.message.rstrip('。')}。"
        f'请改正后重试，或用 audience="review" 生成审阅版查看全部问题'
    )


def refuse_unpublishable(findings: Iterable[Finding], audience: str) -> None:
    """Raise :class:`ReportRefused` for a ``publish`` run with error findings."""
    if audience not in fmt.AUDIENCES:
        raise ParamsError(f"audience 只能是 review 或 publish，而不是“{audience}”", where=Location(key="audience"))
    message = refusal_message(findings) if audience == fmt.PUBLISH else None
    if message:
        raise ReportRefused(message)


# -------------------------------------------------------------------------------------------
# Showing the parts


def show(html: str, extra: str = "") -> str | None:
    """Display the report fragment ``html`` (see the module docstring); outside IPython, return it.

    ``extra``: HTML shown in the notebook after the styled fragment, never in the report.
    """
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - the package always runs with IPython installed
        return str(html)
    if get_ipython() is None:
        return str(html)
    from govreport_kit.report.style import inline_styles

    display({"text/html": inline_styles(html) + str(extra), FRAGMENT_MIME: str(html)}, raw=True)
    return None


def narrative_text(model, part: str, *, tolerant: bool = False) -> str:
    """The Markdown of a prose part with its placeholders filled from the tables.

    An unknown placeholder raises :class:`PlaceholderError` (naming file and line), unless
    ``tolerant``: then it stays in the text between :data:`prose.UNFILLED_START` and
    :data:`prose.UNFILLED_END`, which the rendered page highlights (review reports, whose
    findings list the R-PLACEHOLDER error).
    """
    raw = model.narrative.get(part, "") or ""
    if part == "preamble" and not raw.strip():
        return prose.default_preamble(model)
    if not raw.strip():
        return ""
    from govreport_kit.inputs.narrative import fill, placeholder_values

    origin = getattr(model, "narrative_origin", {}).get(part)
    where = {"file": origin.file, "first_line": origin.line or 1} if origin else {}
    # values are data: escaped so that a name cannot forge a heading or markup in the prose
    values = {k: prose.md_text(v) for k, v in placeholder_values(model).items()}
    if not tolerant:
        return fill(raw, model, part=part, values=values, **where)
    from govreport_kit.inputs.narrative import TOKEN_RE, token_problem

    def one(m):  # a bad token is shown as typed; no "did you mean" search here (the findings have it)
        if token_problem(m, values):
            return prose.unfilled_token(m.group(0))
        return fill(m.group(0), model, part=part, values=values)

    return TOKEN_RE.sub(one, prose.strip_unfilled_marks(raw))


def show_title(model, audience: str = fmt.REVIEW):
    """The title and the preamble (legal basis, statistics period, contact)."""
    preamble = narrative_text(model, "preamble", tolerant=audience == fmt.REVIEW)
    return show(prose.title_html(model) + prose.part_html("preamble", preamble))


def show_findings(findings: Iterable[Finding], audience: str = fmt.REVIEW):
    """The findings section (review only): errors first, each linked to its highlighted cell."""
    if audience == fmt.REVIEW:
        return show(render.findings_html(findings))
    return None


def show_part(model, part: str, audience: str = fmt.REVIEW):
    """A prose part: ``overview`` (一), ``problems`` (五) or ``other`` (六).

    In review, an unknown placeholder is shown highlighted (the findings list it); in publish
    it is an error.
    """
    return show(prose.part_html(part, narrative_text(model, part, tolerant=audience == fmt.REVIEW)))


def show_table(model, table: str, findings: Iterable[Finding] = (), audience: str = fmt.REVIEW):
    """Table 二, 三 or 四 in the official layout; cells with findings highlighted in review."""
    frame = table_frame(model, table).to_html(na_rep="", border=1)
    extra = Markup(
        '<details class="govreport-frame"><summary>表格数据（DataFrame：<code>report.table_frame(model, '
        '"{}")</code>）</summary>{}</details>'
    ).format(table, Markup(frame))
    return show(render.table_section_html(model, table, findings if audience == fmt.REVIEW else ()), extra)


def show_appendix(model, audience: str = "review"):
    """After part 六: last year beside this year, reply periods (ledger) and charts.

    In the review copy by default; in the publish copy only when the params ask
    (``report.compare`` / ``report.charts`` true); false hides them in both. matplotlib is
    imported only when charts are drawn.
    """
    from govreport_kit.report import extras

    compare = extras.wanted(model.options.get("compare"), audience)
    draw = extras.wanted(model.options.get("charts"), audience)
    comparison = extras.comparison_html(model) if compare else Markup("")
    ledger = extras.ledger_html(model) if compare else Markup("")
    charts = Markup("")
    if draw:
        from govreport_kit.report.charts import report_charts

        charts = extras.charts_html(report_charts(model))
    html = extras.appendix_html(comparison, ledger, charts)
    return show(html) if html else None


def frames(model) -> dict:
    """The three tables as labelled DataFrames, to explore in the notebook (nothing is displayed)."""
    from govreport_kit.report.frames import table_frame

    return {fmt.TABLE_TITLES[t]: table_frame(model, t) for t in fmt.TABLE_CODES}


# -------------------------------------------------------------------------------------------
# The end marker


def provenance(model, parameters: dict[str, Any]) -> dict[str, Any]:
    """Parameters, input hashes (by path relative to the project or params folder) and versions."""
    base = Path(model.options.get("params_path") or project_root()).parent
    inputs = {_display_path(k, base): v for k, v in sorted(model.inputs.items())}
    params = {k: (_display_path(v, project_root()) if k == "params_path" and v else v) for k, v in parameters.items()}
    return {"parameters": params, "inputs": inputs, "versions": package_versions()}


def _display_path(path: str, base: Path) -> str:
    p = Path(path)
    if not p.is_absolute():
        return p.as_posix()
    for root in (project_root(), base):
        try:
            return p.relative_to(root).as_posix()
        except ValueError:
            continue
    return p.name


def marker(model, findings: Iterable[Finding], **parameters: Any) -> dict[str, Any]:
    """The end-marker data: status, counts, title, ``<meta>`` tags and footer HTML."""
    fs = list(findings)
    info = provenance(model, parameters)
    return {
        "status": "complete",
        "agency_code": model.agency.code,
        "agency_name": model.agency.name,
        "year": int(model.year),
        "title": model.report_title,
        **_count_fields(fs),
        "meta_html": str(render.meta_html(info)),
        # The publish copy's visible page has no technical footer: hashes, versions and parameters
        # stay in the <meta> tags and in findings.json.
        "footer_html": "" if parameters.get("audience") == "publish" else str(render.footer_html(info)),
        "findings": [f.to_dict() for f in sort_findings(fs)],
        "provenance": info,
        "tables": model.tables_to_dict(),  # what the report was made of, for roll-ups of many reports
        "inputs": dict(sorted(model.inputs.items())),
    }


def _count_fields(findings) -> dict[str, int]:
    """``errors``, ``warnings``, ``infos``: the counts as the end marker and :class:`RunResult` name them."""
    counts = count_by_severity(findings)
    return {"errors": counts[fmt.ERROR], "warnings": counts[fmt.WARNING], "infos": counts[fmt.INFO]}


def finish(model, findings: Iterable[Finding], **parameters: Any):
    """Display the end marker; this must be the notebook's last output."""
    data = marker(model, findings, **parameters)
    text = f"报告已生成：错误 {data['errors']} 个，警告 {data['warnings']} 个，提示 {data['infos']} 个。"
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover
        return data
    if get_ipython() is None:
        return data
    display({"text/plain": text, MARKER_MIME: data}, raw=True)
    return None


__all__ = [
    "MARKER_MIME",
    "ReportRefused",
    "load",
    "check",
    "compute_findings",
    "findings_payload",
    "refuse_unpublishable",
    "refusal_message",
    "show_title",
    "show_findings",
    "show_part",
    "show_table",
    "show_appendix",
    "frames",
    "finish",
    "marker",
    "has_errors",
    "table_frame",
    "tables",
    "use_chinese_errors",
    "export_html",
    "FRAGMENT_MIME",
]
