#!/usr/bin/env bash
# tools/ft_test_deps.sh PIP_PYTHON TARGET
# Install requirements-ft.txt (pure-Python test tools) into TARGET with PIP_PYTHON's pip, for
# the free-threaded build to use through PYTHONPATH. Not a venv: in a venv of the build made
# from Debian's source, site.py looks for lib/python3.13/site-packages while venv and pip use
# lib/python3.13t/site-packages, so nothing installed there can be imported.
set -euo pipefail
python=$1 target=$2
want=$(sha256sum requirements-ft.txt | cut -d' ' -f1)
[ "$(cat "$target/.installed" 2>/dev/null)" = "$want" ] && exit 0
rm -rf "$target"
"$python" -m pip install --quiet --target "$target" --only-binary=:all: -r requirements-ft.txt 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
echo "$want" > "$target/.installed"
echo "== $target ready"
