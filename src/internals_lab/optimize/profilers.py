"""Profilers as data: cProfile (deterministic), pyinstrument (sampling), tracemalloc (memory).

cProfile hooks every call and return, so its call counts are exact and repeatable (its times
are inflated by the hook itself); a sampling profiler such as pyinstrument looks at the stack
every millisecond, so its times are closer to the truth but its counts do not exist. Each
helper returns records, restores the global state it touched (profiler hooks, tracemalloc),
and leaves drawing to `Table`.
"""
from __future__ import annotations

import cProfile
import pstats
import sys
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass

from ..render import Table

__all__ = ["ProfileEntry", "cprofile_top", "call_counts", "SampledEntry", "pyinstrument_top",
           "peak_memory", "profile_table"]


@dataclass(frozen=True)
class ProfileEntry:
    function: str  # the function's name (for built-ins, cProfile's description of it)
    location: str  # "file:line", or "built-in"
    calls: int  # total calls, recursive ones included
    primitive_calls: int  # calls that were not recursive
    own_time: float  # seconds inside the function itself (tottime)
    total_time: float  # seconds including callees (cumtime)


def _location(key: tuple[str, int, str]) -> str:
    filename, line, _name = key
    if filename == "~":  # built-in functions
        return "built-in"
    return f"{filename.rsplit('/', 1)[-1]}:{line}"


def _profile(fn: Callable[..., object], args, kwargs) -> tuple[object, pstats.Stats]:
    profiler = cProfile.Profile()
    try:
        result = profiler.runcall(fn, *args, **kwargs)
    finally:
        profiler.disable()  # runcall disables too; this covers an exception inside the hook
    return result, pstats.Stats(profiler)


def cprofile_top(fn: Callable[..., object], *args: object, limit: int = 10, sort: str = "tottime",
                 same_file: bool = False, **kwargs: object) -> list[ProfileEntry]:
    """Run `fn(*args, **kwargs)` under cProfile; the `limit` entries with the largest `sort` key.

    `same_file=True` keeps only functions defined in `fn`'s own file (or notebook cell). From
    3.12 cProfile sits on sys.monitoring, which sees every thread, so in a Jupyter kernel the
    kernel's own threads can add or blur a few calls: for exact counts use `call_counts`.
    """
    if sort not in ("tottime", "cumtime", "calls"):
        raise ValueError("sort must be 'tottime', 'cumtime' or 'calls'")
    home = getattr(getattr(fn, "__code__", None), "co_filename", None)
    if same_file and home is None:
        raise ValueError("same_file=True needs a Python function (one with a __code__)")
    _, stats = _profile(fn, args, kwargs)
    entries = [
        ProfileEntry(key[2], _location(key), nc, cc, tt, ct)
        for key, (cc, nc, tt, ct, _callers) in stats.stats.items()
        if key[2] != "<method 'disable' of '_lsprof.Profiler' objects>"
        and (not same_file or key[0] == home)
    ]
    index = {"tottime": lambda e: e.own_time, "cumtime": lambda e: e.total_time, "calls": lambda e: e.calls}[sort]
    entries.sort(key=lambda e: (-index(e), e.function))
    return entries[:limit]


def call_counts(fn: Callable[..., object], *args: object, **kwargs: object) -> dict[str, int]:
    """Exact number of calls per function name (`co_name`, or the built-in's `__name__`).

    Uses `sys.setprofile`, which sees only this thread: cProfile from 3.12 sits on
    sys.monitoring, which sees every thread, and in a Jupyter kernel the kernel's own threads
    then add (or, interleaved with ours, blur) a few calls. A generator counts one call per
    resumption, as in cProfile. The previous profile hook is restored even if `fn` raises.
    """
    counts: dict[str, int] = {}

    def hook(frame, event, arg):
        if event == "call":
            name = frame.f_code.co_name
        elif event == "c_call":
            name = getattr(arg, "__name__", repr(arg))
        else:
            return
        counts[name] = counts.get(name, 0) + 1

    previous = sys.getprofile()
    sys.setprofile(hook)
    try:
        fn(*args, **kwargs)
    finally:
        sys.setprofile(previous)
    counts["setprofile"] -= 1  # the call that removed the hook
    if not counts["setprofile"]:
        del counts["setprofile"]
    return counts


@dataclass(frozen=True)
class SampledEntry:
    function: str
    share: float  # fraction of the samples in which this function was running its own code


def pyinstrument_top(fn: Callable[..., object], *args: object, limit: int = 5,
                     interval: float = 0.001) -> list[SampledEntry]:
    """Run `fn(*args)` under pyinstrument's sampling profiler; functions by share of own time."""
    try:
        from pyinstrument import Profiler
    except ImportError as exc:  # an optional extra
        raise RuntimeError("pyinstrument is not installed: pip install pyinstrument") from exc
    profiler = Profiler(interval=interval)
    profiler.start()
    try:
        fn(*args)
    finally:
        session = profiler.stop()
    total = session.duration or 1.0
    own: dict[str, float] = {}
    stack = [session.root_frame()]
    while stack:
        frame = stack.pop()
        if frame is None:
            continue
        if frame.is_synthetic:  # "[self]" and similar leaves: counted in their parent below
            continue
        real = [child for child in frame.children if not child.is_synthetic]
        stack.extend(real)
        self_time = frame.time - sum(child.time for child in real)
        if self_time > 0 and frame.function:
            own[frame.function] = own.get(frame.function, 0.0) + self_time
    ranked = sorted(own.items(), key=lambda kv: -kv[1])[:limit]
    return [SampledEntry(name, t / total) for name, t in ranked]


def peak_memory(fn: Callable[..., object], *args: object) -> int:
    """Peak bytes allocated by Python while `fn(*args)` runs (tracemalloc), above the start.

    If the reader is already tracing, their own peak survives the measurement: tracemalloc
    can only reset the peak, not set it, so afterwards it is raised back by one short-lived
    allocation to what it was (or stays higher, if `fn` went higher).
    """
    was_tracing = tracemalloc.is_tracing()
    if not was_tracing:
        tracemalloc.start()
    outer_peak = tracemalloc.get_traced_memory()[1] if was_tracing else 0
    try:
        tracemalloc.reset_peak()
        start, _ = tracemalloc.get_traced_memory()
        fn(*args)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        if not was_tracing:
            tracemalloc.stop()
        else:
            _restore_peak(outer_peak)
    return peak - start


_BYTES_HEADER = sys.getsizeof(b"")  # what a bytes object asks the allocator for beyond its data


def _restore_peak(outer_peak: int) -> None:
    current, peak = tracemalloc.get_traced_memory()
    missing = outer_peak - current - _BYTES_HEADER
    if peak < outer_peak and missing > 0:
        bytes(missing)  # calloc'ed and freed at once: no page is touched, only the peak goes up


def profile_table(entries: list[ProfileEntry], times: bool = False) -> Table:
    """cProfile entries as a table; `times=False` keeps only the deterministic columns."""
    if times:
        return Table(["function", "calls", "own time (s)", "total time (s)"],
                     [[e.function, e.calls, f"{e.own_time:.4f}", f"{e.total_time:.4f}"] for e in entries],
                     code_columns=["function"])
    return Table(["function", "calls"], [[e.function, e.calls] for e in entries], code_columns=["function"])
