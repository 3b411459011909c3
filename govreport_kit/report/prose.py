"""Narrative prose as safe HTML: Markdown through markdown-it-py (raw HTML off) and an nh3
allow-list, data quoted into Markdown so it reads as exactly that text, the marks around
placeholders that could not be filled, and the customary preamble and title.

Pure: text in, :class:`markupsafe.Markup` out.
"""

from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from govreport_kit.core import format as fmt
from govreport_kit.report.render import part_id

_MD = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False, "breaks": True})
_MD.disable("image")  # an image would be a network request; the alt text stays as text
ALLOWED_TAGS = {
    "p",
    "br",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "blockquote",
    "a",
    "code",
    "pre",
    "hr",
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


#: Around a placeholder that could not be filled (review reports show it highlighted).
UNFILLED_START, UNFILLED_END = "\ue000", "\ue001"


def strip_unfilled_marks(text: str) -> str:
    """Input text must not carry the marks itself."""
    return text.replace(UNFILLED_START, "").replace(UNFILLED_END, "")


def unfilled_token(raw: str) -> str:
    """A placeholder that could not be filled, as Markdown-inert text (hex digits between the marks).

    :func:`markdown_html` turns it back into the literal placeholder, HTML-escaped, so that
    ``{{ __import__('os') }}`` is shown as typed, never read as Markdown (``__import__`` bold).
    """
    return UNFILLED_START + raw.encode("utf-8").hex() + UNFILLED_END


_UNFILLED_RE = re.compile(UNFILLED_START + "([0-9a-f]*)" + UNFILLED_END)


def _show_unfilled(m: re.Match) -> str:
    raw = bytes.fromhex(m.group(1)).decode("utf-8", "replace")
    return f'<mark class="unfilled" title="未能填入的占位符">{escape(raw)}</mark>'


_LINE_BREAKS = re.compile("[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]+")


def md_text(text: str) -> str:
    """Data (a name, an address, a placeholder's value) as Markdown that reads as exactly that text:
    on one line (a line break could start a heading such as ``# 二、…``), Markdown punctuation
    escaped, and our own private marks (U+E000, U+E001) removed."""
    return _md_escape(_LINE_BREAKS.sub(" ", strip_unfilled_marks(str(text))))


def markdown_html(text: str, heading_base: int = 3) -> Markup:
    """Narrative Markdown as sanitised HTML.

    Raw HTML in the source is shown as text; links keep only http, https and mailto URLs;
    headings are shifted so the highest one becomes ``<h{heading_base}>`` (parts use ``<h2>``).
    """
    tokens = _MD.parse(text or "")
    levels = [int(t.tag[1]) for t in tokens if t.type == "heading_open"]
    if levels:
        shift = heading_base - min(levels)
        for t in tokens:
            if t.type in ("heading_open", "heading_close"):
                t.tag = f"h{max(1, min(6, int(t.tag[1]) + shift))}"
    html = _MD.renderer.render(tokens, _MD.options, {})
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    clean = strip_unfilled_marks(_UNFILLED_RE.sub(_show_unfilled, clean))
    return Markup(clean.strip())


def part_html(part: str, markdown_text: str) -> Markup:
    """A prose part (一, 五, 六) with its official heading; the preamble has none."""
    p = fmt.PART_BY_CODE[part]
    heading = Markup("<h2>{}</h2>\n").format(p.title) if p.title else Markup("")
    body = markdown_html(markdown_text)
    if not body:
        body = Markup('<p class="empty">（未填写）</p>')
    return Markup('<section class="part part-prose" id="{}">\n{}{}\n</section>').format(part_id(part), heading, body)


def default_preamble(model) -> str:
    """The customary preamble (legal basis, period, contact) from the agency's details, as Markdown text."""
    a = model.agency
    start, end = model.statistics_period
    contact = "，".join(
        f"{k}：{v}"
        for k, v in (("地址", a.address), ("邮编", a.postcode), ("电话", a.phone), ("电子邮箱", a.email))
        if v
    )
    text = (
        f"本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）编制。本年度报告中所列数据统计期限为"
        f"{_cn_date(start)}至{_cn_date(end)}。如对本年度报告有疑问，请与{a.name}联系"
    )
    return md_text(text + (f"（{contact}）。" if contact else "。"))


def _cn_date(iso: str) -> str:
    y, m, d = (int(x) for x in iso.split("-"))
    return f"{y}年{m}月{d}日"


def _md_escape(text: str) -> str:
    """Escape Markdown punctuation so data (names, addresses) is never read as markup."""
    return "".join("\\" + ch if ch in "\\`*_{}[]()#+-.!<>|~" else ch for ch in text)


def title_html(model) -> Markup:
    return Markup('<header class="report-head" id="report-title">\n<h1>{}</h1>\n</header>').format(model.report_title)
