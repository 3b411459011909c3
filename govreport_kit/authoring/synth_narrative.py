"""The narrative of a synthetic agency-year: the usual sentences, every table number a placeholder."""

from __future__ import annotations

from govreport_kit.core import format as fmt
from govreport_kit.core.model import AgencyYear


def narrative_markdown(model: AgencyYear) -> str:
    """The preamble and parts 一, 五, 六 in Markdown, every number from the tables a placeholder."""

    def ph(name: str) -> str:
        return "{{ " + name + " }}"

    def t2(row: str, col: str | None = None) -> str:
        return ph(f"table2.{row}.{col}" if col else f"table2.{row}")

    def t3(row: str, col: str = "total") -> str:
        return ph(f"table3.{row}.{col}")

    title = {x.code: x.title for x in fmt.PARTS}
    heads = fmt.OVERVIEW_SUBHEADS
    return "\n".join(
        [
            f"按照《中华人民共和国政府信息公开条例》规定编制本年度报告。本年度报告中所列数据统计期限为"
            f"{ph('period.start')}至{ph('period.end')}。如对本年度报告有疑问，请与{ph('agency.name')}联系"
            f"（地址：{ph('agency.address')}，电话：{ph('agency.phone')}，电子邮箱：{ph('agency.email')}）。",
            "",
            f"# {title['overview']}",
            "",
            f"## {heads[0]}",
            "",
            f"全年制发行政规范性文件{t2('normative_documents', 'issued')}件，现行有效{t2('normative_documents', 'in_force')}件；"
            f"作出行政许可决定{t2('licensing')}件、行政处罚决定{t2('punishment')}件、行政强制决定{t2('enforcement')}件。",
            "",
            f"## {heads[1]}",
            "",
            f"本年新收政府信息公开申请{t3('new')}件，上年结转{t3('carried')}件，办结{t3('total')}件，"
            f"结转下年度继续办理{t3('carried_forward')}件。其中予以公开{t3('granted')}件，部分公开{t3('partial')}件，"
            f"予以公开及部分公开占办结总数的{ph('pct(table3.disclosed.total)')}。",
            "",
            f"## {heads[2]}",
            "",
            "严格落实公开前保密审查，及时更新政府信息公开指南和目录。",
            "",
            f"## {heads[3]}",
            "",
            "依托政府门户网站集中发布政府信息，保持平台稳定运行。",
            "",
            f"## {heads[4]}",
            "",
            f"全年因政府信息公开被申请行政复议{ph('table4.review.total')}件，被提起行政诉讼"
            f"{ph('table4.litigation.total')}件。",
            "",
            _CLOSING.format(problems=title["problems"], other=title["other"]),
        ]
    )


#: Parts 五 and 六 of a synthetic narrative (no numbers in them).
_CLOSING = """# {problems}

## （一）主要问题

信息发布的及时性和政策解读的针对性仍需加强。

## （二）改进情况

建立发布前审核清单，按月通报各科室信息报送情况。

# {other}

本年度未收取信息处理费。
"""
