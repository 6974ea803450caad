#!/usr/bin/env bash
# Re-runs the CPython reference programs and compares their output with the
# recorded .exp files that the TypeScript ports are checked against.
set -euo pipefail
cd "$(dirname "$0")"
py=python3.12
command -v "$py" >/dev/null || py="$HOME/.pyenv/versions/3.12.1/bin/python3"
status=0
for f in *.py; do
  [ "$f" = _cases.py ] && continue
  if PYENV_VERSION=3.12.1 "$py" "$f" | diff -u "${f%.py}.exp" -; then echo "$f: same as ${f%.py}.exp"; else status=1; fi
done
exit $status
