"""Which interpreters can this lab compare? The kernel's own, a free-threaded build, its GIL twin.

Search order for the free-threaded interpreter:
1. the environment variable INTERNALS_LAB_PYTHON_FT (a path to any free-threaded python);
2. the build made by `make python-ft` (.cache/cpython/ft in a clone of the book's repository,
   or the directory named by INTERNALS_LAB_CPYTHON_CACHE);
3. `python3.13t`, then `python3.14t`, on PATH (3.13 first: the chapter's prose is about 3.13).
The GIL twin is the second build made by `make python-ft` from the same Debian source with
the same flags; only it makes the single-thread overhead a like-for-like comparison.

Each candidate is asked about itself in a subprocess (version, Py_GIL_DISABLED), so a wrong
path or a GIL build named as free-threaded is reported, not trusted.
"""
from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional

__all__ = ["Interpreter", "Builds", "current", "describe", "find_builds", "HOW_TO_GET_ONE"]

HOW_TO_GET_ONE = (
    "No free-threaded interpreter was found. In a clone of the book's repository on Debian or "
    "Ubuntu, `make python-ft` builds one (and its GIL twin) from Debian's python3.13 source in a "
    "few minutes. Elsewhere, install python3.13t or python3.14t (python.org installers, uv, "
    "conda-forge, deadsnakes) and point INTERNALS_LAB_PYTHON_FT at it. Until then the lab shows "
    "the GIL build's results only."
)

_PROBE = (
    "import json, sys, sysconfig;"
    "print(json.dumps({'version': '.'.join(map(str, sys.version_info[:3])),"
    "'free_threaded': bool(sysconfig.get_config_var('Py_GIL_DISABLED')),"
    "'gil_enabled': getattr(sys, '_is_gil_enabled', lambda: True)()}))"
)


@dataclass(frozen=True)
class Interpreter:
    executable: str
    version: str
    free_threaded: bool        # built with --disable-gil
    gil_enabled: bool          # at start-up, with a clean environment
    origin: str                # how it was found

    @property
    def label(self) -> str:
        build = "free-threaded" if self.free_threaded else "GIL"
        return f"{self.version} {build}"


@dataclass(frozen=True)
class Builds:
    current: Interpreter
    free_threaded: Optional[Interpreter]
    gil_twin: Optional[Interpreter]
    debian_source: Optional[str]   # the Debian source version `make python-ft` used
    notes: tuple

    def as_rows(self) -> List[tuple]:
        rows = [("this kernel", self.current.label, self.current.origin, _short(self.current.executable))]
        for role, found in (("free-threaded", self.free_threaded), ("GIL twin", self.gil_twin)):
            if found is None:
                rows.append((role, "not found", "", ""))
            else:
                rows.append((role, found.label, found.origin, _short(found.executable)))
        return rows


def _short(path: str) -> str:
    """A path inside the book's repository, relative to it (the same in every clone)."""
    root = Path(__file__).resolve().parents[3]
    try:
        return str(Path(path).absolute().relative_to(root))
    except ValueError:
        return path


def cache_dir() -> Path:
    named = os.environ.get("INTERNALS_LAB_CPYTHON_CACHE")
    if named:
        return Path(named)
    return Path(__file__).resolve().parents[3] / ".cache" / "cpython"


@functools.lru_cache(maxsize=None)
def describe(executable: str, origin: str = "given") -> Interpreter:
    """Ask `executable` what it is. Raises ValueError with a readable reason if it cannot say."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHON_GIL", "PYTHONPATH", "PYTHONHOME")}
    try:
        done = subprocess.run([executable, "-s", "-c", _PROBE], capture_output=True, text=True,
                              timeout=60, env=env)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ValueError(f"cannot run {executable}: {exc}") from None
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise ValueError(f"{executable} is not a working Python: {last}")
    facts = json.loads(done.stdout.strip().splitlines()[-1])
    return Interpreter(executable, facts["version"], facts["free_threaded"], facts["gil_enabled"], origin)


def current() -> Interpreter:
    import sysconfig

    return Interpreter(
        sys.executable,
        ".".join(map(str, sys.version_info[:3])),
        bool(sysconfig.get_config_var("Py_GIL_DISABLED")),
        getattr(sys, "_is_gil_enabled", lambda: True)(),
        "this kernel",
    )


def _free_threaded_candidates():
    named = os.environ.get("INTERNALS_LAB_PYTHON_FT")
    if named:
        yield named, "INTERNALS_LAB_PYTHON_FT"
    yield str(cache_dir() / "ft" / "bin" / "python3.13t"), "make python-ft"
    for name in ("python3.13t", "python3.14t"):
        found = shutil.which(name)
        if found:
            yield found, "PATH"


@functools.lru_cache(maxsize=1)
def find_builds() -> Builds:
    notes = []
    free = None
    for path, origin in _free_threaded_candidates():
        if origin == "make python-ft" and not Path(path).exists():
            continue
        try:
            found = describe(path, origin)
        except ValueError as exc:
            notes.append(str(exc))
            continue
        if not found.free_threaded:
            notes.append(f"{path} ({origin}) is a GIL build, not free-threaded")
            continue
        free = found
        break
    twin = None
    twin_path = cache_dir() / "gil" / "bin" / "python3.13"
    if twin_path.exists():
        try:
            twin = describe(str(twin_path), "make python-ft")
        except ValueError as exc:
            notes.append(str(exc))
    source_file = cache_dir() / "SOURCE"
    source = source_file.read_text().strip() if source_file.exists() else None
    if free is None:
        notes.append(HOW_TO_GET_ONE)
    return Builds(current(), free, twin, source, tuple(notes))
