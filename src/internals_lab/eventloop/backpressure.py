"""Backpressure and batching against a local server that slows down when overloaded.

Design: `OverloadedServer` keeps the accounting (requests in flight, the maximum it ever saw,
calls and items served) and computes each request's service time from its load: a fixed
per-call overhead plus a cost per item, multiplied by a slowdown that grows with every
request beyond its capacity (contention for a database, a GPU, a rate-limited API).
It serves the same `handle(items)` two ways: in process (deterministic, for tests and
grading) and as a line-based TCP server on 127.0.0.1 (`async with server.listening()`).
The client helpers run a burst of requests with no limit, with a Semaphore, or with a bounded
Queue and a fixed set of workers, and report throughput and latency percentiles.
"""
from __future__ import annotations

import asyncio
import contextlib
import statistics
import time
from dataclasses import dataclass, field

from .backends import ASYNCIO, run_isolated

__all__ = ["OverloadedServer", "LoadRun", "burst", "run_burst", "BatchRun", "run_batching"]


@dataclass
class OverloadedServer:
    capacity: int = 4            # requests it serves at full speed at once
    overhead: float = 0.004      # seconds per call (parsing, a network round trip, auth...)
    per_item: float = 0.001      # seconds per item in the call
    penalty: float = 0.5         # extra slowdown per request beyond capacity
    in_flight: int = 0
    max_in_flight: int = 0
    calls: int = 0
    items: int = 0
    _address: tuple | None = field(default=None, repr=False)

    def service_time(self, n_items: int, in_flight: int) -> float:
        slowdown = 1 + self.penalty * max(0, in_flight - self.capacity)
        return (self.overhead + self.per_item * n_items) * slowdown

    async def handle(self, items) -> list[str]:
        """Serve one call: its answer is one result per item, in order."""
        items = list(items)
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            await asyncio.sleep(self.service_time(len(items), self.in_flight))
            self.calls += 1
            self.items += len(items)
            return [f"{item}:ok" for item in items]
        finally:
            self.in_flight -= 1

    # -- over loopback ---------------------------------------------------------------
    async def _serve_connection(self, reader, writer):
        try:
            while line := await reader.readline():
                answer = await self.handle(line.decode().split())
                writer.write((" ".join(answer) + "\n").encode())
                await writer.drain()
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    @contextlib.asynccontextmanager
    async def listening(self):
        server = await asyncio.start_server(self._serve_connection, "127.0.0.1", 0, backlog=1024)
        try:
            self._address = server.sockets[0].getsockname()
            yield self
        finally:
            server.close()
            await server.wait_closed()
            self._address = None

    async def call_over_tcp(self, items) -> list[str]:
        """One call on a new connection to the listening server."""
        if self._address is None:
            raise RuntimeError("the server is not listening: use `async with server.listening():`")
        reader, writer = await asyncio.open_connection(*self._address)
        try:
            writer.write((" ".join(map(str, items)) + "\n").encode())
            await writer.drain()
            return (await reader.readline()).decode().split()
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()


@dataclass(frozen=True)
class LoadRun:
    strategy: str
    requests: int
    answered: int
    max_in_flight: int
    elapsed_s: float
    latencies_s: list[float]

    @property
    def throughput(self) -> float:
        return self.answered / self.elapsed_s

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies_s)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]

    @property
    def median_s(self) -> float:
        return statistics.median(self.latencies_s)


async def burst(call, n_requests: int, *, limit: int | None = None, strategy: str = "semaphore"):
    """Send `n_requests` calls that all arrive at once; return (answers, latencies).

    strategy: "unbounded" (gather them all), "semaphore" (at most `limit` at a time) or
    "queue" (a bounded queue feeding `limit` workers). Latency counts from the burst's start,
    so time spent waiting for a turn is included, as a user would feel it.
    """
    if strategy not in ("unbounded", "semaphore", "queue"):
        raise ValueError(f"unknown strategy {strategy!r}: use 'unbounded', 'semaphore' or 'queue'")
    if strategy != "unbounded" and (not isinstance(limit, int) or limit < 1):
        raise ValueError(f"strategy {strategy!r} needs a positive integer limit, not {limit!r}")
    start = time.perf_counter()
    latencies = [0.0] * n_requests
    answers: list = [None] * n_requests

    async def one(i):
        answers[i] = await call([f"r{i}"])
        latencies[i] = time.perf_counter() - start

    if strategy == "unbounded":
        await asyncio.gather(*(one(i) for i in range(n_requests)))
    elif strategy == "semaphore":
        gate = asyncio.Semaphore(limit)

        async def gated(i):
            async with gate:
                await one(i)

        await asyncio.gather(*(gated(i) for i in range(n_requests)))
    else:
        queue: asyncio.Queue = asyncio.Queue(maxsize=limit)

        async def worker():
            while (i := await queue.get()) is not None:
                await one(i)

        workers = [asyncio.create_task(worker()) for _ in range(limit)]
        try:
            for i in range(n_requests):
                await queue.put(i)  # waits while the queue is full: the producer slows down
            for _ in workers:
                await queue.put(None)
            await asyncio.gather(*workers)
        finally:
            for w in workers:
                w.cancel()
    return answers, latencies


def run_burst(strategy: str, *, n_requests: int = 100, limit: int | None = 4,
              over_tcp: bool = True, **server_options) -> LoadRun:
    """One burst against a fresh OverloadedServer (over loopback, or in process)."""
    server = OverloadedServer(**server_options)

    async def main():
        async with contextlib.AsyncExitStack() as stack:
            call = server.handle
            if over_tcp:
                await stack.enter_async_context(server.listening())
                call = server.call_over_tcp
            start = time.perf_counter()
            answers, latencies = await burst(call, n_requests, limit=limit, strategy=strategy)
            return answers, latencies, time.perf_counter() - start

    answers, latencies, elapsed = run_isolated(ASYNCIO, main)
    answered = sum(1 for i, a in enumerate(answers) if a == [f"r{i}:ok"])
    return LoadRun(strategy if strategy == "unbounded" else f"{strategy} ({limit})",
                   n_requests, answered, server.max_in_flight, elapsed, latencies)


@dataclass(frozen=True)
class BatchRun:
    strategy: str
    items: int
    calls: int
    elapsed_s: float


def run_batching(n_items: int = 60, batch_size: int = 10, limit: int = 4,
                 over_tcp: bool = True) -> list[BatchRun]:
    """The same items sent one per call or in batches, sequentially and concurrently (bounded)."""
    if batch_size < 1 or n_items < 1:
        raise ValueError("n_items and batch_size must be positive")
    items = [f"i{k}" for k in range(n_items)]
    batches = [items[k:k + batch_size] for k in range(0, n_items, batch_size)]
    runs = []
    for strategy, groups, concurrent in (("one at a time", [[x] for x in items], False),
                                         ("batched", batches, False),
                                         (f"one per call, {limit} concurrent", [[x] for x in items], True),
                                         (f"batched, {limit} concurrent", batches, True)):
        server = OverloadedServer(capacity=limit)

        async def main(groups=groups, concurrent=concurrent, server=server):
            async with contextlib.AsyncExitStack() as stack:
                call = server.handle
                if over_tcp:
                    await stack.enter_async_context(server.listening())
                    call = server.call_over_tcp
                start = time.perf_counter()
                if concurrent:
                    gate = asyncio.Semaphore(limit)

                    async def gated(group):
                        async with gate:
                            return await call(group)

                    answers = await asyncio.gather(*(gated(g) for g in groups))
                else:
                    answers = [await call(g) for g in groups]
                elapsed = time.perf_counter() - start
            if [a for answer in answers for a in answer] != [f"{x}:ok" for x in items]:
                raise AssertionError("the server's answers do not match the items")  # a lab bug
            return elapsed

        elapsed = run_isolated(ASYNCIO, main)
        runs.append(BatchRun(strategy, server.items, server.calls, elapsed))
    return runs
