"""The parameters file of one agency-year: ``params/<agency-code>/<year>.yaml``.

Schema (every key not listed is an error; ``*`` = required)::

    agency:                      # * the agency
      code: xishan-edu           # * ASCII code used in file names (model.agency_code_problem)
      name: 昆明市西山区教育体育局   # * full name as in the report title
      region: 云南省昆明市西山区     #   optional texts: region, address, postcode (6 digits),
      address: 昆明市西山区秀苑路188号604室
      postcode: "650118"         #   digits must be quoted: “0101” would otherwise be octal
      phone: 0871-68226567
      email: kmxsjyjbgs@126.com
      website: null
    year: 2023                   # * the report year (format.YEAR_RANGE: 2008–2100); must equal the file name <year>.yaml
    format: "2021"               #   "2021" (default) or "2019" (reports for 2019 and 2020)
    data: 2023.xlsx              # * tables: .xlsx workbook, long-form .csv or .yaml data file
    narrative: 2023.md           #   Markdown prose of parts 一, 五, 六 (placeholders allowed)
    ledger: 2023-ledger.xlsx     #   the application ledger (.xlsx or .csv): table 三 is derived from it
                                 #   (docs/ledger.md); the data file then needs only tables 二 and 四
    previous: 2022.yaml          #   last year's params file (or its .xlsx/.csv data); absent: the
                                 #   sibling <year-1>.yaml when it exists; null: no previous year
    report:                      #   report options
      audience: review           #   review (default) or publish
      title: null                #   a title that replaces “<name><year>年政府信息公开工作年度报告”
      charts: null               #   charts: null = review copy only, true = publish copy too, false = none
      compare: null              #   last year beside this year: same choices as charts
    mail:                        #   who gets the report by ``govreport mail`` (docs/mail.md)
      to: [bgs@example.gov.cn]   #   a list of e-mail addresses (validated)
      cc: []

Paths are relative to the params file (absolute paths work; URLs do not). They must stay inside
the project after resolving symlinks, unless ``govreport.yaml`` allows more (:mod:`govreport_kit.inputs.confine`). The YAML is read by
:mod:`govreport_kit.inputs.strict_yaml`: no tags, no implicit conversions (quote ``"0101"``, ``"no"``).
When the file is named ``<year>.yaml`` it must live in a folder named after the agency code.
The agency code is validated before anything else is done with it.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govreport_kit.core import format as fmt
from govreport_kit.core.agency import AGENCY_CODE_HINT, Agency, agency_code_problem, name_problem
from govreport_kit.core.errors import GovReportError, Location, ParamsError
from govreport_kit.inputs import strict_yaml
from govreport_kit.inputs.confine import confine
from govreport_kit.inputs.encoding import display_path, read_text

DATA_SUFFIXES = (".xlsx", ".csv", ".yaml", ".yml")
LEDGER_SUFFIXES = (".xlsx", ".csv")
NARRATIVE_SUFFIXES = (".md", ".markdown", ".txt")
PREVIOUS_SUFFIXES = (".yaml", ".yml", ".xlsx", ".csv")
_URL_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]+:|//|\\\\)")
_TYPE_NAMES = {str: "文字", int: "整数", bool: "true/false", dict: "键值（下一级缩进）", type(None): "空值"}


@dataclass(frozen=True)
class Spec:
    """What one key may hold."""

    kind: str  # "text", "int", "bool", "choice", "path", "map", "emails" (a list of e-mail addresses)
    required: bool = False
    nullable: bool = False
    choices: tuple[Any, ...] = ()
    children: Mapping[str, Spec] | None = None


AGENCY_SPEC = {
    code: Spec("text", required=code in ("code", "name"), nullable=code not in ("code", "name"))
    for code, _ in fmt.AGENCY_FIELDS
}
#: Report options; add a key here (with a default in REPORT_DEFAULTS) to offer a new option.
REPORT_SPEC: dict[str, Spec] = {
    "audience": Spec("choice", choices=fmt.AUDIENCES),
    "title": Spec("text", nullable=True),
    "charts": Spec("bool", nullable=True),
    "compare": Spec("bool", nullable=True),
}
REPORT_DEFAULTS: dict[str, Any] = {"audience": fmt.REVIEW, "title": None}  # charts, compare: absent = None
#: report options written by dump_params only when set (files written before they existed stay as they were)
OPTIONAL_REPORT_KEYS = ("charts", "compare")
#: Recipients of ``govreport mail`` for this agency-year.
MAIL_SPEC: dict[str, Spec] = {"to": Spec("emails", nullable=True), "cc": Spec("emails", nullable=True)}
SCHEMA: dict[str, Spec] = {
    "agency": Spec("map", required=True, children=AGENCY_SPEC),
    "year": Spec("int", required=True),
    "format": Spec("choice", choices=fmt.FORMATS),
    "data": Spec("path", required=True),
    "narrative": Spec("path"),
    "ledger": Spec("path"),
    "previous": Spec("path", nullable=True),
    "report": Spec("map", children=REPORT_SPEC),
    "mail": Spec("map", children=MAIL_SPEC),
}
_EMAIL_RE = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)


def email_problem(address: Any) -> str | None:
    """Why ``address`` is not a plain e-mail address (``name@example.gov.cn``), or None."""
    if not isinstance(address, str):
        return f"邮箱地址应为文字，实际是{_type_name(address)}"
    if len(address) > 254 or not _EMAIL_RE.match(address) or ".." in address:
        return f"“{address}”不是有效的邮箱地址"
    return None


@dataclass(frozen=True)
class Params:
    """A validated params file. Paths are absolute; :meth:`to_dict` is plain JSON."""

    path: Path
    agency: Agency
    year: int
    format: str
    data: Path
    narrative: Path | None
    previous: Path | None
    report: dict[str, Any]
    raw: dict[str, Any] = field(repr=False)  # the file's content, validated, paths as written
    ledger: Path | None = None  # the application ledger, when table 三 is derived from it
    mail: dict[str, list[str]] = field(default_factory=dict)  # {"to": [...], "cc": [...]}

    def to_dict(self) -> dict[str, Any]:
        """The file's content as plain JSON types (str, int, bool, None, dict)."""
        return _copy(self.raw)

    @property
    def folder(self) -> Path:
        return self.path.parent


def _copy(v: Any) -> Any:
    return {k: _copy(x) for k, x in v.items()} if isinstance(v, dict) else v


# ------------------------------------------------------------------------------------- loading
def load_params(path: str | os.PathLike) -> Params:
    """Read, validate and resolve a params file; :class:`ParamsError` names file, key and line."""
    p = Path(os.path.abspath(path))
    name = display_path(p)
    if p.suffix.lower() not in (".yaml", ".yml"):
        raise ParamsError("参数文件必须是 .yaml 文件", Location(file=name))
    try:
        text = read_text(p, "params")
    except GovReportError as e:
        raise ParamsError(e.what, e.where, e.fix) from None
    try:
        doc = strict_yaml.load(text)
    except strict_yaml.YamlProblem as e:
        raise ParamsError(e.what, Location(file=name, line=e.line, key=e.key), e.fix) from None
    raw = validate_params(doc.data, name, doc.lines)
    return _resolve(p, name, raw, doc.lines)


def validate_params(data: Any, file: str | None = None, lines: Mapping[str, int] | None = None) -> dict[str, Any]:
    """Check a params mapping against :data:`SCHEMA`; return it normalised (plain JSON types).

    The scaffolder and importer use this (with ``file`` None) before :func:`dump_params`.
    """
    lines = lines or {}

    def fail(what: str, key: str | None, fix: str | None = None):
        raise ParamsError(what, Location(file=file, line=strict_yaml.key_line(lines, key), key=key), fix)

    if data is None:
        fail("参数文件没有内容", None, "参考内置示例 params/xishan-edu/2023.yaml 填写")
    if not isinstance(data, dict):
        fail("参数文件的最外层必须是“键: 值”形式", None)
    # The agency code comes first: nothing may use it before it is known to be safe.
    agency = data.get("agency")
    if isinstance(agency, dict) and "code" in agency:
        problem = agency_code_problem(agency["code"])
        if problem:
            fail(problem, "agency.code", AGENCY_CODE_HINT)
    out = _check_map(data, SCHEMA, "", fail)
    out["format"] = str(out.get("format") or "2021")
    year_problem = fmt.year_problem(out["year"])
    if year_problem:
        fail(year_problem, "year")
    postcode = out["agency"].get("postcode")
    if postcode and not re.fullmatch(r"[0-9]{6}", postcode):
        fail(f"邮政编码“{postcode}”应为 6 位数字", "agency.postcode")
    email = out["agency"].get("email")
    if email and "@" not in email:
        fail(f"电子邮箱“{email}”缺少 @", "agency.email")
    if not out["agency"]["name"].strip():
        fail("机构名称为空", "agency.name")
    for key, value in out["agency"].items():  # one line of visible text: no line breaks, bidi overrides
        bad = name_problem(value) if isinstance(value, str) else None
        if bad:
            fail(f"agency.{key} 含有{bad}", f"agency.{key}", "只写一行可见的文字")
    report = {**REPORT_DEFAULTS, **out.get("report", {})}
    out["report"] = report
    return out


def _check_map(data: dict, schema: Mapping[str, Spec], prefix: str, fail) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        path = f"{prefix}{key}"
        spec = schema.get(key)
        if spec is None:
            near = difflib.get_close_matches(str(key), list(schema), n=1, cutoff=0.5)
            hint = f"是不是想写“{prefix}{near[0]}”？" if near else ""
            fail(f"未知的键“{path}”", path, f"{hint}这里可用的键：{', '.join(schema)}")
        out[key] = _check_value(value, spec, path, fail)
    for key, spec in schema.items():
        if spec.required and key not in data:
            fail(f"缺少必填的键“{prefix}{key}”", prefix.rstrip(".") or None, f"请添加 {prefix}{key}")
    return out


def _type_name(v: Any) -> str:
    return _TYPE_NAMES.get(
        type(v), "小数" if type(v).__name__ == "Decimal" else "列表" if isinstance(v, list) else type(v).__name__
    )


def _check_value(value: Any, spec: Spec, path: str, fail) -> Any:
    if value is None:
        if spec.nullable:
            return None
        fail(f"键“{path}”不能为空", path, "请填写一个值，或删除这一行" if not spec.required else "请填写一个值")
    if spec.kind == "emails":
        items = value if isinstance(value, list) else [value]
        for i, item in enumerate(items):
            problem = email_problem(item)
            if problem:
                fail(
                    f"键“{path}”的第 {i + 1} 项：{problem}",
                    path,
                    "写成 name@example.gov.cn 形式，多个地址写成列表 [a@x.cn, b@y.cn]",
                )
        return list(items)
    if spec.kind == "map":
        if not isinstance(value, dict):
            fail(f"键“{path}”应为下一级的“键: 值”，实际是{_type_name(value)}", path)
        return _check_map(value, spec.children or {}, f"{path}.", fail)
    if spec.kind == "int":
        if not isinstance(value, int) or isinstance(value, bool):
            fail(f"键“{path}”应为整数，实际是{_type_name(value)}“{value}”", path, "去掉引号，例如 2023")
        return value
    if spec.kind == "bool":
        if not isinstance(value, bool):
            fail(f"键“{path}”应为 true 或 false，实际是{_type_name(value)}“{value}”", path, "写 true、false，或 null")
        return value
    if spec.kind == "choice":
        # an unquoted 2021 is fine for format: compare as text
        text = str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else None
        allowed = [str(c) for c in spec.choices]
        if text not in allowed:
            near = difflib.get_close_matches(str(value), allowed, n=1, cutoff=0.4)
            fail(
                f"键“{path}”的值“{value}”无效",
                path,
                (f"是不是想写“{near[0]}”？" if near else "") + f"可用的值：{', '.join(allowed)}",
            )
        return text
    if not isinstance(value, str):
        example = value if isinstance(value, (int, str)) and not isinstance(value, bool) else "…"
        fail(f"键“{path}”应为文字，实际是{_type_name(value)}", path, f'用引号括起来，例如 "{example}"')
    if spec.kind == "path":
        if not value.strip():
            fail(f"键“{path}”的路径为空", path)
        if _URL_RE.match(value) and not re.match(r"^[A-Za-z]:[\\/]", value):
            fail(
                f"键“{path}”是网址或远程路径“{value}”，只能是本机文件",
                path,
                "请先把文件下载到参数文件旁边，再写相对路径",
            )
    return value


def _sibling_previous(p: Path, year: int, name: str) -> Path | None:
    """``<year-1>.yaml`` beside the params file, when it exists (and stays inside the project)."""
    sibling = p.parent / f"{year - 1}{p.suffix}"
    if not sibling.is_file():
        return None
    return confine(sibling, p, "previous", sibling.name, name, None)


def _resolve(p: Path, name: str, raw: dict[str, Any], lines: Mapping[str, int]) -> Params:
    code, year = raw["agency"]["code"], raw["year"]

    def fail(what: str, key: str | None, fix: str | None = None):
        raise ParamsError(what, Location(file=name, line=strict_yaml.key_line(lines, key), key=key), fix)

    if p.stem.isdigit():  # the params/<code>/<year>.yaml convention
        if int(p.stem) != year:
            fail(
                f"年度 {year} 与文件名 {p.name} 不一致",
                "year",
                f"把 year 改为 {p.stem}，或把文件改名为 {year}{p.suffix}",
            )
        if p.parent.name != code:
            fail(
                f"机构代码“{code}”与所在文件夹名“{p.parent.name}”不一致",
                "agency.code",
                f"参数文件应放在 params/{code}/ 下，或把 agency.code 改为文件夹名",
            )

    def local(key: str, suffixes: tuple[str, ...], kind: str) -> Path:
        target = Path(os.path.normpath(p.parent / raw[key]))
        if target.suffix.lower() not in suffixes:
            extra = "；旧版 .xls 请在 Excel 中另存为 .xlsx" if target.suffix.lower() == ".xls" else ""
            fail(f"{kind}“{raw[key]}”的类型不支持", key, f"可用的扩展名：{', '.join(suffixes)}{extra}")
        if target == p:
            fail(f"{kind}不能是参数文件本身", key)
        confine(target, p, key, raw[key], name, strict_yaml.key_line(lines, key))
        if not target.is_file():
            fail(
                f"{kind}不存在：{display_path(target)}",
                key,
                f"路径相对于参数文件所在的文件夹 {display_path(p.parent)}；请检查文件名或先创建该文件",
            )
        return target

    data = local("data", DATA_SUFFIXES, "数据文件")
    narrative = local("narrative", NARRATIVE_SUFFIXES, "正文文件") if raw.get("narrative") else None
    ledger = local("ledger", LEDGER_SUFFIXES, "台账文件") if raw.get("ledger") else None
    if ledger is not None and raw["format"] != "2021":
        fail("台账只能用于 2021 年版格式的报告", "ledger", "2019、2020 年度的报告请直接填写表三")
    if "previous" in raw:
        previous = local("previous", PREVIOUS_SUFFIXES, "上一年度文件") if raw["previous"] else None
    else:
        previous = _sibling_previous(p, year, name)
    agency = Agency(**{k: v or "" for k, v in raw["agency"].items()})
    return Params(
        path=p,
        agency=agency,
        year=year,
        format=raw["format"],
        data=data,
        narrative=narrative,
        previous=previous,
        report=dict(raw["report"]),
        raw=raw,
        ledger=ledger,
        mail={k: list(v or []) for k, v in raw.get("mail", {}).items()},
    )


# ------------------------------------------------------------------------------------- writing


def dump_params(params: Params | Mapping[str, Any], *, every_agency_key: bool = False) -> str:
    """Canonical YAML for a params file (fixed key order, strings quoted only where needed).

    ``every_agency_key``: also write the empty agency fields, each with a comment saying what to
    fill (what ``govreport new`` writes, so that the analyst sees every detail the narrative needs).
    """
    from govreport_kit.inputs.agency import AGENCY_HINTS, AGENCY_PRECEDENCE_NOTE  # imports pandas: only here

    raw = params.raw if isinstance(params, Params) else validate_params(_copy(dict(params)))
    lines: list[str] = []
    for key in SCHEMA:
        if key not in raw:
            continue
        value = raw[key]
        if key == "mail":
            lines.append("mail:")
            for sub in (k for k in MAIL_SPEC if k in value):
                items = value[sub] or []
                lines.append(f"  {sub}:" + ("" if items else " []"))
                lines.extend(f"    - {strict_yaml.dump_scalar(a)}" for a in items)
        elif isinstance(value, dict):
            lines.append(f"{key}:")
            order = (
                ["code", "name", *(k for k, _ in fmt.AGENCY_FIELDS if k not in ("code", "name"))]
                if key == "agency"
                else list(REPORT_SPEC)
            )
            if key == "agency" and every_agency_key:
                lines[-1] += f"  # 机构信息：空着的项请填写（{AGENCY_PRECEDENCE_NOTE}）"
            for sub in order:
                if sub in value and not (value[sub] is None and (key == "agency" or sub in OPTIONAL_REPORT_KEYS)):
                    lines.append(f"  {sub}: {strict_yaml.dump_scalar(value[sub])}")
                elif key == "agency" and every_agency_key:
                    label = dict(fmt.AGENCY_FIELDS)[sub]
                    lines.append(f"  {sub}:  # {label}：{AGENCY_HINTS.get(sub, '请填写')}")
        else:
            lines.append(f"{key}: {strict_yaml.dump_scalar(value)}")
    return "\n".join(lines) + "\n"
