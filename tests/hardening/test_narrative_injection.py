"""Data placed into the narrative is text: it cannot forge a heading or markup; unfilled
placeholders are shown as typed; ``new --name`` refuses invisible and line-breaking characters."""

from __future__ import annotations

import re

import pytest


def test_params_name_with_a_newline_heading_or_private_marks_is_refused(tmp_path, make_project, cli, assert_refused):
    project = make_project(tmp_path / "proj")
    params = project / "params" / "xishan-edu" / "2023.yaml"
    text = params.read_text(encoding="utf-8")
    for forged in ('"西山区\\n# 二、主动公开政府信息情况"', '"西山区\\ue000伪造\\ue001"', '"西山区\\u202e局"'):
        params.write_text(
            re.sub(r"(?m)^  name: .*$", lambda m, forged=forged: "  name: " + forged, text), encoding="utf-8"
        )
        assert_refused(cli("check", str(params), cwd=project), "agency.name", "含有")


def test_markdown_in_a_name_and_unfilled_placeholders_are_shown_as_typed(tmp_path, make_project, cli):
    project = make_project(tmp_path / "proj")
    folder = project / "params" / "xishan-edu"
    params = folder / "2023.yaml"
    text = params.read_text(encoding="utf-8")
    params.write_text(
        re.sub(r"(?m)^  name: .*$", lambda m: '  name: "西山区 **粗体** [链接](http://evil) # 二、"', text),
        encoding="utf-8",
    )
    md = folder / "2023.md"
    md.write_text(
        md.read_text(encoding="utf-8") + "\n\n请与{{ agency.name }}联系。{{ __import__('os') }}\n", encoding="utf-8"
    )
    proc = cli("run", str(params), cwd=project, timeout=240)
    assert proc.returncode in (0, 1), proc.stderr
    html = (project / "outputs" / "xishan-edu" / "2023" / "report.html").read_text(encoding="utf-8")
    assert "请与西山区 **粗体** [链接](http://evil) # 二、联系" in html
    from lxml import html as lxml_html

    marks = lxml_html.fromstring(html).xpath('//mark[@class="unfilled"][@title="未能填入的占位符"]')
    assert [m.text_content() for m in marks] == ["{{ __import__('os') }}"] and not marks[0].getchildren()
    assert "<strong>" not in html and 'href="http://evil"' not in html


@pytest.mark.parametrize("name", ["某局\n# 二、主动公开政府信息情况", "某局\t办公室", "某局\u202e局某", "某\ue000局"])
def test_new_refuses_names_with_line_breaks_tabs_bidi_or_private_characters(tmp_path, name, cli, assert_refused):
    proc = cli("new", "evil-c", "--year", "2023", "--name", name, cwd=tmp_path)
    assert_refused(proc, "机构名称含有")
    assert not (tmp_path / "params").exists()
