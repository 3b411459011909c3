"""``govreport check`` and ``govreport template``: data in, findings out."""

from __future__ import annotations

import sys
from pathlib import Path

from govreport_kit.cli.common import print_json, require_paths
from govreport_kit.core.errors import Location, ParamsError


def cmd_check(args) -> int:
    from govreport_kit.checks.findings import has_errors, sort_findings
    from govreport_kit.checks.rules import check
    from govreport_kit.checks.wording import format_findings
    from govreport_kit.core import paths
    from govreport_kit.inputs.encoding import display_path
    from govreport_kit.inputs.load import load_any

    require_paths(args.path, "要检查的文件")
    path = Path(args.path) if args.path is not None else paths.sample_params()
    model, previous = load_any(path, year=args.year)
    findings = sort_findings(check(model, previous))
    for note in model.options.get("notes", []):
        sys.stderr.write(f"注意：{note}\n")
    if args.json:
        print_json([f.to_dict() for f in findings])
    else:
        prev = f"，对照 {previous.year} 年数据" if previous is not None else ""
        sys.stdout.write(
            f"检查 {display_path(path)}：{model.agency.name} {model.year} 年（{model.format} 年版格式{prev}）\n\n"
        )
        sys.stdout.write(format_findings(findings, model.format))
    return 1 if has_errors(findings) else 0


def cmd_template(args) -> int:
    from govreport_kit.core.agency import Agency, require_agency_code
    from govreport_kit.core.errors import InputError
    from govreport_kit.core.format import year_problem
    from govreport_kit.inputs.template import write_template

    require_paths(args.out, "--out", "--out")
    require_agency_code(args.agency, Location(key="--agency"))
    if year_problem(args.year):
        raise ParamsError(year_problem(args.year), Location(key="--year"))
    default = f"{args.agency}-{args.year}-ledger.xlsx" if args.ledger else f"{args.agency}-{args.year}.xlsx"
    out = Path(args.out) if args.out else Path(default)
    if out.suffix.lower() != ".xlsx":
        raise ParamsError(f"输出文件“{out}”应以 .xlsx 结尾", Location(key="--out"))
    if out.exists():
        raise InputError(
            "文件已存在，不会覆盖", Location(file=str(out)), "请用 --out 指定另一个文件名，或先把已有文件改名或移走"
        )
    if not out.parent.is_dir():
        raise InputError("输出文件夹不存在", Location(file=str(out.parent)), "请先创建该文件夹")
    try:
        if args.ledger:
            from govreport_kit.inputs.ledger_template import write_ledger_template

            write_ledger_template(out, Agency(name=args.name or "", code=args.agency), args.year)
        else:
            write_template(out, Agency(name=args.name or "", code=args.agency), args.year)
    except OSError as e:
        raise InputError(
            f"输出文件夹不能写入（{e.strerror}）",
            Location(file=str(out.parent)),
            "请检查文件夹的权限和磁盘空间，或用 --out 换一个位置",
        ) from None
    sys.stdout.write(f"{out}\n")
    return 0


def register(sub) -> None:
    s = sub.add_parser("check", help="检查一份数据（参数文件、Excel 工作簿、长表 CSV 或成稿 Word/PDF），列出全部问题")
    s.add_argument(
        "path", nargs="?", help="参数文件 .yaml、工作簿 .xlsx、长表 .csv 或报告 .docx/.pdf；省略时检查内置示例"
    )
    s.add_argument("--json", action="store_true", help="以 JSON 输出问题列表")
    s.add_argument("--year", type=int, help="报告年度（数据文件中没有年度时使用；参数文件自带年度）")
    s.set_defaults(func=cmd_check)
    s = sub.add_parser("template", help="生成空白 Excel 填报模板")
    s.add_argument("--agency", required=True, help="机构代码（小写英文字母、数字、-、_）")
    s.add_argument("--year", required=True, type=int, help="报告年度")
    s.add_argument("--out", help="输出文件路径（默认 <机构代码>-<年度>.xlsx）")
    s.add_argument("--name", default="", help="机构名称（可选）")
    s.add_argument("--ledger", action="store_true", help="生成空白的依申请公开登记台账（表三由台账统计）")
    s.set_defaults(func=cmd_template)
