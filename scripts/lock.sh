#!/usr/bin/env bash
# Re-pin constraints.txt (what `make run`, `make test` and the Dockerfile install with): resolve
# the runtime and dev sets in a fresh venv and freeze the result. Run after changing the
# dependencies in pyproject.toml; `LOCK_FROM=.venv` keeps the versions that venv has (the ones
# the suite last passed with) wherever they still fit.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m venv "$tmp/venv"
keep=()
if [ -n "${LOCK_FROM:-}" ]; then
  "$LOCK_FROM/bin/python" -m pip freeze --exclude-editable | grep -v '^-e ' > "$tmp/keep.txt"
  keep=(-c "$tmp/keep.txt")
fi
"$tmp/venv/bin/python" -m pip install -q --disable-pip-version-check "${keep[@]}" -e '.[dev]'
{
  echo "# Pinned versions of everything \`make run\` (runtime) and \`make test\` (runtime + dev) install,"
  echo "# used as pip constraints (-c), so a constraint on a package an install does not need is ignored."
  echo "# Python 3.11, Linux. Regenerate with \`make lock\` (scripts/lock.sh) after changing pyproject.toml."
  "$tmp/venv/bin/python" -m pip freeze --exclude-editable --all | grep -v -E '^(-e |hub24365|pip==)' | LC_ALL=C sort -f
} > constraints.txt
echo "constraints.txt: $(grep -c '==' constraints.txt) pins"
