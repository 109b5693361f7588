"""Which interpreters can the GIL lab compare? The kernel's own, a free-threaded build, its GIL twin.

The search itself lives in `internals_lab.interpreters`, the one place that knows this machine's
interpreters. This module only chooses among them:

- the free-threaded build: INTERNALS_LAB_PYTHON_FT if set (any free-threaded python), else the
  kernel's own version with a "t" (3.14t beside a 3.14 kernel), else 3.14t, 3.15t, and last
  3.13t (history: its specializing interpreter was compiled out; nothing in the book needs it);
- its GIL twin: the build `make python` made in the per-machine build cache from the same
  tarball with the same configure flags, minus --disable-gil. Only a twin makes the
  single-thread overhead a like-for-like comparison, so a GIL python found elsewhere is never
  called one. The book's kernel is usually a venv of the twin itself (`kernel_is_twin`).
"""
from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional

from .. import interpreters as registry
from ..interpreters import Interpreter, current, describe

__all__ = ["Interpreter", "Builds", "current", "describe", "find_builds", "HOW_TO_GET_ONE"]

HOW_TO_GET_ONE = (
    "No free-threaded interpreter was found. In a clone of the book's repository on Debian or "
    "Ubuntu, `make python` builds CPython 3.14t (and 3.15t) with its GIL twin from the upstream "
    "tarballs in Debian's archive, once per machine. Elsewhere, install python3.14t (python.org "
    "installers, uv, conda-forge, deadsnakes) and point INTERNALS_LAB_PYTHON_3_14T at it. Until "
    "then the lab shows the GIL build's results only."
)


@dataclass(frozen=True)
class Builds:
    current: Interpreter
    free_threaded: Optional[Interpreter]
    gil_twin: Optional[Interpreter]
    debian_source: Optional[str]   # the Debian source the twins were built from, if built here
    notes: tuple

    @property
    def kernel_is_twin(self) -> bool:
        """True when this kernel runs the GIL twin's own binary (for example from a venv made of it),
        so that measuring both would measure one build twice."""
        if self.gil_twin is None or self.current.free_threaded:
            return False
        if os.path.realpath(self.current.executable) == os.path.realpath(self.gil_twin.executable):
            return True
        return self.current.build is not None and self.current.build == self.gil_twin.build

    def as_rows(self) -> List[tuple]:
        rows = [("this kernel", self.current.label, self.current.origin, _short(self.current.executable))]
        for role, found in (("free-threaded", self.free_threaded), ("GIL twin", self.gil_twin)):
            if found is None:
                rows.append((role, "not found", "", ""))
            else:
                rows.append((role, found.label, found.origin, _short(found.executable)))
        return rows


def _short(path: str) -> str:
    """A path the same on every machine: inside the build cache or the clone, relative to it."""
    for root, shown in ((registry.cache_root(), "<cache>"), (Path(__file__).resolve().parents[3], ".")):
        try:
            return f"{shown}/{Path(path).absolute().relative_to(root)}"
        except ValueError:
            continue
    return path


def _free_threaded_choices():
    here = current()
    yield f"{here.version_info[0]}.{here.version_info[1]}t"
    yield from ("3.14t", "3.15t", "3.13t")


@functools.lru_cache(maxsize=1)
def find_builds() -> Builds:
    notes = []
    free = None
    named = os.environ.get("INTERNALS_LAB_PYTHON_FT")
    if named:
        try:
            found = describe(named, "INTERNALS_LAB_PYTHON_FT")
            if found.free_threaded:
                free = found
            else:
                notes.append(f"{named} (INTERNALS_LAB_PYTHON_FT) is a GIL build, not free-threaded")
        except ValueError as exc:
            notes.append(str(exc))
    if free is None:
        for feature in dict.fromkeys(_free_threaded_choices()):
            free = registry.find(feature)
            notes.extend(registry.search_notes(feature))
            if free is not None:
                break
    twin = registry.twin_of(free) if free is not None else None
    source = free.build.get("debian_source") if (free is not None and free.build) else None
    if free is None:
        notes.append(HOW_TO_GET_ONE)
    return Builds(current(), free, twin, source, tuple(dict.fromkeys(notes)))
