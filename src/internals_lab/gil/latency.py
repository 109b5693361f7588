"""How long an I/O thread waits to run again after its data arrives: the convoy effect.

An I/O thread blocks in `recv` on a socket; the main thread sends it a timestamp every
`period` seconds. When the data arrives the kernel wakes the I/O thread at once, but on a GIL
build it must then get the GIL back. If a CPU-bound thread holds it, the I/O thread asks for
it and waits until the holder reaches a checkpoint after the switch interval
(`sys.getswitchinterval()`, 5 ms by default) has passed. The latency recorded is from the send
to the moment the I/O thread runs Python again. Each wake-up pays the wait again, which is why
a thread doing many small I/O operations crawls beside a CPU-bound one: the convoy effect.
"""
from __future__ import annotations

import socket
import statistics
import struct
import sys
import threading
import time
from dataclasses import asdict, dataclass
from typing import Optional, Tuple

from . import remote
from .interpreters import current

__all__ = ["LatencyResult", "measure_latency", "BACKGROUNDS"]

BACKGROUNDS = ("idle", "cpu")


@dataclass(frozen=True)
class LatencyResult:
    background: str
    switch_interval: float
    interpreter: str
    samples_ms: Tuple[float, ...]

    def percentile(self, q: float) -> float:
        ordered = sorted(self.samples_ms)
        return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))]

    @property
    def median_ms(self) -> float:
        return statistics.median(self.samples_ms)


def _spin(stop: threading.Event) -> None:
    x = 0
    while not stop.is_set():
        for i in range(1000):
            x += i


def measure_latency(background: str = "cpu", samples: int = 200, *, period: float = 0.002,
                    switch_interval: Optional[float] = None, interpreter: Optional[str] = None,
                    timeout: float = 60.0) -> LatencyResult:
    """Wake-up latencies (ms) of an I/O thread, with an idle or a CPU-bound neighbour."""
    if background not in BACKGROUNDS:
        raise ValueError(f"background must be one of {BACKGROUNDS}, got {background!r}")
    if samples < 1 or period <= 0:
        raise ValueError("samples must be at least 1 and period positive")
    if switch_interval is not None and switch_interval <= 0:
        raise ValueError("switch_interval must be positive (seconds)")
    if remote.elsewhere(interpreter):
        data = remote.call(interpreter, "latency._latency_as_dict", timeout=timeout + 30, background=background,
                           samples=samples, period=period, switch_interval=switch_interval)
        data["samples_ms"] = tuple(data["samples_ms"])
        return LatencyResult(**data)

    sender, receiver = socket.socketpair()
    latencies = []
    stop = threading.Event()

    def io_thread() -> None:
        while True:
            data = receiver.recv(8)
            now = time.perf_counter_ns()
            if len(data) < 8:
                return  # the sender closed
            latencies.append((now - struct.unpack("q", data)[0]) / 1e6)

    previous = sys.getswitchinterval()
    interval = previous
    helpers = [threading.Thread(target=io_thread, name="lab-io", daemon=True)]
    if background == "cpu":
        helpers.append(threading.Thread(target=_spin, args=(stop,), name="lab-cpu", daemon=True))
    started = []
    try:
        if switch_interval is not None:
            sys.setswitchinterval(switch_interval)
        for thread in helpers:
            thread.start()
            started.append(thread)
        time.sleep(0.02)  # let the CPU-bound thread get going
        deadline = time.perf_counter() + timeout
        for _ in range(samples):
            if time.perf_counter() > deadline:
                break
            sender.sendall(struct.pack("q", time.perf_counter_ns()))
            time.sleep(period)
    finally:
        # Every step runs whatever happened above, and none of them may raise over the original
        # error: a thread that never started is not joined, the interval is always put back.
        interval = sys.getswitchinterval()
        sys.setswitchinterval(previous)
        stop.set()
        sender.close()  # the I/O thread's recv returns b"" and it ends
        for thread in started:
            thread.join(5.0)
        receiver.close()
    label = current().label
    if not latencies:
        raise RuntimeError("no sample arrived; the I/O thread never ran")
    return LatencyResult(background, interval, label, tuple(latencies))


def _latency_as_dict(**kwargs) -> dict:
    return asdict(measure_latency(**kwargs))
