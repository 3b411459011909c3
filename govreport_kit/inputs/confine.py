"""Files a params file may name: inside its project, unless the project's settings allow more.

A params file names its data, narrative and previous-year files. Those are published (the
narrative word for word), so a path must not reach outside the project: ``narrative: /etc/passwd``,
``../../x.md`` and a symlink to a file elsewhere are refused. Paths are compared after resolving
every symlink and ``..``.

The project of a params file is the nearest folder above it that holds a ``params/`` folder (the
layout ``<project>/params/<agency>/<year>.yaml``), else the params file's own folder. The current
project (:func:`govreport_kit.core.paths.project_root`) is allowed as well.

The project's settings live in ``<project>/govreport.yaml`` (optional; strict YAML)::

    allow_paths_outside:        # folders a params file may also name files in
      - /srv/shared/govreport   # absolute, or relative to the project folder
      - ../common

Nothing else is read from that file yet; an unknown key is an error (so a typo is not silently
ignored). See docs/limits.md.
"""

from __future__ import annotations

import os
from pathlib import Path

from govreport_kit.core.errors import Location, ParamsError

SETTINGS_FILE = "govreport.yaml"
SETTINGS_KEYS = ("allow_paths_outside",)


def project_of(params_file: Path) -> Path:
    """The project folder a params file belongs to (see the module docstring)."""
    for folder in params_file.parents:
        if (folder / "params").is_dir() and params_file.is_relative_to(folder / "params"):
            return folder
    return params_file.parent


def settings_roots(project: Path) -> list[Path]:
    """The extra folders ``<project>/govreport.yaml`` allows (resolved); [] without the file."""
    from govreport_kit.inputs import strict_yaml
    from govreport_kit.inputs.encoding import display_path, read_text

    path = project / SETTINGS_FILE
    if not path.is_file():
        return []
    name = display_path(path)
    try:
        doc = strict_yaml.load(read_text(path, "params"))
    except strict_yaml.YamlProblem as e:
        raise ParamsError(e.what, Location(file=name, line=e.line, key=e.key), e.fix) from None
    data = doc.data or {}
    if not isinstance(data, dict):
        raise ParamsError("设置文件的最外层必须是“键: 值”形式", Location(file=name))
    for key in data:
        if key not in SETTINGS_KEYS:
            raise ParamsError(
                f"未知的设置“{key}”",
                Location(file=name, key=str(key), line=doc.line(str(key))),
                f"可用的设置：{', '.join(SETTINGS_KEYS)}",
            )
    folders = data.get("allow_paths_outside") or []
    if not isinstance(folders, list) or not all(isinstance(f, str) and f.strip() for f in folders):
        raise ParamsError(
            "allow_paths_outside 应为文件夹路径的列表",
            Location(file=name, key="allow_paths_outside"),
            "例如：\nallow_paths_outside:\n  - /srv/shared/govreport",
        )
    return [(project / f).resolve() for f in folders]


def allowed_roots(params_file: Path) -> list[Path]:
    from govreport_kit.core.paths import project_root

    project = project_of(params_file)
    roots = [project.resolve(), project_root().resolve(), *settings_roots(project)]
    return list(dict.fromkeys(roots))


def confine(target: Path, params_file: Path, key: str, written: str, file_name: str, line: int | None) -> Path:
    """``target`` resolved, or :class:`ParamsError` when it leads outside the allowed folders."""
    resolved = Path(os.path.realpath(target))
    roots = allowed_roots(params_file)
    if any(resolved.is_relative_to(r) for r in roots):
        return target
    via = "（通过符号链接）" if resolved != Path(os.path.abspath(target)) else ""
    raise ParamsError(
        f"键“{key}”的路径“{written}”指向项目文件夹之外{via}：{resolved}",
        Location(file=file_name, line=line, key=key),
        f"请把文件放进项目文件夹 {roots[0]}；确需使用外部文件夹时，在 {roots[0] / SETTINGS_FILE} 中写 "
        f"allow_paths_outside（见 docs/limits.md）",
    )
