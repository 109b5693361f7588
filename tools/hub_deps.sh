#!/usr/bin/env bash
# What the JupyterHub course stage needs besides .venv (which has jupyterhub from
# requirements-dev.txt): configurable-http-proxy from the npm registry, cached in .cache/ (git
# ignores it). Prints nothing when it is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
CHP_VERSION=${CHP_VERSION:-5.3.0}
prefix=.cache/configurable-http-proxy/$CHP_VERSION
if [ ! -x "$prefix/node_modules/.bin/configurable-http-proxy" ]; then
  command -v npm >/dev/null || { echo "error: the hub stage needs node and npm: apt-get install nodejs npm" >&2; exit 2; }
  echo "== installing configurable-http-proxy $CHP_VERSION from the npm registry into $prefix"
  mkdir -p "$prefix"
  npm install --silent --no-audit --no-fund --prefix "$prefix" "configurable-http-proxy@$CHP_VERSION" >/dev/null
fi
