"""What free-threading costs a single thread: the same code on two builds of the same source.

A few single-threaded programs (a loop, calls, objects, dicts and strings, a sort) are timed
in the free-threaded build and in its GIL twin, alternating between them round after round, so
that a slow moment on the machine falls on both. Each program keeps its fastest time per build
(the run least disturbed by anything else), and the ratio free-threaded / GIL is the overhead.
Only a twin built from the same source with the same flags makes that ratio mean something;
against any other GIL build it also measures compiler, flags and patch-level differences.
"""
from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass
from typing import Dict, Tuple

from . import remote

__all__ = ["OverheadRow", "Overhead", "measure_overhead", "PROGRAMS"]


def _loop() -> int:
    total = 0
    for i in range(400_000):
        total += i & 7
    return total


def _fib(n: int) -> int:
    return n if n < 2 else _fib(n - 1) + _fib(n - 2)


def _calls() -> int:
    return _fib(21)


class _Point:
    def __init__(self, x: float, y: float) -> None:
        self.x, self.y = x, y

    def moved(self, dx: float) -> "_Point":
        return _Point(self.x + dx, self.y)


def _objects() -> float:
    p = _Point(0.0, 1.0)
    for _ in range(60_000):
        p = p.moved(0.5)
    return p.x


def _dicts_strings() -> int:
    table = {}
    for i in range(40_000):
        table[f"key{i}"] = str(i)
    return len("".join(table.values()))


_DATA = [random.Random(1).random() for _ in range(100_000)]


def _sort() -> float:
    return sorted(_DATA)[0]


PROGRAMS = {"loop": _loop, "calls": _calls, "objects": _objects, "dicts+strings": _dicts_strings, "sort": _sort}


def _suite_times(inner: int = 3) -> Dict[str, float]:
    """Run in the measured interpreter: fastest of `inner` runs of each program, in seconds."""
    times = {}
    for name, program in PROGRAMS.items():
        program()  # warm-up
        best = math.inf
        for _ in range(inner):
            began = time.perf_counter()
            program()
            best = min(best, time.perf_counter() - began)
        times[name] = best
    return times


@dataclass(frozen=True)
class OverheadRow:
    program: str
    free_threaded_seconds: float
    gil_seconds: float

    @property
    def ratio(self) -> float:
        return self.free_threaded_seconds / self.gil_seconds


@dataclass(frozen=True)
class Overhead:
    free_threaded: str
    gil: str
    rows: Tuple[OverheadRow, ...]
    rounds: int

    @property
    def geometric_mean(self) -> float:
        return math.exp(sum(math.log(r.ratio) for r in self.rows) / len(self.rows))


def measure_overhead(free_threaded: str, gil: str, *, rounds: int = 5, inner: int = 3,
                     timeout: float = 120.0) -> Overhead:
    """Time PROGRAMS in both interpreters (paths), alternating, and compare their best times."""
    if rounds < 1 or inner < 1:
        raise ValueError("rounds and inner must be at least 1")
    from .interpreters import describe

    ft, twin = describe(free_threaded), describe(gil)
    if not ft.free_threaded:
        raise ValueError(f"{free_threaded} is a GIL build; pass a free-threaded interpreter first")
    if twin.free_threaded:
        raise ValueError(f"{gil} is free-threaded; pass the GIL twin second")
    per_build: Dict[str, Dict[str, float]] = {"ft": {}, "gil": {}}
    for _ in range(rounds):
        for key, path in (("gil", gil), ("ft", free_threaded)):
            times = remote.call(path, "overhead._suite_times", timeout=timeout, inner=inner)
            for name, seconds in times.items():
                per_build[key][name] = min(seconds, per_build[key].get(name, math.inf))
    rows = tuple(OverheadRow(name, per_build["ft"][name], per_build["gil"][name]) for name in PROGRAMS)
    return Overhead(ft.label, twin.label, rows, rounds)
