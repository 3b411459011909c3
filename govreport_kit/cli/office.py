"""``govreport status``, ``govreport rollup`` and ``govreport collect``: the office that collects a region's reports."""

from __future__ import annotations

import sys

from govreport_kit.cli.common import print_json


def cmd_status(args) -> int:
    from govreport_kit.office.status import format_table
    from govreport_kit.office.workflow import run_status

    res = run_status(args.region, args.year)
    if args.json:
        print_json(res.to_dict())
    else:
        for note in res.notes:
            sys.stderr.write(f"注意：{note}\n")
        sys.stdout.write(format_table(res.rows, f"{res.region_name}（{res.region}）{res.year} 年报送情况"))
        for kind in ("html", "xlsx", "csv"):
            sys.stderr.write(f"{res.files[kind]}\n")
    return 0


def cmd_rollup(args) -> int:
    from govreport_kit.office.report import write_rollup
    from govreport_kit.office.workflow import run_rollup

    r = (
        run_rollup(args.region, args.year, from_audit=args.from_audit)
        if args.from_audit
        else run_rollup(args.region, args.year)
    )
    if args.json:
        print_json(r.to_dict())
        return 0
    written = write_rollup(r, pdf=args.pdf)
    for p in written:
        sys.stdout.write(f"{p}\n")
    missing = r.missing
    sys.stderr.write(
        f"汇总了 {len(r.included)} 个成员的数据；{len(missing)} 个未计入"
        + ("：" + "；".join(f"{m.agency}（{m.reason}）" for m in missing[:10]) if missing else "")
        + ("……" if len(missing) > 10 else "")
        + "\n"
    )
    return 0


def cmd_collect(args) -> int:
    from govreport_kit.office.collect import collect_inbox, format_collect

    res = collect_inbox(args.inbox, year=args.year, force=args.force, dry_run=args.dry_run)
    sys.stdout.write(format_collect(res))
    return res.exit_code


def register(sub) -> None:
    s = sub.add_parser("status", help="地区各机构的报送情况（未建立、未填写、有错误、正常、已发送……）")
    s.add_argument("region", nargs="?", help="地区代码（params/regions.yaml）；省略时为最上一级地区")
    s.add_argument("--year", type=int, required=True, help="报告年度")
    s.add_argument("--json", action="store_true", help="以 JSON 输出")
    s.set_defaults(func=cmd_status)

    s = sub.add_parser("rollup", help="地区汇总：三张表之和、各项指标、排名")
    s.add_argument("region", nargs="?", help="地区代码；省略时为最上一级地区")
    s.add_argument("--year", type=int, required=True, help="报告年度")
    s.add_argument("--json", action="store_true", help="以 JSON 输出汇总表、指标和未计入的成员")
    s.add_argument("--pdf", action="store_true", help="同时生成 PDF")
    s.add_argument("--from-audit", help="用 govreport audit --json 的结果（已发布的报告）代替参数文件")
    s.set_defaults(func=cmd_rollup)

    s = sub.add_parser("collect", help="收取各机构交回的工作簿，识别机构和年度，检查后归档到 params/")
    s.add_argument("inbox", help="存放交回文件的文件夹")
    s.add_argument("--year", type=int, help="只收取该年度")
    s.add_argument("--force", action="store_true", help="覆盖不同的已有文件（旧文件保留为 .bak）")
    s.add_argument("--dry-run", action="store_true", help="只列出将要做的事，不写文件")
    s.set_defaults(func=cmd_collect)
