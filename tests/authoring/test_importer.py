"""``govreport import``: the narrative it writes keeps the report's sub-heads."""

from __future__ import annotations

from pathlib import Path

from govreport_kit.authoring.importer import import_report, structure_subheads
from govreport_kit.inputs import narrative

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "corpus"


def test_flattened_subheads_become_headings_with_their_own_paragraphs():
    text = "2022年，我区坚持。 (一)主动公开方面 全区切实落实。一是做好。(二)依申请公开方面 一是畅通。"
    assert structure_subheads(text) == (
        "2022年，我区坚持。\n\n## （一）主动公开方面\n\n全区切实落实。一是做好。"
        "\n\n## （二）依申请公开方面\n\n一是畅通。"
    )


def test_a_subhead_ending_in_a_full_stop_and_one_on_its_own_line():
    assert structure_subheads("（一）主动公开方面。按照要求。（二）依申请公开方面。我区重视") == (
        "## （一）主动公开方面\n\n按照要求。\n\n## （二）依申请公开方面\n\n我区重视"
    )
    assert structure_subheads("(一)主要问题\n稿件有错字。\n(二)改进措施\n加强学习。") == (
        "## （一）主要问题\n\n稿件有错字。\n\n## （二）改进措施\n\n加强学习。"
    )


def test_markers_out_of_order_or_quoted_mid_sentence_are_left_alone():
    text = "依照《条例》第二十条（三）项公开。（二）项不适用。"
    assert structure_subheads(text) == text
    assert structure_subheads("无收取信息处理费的情况。") == "无收取信息处理费的情况。"


def test_a_marker_followed_by_a_sentence_gets_no_invented_title():
    out = structure_subheads("（一）在主动公开方面，我局做了很多工作。")
    assert out == "## （一）\n\n在主动公开方面，我局做了很多工作。"


def test_imported_pingtan_narrative_has_the_five_subheads_of_part_one(tmp_path):
    res = import_report(CORPUS / "pingtan-2022.txt", "pingtan", tmp_path)
    md = res.narrative.read_text(encoding="utf-8")
    overview = narrative.split_parts(md)["overview"]
    heads = [line for line in overview.split("\n") if line.startswith("## ")]
    assert [h[3:6] for h in heads] == ["（一）", "（二）", "（三）", "（四）", "（五）"]
    assert heads[0] == "## （一）主动公开方面"
