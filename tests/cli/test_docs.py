"""The docs are self-contained: no links out of the repository; README's workflow is Chinese first."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)#\s]+)")


def test_no_links_or_references_out_of_the_repository():
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        assert "../shared" not in text and "/work/" not in text, doc
        for target in LINK.findall(text):
            assert not re.match(r"[a-z]+:", target), f"{doc.name}: external link {target}"
            resolved = (doc.parent / target).resolve()
            assert resolved.is_relative_to(REPO), f"{doc.name}: link out of the repository {target}"


def test_readme_workflow_is_chinese_first():
    text = (REPO / "README.md").read_text(encoding="utf-8")
    workflow = text[text.index("## 日常工作") : text.index("\n## ", text.index("## 日常工作") + 1)]
    headings = re.findall(r"^#{2,3} (.+)$", workflow, flags=re.M)
    assert headings and all(
        re.search(r"[\u4e00-\u9fff]", h) and not re.search(r"[A-Za-z]{4,}", h.replace("JupyterLab", ""))
        for h in headings
    ), headings
    # the numbered sections 1-6 (sections added by other commands are checked by their own owners)
    numbered = "".join(part for part in re.split(r"(?m)^(?=### )", workflow) if re.match(r"### [1-6]\.", part))
    prose = [line for line in numbered.splitlines() if line and not line.startswith(("```", "govreport", "make", "#"))]
    chinese = [line for line in prose if re.search(r"[\u4e00-\u9fff]", line)]
    assert len(chinese) >= 0.9 * len(prose), [line for line in prose if line not in chinese]


PATH_IN_DOC = re.compile(r"`((?:govreport_kit|tests|bench|tools|docs|notebooks|requirements)/[\w./-]*)")


GENERATED = ("tests/output/",)  # written by the tests (screenshots, page images), not in git


def test_every_repository_path_named_in_the_docs_exists():
    missing = []
    for doc in DOCS:
        for path in PATH_IN_DOC.findall(doc.read_text(encoding="utf-8")):
            if path.startswith(GENERATED):
                continue
            if not (REPO / path.rstrip("/.")).exists():
                missing.append(f"{doc.name}: {path}")
    assert not missing, missing


def test_readme_layout_table_lists_every_package():
    text = (REPO / "README.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `govreport_kit/(\w+)/` \|", text, flags=re.M))
    packages = {p.name for p in (REPO / "govreport_kit").iterdir() if (p / "__init__.py").is_file()}
    assert listed == packages, (sorted(packages - listed), sorted(listed - packages))


DOTTED = re.compile(
    r"`(?:govreport_kit\.)?((?:core|inputs|checks|report|running|batch|audit|authoring|office|mail|cli)\.\w+)\.(\w+)"
)


def test_every_function_named_in_the_docs_is_where_they_say():
    import importlib

    wrong = []
    for doc in DOCS:
        for module, name in DOTTED.findall(doc.read_text(encoding="utf-8")):
            source = REPO / "govreport_kit" / (module.replace(".", "/") + ".py")
            if source.is_file() and not hasattr(importlib.import_module(f"govreport_kit.{module}"), name):
                wrong.append(f"{doc.name}: {module}.{name}")
    assert not wrong, wrong
