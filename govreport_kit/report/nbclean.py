"""A git ``clean`` filter for report notebooks: what git stores never holds outputs or an
analyst's parameter values, whatever was saved in the Lab.

``make install`` registers it for ``*.ipynb`` (see ``.gitattributes``)::

    git config filter.govreport-notebook.clean "<venv>/bin/python -m govreport_kit.report.nbclean"

It reads a notebook on stdin and writes the cleaned notebook on stdout: no outputs, no
execution counts, cell metadata reduced to ``tags``, notebook metadata reduced to the kernel
spec, papermill's injected-parameters cell dropped, and the ``parameters`` cell of a report
notebook reset to :data:`PARAMETERS_SOURCE` (the defaults, which render the built-in sample). Like nbstripout, but
parameter values are reset too. Input that is not a notebook passes through unchanged, so a
broken file is never lost.
"""

from __future__ import annotations

import json
import re
import sys

#: The report notebook's ``parameters`` cell as committed (tests check the shipped notebook has it).
PARAMETERS_SOURCE = (
    'agency_code = "xishan-edu"  # 机构代码：params/ 下的文件夹名\n'
    "year = 2023  # 报告年度\n"
    'params_path = ""  # 参数文件；留空时用 params/<agency_code>/<year>.yaml\n'
    'audience = "review"  # review：附检查结果；publish：发布版，有错误时拒绝生成\n'
    'precomputed = ""  # govreport run 预先算好的检查结果（JSON）；留空时在这里检查'
)
KEPT_NOTEBOOK_METADATA = ("kernelspec",)


def clean_notebook(nb: dict) -> dict:
    """The notebook as git should store it (a new dict; ``nb`` is a parsed .ipynb, nbformat 4)."""
    cells = []
    for cell in nb.get("cells", []):
        tags = list((cell.get("metadata") or {}).get("tags", []))
        if "injected-parameters" in tags:
            continue
        out = {k: v for k, v in cell.items() if k not in ("outputs", "execution_count", "metadata", "attachments")}
        out["metadata"] = {"tags": tags} if tags else {}
        if cell.get("cell_type") == "code":
            out["execution_count"] = None
            out["outputs"] = []
        if "parameters" in tags and _is_report_parameters(cell.get("source", "")):
            out["source"] = PARAMETERS_SOURCE
        cells.append(out)
    meta = {k: v for k, v in (nb.get("metadata") or {}).items() if k in KEPT_NOTEBOOK_METADATA}
    meta["language_info"] = {"name": "python"}
    return {**nb, "cells": cells, "metadata": meta}


def _is_report_parameters(source) -> bool:
    """A report notebook's parameters cell (other notebooks keep theirs; only outputs go)."""
    text = "".join(source) if isinstance(source, list) else str(source)
    return all(re.search(rf"^{name}\s*=", text, flags=re.M) for name in ("agency_code", "year", "precomputed"))


def clean_text(text: str) -> str:
    """``text`` cleaned, in nbformat's layout (one-space indent, sorted keys, lines as lists)."""
    try:
        nb = json.loads(text)
    except ValueError:
        return text
    if not isinstance(nb, dict) or nb.get("nbformat") != 4:
        return text
    import nbformat

    return nbformat.writes(nbformat.from_dict(clean_notebook(nb)), version=4) + "\n"


def main() -> int:
    data = sys.stdin.buffer.read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        sys.stdout.buffer.write(data)
        return 0
    sys.stdout.buffer.write(clean_text(text).encode("utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
