"""Regenerate the built-in sample: params/xishan-edu/2023.yaml and 2023.xlsx.

The values are transcribed from the seed report ``shared/seeds/000_1470c6164cb70c53.txt``
(昆明市西山区教育体育局2023年政府信息公开工作年度报告), row by row as printed there; agency
details come from its preamble. The narrative ``2023.md`` is written by hand and not touched.
``tests/test_sample.py`` compares every cell with ``tests/fixtures/sample/seed-xishan-edu-2023.json``.

    .venv/bin/python tools/make_sample.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from govreport_kit.core import format as fmt
from govreport_kit.core.files import atomic_write
from govreport_kit.core.model import Agency, from_cells
from govreport_kit.inputs.params import dump_params
from govreport_kit.inputs.template import write_workbook

AGENCY = Agency(
    name="昆明市西山区教育体育局",
    code="xishan-edu",
    region="云南省昆明市西山区",
    address="昆明市西山区秀苑路188号604室",
    postcode="650118",
    phone="0871-68226567",
    email="kmxsjyjbgs@126.com",
)
YEAR = 2023

# 二、主动公开政府信息情况, as printed
TABLE2 = {
    ("regulations", "issued"): 0,
    ("regulations", "repealed"): 0,
    ("regulations", "in_force"): 0,
    ("normative_documents", "issued"): 0,
    ("normative_documents", "repealed"): 0,
    ("normative_documents", "in_force"): 0,
    ("licensing", "value"): 56,
    ("punishment", "value"): 4,
    ("enforcement", "value"): 0,
    ("fees_wan_yuan", "value"): 0,
}
# 三、收到和处理政府信息公开申请情况: 25 rows in form order, 7 columns each (自然人 … 总计)
Z = [0] * 7
TABLE3 = [
    [2, 0, 0, 0, 0, 0, 2],  # 一、本年新收
    Z,  # 二、上年结转
    Z,  # （一）予以公开
    [2, 0, 0, 0, 0, 0, 2],  # （二）部分公开
    Z,
    Z,
    Z,
    Z,
    Z,
    Z,
    Z,
    Z,  # （三）不予公开 1–8
    Z,
    Z,
    Z,  # （四）无法提供 1–3
    Z,
    Z,
    Z,
    Z,
    Z,  # （五）不予处理 1–5
    Z,
    Z,
    Z,  # （六）其他处理 1–3
    [2, 0, 0, 0, 0, 0, 2],  # （七）总计
    Z,  # 四、结转下年度继续办理
]
# 四、行政复议、行政诉讼: the single data row of 15 cells
TABLE4 = [0] * 15


def cells():
    for (row, col), v in TABLE2.items():
        yield "table2", row, col, v
    for row, values in zip(fmt.T3_ROWS, TABLE3, strict=True):
        for col, v in zip(fmt.T3_COLUMNS, values, strict=True):
            yield "table3", row.code, col.code, v
    it = iter(TABLE4)
    for g in fmt.T4_GROUPS:
        for res in fmt.T4_RESULTS:
            yield "table4", g.code, res.code, next(it)


def main() -> None:
    folder = ROOT / "params" / AGENCY.code
    folder.mkdir(parents=True, exist_ok=True)
    model = from_cells(AGENCY, YEAR, cells())
    write_workbook(folder / f"{YEAR}.xlsx", model)
    params = {
        "agency": {k: v or None for k, v in AGENCY.to_dict().items()},
        "year": YEAR,
        "format": "2021",
        "data": f"{YEAR}.xlsx",
        "narrative": f"{YEAR}.md",
        "report": {"audience": "review", "title": None},
    }
    atomic_write(folder / f"{YEAR}.yaml", dump_params(params).encode("utf-8"))
    print(f"wrote {folder / f'{YEAR}.xlsx'} and {folder / f'{YEAR}.yaml'}")


if __name__ == "__main__":
    main()
