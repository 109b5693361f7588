"""Where the bytes come from: pymalloc's size classes, mimalloc, tracemalloc, and RSS.

Small requests (up to 512 bytes) on a GIL build go to pymalloc (`Objects/obmalloc.c`): 1 MiB
arenas cut into 16 KiB pools, each pool serving one size class, spaced 16 bytes apart on 64-bit
builds (`ALIGNMENT` in `Include/internal/pycore_obmalloc.h`). `sys._debugmallocstats()` writes
the per-class table to the C stderr; `mallocstats()` captures and parses it. The free-threaded
build uses mimalloc instead, and prints mimalloc's statistics.

`tracing()` starts tracemalloc only if it was off and stops it only then, even when the body
raises; `traced_per_object` counts bytes per object with it. `rss_after_free` runs in a child
process, so the kernel's own memory is never disturbed: it reads the resident size before a
big allocation, after it, and after freeing it.
"""
from __future__ import annotations

import contextlib
import gc
import os
import re
import sys
import tempfile
import tracemalloc
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterator, List

__all__ = ["SizeClass", "MallocStats", "parse_mallocstats", "mallocstats_text", "mallocstats",
           "size_class_growth", "tracing", "traced_per_object", "peak_traced", "top_allocations", "rss_bytes",
           "rss_after_free"]


@dataclass(frozen=True)
class SizeClass:
    index: int
    size: int          # block size in bytes
    pools: int
    in_use: int        # blocks handed out
    available: int     # free blocks in pools already carved


@dataclass(frozen=True)
class MallocStats:
    allocator: str                     # "pymalloc" or "mimalloc"
    classes: List[SizeClass] = field(default_factory=list)
    totals: Dict[str, int] = field(default_factory=dict)   # "# arenas allocated total" ...


_CLASS_ROW = re.compile(r"^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*$")
_TOTAL_ROW = re.compile(r"^(#[^=]+?)\s*=\s*([\d,]+)\s*$")


def parse_mallocstats(text: str) -> MallocStats:
    """Parse the text of sys._debugmallocstats() (pymalloc's table, or mimalloc's summary)."""
    if "Medium block threshold" in text or "mimalloc" in text.lower():
        allocator = "mimalloc"
    elif "size classes" in text:
        allocator = "pymalloc"
    else:
        raise ValueError("this does not look like sys._debugmallocstats() output")
    classes, totals = [], {}
    for line in text.splitlines():
        row = _CLASS_ROW.match(line)
        if row and allocator == "pymalloc":
            classes.append(SizeClass(*map(int, row.groups())))
            continue
        total = _TOTAL_ROW.match(line)
        if total:
            totals[total.group(1).strip()] = int(total.group(2).replace(",", ""))
    return MallocStats(allocator, classes, totals)


def mallocstats_text() -> str:
    """Capture what sys._debugmallocstats() writes to file descriptor 2."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile(mode="w+b") as sink:
        try:
            os.dup2(sink.fileno(), 2)
            sys._debugmallocstats()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        sink.seek(0)
        return sink.read().decode("utf-8", "replace")


def mallocstats() -> MallocStats:
    return parse_mallocstats(mallocstats_text())


def size_class_growth(payload: int, count: int = 2000) -> Dict[str, Any]:
    """Allocate `count` bytes objects of `payload` bytes; which size class gained the blocks?

    Meant to run in a fresh process (remote.call), where nothing else allocates meanwhile.
    """
    before = mallocstats()
    if before.allocator != "pymalloc":
        return {"allocator": before.allocator, "request": None, "grew": []}
    keep = [bytes(payload) + bytes([i % 256]) for i in range(count)]
    after = mallocstats()
    request = sys.getsizeof(keep[0])
    grew = [{"size": a.size, "blocks": a.in_use - b.in_use}
            for a, b in zip(after.classes, before.classes) if a.in_use - b.in_use >= count // 2]
    return {"allocator": "pymalloc", "request": request, "count": count, "grew": grew}


@contextlib.contextmanager
def tracing(frames: int = 1) -> Iterator[None]:
    """tracemalloc on for the body; left as it was found (on or off), even on error."""
    was_tracing = tracemalloc.is_tracing()
    if not was_tracing:
        tracemalloc.start(frames)
    try:
        yield
    finally:
        if not was_tracing:
            tracemalloc.stop()


def traced_per_object(factory: Callable[[], Any], count: int = 10_000) -> float:
    """Bytes tracemalloc attributes to each of `count` objects made by factory(), kept alive."""
    if not isinstance(count, int) or count < 100:
        raise ValueError("traced_per_object() needs count >= 100 for a per-object figure")
    gc.collect()
    with tracing():
        keep = [None] * count            # the list's own memory is allocated before measuring
        start = tracemalloc.get_traced_memory()[0]
        for index in range(count):
            keep[index] = factory()
        grown = tracemalloc.get_traced_memory()[0] - start
    del keep
    return grown / count


def peak_traced(fn: Callable[[], Any]) -> int:
    """The most memory tracemalloc saw allocated at once while fn() ran, above the start."""
    gc.collect()
    with tracing():
        tracemalloc.reset_peak()
        start = tracemalloc.get_traced_memory()[0]
        fn()
        peak = tracemalloc.get_traced_memory()[1]
    return peak - start


def top_allocations(fn: Callable[[], Any], limit: int = 5) -> List[Dict[str, Any]]:
    """Run fn() under tracemalloc; the lines that allocated the most of what is still alive.

    Returns records (file name without its directory, line, KiB, count), from a snapshot diff.
    """
    with tracing():
        before = tracemalloc.take_snapshot()
        result = fn()
        after = tracemalloc.take_snapshot()
    keep_out = [tracemalloc.Filter(False, tracemalloc.__file__), tracemalloc.Filter(False, __file__)]
    stats = after.filter_traces(keep_out).compare_to(before.filter_traces(keep_out), "lineno")
    del result
    return [{"file": _where(s.traceback[0].filename), "line": s.traceback[0].lineno,
             "kib": round(s.size_diff / 1024, 1), "count": s.count_diff}
            for s in stats[:limit] if s.size_diff > 0]


def _where(filename: str) -> str:
    """A file name without its directory; a notebook cell's temporary file is named as such."""
    if "ipykernel_" in filename or filename.startswith("<"):
        return "(a notebook cell)"
    return os.path.basename(filename)


def rss_bytes() -> int:
    """This process's resident memory now (Linux /proc/self/statm)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        raise RuntimeError("measuring resident memory needs Linux's /proc/self/statm") from None


def rss_after_free(objects: int = 1_000_000, keep_every: int = 0) -> Dict[str, int]:
    """Resident bytes before, with `objects` small objects alive, and after freeing them.

    keep_every=k keeps every k-th object: a few survivors pin their pools and arenas, so the
    allocator cannot give those pages back. Run it in a fresh process (remote.call).
    """
    gc.collect()
    baseline = rss_bytes()
    data = [str(i) * 2 for i in range(objects)]
    peak = rss_bytes()
    survivors = data[::keep_every] if keep_every else []
    del data
    gc.collect()
    after = rss_bytes()
    return {"baseline": baseline, "peak": peak, "after_free": after, "survivors": len(survivors)}
