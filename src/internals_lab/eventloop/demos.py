"""The chapter's experiments, each a function that runs a program and returns what it saw.

Design: every experiment builds its program against a `Backend` (ours or asyncio's), runs it
with `run_isolated` (a fresh thread, always joined; the caller's loop and asyncio's policy
untouched), and returns a frozen dataclass of measurements and timelines. Renderers draw
them elsewhere. Durations are measured, never assumed; what is deterministic (orders, counts,
which thread ran what) is returned as data so a test or a notebook cell can assert it.
"""
from __future__ import annotations

import asyncio
import logging
import re
import threading
import time
from dataclasses import dataclass

from .backends import ASYNCIO, Backend, run_isolated
from .timeline import Timeline

__all__ = [
    "POST7_SERVICES", "GatherComparison", "post7_gather",
    "BlockingRun", "blocked_loop", "CpuComparison", "cpu_bound_gather", "busy_work",
]

# Post 7's three services and their latencies in seconds; `scale` shrinks them for the lab.
POST7_SERVICES = (("Auth-Service", 2), ("Inventory-API", 1), ("Payment-Gateway", 3))


@dataclass(frozen=True)
class GatherComparison:
    backend: str
    results: list[str]
    sequential_s: float
    concurrent_s: float
    sequential: Timeline
    concurrent: Timeline
    expected_sequential_s: float  # the sum of the latencies
    expected_concurrent_s: float  # the longest latency

    @property
    def speedup(self) -> float:
        return self.sequential_s / self.concurrent_s


def post7_gather(backend: Backend = ASYNCIO, scale: float = 0.1,
                 services=POST7_SERVICES) -> GatherComparison:
    """Post 7's example: await the services one after another, then all at once with gather."""
    if not services:
        raise ValueError("post7_gather() needs at least one (name, latency) service")
    if scale <= 0:
        raise ValueError(f"scale must be a positive number of seconds per unit, not {scale!r}")

    async def fetch(name, latency):
        await backend.sleep(latency * scale)  # stands in for a network wait
        return f"Response from {name}"

    seq_tl, con_tl = Timeline(), Timeline()

    async def sequential():
        start = time.perf_counter()
        results = [await seq_tl.trace(name, fetch(name, lat)) for name, lat in services]
        return results, time.perf_counter() - start

    async def concurrent():
        start = time.perf_counter()
        results = await backend.gather(*(con_tl.trace(name, fetch(name, lat)) for name, lat in services))
        return list(results), time.perf_counter() - start

    seq_results, seq_s = run_isolated(backend, sequential)
    con_results, con_s = run_isolated(backend, concurrent)
    if seq_results != con_results:
        raise AssertionError("sequential and concurrent runs disagree")  # would be a lab bug
    latencies = [lat * scale for _, lat in services]
    return GatherComparison(backend.name, con_results, seq_s, con_s, seq_tl, con_tl,
                            sum(latencies), max(latencies))


@dataclass(frozen=True)
class BlockingRun:
    fixed: bool
    results: list[str]
    elapsed_s: float
    slow_steps: list[tuple[str, float]]   # (task name, seconds) from asyncio's debug warnings
    lookups_on_loop_thread: int            # blocking calls that ran on the event loop's thread
    heartbeats: int                        # ticks of a 10 ms heartbeat task during the run
    timeline: Timeline

    @property
    def flagged_tasks(self) -> list[str]:
        return sorted({name for name, _ in self.slow_steps})


_SLOW = re.compile(r"Executing <Task [^>]*?name='(?P<name>[^']+)'.*took (?P<secs>[0-9.]+) seconds", re.S)


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def blocked_loop(fixed: bool, *, keys=("a", "b", "c"), block: float = 0.2,
                 threshold: float = 0.1) -> BlockingRun:
    """Three lookups that each block for `block` seconds, on asyncio with debug mode on.

    Unfixed, each lookup calls `time.sleep` inside the coroutine: the loop thread is stuck and
    debug mode logs a slow step for each (`threshold` is asyncio's default
    `slow_callback_duration`; a blocked step lasts at least `block`, twice as long). Fixed, the blocking call runs in a worker thread
    with `asyncio.to_thread`, and the loop stays free (the heartbeat keeps ticking).
    """
    timeline = Timeline()
    on_loop_thread = []

    def slow_lookup(key):
        on_loop_thread.append(threading.current_thread() is loop_thread[0])
        time.sleep(block)  # a blocking client library, a slow disk, a DNS lookup...
        return key.upper()

    async def lookup(key):
        if fixed:
            return await asyncio.to_thread(slow_lookup, key)
        return slow_lookup(key)

    loop_thread = [None]

    async def main():
        loop_thread[0] = threading.current_thread()
        loop = asyncio.get_running_loop()
        loop.slow_callback_duration = threshold
        ticks = 0
        done = False

        async def heartbeat():
            nonlocal ticks
            while not done:
                ticks += 1
                await asyncio.sleep(0.01)

        beat = asyncio.create_task(heartbeat(), name="heartbeat")
        start = time.perf_counter()
        try:
            tasks = [asyncio.create_task(timeline.trace(f"lookup-{k}", lookup(k)), name=f"lookup-{k}")
                     for k in keys]
            results = await asyncio.gather(*tasks)
        finally:
            done = True
            await beat
        return list(results), time.perf_counter() - start, ticks

    logger = logging.getLogger("asyncio")
    collect, propagate = _Collect(), logger.propagate
    logger.addHandler(collect)
    logger.propagate = False  # keep the warnings out of the notebook's stderr; we report them
    try:
        results, elapsed, ticks = run_isolated(ASYNCIO, main, debug=True)
    finally:
        logger.removeHandler(collect)
        logger.propagate = propagate
    slow = [(m["name"], float(m["secs"])) for m in map(_SLOW.search, collect.messages)
            if m and m["name"].startswith("lookup-")]
    return BlockingRun(fixed, results, elapsed, slow, sum(on_loop_thread), ticks, timeline)


def busy_work(n: int) -> int:
    """Pure CPU: no await, no I/O. Returns a checksum so nothing is optimised away."""
    total = 0
    for i in range(n):
        total = (total + i * i) % 1_000_003
    return total


@dataclass(frozen=True)
class CpuComparison:
    backend: str
    results: list[int]
    sequential_s: float
    concurrent_s: float
    sequential: Timeline
    concurrent: Timeline

    @property
    def speedup(self) -> float:
        return self.sequential_s / self.concurrent_s


def cpu_bound_gather(backend: Backend = ASYNCIO, jobs: int = 3, n: int = 300_000,
                     rounds: int = 3) -> CpuComparison:
    """The same CPU-bound jobs awaited one by one, then gathered: gather cannot overlap them.

    Each way runs `rounds` times, alternating which goes first, and keeps its fastest run (and
    that run's timeline): a single pair measured whichever ran first with a cold cache and
    allocator, and showed a "speed-up" of 1.8 that was only warm-up."""
    if jobs < 1 or n < 1 or rounds < 1:
        raise ValueError("jobs, n and rounds must be positive integers")

    async def job(i):
        return busy_work(n + i)  # never awaits: it holds the thread until it returns

    def sequential(timeline):
        async def main():
            start = time.perf_counter()
            results = [await timeline.trace(f"job-{i}", job(i)) for i in range(jobs)]
            return results, time.perf_counter() - start
        return main

    def concurrent(timeline):
        async def main():
            start = time.perf_counter()
            results = await backend.gather(*(timeline.trace(f"job-{i}", job(i)) for i in range(jobs)))
            return list(results), time.perf_counter() - start
        return main

    best = {}   # way -> (seconds, results, timeline)
    for r in range(rounds):
        ways = [("sequential", sequential), ("concurrent", concurrent)]
        for name, make in (ways if r % 2 == 0 else ways[::-1]):
            timeline = Timeline()
            results, seconds = run_isolated(backend, make(timeline))
            if name not in best or seconds < best[name][0]:
                best[name] = (seconds, results, timeline)
    seq_s, _, seq_tl = best["sequential"]
    con_s, con_results, con_tl = best["concurrent"]
    return CpuComparison(backend.name, con_results, seq_s, con_s, seq_tl, con_tl)
