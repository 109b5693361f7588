#!/usr/bin/env bash
# Re-vendor the JavaScript that pages with widgets load, from the npm registry, into
# book/_vendor/widgets/ (served as _static/widgets/). Run by hand when upgrading; the
# result is committed, so building the book never needs npm or a CDN.
set -euo pipefail
HTML_MANAGER=${HTML_MANAGER:-1.0.15}   # @jupyter-widgets/html-manager for ipywidgets 8.1
REQUIREJS=${REQUIREJS:-2.3.8}
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "@jupyter-widgets/html-manager@$HTML_MANAGER" "requirejs@$REQUIREJS" >/dev/null
mkdir hm rq
tar xzf jupyter-widgets-html-manager-*.tgz -C hm
tar xzf requirejs-*.tgz -C rq
out="$here/book/_vendor/widgets"
# assets-path.js is ours (it points the manager at its fonts): keep it.
find "$out" -type f ! -name assets-path.js -delete 2>/dev/null || true
mkdir -p "$out"
cp hm/package/dist/embed-amd.js "$out/"
# Icon fonts that embed-amd.js loads relative to its own URL.
find hm/package/dist -maxdepth 1 -regex '.*\.\(woff2\|woff\|ttf\|eot\|svg\)' -exec cp {} "$out/" \;
cp hm/package/dist/embed.js.LICENSE.txt "$out/THIRD-PARTY-NOTICES-html-manager.txt"
cp rq/package/require.js "$out/require.js"
echo "vendored html-manager $HTML_MANAGER and requirejs $REQUIREJS into $out"
