"""``govreport mail``: send each agency-year's report (HTML + PDF) with its findings, outbox first."""

from __future__ import annotations

import sys


def cmd_mail(args) -> int:
    from govreport_kit.mail.run import mail_reports

    def progress(line: str) -> None:
        sys.stderr.write(line + "\n")
        sys.stderr.flush()

    paths = args.paths or None
    if args.region is not None or args.only_failing:
        from govreport_kit.core.errors import Location, ParamsError
        from govreport_kit.office.workflow import region_params

        if args.paths:
            raise ParamsError("--region 与参数文件路径不能同时使用", Location(key="--region"), "二选一")
        if args.year is None:
            raise ParamsError("按地区发送时需要 --year", Location(key="--year"), "例如 --region city --year 2024")
        paths = [str(p) for p in region_params(args.region, args.year, only_failing=args.only_failing)]
        if not paths:
            sys.stdout.write(
                "该地区没有需要发送的机构年度（未建立、未填写的不发送；--only-failing 时只发有错误的）。\n"
            )
            return 0
    run = mail_reports(
        paths,
        dry_run=args.dry_run,
        to=args.to,
        smtp=args.smtp,
        resend=args.resend,
        audience=args.audience,
        outputs_root=args.outputs,
        progress=progress,
    )
    if args.dry_run:
        for o in run.outcomes:
            if o.eml:
                sys.stdout.write(o.eml + "\n")
    sys.stdout.write(run.summary() + "\n")
    return run.exit_code


def register(sub) -> None:
    s = sub.add_parser("mail", help="把报告（HTML 与 PDF）连同检查结果发给各机构：先写发件箱，不重复发送")
    s.add_argument("paths", nargs="*", metavar="PATH", help="参数文件或其目录（默认 params/ 下全部）")
    s.add_argument("--dry-run", action="store_true", help="只写入发件箱 outputs/outbox/ 并列出 .eml 路径，不发送")
    s.add_argument("--to", action="append", metavar="ADDR", help="改发给这些地址（可重复；例如先发给自己试看）")
    s.add_argument("--smtp", metavar="HOST:PORT", help="改用这台 SMTP 服务器（明文，不登录；用于本机测试服务器）")
    s.add_argument("--resend", action="store_true", help="已发送过的也重新发送")
    s.add_argument("--audience", choices=["review", "publish"], default="review", help="审阅稿（默认）或发布稿")
    s.add_argument("--outputs", help="输出根目录（默认 outputs/）")
    s.add_argument("--region", help="发给该地区（params/regions.yaml）的每个成员；需要 --year")
    s.add_argument("--year", type=int, help="与 --region 一起使用：报告年度")
    s.add_argument("--only-failing", action="store_true", help="只发给检查有错误的成员")
    s.set_defaults(func=cmd_mail)
