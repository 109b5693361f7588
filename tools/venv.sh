#!/usr/bin/env bash
# tools/venv.sh VERSION DIR REQUIREMENTS [CONSTRAINTS]
# Create DIR as a virtual environment of CPython VERSION (e.g. 3.13) and install REQUIREMENTS
# (under CONSTRAINTS when given). Reinstalls only when the requirement files changed: a stamp
# in DIR holds their checksum. With OPTIONAL=1, a missing interpreter is a notice, exit 3.
set -euo pipefail
version=$1 dir=$2 reqs=$3 constraints=${4:-}

find_python() {
  local candidate
  for candidate in "${PYTHON_REF:-}" "python$version" "$(pyenv root 2>/dev/null)/versions/$version"*/bin/python3; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
       [ "$("$candidate" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)" = "$version" ]; then
      command -v "$candidate"; return 0
    fi
  done
  # pyenv resolves .python-version ("3.13") to the newest installed 3.13.x
  if command -v pyenv >/dev/null 2>&1; then
    candidate=$(PYENV_VERSION=$version pyenv which python 2>/dev/null || true)
    if [ -n "$candidate" ] && [ "$("$candidate" -c 'import sys; print("%d.%d" % sys.version_info[:2])')" = "$version" ]; then
      echo "$candidate"; return 0
    fi
  fi
  return 1
}

if ! python=$(find_python); then
  if [ "${OPTIONAL:-0}" = 1 ]; then
    echo "notice: no CPython $version interpreter found; skipping what needs it" >&2
    exit 3
  fi
  cat >&2 <<MSG
error: this needs CPython $version, and none was found.
  Looked for: \$PYTHON_REF, python$version on PATH, and pyenv's $version.x.
  Get one with pyenv (pyenv install $version), your system's package manager
  (e.g. apt install python$version python$version-venv), or python.org; or point
  PYTHON_REF at an interpreter: make book PYTHON_REF=/path/to/python$version
MSG
  exit 2
fi

stamp_files=("$reqs" pyproject.toml)
[ -n "$constraints" ] && stamp_files+=("$constraints")
for f in requirements*.txt; do stamp_files+=("$f"); done
want=$( { "$python" -c 'import sys; print(sys.version)'; cat "${stamp_files[@]}"; } | sha256sum | cut -d' ' -f1)
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
