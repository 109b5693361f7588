#!/usr/bin/env bash
# tools/venv.sh NAME DIR REQUIREMENTS [CONSTRAINTS]
# Create DIR as a virtual environment of the interpreter NAME ("3.14", "3.14t", "3.11", ...) and
# install REQUIREMENTS (under CONSTRAINTS when given). The interpreter is whatever
# src/internals_lab/interpreters.py finds (INTERNALS_LAB_PYTHON_3_14 and friends, the machine's
# build cache, PATH, pyenv, uv); `make python` builds the missing ones. Reinstalls only when the
# requirement files or the interpreter changed: a stamp in DIR holds their checksum. With
# OPTIONAL=1, a missing interpreter is a notice, exit 3.
set -euo pipefail
name=$1 dir=$2 reqs=$3 constraints=${4:-}
here="$(cd "$(dirname "$0")" && pwd)"
# Any Python 3.8+ can run the finder; outside pyenv's shims, which fail for a .python-version
# that pyenv lacks.
boot=$(PYENV_VERSION=system command -v python3 2>/dev/null || true)
for candidate in /usr/bin/python3 /usr/local/bin/python3 "$boot"; do
  [ -n "$candidate" ] && [ -x "$candidate" ] && { boot=$candidate; break; }
done
[ -n "$boot" ] || { echo "error: no python3 at all on this machine; install one (apt install python3)" >&2; exit 2; }

if [ -n "${PYTHON_REF:-}" ] && [ "$name" = "${PY_REF_NAME:-3.14}" ]; then
  python=$PYTHON_REF
elif ! python=$(PYENV_VERSION=system "$boot" "$here/provision_python.py" --path "$name" 2>/tmp/venv-find.$$); then
  if [ "${OPTIONAL:-0}" = 1 ]; then
    echo "notice: no CPython $name interpreter found; skipping what needs it" >&2
    rm -f /tmp/venv-find.$$; exit 3
  fi
  cat /tmp/venv-find.$$ >&2; rm -f /tmp/venv-find.$$
  echo "error: this needs CPython $name. \`make python\` builds it; PYTHON_REF=/path/to/python points at one." >&2
  exit 2
fi
rm -f /tmp/venv-find.$$

stamp_files=("$reqs" pyproject.toml)
[ -n "$constraints" ] && stamp_files+=("$constraints")
for f in requirements*.txt; do stamp_files+=("$f"); done
want=$( { echo "$python"; "$python" -c 'import sys; print(sys.version)'; cat "${stamp_files[@]}"; } | sha256sum | cut -d' ' -f1)
if [ -x "$dir/bin/python" ] && [ "$(cat "$dir/.installed" 2>/dev/null)" = "$want" ]; then
  exit 0
fi
echo "== creating $dir with $python ($("$python" --version))"
rm -rf "$dir"
"$python" -m venv "$dir"
"$dir/bin/python" -m pip install --quiet --upgrade pip
args=(-r "$reqs")
[ -n "$constraints" ] && [ -f "$constraints" ] && args+=(-c "$constraints")
"$dir/bin/python" -m pip install --quiet "${args[@]}" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
echo "$want" > "$dir/.installed"
echo "== $dir ready"
