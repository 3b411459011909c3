"""``params/regions.yaml``: a tree of regions, validated as strictly as params files.

::

    city:
      name: 某某市
      members: [city-office, city-edu, district-a]   # agency codes or other region codes
    district-a:
      name: 某某区
      members: [district-a-office, district-a-health]
      own: district-a-all        # optional: the region's own consolidated report (本级)

A member is a region when it is a key of the file, otherwise an agency code. Refused, with the
line: unknown keys, a region code or member that is not a valid code, a member listed twice in
one tree, a cycle, a region code that is also an agency folder. An agency code without a folder
under ``params/`` is allowed (the agency has not started yet: 未建立) but named, with the nearest
existing folder when it looks like a typo. Without the file, every agency folder forms one
region ``all`` (全部机构).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

from govreport_kit.core.agency import agency_code_problem
from govreport_kit.core.errors import Location, ParamsError
from govreport_kit.inputs import strict_yaml
from govreport_kit.inputs.encoding import display_path, read_text

REGIONS_FILE = "regions.yaml"
ALL = "all"
ALL_NAME = "全部机构"
MAX_DEPTH = 32
REGION_KEYS = ["name", "members", "own"]


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    members: tuple[str, ...]  # agency or region codes, as written
    own: str | None = None  # the agency code of the region's own consolidated report (本级), if it publishes one


@dataclass
class Regions:
    """The regions of a project and the agency folders found under ``params/``."""

    regions: dict[str, Region]
    known_agencies: frozenset[str]
    notes: list[str] = field(default_factory=list)

    def get(self, code: str | None) -> Region:
        if code is None:
            roots = self.roots()
            return self.regions[roots[0]]
        if code not in self.regions:
            near = difflib.get_close_matches(code, list(self.regions), n=1)
            raise ParamsError(
                f"没有名为“{code}”的地区",
                Location(file=REGIONS_FILE),
                f"可用：{'、'.join(self.regions)}" + (f"；是否是“{near[0]}”？" if near else ""),
            )
        return self.regions[code]

    def roots(self) -> list[str]:
        """Regions that are no other region's member, in file order."""
        inner = {m for r in self.regions.values() for m in r.members if m in self.regions}
        return [c for c in self.regions if c not in inner]

    def agencies(self, code: str | None = None) -> list[str]:
        """Every agency below a region, depth first in the order written."""
        out: list[str] = []
        self._walk(self.get(code).code, out, 0)
        return out

    def _walk(self, code: str, out: list[str], depth: int) -> None:
        for m in self.regions[code].members:
            if m in self.regions:
                self._walk(m, out, depth + 1)
            else:
                out.append(m)

    def path_of(self, agency: str, code: str | None = None) -> list[str]:
        """The region codes from ``code`` down to the one listing ``agency`` (for display)."""

        def walk(c: str, trail: list[str]) -> list[str] | None:
            for m in self.regions[c].members:
                if m == agency:
                    return trail + [c]
                if m in self.regions:
                    found = walk(m, trail + [c])
                    if found:
                        return found
            return None

        return walk(self.get(code).code, []) or []

    def children(self, code: str) -> list[str]:
        return [m for m in self.regions[code].members if m in self.regions]


def agency_folders(params_dir: Path) -> frozenset[str]:
    """Agency codes that have a folder under ``params/`` (folders whose name is a valid code)."""
    if not params_dir.is_dir():
        return frozenset()
    return frozenset(p.name for p in params_dir.iterdir() if p.is_dir() and agency_code_problem(p.name) is None)


def load_regions(params_dir: str | Path) -> Regions:
    """The project's regions (``params/regions.yaml``), or one region of every agency folder."""
    params_dir = Path(params_dir)
    known = agency_folders(params_dir)
    path = params_dir / REGIONS_FILE
    if not path.is_file():
        return Regions({ALL: Region(ALL, ALL_NAME, tuple(sorted(known)))}, known)
    name = display_path(path)
    try:
        doc = strict_yaml.load(read_text(path))
    except strict_yaml.YamlProblem as e:
        raise ParamsError(e.what, Location(file=name, line=e.line, key=e.key), e.fix) from None
    return validate_regions(doc.data, known, name, doc.line)


def validate_regions(data, known: frozenset[str], name: str = REGIONS_FILE, line=lambda key: None) -> Regions:
    def fail(what: str, key: str | None, fix: str | None = None):
        raise ParamsError(what, Location(file=name, line=line(key) if key else None, key=key), fix)

    if not isinstance(data, dict) or not data:
        fail("地区文件应是“地区代码: {name: 名称, members: [成员…]}”的映射", None, "参见 docs/office.md 的示例")
    regions: dict[str, Region] = {}
    for code, body in data.items():
        problem = agency_code_problem(code)
        if problem:
            fail(f"地区代码有误：{problem}", str(code))
        if code in known:
            fail(f"地区代码“{code}”与机构文件夹 params/{code}/ 同名", code, "请给地区另起一个代码")
        if not isinstance(body, dict):
            fail(f"地区“{code}”应是包含 name 和 members 的映射", code)
        extra = sorted(set(body) - set(REGION_KEYS))
        if extra:
            near = difflib.get_close_matches(extra[0], REGION_KEYS, n=1)
            fail(
                f"未知的键“{extra[0]}”",
                f"{code}.{extra[0]}",
                "可用的键：" + "、".join(REGION_KEYS) + (f"；是否是“{near[0]}”？" if near else ""),
            )
        rname, members = body.get("name"), body.get("members")
        if not isinstance(rname, str) or not rname.strip():
            fail(f"地区“{code}”缺少名称", f"{code}.name", "写上地区名称，例如 name: 某某区")
        if not isinstance(members, list) or not members:
            fail(f"地区“{code}”缺少成员列表", f"{code}.members", "例如 members: [机构代码1, 机构代码2]")
        for i, m in enumerate(members):
            problem = agency_code_problem(m)
            if problem:
                fail(f"地区“{code}”的第 {i + 1} 个成员有误：{problem}", f"{code}.members")
        own = body.get("own")
        if own is not None and (agency_code_problem(own) or own in members):
            fail(
                f"地区“{code}”的 own 应是本级汇总报告的机构代码，且不在成员之中",
                f"{code}.own",
                "例如 own: district-a-all（该机构的报告应等于各成员之和）",
            )
        regions[code] = Region(code, rname.strip(), tuple(members), own)
    _check_tree(regions, fail)
    notes, absent = [], []
    for r in regions.values():
        for m in r.members:
            if m not in regions and m not in known:
                near = difflib.get_close_matches(m, sorted(known), n=1, cutoff=0.9)
                if near:
                    notes.append(f"地区“{r.code}”的成员“{m}”在 params/ 下没有文件夹；是否是“{near[0]}”？")
                else:
                    absent.append(m)
    if absent:
        shown = "、".join(absent[:10]) + ("……" if len(absent) > 10 else "")
        notes.append(f"{len(absent)} 个成员在 params/ 下还没有文件夹（状态为“未建立”）：{shown}")
    return Regions(regions, known, notes)


def _check_tree(regions: dict[str, Region], fail) -> None:
    """No cycles; within each root's tree every agency and region appears once."""

    def visit(code: str, trail: tuple[str, ...], seen: dict[str, str]) -> None:
        if code in trail:
            cycle = " → ".join((*trail[trail.index(code) :], code))
            fail(f"地区之间有循环：{cycle}", code, "一个地区不能（直接或间接）包含它自己")
        if len(trail) > MAX_DEPTH:
            fail(f"地区层级超过 {MAX_DEPTH} 层", code)
        for m in regions[code].members:
            if m in seen:
                fail(
                    f"“{m}”在同一棵地区树中出现了两次（在“{seen[m]}”和“{code}”中）",
                    f"{code}.members",
                    "每个机构（或地区）在一棵树中只能出现一次",
                )
            seen[m] = code
            if m in regions:
                visit(m, (*trail, code), seen)

    inner = {m for r in regions.values() for m in r.members if m in regions}
    roots = [c for c in regions if c not in inner]
    if not roots:
        visit(next(iter(regions)), (), {})  # everything is inside something: a cycle
    for root in roots:
        visit(root, (), {})
