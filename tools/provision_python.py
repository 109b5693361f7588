#!/usr/bin/env python3
"""Provide the CPython interpreters the book runs on, building the missing ones.

    python3 tools/provision_python.py 3.14 3.14t 3.15 3.15t    # what `make test` asks for
    python3 tools/provision_python.py 3.14                      # what `make book` asks for
    python3 tools/provision_python.py --list                     # what this machine has

For each name, an interpreter the machine already has is used (an INTERNALS_LAB_PYTHON_3_14
variable, an earlier build, python3.14 on PATH, pyenv, uv: see src/internals_lab/interpreters.py,
the one place that searches). Only a missing one is built, like this:

1. Resolve the newest upstream release whose files Debian's archive pool actually serves. The
   source indexes name versions the pool may not hold yet (a 404), so candidates are tried from
   the newest listed downwards until one is fetchable.
2. Verify the `.dsc` signature with gpgv against Debian's developer keyring (debian-keyring; the
   archive keyring does not hold uploaders' keys), then the upstream tarball against the SHA256
   the signed `.dsc` states.
3. Build it out of tree, without PGO or LTO, into
   $XDG_CACHE_HOME/internals-lab/cpython/<version>-<gil|ft>-<hash of the configure flags>
   (~/.cache when XDG_CACHE_HOME is unset): per machine, never in a clone. A GIL build and
   its free-threaded twin differ only in --disable-gil. A lock per build makes two
   concurrent runs wait for each other instead of building twice.

Exit status 0 when every requested interpreter is available, 1 otherwise, with one line per
problem that says what is missing and how to get it.
"""
from __future__ import annotations

import argparse
import contextlib
import fcntl
import hashlib
import importlib.util
import json
import lzma
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("_lab_interpreters", ROOT / "src/internals_lab/interpreters.py")
interpreters = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = interpreters   # dataclasses looks the module up by name
_spec.loader.exec_module(interpreters)

# Shared by a GIL build and its free-threaded twin. No PGO or LTO: they would triple the build
# time, and the comparisons only need the builds to be alike. Parallel byte-compilation of the
# standard library at install time saves about a minute on two cores.
COMMON_FLAGS = ("--with-ensurepip=install",)
SUITES = ("sid", "experimental", "forky", "trixie")   # source indexes that may list 3.14 / 3.15
DEVELOPER_KEYRING = Path("/usr/share/keyrings/debian-keyring.gpg")
BUILD_DEPS = ("build-essential", "pkg-config", "libffi-dev", "zlib1g-dev", "libssl-dev",
              "libbz2-dev", "liblzma-dev", "libsqlite3-dev", "libreadline-dev", "libncurses-dev",
              "uuid-dev", "libexpat1-dev", "libzstd-dev", "gpgv", "debian-keyring")


class ProvisionError(Exception):
    """A problem the reader can act on; printed as one message, never as a traceback."""


def say(message: str) -> None:
    print(f"python: {message}", flush=True)


# --- where Debian's archive is ----------------------------------------------------------------

def debian_mirror() -> str:
    """The Debian mirror this machine's apt already uses (the archive, not security or backports)."""
    override = os.environ.get("INTERNALS_LAB_DEBIAN_MIRROR")
    if override:
        return override.rstrip("/")
    texts = []
    for path in [Path("/etc/apt/sources.list"), *sorted(Path("/etc/apt/sources.list.d").glob("*"))]:
        if path.suffix in (".list", ".sources") or path.name == "sources.list":
            with contextlib.suppress(OSError):
                texts.append(path.read_text())
    for text in texts:
        for uri in re.findall(r"(?:^URIs:\s*|^deb(?:-src)?\s+(?:\[[^]]*\]\s+)?)(\S+)", text, re.M):
            if uri.rstrip("/").endswith("/debian"):
                return uri.rstrip("/")
    raise ProvisionError(
        "cannot find a Debian archive mirror in /etc/apt (this builds from Debian's archive). "
        "Set INTERNALS_LAB_DEBIAN_MIRROR to a Debian mirror URL, or install the interpreter "
        "yourself and point the INTERNALS_LAB_PYTHON_* variable at it.")


def fetch(url: str, timeout: float = 120) -> bytes | None:
    """The body at `url`, or None on 404 (the pool lagging its index). Other failures raise."""
    for attempt in range(3):
        try:
            with urllib.request.urlopen(url, timeout=timeout) as response:
                return response.read()
        except urllib.error.HTTPError as exc:
            if exc.code in (403, 404, 410):
                return None
            error = exc
        except (urllib.error.URLError, OSError) as exc:
            error = exc
        time.sleep(2 * (attempt + 1))
    raise ProvisionError(f"cannot download {url}: {error}")


# --- resolving a version the pool really has ---------------------------------------------------

def _debian_key(version: str) -> tuple:
    """Order Debian upstream versions: 3.15.0~rc1 < 3.15.0 < 3.15.1."""
    match = re.fullmatch(r"(\d+)\.(\d+)\.(\d+)(?:~(a|b|rc)(\d+))?", version)
    if not match:
        return (0,)
    major, minor, micro, tag, serial = match.groups()
    return (int(major), int(minor), int(micro), {"a": 0, "b": 1, "rc": 2, None: 3}[tag], int(serial or 0))


def listed_versions(mirror: str, minor: str, cache: Path) -> list[str]:
    """Upstream versions of python<minor> that Debian's source indexes list (any revision)."""
    found = set()
    for suite in SUITES:
        index = cache / "index" / f"Sources-{suite}.xz"
        index.parent.mkdir(parents=True, exist_ok=True)
        if not index.exists() or time.time() - index.stat().st_mtime > 86400:
            body = fetch(f"{mirror}/dists/{suite}/main/source/Sources.xz")
            if body is None:
                continue
            index.write_bytes(body)
        try:
            text = lzma.decompress(index.read_bytes()).decode("utf-8", "replace")
        except lzma.LZMAError:
            index.unlink()
            continue
        for stanza in text.split("\n\n"):
            if f"\nPackage: python{minor}\n" in "\n" + stanza + "\n" or stanza.startswith(f"Package: python{minor}\n"):
                match = re.search(r"^Version: (?:\d+:)?([^-\s]+)-", stanza, re.M)
                if match:
                    found.add(match.group(1))
    return sorted(found, key=_debian_key, reverse=True)


def candidates_below(newest: str) -> list[str]:
    """The newest listed version, then every older release of that series, newest first."""
    major, minor, micro, tag, serial = _debian_key(newest)
    finals = [f"{major}.{minor}.{m}" for m in range(micro, -1, -1) if m < micro or tag == 3]
    top_rc = serial if (micro == 0 and tag == 2) else 4
    previews = [f"{major}.{minor}.0~rc{n}" for n in range(top_rc, 0, -1)]
    if micro == 0 and tag < 2:
        previews = []
    previews += [f"{major}.{minor}.0~b{n}" for n in range(4, 0, -1)]
    return finals + previews


def resolve(minor: str, cache: Path, pinned: str | None) -> dict:
    """Fetch and verify the newest release of python<minor> that the pool serves."""
    mirror = debian_mirror()
    pool = f"{mirror}/pool/main/p/python{minor}"
    if pinned:
        tried = [pinned]
    else:
        listed = listed_versions(mirror, minor, cache)
        if not listed:
            raise ProvisionError(f"Debian's source indexes list no python{minor} package")
        tried = candidates_below(listed[0])
    for upstream in tried:
        for revision in ("1", "2", "3"):
            name = f"python{minor}_{upstream}-{revision}.dsc"
            dsc = fetch(f"{pool}/{name.replace('~', '%7E')}")
            if dsc is not None:
                return verify_and_download(minor, upstream, name, dsc, pool, cache)
    raise ProvisionError(f"none of python{minor} {', '.join(tried[:6])} ... is fetchable from "
                         f"Debian's pool with a signed .dsc; pin one with INTERNALS_LAB_DEBIAN_VERSION_{minor.replace('.', '_')}")


def verify_and_download(minor: str, upstream: str, dsc_name: str, dsc: bytes, pool: str, cache: Path) -> dict:
    src = cache / "src"
    src.mkdir(parents=True, exist_ok=True)
    dsc_path = src / dsc_name
    dsc_path.write_bytes(dsc)
    if not DEVELOPER_KEYRING.exists():
        raise ProvisionError(f"{DEVELOPER_KEYRING} is missing: apt-get install debian-keyring")
    if not shutil.which("gpgv"):
        raise ProvisionError("gpgv is missing: apt-get install gpgv")
    check = subprocess.run(["gpgv", "--keyring", str(DEVELOPER_KEYRING), str(dsc_path)],
                           capture_output=True, text=True)
    if check.returncode != 0:
        raise ProvisionError(f"the signature of {dsc_name} does not verify against Debian's "
                             f"developer keyring:\n{check.stderr.strip()}")
    signer = re.search(r'Good signature from "([^"]+)"', check.stderr)
    tarball = f"python{minor}_{upstream}.orig.tar.xz"
    match = re.search(rf"^ ([0-9a-f]{{64}}) (\d+) {re.escape(tarball)}$", dsc.decode(), re.M)
    if not match:
        raise ProvisionError(f"{dsc_name} states no SHA256 for {tarball}")
    sha256, size = match.group(1), int(match.group(2))
    tar_path = src / tarball
    if not tar_path.exists() or _sha256(tar_path) != sha256:
        say(f"downloading {tarball} ({size / 1e6:.0f} MB)")
        body = fetch(f"{pool}/{tarball.replace('~', '%7E')}", timeout=600)
        if body is None:
            raise ProvisionError(f"{tarball} is listed in the signed {dsc_name} but the pool has no such file")
        if hashlib.sha256(body).hexdigest() != sha256:
            raise ProvisionError(f"{tarball} does not match the SHA256 in the signed {dsc_name}")
        tmp = tar_path.with_suffix(".part")
        tmp.write_bytes(body)
        tmp.replace(tar_path)
    say(f"verified {dsc_name} (signed by {signer.group(1) if signer else 'a Debian developer'}) "
        f"and {tarball} (sha256 {sha256[:12]}...)")
    return {"minor": minor, "version": upstream.replace("~", ""), "debian_upstream": upstream, "debian_source": dsc_name[:-4],
            "tarball": str(tar_path), "sha256": sha256, "signed_by": signer.group(1) if signer else None}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --- building -------------------------------------------------------------------------------------

def ensure_build_deps() -> None:
    if not shutil.which("apt-get"):
        raise ProvisionError("building needs Debian's apt-get (Debian or Ubuntu). Elsewhere, install "
                             "the interpreter yourself and set the INTERNALS_LAB_PYTHON_* variable: "
                             "see README.md")
    missing = [pkg for pkg in BUILD_DEPS if subprocess.run(
        ["dpkg-query", "-W", "-f=${Status}", pkg], capture_output=True, text=True).stdout
        != "install ok installed"]
    if not missing:
        return
    if os.geteuid() != 0:
        raise ProvisionError(f"missing build dependencies; run: sudo apt-get install {' '.join(missing)}")
    say(f"installing build dependencies from Debian: {' '.join(missing)}")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for command in (["apt-get", "update", "-qq"],
                    ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing]):
        done = subprocess.run(command, capture_output=True, text=True, env=env)
        if done.returncode != 0:
            raise ProvisionError(f"{' '.join(command)} failed:\n{done.stderr.strip()[-2000:]}")


def flags_hash(flags: tuple) -> str:
    return hashlib.sha256(" ".join(flags).encode()).hexdigest()[:8]


@contextlib.contextmanager
def locked(path: Path):
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            say(f"waiting for another build holding {path.name}")
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def build(feature: str, cache: Path) -> Path:
    (major, minor), free_threaded = interpreters.parse_feature(feature)
    series = f"{major}.{minor}"
    variant = "ft" if free_threaded else "gil"
    flags = COMMON_FLAGS + (("--disable-gil",) if free_threaded else ())
    with locked(cache / f"python{series}.lock"):
        # A twin is built from the version its other half already has, so the two stay twins.
        pinned = os.environ.get(f"INTERNALS_LAB_DEBIAN_VERSION_{series.replace('.', '_')}")
        if not pinned:
            for other in interpreters.cached_builds(f"{series}{'' if free_threaded else 't'}"):
                manifest = json.loads((other.parent.parent / "BUILD.json").read_text())
                pinned = manifest["debian_upstream"]
                say(f"building {feature} from {pinned}, the version of its existing twin")
                break
        ensure_build_deps()   # gpgv and the developer keyring come with them
        source = resolve(series, cache, pinned)
    key = f"{source['version']}-{variant}-{flags_hash(COMMON_FLAGS)}"
    prefix = cache / key
    exe = prefix / "bin" / f"python{series}{'t' if free_threaded else ''}"
    with locked(cache / f"{key}.lock"):
        if (prefix / "BUILD.json").is_file() and exe.exists():
            return exe
        work = cache / f"build-{key}"
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(prefix, ignore_errors=True)
        work.mkdir(parents=True)
        log = work / "build.log"
        jobs = str(os.cpu_count() or 2)
        say(f"building CPython {feature} {source['version']} ({' '.join(flags)}) with {jobs} jobs; log: {log}")
        start = time.monotonic()
        with tarfile.open(source["tarball"]) as tar:
            top = tar.getnames()[0].split("/")[0]
            tar.extractall(work, filter="data") if hasattr(tarfile, "data_filter") else tar.extractall(work)
        tree = work / top
        objdir = work / "build"
        objdir.mkdir()
        steps = [[str(tree / "configure"), f"--prefix={prefix}", *flags],
                 ["make", f"-j{jobs}"],
                 ["make", "install", f"COMPILEALL_OPTS=-j{jobs}"]]
        with log.open("w") as out:
            for step in steps:
                done = subprocess.run(step, cwd=objdir, stdout=out, stderr=subprocess.STDOUT)
                if done.returncode != 0:
                    tail = log.read_text(errors="replace").splitlines()[-30:]
                    raise ProvisionError(f"building {feature} failed at `{' '.join(step[:2])}`; last lines "
                                         f"of {log}:\n" + "\n".join(tail))
        seconds = round(time.monotonic() - start)
        (prefix / "BUILD.json").write_text(json.dumps({
            "feature": feature, "version": source["version"], "debian_upstream": source["debian_upstream"],
            "debian_source": source["debian_source"], "sha256": source["sha256"],
            "signed_by": source["signed_by"], "configure": list(flags), "common_flags": list(COMMON_FLAGS),
            "compiler": _compiler(), "build_seconds": seconds, "built": time.strftime("%Y-%m-%d"),
        }, indent=2) + "\n")
        shutil.rmtree(work, ignore_errors=True)
        say(f"built {feature} {source['version']} in {seconds // 60} min {seconds % 60} s: {exe}")
        return exe


def _compiler() -> str:
    done = subprocess.run(["cc", "--version"], capture_output=True, text=True)
    return (done.stdout.splitlines() or ["unknown"])[0]


# --- the command --------------------------------------------------------------------------------

def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("features", nargs="*", help="interpreters to provide, e.g. 3.14 3.14t 3.15 3.15t")
    parser.add_argument("--list", action="store_true", help="show what this machine has, build nothing")
    parser.add_argument("--path", metavar="NAME", help="print the executable for NAME (e.g. 3.14t), build nothing; exit 1 if none")
    parser.add_argument("--optional", action="append", default=[],
                        help="provide if possible; a failure is a warning (repeatable)")
    args = parser.parse_args(argv)
    cache = interpreters.cache_root()
    if args.path:
        try:
            found = interpreters.find(args.path)
        except ValueError as exc:
            print(f"python: error: {exc}", file=sys.stderr)
            return 2
        if found is None:
            print(f"python: {interpreters.how_to_get(args.path)}", file=sys.stderr)
            return 1
        print(found.executable)
        return 0
    if args.list:
        for feature, found in interpreters.find_all().items():
            print(f"{feature:6} {found.label + '  ' + found.executable + '  (' + found.origin + ')' if found else 'missing'}")
        return 0
    failures = []
    wanted = [(f, True) for f in args.features] + [(f, False) for f in args.optional]
    for feature, required in wanted:
        try:
            interpreters.parse_feature(feature)
            found = interpreters.find(feature)
            if found is not None:
                say(f"{feature}: {found.label} at {found.executable} ({found.origin})")
                continue
            exe = build(feature, cache)
            interpreters._find.cache_clear()
            found = interpreters.describe(str(exe), "built here (make python)")
            say(f"{feature}: {found.label} at {found.executable}")
        except (ProvisionError, ValueError) as exc:
            message = f"{feature}: {exc}\n{interpreters.how_to_get(feature)}" if isinstance(exc, ProvisionError) else str(exc)
            print(f"python: {'error' if required else 'warning'}: {message}", file=sys.stderr, flush=True)
            if required:
                failures.append(feature)
    if failures:
        print(f"python: missing: {' '.join(failures)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        print("python: interrupted; a half-finished build is redone next time", file=sys.stderr)
        sys.exit(130)
    except OSError as exc:
        print(f"python: error: {exc}", file=sys.stderr)
        sys.exit(1)
