"""The one place that knows which CPython interpreters this machine has, and what each one is.

Every lab that runs code on another interpreter asks here (version tables, the GIL chapter's
twins, the coroutine frames across versions), and so does `tools/provision_python.py`, which
builds the missing ones. The module uses the standard library only and imports nothing else
of the package, so the provisioning tool can load it by path before any venv exists.

A *feature* names what a lab wants: "3.14" is a GIL build of CPython 3.14, "3.14t" its
free-threaded build. For each feature the search order is:

1. an environment variable, e.g. INTERNALS_LAB_PYTHON_3_14T=/path/to/python3.14t;
2. the kernel itself, when it is that feature;
3. the machine's build cache, `$XDG_CACHE_HOME/internals-lab/cpython/<version>-<variant>-<flags>`
   (`~/.cache` when XDG_CACHE_HOME is unset), newest version first;
4. `python3.14` / `python3.14t` on PATH, pyenv's versions, and uv's managed Pythons.

Every candidate is asked about itself in a subprocess, so a wrong path, or a GIL build named
as free-threaded, is reported, not trusted.
"""
from __future__ import annotations

import functools
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Tuple

__all__ = [
    "REFERENCE", "NEWEST", "FEATURES", "Interpreter", "cache_root", "current", "describe",
    "find", "find_all", "twin_of", "how_to_get", "parse_feature", "env_var_for",
]

REFERENCE = "3.14"      # the book's stored outputs come from this one
NEWEST = "3.15"
# The order a version table shows them in. 3.13t is history (specialization was compiled out).
FEATURES = ("3.11", "3.12", "3.13", "3.14", "3.15", "3.13t", "3.14t", "3.15t")

_PROBE = (
    "import json, sys, sysconfig;"
    "print(json.dumps({'version': list(sys.version_info[:5]),"
    "'free_threaded': bool(sysconfig.get_config_var('Py_GIL_DISABLED')),"
    "'gil_enabled': getattr(sys, '_is_gil_enabled', lambda: True)(),"
    "'config_args': sysconfig.get_config_var('CONFIG_ARGS') or ''}))"
)


@dataclass(frozen=True)
class Interpreter:
    executable: str
    version_info: Tuple[int, int, int, str, int]   # as sys.version_info
    free_threaded: bool        # built with --disable-gil
    gil_enabled: bool          # at start-up, with a clean environment
    origin: str                # how it was found
    config_args: str = ""      # ./configure's arguments, as sysconfig reports them
    build: Optional[dict] = field(default=None, compare=False)  # the cache's BUILD.json, if built here

    @property
    def version(self) -> str:
        """'3.14.7', or '3.15.0rc1' for a pre-release."""
        major, minor, micro, level, serial = self.version_info
        tag = {"alpha": "a", "beta": "b", "candidate": "rc"}.get(level, "")
        return f"{major}.{minor}.{micro}" + (f"{tag}{serial}" if tag else "")

    @property
    def feature(self) -> str:
        return f"{self.version_info[0]}.{self.version_info[1]}" + ("t" if self.free_threaded else "")

    @property
    def label(self) -> str:
        return f"{self.version} {'free-threaded' if self.free_threaded else 'GIL'}"


def parse_feature(feature: str) -> Tuple[Tuple[int, int], bool]:
    """'3.14t' -> ((3, 14), True). Raises ValueError with the accepted form."""
    match = re.fullmatch(r"(\d+)\.(\d+)(t?)", feature.strip())
    if not match:
        raise ValueError(f"{feature!r} is not an interpreter name like '3.14' or '3.14t'")
    return (int(match.group(1)), int(match.group(2))), bool(match.group(3))


def env_var_for(feature: str) -> str:
    """INTERNALS_LAB_PYTHON_3_14T for '3.14t'."""
    return "INTERNALS_LAB_PYTHON_" + feature.upper().replace(".", "_")


def cache_root() -> Path:
    """Where `tools/provision_python.py` keeps its builds: per machine, never in a clone."""
    named = os.environ.get("INTERNALS_LAB_CPYTHON_CACHE")
    if named:
        return Path(named)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "internals-lab" / "cpython"


def _version_key(text: str) -> Tuple:
    """Numeric order, so 3.13.10 sorts after 3.13.9 and 3.15.0rc1 before 3.15.0."""
    match = re.match(r"(\d+)\.(\d+)\.(\d+)(?:(a|b|rc)(\d+))?", text)
    if not match:
        return (0,)
    major, minor, micro, tag, serial = match.groups()
    rank = {"a": 0, "b": 1, "rc": 2, None: 3}[tag]
    return (int(major), int(minor), int(micro), rank, int(serial or 0))


def current() -> Interpreter:
    return Interpreter(
        sys.executable, tuple(sys.version_info[:5]),
        bool(sysconfig.get_config_var("Py_GIL_DISABLED")),
        getattr(sys, "_is_gil_enabled", lambda: True)(),
        "this kernel", sysconfig.get_config_var("CONFIG_ARGS") or "",
        _manifest_of(sys.executable),
    )


def _manifest_of(executable: str) -> Optional[dict]:
    """The BUILD.json that `provision_python.py` wrote beside a cached build, if it is one."""
    manifest = Path(executable).resolve().parent.parent / "BUILD.json"
    try:
        return json.loads(manifest.read_text())
    except (OSError, ValueError):
        return None


@functools.lru_cache(maxsize=None)
def describe(executable: str, origin: str = "given") -> Interpreter:
    """Ask `executable` what it is. Raises ValueError with a readable reason if it cannot say."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHON_GIL", "PYTHONPATH", "PYTHONHOME")}
    # Plain subprocess, not children.run_child: tools/provision_python.py loads this file on its
    # own, outside the package, on a machine that has no venv yet. The probe is short and bounded.
    try:
        done = subprocess.run([executable, "-I", "-c", _PROBE], capture_output=True, text=True,
                              timeout=60, env=env)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ValueError(f"cannot run {executable}: {exc}") from None
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise ValueError(f"{executable} is not a working Python: {last}")
    try:
        facts = json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        raise ValueError(f"{executable} did not answer like a Python 3.8+ interpreter") from None
    major, minor, micro, level, serial = facts["version"]
    return Interpreter(executable, (major, minor, micro, level, serial), facts["free_threaded"],
                       facts["gil_enabled"], origin, facts["config_args"], _manifest_of(executable))


def cached_builds(feature: str) -> List[Path]:
    """Executables of finished cache builds for `feature`, newest version first."""
    (major, minor), free_threaded = parse_feature(feature)
    variant = "ft" if free_threaded else "gil"
    exe = f"python{major}.{minor}{'t' if free_threaded else ''}"
    found = []
    for prefix in cache_root().glob(f"{major}.{minor}.*-{variant}-*"):
        if (prefix / "BUILD.json").is_file() and (prefix / "bin" / exe).exists():
            found.append(prefix)
    found.sort(key=lambda p: _version_key(p.name), reverse=True)
    return [p / "bin" / exe for p in found]


def _candidates(feature: str) -> Iterator[Tuple[str, str]]:
    (major, minor), free_threaded = parse_feature(feature)
    named = os.environ.get(env_var_for(feature))
    if named:
        yield named, env_var_for(feature)
    for exe in cached_builds(feature):
        yield str(exe), "built here (make python)"
    exe = f"python{major}.{minor}{'t' if free_threaded else ''}"
    found = shutil.which(exe)
    if found and "shims" not in Path(found).parts:   # a pyenv shim fails when no version is set
        yield found, "PATH"
    pyenv_root = os.environ.get("PYENV_ROOT") or os.path.expanduser("~/.pyenv")
    pattern = f"{major}.{minor}.*{'t' if free_threaded else ''}"
    for prefix in sorted(glob.glob(os.path.join(pyenv_root, "versions", pattern)),
                         key=lambda p: _version_key(os.path.basename(p)), reverse=True):
        if os.path.basename(prefix).endswith("t") != free_threaded:
            continue
        for name in (exe, "python3"):
            path = os.path.join(prefix, "bin", name)
            if os.path.exists(path):
                yield path, "pyenv"
                break
    uv_root = os.path.join(os.path.expanduser("~"), ".local", "share", "uv", "python")
    suffix = "+freethreaded" if free_threaded else ""
    for prefix in sorted(glob.glob(os.path.join(uv_root, f"cpython-{major}.{minor}.*")), reverse=True):
        if os.path.basename(prefix).split("-")[1].endswith(suffix) and (suffix or "+" not in prefix):
            yield os.path.join(prefix, "bin", exe), "uv"


@functools.lru_cache(maxsize=None)
def _find(feature: str, environ_key: Tuple) -> Tuple[Optional[Interpreter], Tuple[str, ...]]:
    (major, minor), free_threaded = parse_feature(feature)
    notes = []
    me = current()
    if me.feature == feature and not os.environ.get(env_var_for(feature)):
        return me, ()
    for path, origin in _candidates(feature):
        try:
            found = describe(path, origin)
        except ValueError as exc:
            notes.append(str(exc))
            continue
        if found.version_info[:2] != (major, minor) or found.free_threaded != free_threaded:
            notes.append(f"{path} ({origin}) is {found.label}, not {feature}")
            continue
        return found, tuple(notes)
    return None, tuple(notes)


def _environ_key() -> Tuple:
    """What the search depends on, so a changed environment variable is seen at once."""
    keys = sorted(k for k in os.environ if k.startswith("INTERNALS_LAB_") or k in
                  ("XDG_CACHE_HOME", "PATH", "PYENV_ROOT"))
    return tuple((k, os.environ[k]) for k in keys)


def find(feature: str) -> Optional[Interpreter]:
    """The interpreter for `feature` ('3.14', '3.14t', ...), or None if this machine has none."""
    return _find(feature, _environ_key())[0]


def search_notes(feature: str) -> Tuple[str, ...]:
    """Why candidates for `feature` were passed over (wrong build, not runnable)."""
    return _find(feature, _environ_key())[1]


def find_all(features=FEATURES) -> Dict[str, Optional[Interpreter]]:
    return {feature: find(feature) for feature in features}


def twin_of(interpreter: Interpreter) -> Optional[Interpreter]:
    """The other build (GIL <-> free-threaded) of the same source with the same flags.

    Only a build made here from one tarball with one flag changed is a twin; anything else would
    compare two builds that differ in more than the GIL.
    """
    if not interpreter.build:
        return None
    other = f"{interpreter.version_info[0]}.{interpreter.version_info[1]}" + ("" if interpreter.free_threaded else "t")
    for exe in cached_builds(other):
        candidate = _manifest_of(str(exe))
        if candidate and candidate.get("version") == interpreter.build.get("version") \
                and candidate.get("common_flags") == interpreter.build.get("common_flags"):
            try:
                return describe(str(exe), "built here (make python)")
            except ValueError:
                return None
    return None


def how_to_get(feature: str) -> str:
    (major, minor), free_threaded = parse_feature(feature)
    exe = f"python{major}.{minor}{'t' if free_threaded else ''}"
    return (
        f"No CPython {feature} was found. In a clone of the book's repository on Debian or Ubuntu, "
        f"`make python PYTHONS={feature}` builds one from the upstream tarball in Debian's archive "
        f"(verified, cached in {cache_root()}). Elsewhere, install {exe} (python.org, uv, pyenv, "
        f"your distribution) and put it on PATH or set {env_var_for(feature)}=/path/to/{exe}."
    )
