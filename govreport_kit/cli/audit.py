"""``govreport audit`` and ``govreport import``: published reports."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from govreport_kit.cli.common import print_json, require_paths
from govreport_kit.core.errors import Location


def cmd_audit(args) -> int:
    from govreport_kit.audit import audit_paths
    from govreport_kit.audit.render_html import render_page
    from govreport_kit.audit.summary import summarize_all
    from govreport_kit.core.errors import InputError
    from govreport_kit.core.files import atomic_write

    require_paths(args.paths, "要审核的文件或文件夹")
    if args.html:
        refuse_overwriting_inputs(Path(args.html), args.paths)
    results = audit_paths(args.paths)
    if not results:
        raise InputError(
            "没有找到可审核的报告文件（.html、.htm、.txt、.md、.pdf、.docx）", Location(file="、".join(args.paths))
        )
    if args.html:
        out = Path(args.html)
        if not out.parent.is_dir():
            raise InputError("输出文件夹不存在", Location(file=str(out.parent)), "请先创建该文件夹")
        try:
            atomic_write(out, render_page(results).encode("utf-8"))
        except OSError as e:
            raise InputError(f"无法写入审核页面（{e.strerror}）", Location(file=str(out))) from None
        sys.stderr.write(f"审核页面已写入 {out}\n")
    if args.json:
        print_json([r.to_dict() for r in results])
    else:
        sys.stdout.write(summarize_all(results))
    if not any(r.readable for r in results):
        return 2
    return 1 if any(r.has_errors for r in results) else 0


def refuse_overwriting_inputs(out: Path, inputs: list[str]) -> None:
    """``--html`` must not replace a file being audited (the same file by any path or link)."""
    from govreport_kit.audit.audit import expand_paths
    from govreport_kit.core.errors import InputError

    if not out.exists():
        return
    for f in expand_paths(inputs):
        try:
            same = f.exists() and os.path.samefile(f, out)
        except OSError:
            same = False
        if same:
            raise InputError(
                "输出页面就是要审核的文件之一，不会覆盖它",
                Location(file=str(out)),
                "请用 --html 指定另一个文件名，例如 审核结果.html",
            )


def cmd_import(args) -> int:
    from govreport_kit.authoring.importer import import_report
    from govreport_kit.core import paths

    require_paths(args.report, "要导入的报告")
    require_paths(args.params_dir, "--params-dir", "--params-dir")
    res = import_report(
        args.report,
        args.agency,
        args.params_dir if args.params_dir is not None else paths.params_dir(),
        overwrite=args.force,
    )
    for p in res.replaced:
        sys.stderr.write(f"注意：已覆盖原有文件 {p}\n")
    unread = len(res.audit.unread_cells)
    sys.stdout.write(f"{res.params}\n{res.workbook}\n{res.narrative}\n")
    if unread:
        sys.stderr.write(f"注意：{unread} 个单元格未能读出，在工作簿中留空，请对照原报告填写：\n")
        for u in res.audit.unreadable:
            sys.stderr.write(f"  - {u.message}\n")
    return 0


def register(sub) -> None:
    s = sub.add_parser("audit", help="审核已发布的年度报告（网页、文本、PDF 或 Word）")
    s.add_argument("paths", nargs="+", help="文件或文件夹")
    s.add_argument("--json", action="store_true")
    s.add_argument("--html", help="输出离线审核页面")
    s.set_defaults(func=cmd_audit)
    s = sub.add_parser("import", help="把已发布的报告转换为本工具的输入文件")
    s.add_argument("report", help="已发布报告的文件")
    s.add_argument("--agency", required=True, help="机构代码")
    s.add_argument("--params-dir", help="参数目录（默认 params/）")
    s.add_argument("--force", action="store_true", help="已有同名文件时覆盖（会列出被覆盖的文件）")
    s.set_defaults(func=cmd_import)
