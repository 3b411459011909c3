"""The report's screen rules for notebook outputs: the notebook inlines them into ``style``
attributes for JupyterLab and VS Code (which drop ``<style>``
from outputs they do not trust). Pure: strings in, strings out.

The offline page's stylesheet is ``report/templates/shared/style.css.j2`` (page numbers in the
``@page`` margin box, table 二 sections kept whole in print); SCREEN_CSS repeats its screen rules
and must be kept in step with it (a test compares them).
"""

from __future__ import annotations

import re
from functools import lru_cache

from govreport_kit.report.render import FONT_STACK

#: What the screen needs of each element; also what is inlined for notebook outputs.
SCREEN_CSS = """\
body{margin:0;background:#fff;color:#111;font-family:%(font)s;font-size:15px;line-height:1.75}
main{max-width:62em;margin:0 auto;padding:1.5em}
h1{font-size:1.5em;text-align:center;margin:.5em 0 1em}
h2{font-size:1.15em;margin:1.5em 0 .5em}
h3,h4,h5,h6{font-size:1em;margin:.8em 0 .2em}
.part-prose p{margin:.3em 0;text-indent:2em}
table.form{border-collapse:collapse;width:100%%;margin:.4em 0 1em;font-size:.88em}
table.form th,table.form td{border:1px solid #333;padding:.2em .35em;vertical-align:middle;font-weight:normal}
table.form th{background:#f3f3f3;text-align:center}
table.form th.label,table.form th[scope=row]{text-align:left}
table.form th.group{writing-mode:vertical-rl;white-space:nowrap;letter-spacing:.1em}
table.form th.section{text-align:left;font-weight:bold}
table.form thead tr+tr th{white-space:nowrap}
td.v{text-align:center;font-variant-numeric:tabular-nums;min-width:2.2em}
table.t3 td.v{width:6.5%%}
td.flag-error{background:#fde0de;outline:2px solid #c62828;outline-offset:-2px}
td.flag-warning{background:#fff3d0;outline:2px solid #b26a00;outline-offset:-2px}
td.flag-info{background:#e6f0fb}
.findings{border:1px solid #bbb;background:#fafafa;padding:.3em 1em;margin:1em 0}
.finding-list{padding-left:1.5em}
.badge{display:inline-block;padding:0 .4em;border-radius:3px;color:#fff;font-size:.85em}
.sev-error .badge{background:#c62828}.sev-warning .badge{background:#a15c00}.sev-info .badge{background:#1565c0}
.ef{color:#555}
mark.unfilled{background:#fde0de;outline:1px solid #c62828}
footer.provenance{margin-top:3em;border-top:1px solid #ccc;font-size:.75em;color:#555;overflow-wrap:anywhere}
footer.provenance ul{margin:0;padding-left:1.5em}
.figure{text-align:center}.figure img{max-width:100%%}
figure.chart{margin:1em 0;text-align:center;break-inside:avoid}figure.chart figcaption{font-weight:bold;margin-bottom:.3em}
table.compare{width:auto;min-width:60%%}table.compare td{padding:.2em .8em}
"""

#: Notebook outputs only: JupyterLab's sanitiser (untrusted outputs) and VS Code drop ``writing-mode``,
#: so a row-group label is stacked one character per line (``<br>`` between characters) instead.
INLINE_OVERRIDES = """\
table.form th.group{writing-mode:horizontal-tb;white-space:nowrap;letter-spacing:0;line-height:1.3}
"""
_GROUP_TH = re.compile(r'(<th[^>]*class="group"[^>]*>)([^<]*)(</th>)')
_CHAR = re.compile(r"&[#\w]+;|.", re.S)


@lru_cache(maxsize=1)
def _inliner():
    import css_inline

    return css_inline.CSSInliner(keep_style_tags=False, keep_link_tags=False, load_remote_stylesheets=False)


def inline_styles(fragment: str) -> str:
    """``fragment`` with the screen rules written into ``style`` attributes (for notebook outputs).

    The body's font and colours go on an enclosing ``div.govreport``, so the fragment reads like
    the report whatever the notebook's theme.
    """
    inlined = _inliner().inline_fragment(str(fragment), SCREEN_CSS % {"font": FONT_STACK} + INLINE_OVERRIDES)
    inlined = _GROUP_TH.sub(lambda m: m.group(1) + "<br>".join(_CHAR.findall(m.group(2))) + m.group(3), inlined)
    body = f"font-family:{FONT_STACK};color:#111;background:#fff;line-height:1.75;font-size:15px;padding:.2em .6em"
    return f'<div class="govreport" style="{_attr(body)}">{inlined}</div>'


def _attr(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;")
