"""``govreport tables PATH [--json]``: the three tables as the toolkit reads them."""

from __future__ import annotations

import sys
from pathlib import Path


def cmd_tables(args) -> int:
    from govreport_kit.core import paths
    from govreport_kit.inputs.load import load_any
    from govreport_kit.report.frames import tables_text

    model, _ = load_any(Path(args.path) if args.path else paths.sample_params())
    if args.json:
        from govreport_kit.cli.common import print_json

        print_json(model.tables_to_dict())
    else:
        sys.stdout.write(tables_text(model))
    return 0


def register(sub) -> None:
    s = sub.add_parser("tables", help="列出工具读到的表二、表三、表四（有台账时表三按台账统计）")
    s.add_argument("path", nargs="?", help="参数文件 .yaml、工作簿 .xlsx 或长表 .csv；省略时用内置示例")
    s.add_argument("--json", action="store_true", help="以 JSON 输出（规范代码，与 govreport audit 的 tables 相同）")
    s.set_defaults(func=cmd_tables)
