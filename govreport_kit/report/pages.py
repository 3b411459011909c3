"""The pages other than the report: the batch index page and the audit page, as Jinja templates.

Templates live in ``report/templates/pages/`` and include ``shared/style.css.j2``, the stylesheet
the report's nbconvert template includes too, with the colours of ``shared/palette.j2``. The
environment autoescapes every value; HTML built by :mod:`govreport_kit.report.render` arrives as
``Markup`` and is kept as it is.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

import jinja2

from govreport_kit.core.paths import TEMPLATES_DIR
from govreport_kit.report.render import FONT_STACK


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_page(name: str, **context: Any) -> str:
    """``pages/<name>`` rendered with ``context`` (and ``font_stack``)."""
    return environment().get_template(f"pages/{name}").render(font_stack=FONT_STACK, **context)


def sort_context(items: Sequence[Any], keys: Sequence[tuple[str, Callable[[Any], Any]]]) -> tuple[list, list[str]]:
    """For ``shared/sortable.j2``: the sort anchors, and each item's ``--k-<key>: rank`` style.

    ``keys``: (key, value used for sorting); ties keep the items' order. Ranks start at 1.
    """
    sorts = [
        {"id": f"sort-{key}-{d}", "key": key, "sign": sign}
        for key, _ in keys
        for d, sign in (("asc", ""), ("desc", "-1 * "))
    ]
    ranks = {}
    for key, value in keys:
        order = sorted(range(len(items)), key=lambda i, value=value: (value(items[i]), i))
        ranks[key] = {i: rank for rank, i in enumerate(order, start=1)}
    styles = [";".join(f"--k-{key}:{ranks[key][i]}" for key, _ in keys) for i in range(len(items))]
    return sorts, styles
