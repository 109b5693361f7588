"""The event-loop benchmark's workloads and its measuring loop, shared by the script and the page.

Design: `benchmarks/event_loop.py` is the command-line benchmark; the chapter runs a smaller
version of the same code, so both live here. A workload is a function that makes the program's
main coroutine; `measure()` runs every (workload, loop) pair once to warm up, then interleaves
the repeats so a burst of load on a shared machine hits all loops alike.
"""
from __future__ import annotations

import asyncio
import time

from . import backends
from .echo import echo_roundtrip

__all__ = ["loops", "run_on", "workload_a", "workload_b", "measure"]


def loops():
    """(name, backend, loop factory) for ours, asyncio's default loop, and uvloop if installed."""
    found = [("ours", backends.OURS, None), ("asyncio", backends.ASYNCIO, None)]
    try:
        import uvloop
    except ImportError:
        pass
    else:
        found.append(("uvloop", backends.ASYNCIO, uvloop.new_event_loop))
    return found


def run_on(backend, factory, make_main):
    if factory is None:
        return backend.run(make_main())
    with asyncio.Runner(loop_factory=factory) as runner:
        return runner.run(make_main())


def workload_a(backend, tasks: int, chain: int):
    """`tasks` tasks, each awaiting `chain` sleep(0)s: the ready queue and task steps only."""
    async def chain_of_sleeps():
        for _ in range(chain):
            await backend.sleep(0)

    async def main():
        await backend.gather(*(chain_of_sleeps() for _ in range(tasks)))

    return main


def workload_b(backend, round_trips: int, clients: int = 4):
    """`round_trips` echo round trips of 64 bytes over loopback, split among `clients`."""
    per_client = [b"x" * 64] * (round_trips // clients)

    def main():
        return echo_roundtrip(backend, per_client, clients=clients)

    return main


def measure(workloads: dict, repeats: int) -> dict:
    """{key: [seconds per repeat]} for {key: (backend, factory, make_main)}; one warm-up each."""
    if repeats < 1:
        raise ValueError("repeats must be at least 1")
    times = {key: [] for key in workloads}
    for backend, factory, make_main in workloads.values():
        run_on(backend, factory, make_main)
    for _ in range(repeats):
        for key, (backend, factory, make_main) in workloads.items():
            start = time.perf_counter()
            run_on(backend, factory, make_main)
            times[key].append(time.perf_counter() - start)
    return times
