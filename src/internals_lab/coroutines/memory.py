"""The price of a paused function: n idle Tasks against n idle threads (`compare_memory`),
measured with tracemalloc and with the process's resident memory, in separate passes.

Threads are parked on an Event and all joined in `finally`; tracemalloc is stopped only if it
was not already running.

Part of `internals_lab.coroutines`; the package's docstring gives the design and the
global state it restores.
"""
from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import threading
import tracemalloc
from dataclasses import dataclass

from .frames import CoroutineLabError
from .private_loop import _private_event_loop

__all__ = ["MemoryComparison", "compare_memory"]


@dataclass(frozen=True)
class MemoryComparison:
    n: int
    task_traced: int      # bytes tracemalloc saw allocated for n parked Tasks (coroutine + Task + future)
    thread_traced: int    # ... for n parked threads (Thread objects, locks, thread states)
    task_rss: int         # growth of the process's resident memory for n parked Tasks
    thread_rss: int       # ... for n parked threads (includes the touched part of each C stack)

    @property
    def traced_ratio(self) -> float:
        return self.thread_traced / self.task_traced

    @property
    def rss_ratio(self) -> float:
        return self.thread_rss / self.task_rss

    def per_item(self) -> dict[str, float]:
        return {name: getattr(self, name) / self.n
                for name in ("task_traced", "thread_traced", "task_rss", "thread_rss")}


def _rss() -> int:
    try:
        with open("/proc/self/statm") as statm:  # Linux: resident pages, right now
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        raise CoroutineLabError("measuring resident memory needs Linux's /proc/self/statm") from None


@contextlib.contextmanager
def _measuring(use_tracemalloc: bool):
    """Yields a function returning (resident growth, traced growth) since entry.

    Resident memory is measured in a pass without tracemalloc, whose own bookkeeping would
    otherwise be counted (it adds more per Task than per thread, which would skew the ratio).
    """
    was_tracing = tracemalloc.is_tracing()
    gc.collect()
    if use_tracemalloc and not was_tracing:
        tracemalloc.start()
    try:
        rss0 = _rss()
        traced0 = tracemalloc.get_traced_memory()[0] if use_tracemalloc else 0

        def growth() -> tuple[int, int]:
            traced = tracemalloc.get_traced_memory()[0] - traced0 if use_tracemalloc else 0
            return _rss() - rss0, traced

        yield growth
    finally:
        if use_tracemalloc and not was_tracing:
            tracemalloc.stop()


async def _parked(event: asyncio.Event) -> None:
    await event.wait()


def _task_growth(n: int, use_tracemalloc: bool) -> tuple[int, int]:
    with _private_event_loop() as loop:
        event = asyncio.Event()
        tasks: list[asyncio.Task] = []
        try:
            with _measuring(use_tracemalloc) as growth:
                tasks = [loop.create_task(_parked(event)) for _ in range(n)]
                loop.run_until_complete(asyncio.sleep(0))  # every task runs to its await
                measured = growth()
        finally:
            event.set()
            if tasks:
                loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
    return measured


def _thread_growth(n: int, use_tracemalloc: bool) -> tuple[int, int]:
    release = threading.Event()
    threads: list[threading.Thread] = []
    try:
        with _measuring(use_tracemalloc) as growth:
            for _ in range(n):
                thread = threading.Thread(target=release.wait, daemon=True)
                thread.start()
                threads.append(thread)
            measured = growth()
    finally:
        release.set()
        for thread in threads:
            thread.join()
    return measured


def compare_memory(n: int = 10_000) -> MemoryComparison:
    """Memory for n Tasks parked on an asyncio.Event versus n threads parked on a threading.Event.

    Two passes per kind: resident memory without tracemalloc, then tracemalloc alone. Nothing
    is timed (10,000 threads take several seconds to start and to join).
    """
    if not isinstance(n, int) or n < 100:
        raise CoroutineLabError("compare_memory() needs n >= 100 so the per-item figures mean something")
    task_rss, _ = _task_growth(n, use_tracemalloc=False)
    _, task_traced = _task_growth(n, use_tracemalloc=True)
    thread_rss, _ = _thread_growth(n, use_tracemalloc=False)
    _, thread_traced = _thread_growth(n, use_tracemalloc=True)
    return MemoryComparison(n, task_traced, thread_traced, task_rss, thread_rss)
