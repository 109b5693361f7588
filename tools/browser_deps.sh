#!/usr/bin/env bash
# What the browser suite needs besides .venv: Debian's chromium (never a browser download)
# and axe-core from the npm registry, cached in .cache/ (git ignores it).
set -euo pipefail
cd "$(dirname "$0")/.."
AXE_VERSION=${AXE_VERSION:-4.14.1}
if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "== installing Debian's chromium"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "error: the browser tests need Debian's chromium: sudo apt-get install chromium" >&2
    exit 2
  fi
fi
axe=.cache/axe-core/$AXE_VERSION/axe.min.js
if [ ! -f "$axe" ]; then
  echo "== fetching axe-core $AXE_VERSION from the npm registry"
  work=$(mktemp -d)
  (cd "$work" && npm pack --silent "axe-core@$AXE_VERSION" >/dev/null && tar xzf axe-core-*.tgz)
  mkdir -p "$(dirname "$axe")"
  cp "$work/package/axe.min.js" "$axe"
  rm -rf "$work"
fi
