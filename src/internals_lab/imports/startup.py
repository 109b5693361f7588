"""Post 8's lesson, measured: expensive set-up once at server start-up, or again per request.

Design: a tiny line-based server on asyncio streams, bound to 127.0.0.1 on a free port
(port 0), answers a bounded number of requests from a client in the same event loop, under
an overall time limit, and is closed in `finally`. The set-up function is counted, so the
deterministic fact (how many times it ran) is separate from the measured one (latency). The
experiment runs in its own thread and event loop when called from a running loop (Jupyter),
so it never touches the caller's loop.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import hashlib
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["ServerReport", "expensive_setup", "run_server_experiment", "compare_setup_placement",
           "PLACEMENTS"]

PLACEMENTS = ("per request", "at start-up")


def expensive_setup(size: int = 20_000) -> dict[str, str]:
    """Stand-in for loading a model or opening a tool registry: CPU work, same result each time."""
    return {str(i): hashlib.sha256(str(i).encode()).hexdigest()[:12] for i in range(size)}


@dataclass(frozen=True)
class ServerReport:
    placement: str
    requests: int
    setup_calls: int
    answers_ok: bool                 # every answer was the expected value
    startup_seconds: float           # time spent in set-up before the server accepted requests
    latencies: tuple[float, ...]     # seconds per request, as the client saw them (after warm-up)

    @property
    def median(self) -> float:
        return statistics.median(self.latencies)


async def _experiment(placement: str, requests: int, warmup: int, setup: Callable[[], dict]) -> ServerReport:
    calls = 0

    def counted_setup() -> dict:
        nonlocal calls
        calls += 1
        return setup()

    started = time.perf_counter()
    shared = counted_setup() if placement == "at start-up" else None
    startup_seconds = time.perf_counter() - started

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            key = (await reader.readline()).decode().strip()
            resource = shared if shared is not None else counted_setup()
            writer.write((resource.get(key, "?") + "\n").encode())
            await writer.drain()
        finally:
            writer.close()
            await writer.wait_closed()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    latencies, ok = [], True
    try:
        port = server.sockets[0].getsockname()[1]
        expected = setup() if requests else {}
        for i in range(warmup + requests):
            key = str(i % 100)
            begin = time.perf_counter()
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            try:
                writer.write(f"{key}\n".encode())
                await writer.drain()
                answer = (await reader.readline()).decode().strip()
            finally:
                writer.close()
                await writer.wait_closed()
            if i >= warmup:
                latencies.append(time.perf_counter() - begin)
            ok = ok and answer == expected[key]
    finally:
        server.close()
        await server.wait_closed()
    return ServerReport(placement, requests, calls, ok, startup_seconds, tuple(latencies))


def _run(coro_factory, timeout: float):
    async def bounded():
        return await asyncio.wait_for(coro_factory(), timeout)

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(bounded())
    # A loop is running in this thread (Jupyter): use a thread with its own loop.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, bounded()).result()


def run_server_experiment(placement: str, *, requests: int = 20, warmup: int = 2,
                          setup: Callable[[], dict] = expensive_setup, timeout: float = 60.0) -> ServerReport:
    """Serve `requests` requests (plus `warmup` unmeasured ones) with set-up done `placement`."""
    if placement not in PLACEMENTS:
        raise ValueError(f"placement is one of {PLACEMENTS}, not {placement!r}")
    if not (isinstance(requests, int) and 1 <= requests <= 1000):
        raise ValueError(f"requests is a whole number from 1 to 1000, not {requests!r}")
    if not (isinstance(warmup, int) and 0 <= warmup <= 100):
        raise ValueError(f"warmup is a whole number from 0 to 100, not {warmup!r}")
    return _run(lambda: _experiment(placement, requests, warmup, setup), timeout)


def compare_setup_placement(*, requests: int = 20, warmup: int = 2,
                            setup: Callable[[], dict] = expensive_setup) -> tuple[ServerReport, ServerReport, float]:
    """Both placements in the same run; returns (per request, at start-up, ratio of medians)."""
    per_request = run_server_experiment("per request", requests=requests, warmup=warmup, setup=setup)
    at_startup = run_server_experiment("at start-up", requests=requests, warmup=warmup, setup=setup)
    return per_request, at_startup, per_request.median / at_startup.median
