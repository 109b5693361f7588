#!/usr/bin/env bash
# Build CPython 3.13 twice from Debian's python3.13 source package: once free-threaded
# (--disable-gil) and once with the GIL, with otherwise identical configure flags, so the
# GIL chapter compares like with like.
#
#   tools/build_python_ft.sh [CACHE_DIR]      (default: .cache/cpython, which git ignores)
#
# Results:
#   CACHE_DIR/ft/bin/python3.13t      the free-threaded build
#   CACHE_DIR/gil/bin/python3.13      its GIL twin
#   CACHE_DIR/SOURCE                  the exact Debian source version both came from
#
# Idempotent: a finished build (stamp file present) is not rebuilt. The system's apt
# configuration is untouched: trixie's deb-src is read through a private sources list whose
# package lists live in CACHE_DIR/apt. Pin a version with PYTHON_FT_SOURCE_VERSION=3.13.5-2+deb13u5.
# Build dependencies come from the machine's own Debian (apt-get install) when missing.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CACHE="${1:-$ROOT/.cache/cpython}"
mkdir -p "$CACHE"
CACHE="$(cd "$CACHE" && pwd)"
SUITE="${PYTHON_FT_SUITE:-trixie}"
KEYRING="/usr/share/keyrings/debian-archive-$SUITE-stable.gpg"
JOBS="$(nproc 2>/dev/null || echo 2)"
# Everything except --disable-gil is shared by the two builds. No PGO or LTO: they would
# triple the build time, and the comparison only needs the two builds to be alike.
COMMON_FLAGS=(--with-ensurepip=no)

say() { printf 'python-ft: %s\n' "$*"; }
die() { printf 'python-ft: error: %s\n' "$*" >&2; exit 1; }

built() { [ -f "$CACHE/$1/.built" ] && [ -x "$CACHE/$1/bin/$2" ]; }

if built ft python3.13t && built gil python3.13; then
    say "already built from Debian source $(cat "$CACHE/SOURCE"):"
    say "  free-threaded: $CACHE/ft/bin/python3.13t"
    say "  GIL twin:      $CACHE/gil/bin/python3.13"
    exit 0
fi

# --- build dependencies -------------------------------------------------------------------
BUILD_DEPS=(build-essential pkg-config dpkg-dev libffi-dev zlib1g-dev libssl-dev libbz2-dev
            liblzma-dev libsqlite3-dev libreadline-dev libncurses-dev uuid-dev libexpat1-dev
            debian-archive-keyring)
command -v apt-get >/dev/null || die "this builds from Debian's source package and needs apt-get (Debian or Ubuntu).
Elsewhere, install a free-threaded CPython 3.13 or 3.14 (python3.13t / python3.14t) and set
INTERNALS_LAB_PYTHON_FT=/path/to/python3.13t."
missing=()
for pkg in "${BUILD_DEPS[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
    [ "$(id -u)" = 0 ] || die "missing build dependencies: ${missing[*]} (run as root, or: sudo apt-get install ${missing[*]})"
    say "installing build dependencies from Debian: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
[ -f "$KEYRING" ] || die "no signing key for $SUITE at $KEYRING (update debian-archive-keyring)"

# --- the source package, through a private apt configuration ------------------------------
APT="$CACHE/apt"
mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial"
echo "deb-src [signed-by=$KEYRING] http://deb.debian.org/debian $SUITE main" > "$APT/sources.list"
APT_OPTS=(-o "Dir::Etc::SourceList=$APT/sources.list" -o "Dir::Etc::SourceParts=/dev/null"
          -o "Dir::State::Lists=$APT/lists" -o "Dir::Cache=$APT/cache" -o "Debug::NoLocking=1"
          -o "APT::Sandbox::User=root")
SRC="$CACHE/src"
tree_of() { echo "$SRC/python3.13-${1%%-*}"; }  # 3.13.5-2+deb13u5 -> python3.13-3.13.5
if [ ! -f "$CACHE/SOURCE" ] || [ ! -x "$(tree_of "$(cat "$CACHE/SOURCE")")/configure" ]; then
    say "fetching python3.13 source from Debian $SUITE"
    apt-get "${APT_OPTS[@]}" -qq update
    want="python3.13${PYTHON_FT_SOURCE_VERSION:+=$PYTHON_FT_SOURCE_VERSION}"
    rm -rf "$SRC" && mkdir -p "$SRC"
    (cd "$SRC" && apt-get "${APT_OPTS[@]}" -qq source "$want" >/dev/null 2>"$SRC/apt-source.log") \
        || { cat "$SRC/apt-source.log" >&2; die "apt-get source $want failed"; }
    dsc="$(ls "$SRC"/python3.13_*.dsc | head -n1)"
    basename "$dsc" .dsc | sed 's/^python3.13_//' > "$CACHE/SOURCE"
fi
VERSION="$(cat "$CACHE/SOURCE")"
TREE="$(tree_of "$VERSION")"
[ -x "$TREE/configure" ] || die "unpacked source not found at $TREE"
say "Debian source python3.13 $VERSION in $TREE"

# --- two out-of-tree builds from the one tree ---------------------------------------------
build() {  # name, extra configure flag (or empty)
    local name="$1" extra="$2" dir="$CACHE/build-$1" prefix="$CACHE/$1"
    rm -rf "$dir" "$prefix" && mkdir -p "$dir"
    say "building $name ($extra${extra:+ }${COMMON_FLAGS[*]}) with $JOBS jobs; log: $dir/build.log"
    local start=$SECONDS
    (
        cd "$dir"
        "$TREE/configure" --prefix="$prefix" "${COMMON_FLAGS[@]}" $extra
        make -j"$JOBS"
        make install
    ) >"$dir/build.log" 2>&1 || { tail -n 30 "$dir/build.log" >&2; die "$name build failed (full log: $dir/build.log)"; }
    printf '%s\n' "$VERSION" "$extra ${COMMON_FLAGS[*]}" > "$prefix/.built"
    say "built $name in $((SECONDS - start)) s"
}
built ft python3.13t || build ft --disable-gil
built gil python3.13 || build gil ""
# The build trees are only needed while building; the installs are what the lab uses.
rm -rf "$CACHE/build-ft" "$CACHE/build-gil"
say "free-threaded: $CACHE/ft/bin/python3.13t"
say "GIL twin:      $CACHE/gil/bin/python3.13"
