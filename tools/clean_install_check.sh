#!/usr/bin/env bash
# CI: install the package the way a stranger would -- `pip install .` (not editable) from
# pyproject.toml alone, into a clean venv -- and run `govreport check` and `govreport run` in a
# folder holding only a copy of params/. Catches an import that pyproject.toml does not declare,
# and a file (notebook, template) that the package does not ship.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Only the files git tracks (or would track): no stale build/ directory, no .venv.
mkdir "$tmp/src"
git ls-files -co --exclude-standard -z | tar --null -T - -cf - | tar -xf - -C "$tmp/src"
python3 -m venv "$tmp/venv"
"$tmp/venv/bin/python" -m pip install -q --upgrade pip
"$tmp/venv/bin/python" -m pip install -q "$tmp/src" 2>&1 | grep -v "^WARNING: Location" || true
"$tmp/venv/bin/python" -c "import govreport_kit" # the install above must have worked

mkdir "$tmp/project"
cp -r "$repo/params" "$tmp/project/params"
cd "$tmp/project"
"$tmp/venv/bin/govreport" check
"$tmp/venv/bin/govreport" run
test -s outputs/xishan-edu/2023/report.html
echo "clean install: ok (govreport check and run from a non-editable install)"
