"""How long an I/O thread waits to run again after its data arrives: the convoy effect.

An I/O thread blocks in `recv` on a socket. Another *process* sends it a timestamp
(`time.monotonic_ns`, one clock for every process on the machine) every `period` seconds.
When the data arrives the kernel wakes the I/O thread at once, but on a GIL build it must
then get the GIL back. If a CPU-bound thread holds it, the I/O thread asks for it and waits
until the holder reaches a checkpoint after the switch interval (`sys.getswitchinterval()`,
5 ms by default) has passed. The latency recorded is from the send to the moment the I/O
thread runs Python again. Each wake-up pays the wait again, which is why a thread doing many
small I/O operations crawls beside a CPU-bound one: the convoy effect.

Why another process: a sender thread in the measured process would itself need the GIL to read
the clock and send, so it would pay the wait *before* the timestamp, and the probe would see
almost nothing (issue 19). The sender process shares no lock with the measured one; it starts
sending when told, and dies with its parent (`children.start_child`). The result keeps every
sample: the distribution, not one number.
"""
from __future__ import annotations

import socket
import statistics
import struct
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from typing import Optional, Tuple

from ..children import ChildTimeout, start_child
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


# The sender: told "go" by one byte, it sends `samples` timestamps `period` apart, then closes.
_SENDER = """
import socket, struct, sys, time
fd, samples, period = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
channel = socket.socket(fileno=fd)
if channel.recv(1) == b"g":
    pack, now = struct.pack, time.monotonic_ns
    for _ in range(samples):
        channel.sendall(pack("q", now()))
        time.sleep(period)
channel.close()
"""


def measure_latency(background: str = "cpu", samples: int = 300, *, period: float = 0.002,
                    switch_interval: Optional[float] = None, interpreter: Optional[str] = None,
                    timeout: float = 60.0) -> LatencyResult:
    """Wake-up latencies (ms) of an I/O thread, with an idle or a CPU-bound neighbour.

    The timestamps come from another process (see the module's header); every sample is kept.
    """
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

    ours, theirs = socket.socketpair()
    latencies = []
    stop = threading.Event()

    def io_thread() -> None:
        while True:
            data = ours.recv(8, socket.MSG_WAITALL)
            now = time.monotonic_ns()
            if len(data) < 8:
                return  # the sender closed
            latencies.append((now - struct.unpack("q", data)[0]) / 1e6)

    previous = sys.getswitchinterval()
    interval = previous
    helpers = [threading.Thread(target=io_thread, name="lab-io", daemon=True)]
    if background == "cpu":
        helpers.append(threading.Thread(target=_spin, args=(stop,), name="lab-cpu", daemon=True))
    started = []
    sender = None
    try:
        sender = start_child([sys.executable, "-I", "-S", "-c", _SENDER, str(theirs.fileno()), str(samples),
                              str(period)], pass_fds=(theirs.fileno(),))
        theirs.close()
        if switch_interval is not None:
            sys.setswitchinterval(switch_interval)
        for thread in helpers[1:]:  # the CPU-bound neighbour first, so it holds the GIL
            thread.start()
            started.append(thread)
        time.sleep(0.02)  # let it get going
        helpers[0].start()
        started.append(helpers[0])
        ours.sendall(b"g")
        try:
            sender.wait(timeout)
        except subprocess.TimeoutExpired:
            raise ChildTimeout(f"the latency probe's sender did not finish within {timeout:g} s") from None
        helpers[0].join(timeout)  # the I/O thread reads what is left, then sees the close
    finally:
        # Every step runs whatever happened above, and none of them may raise over the original
        # error: a thread that never started is not joined, the interval is always put back.
        interval = sys.getswitchinterval()
        sys.setswitchinterval(previous)
        stop.set()
        if sender is not None and sender.poll() is None:
            sender.kill()
            sender.wait()
        theirs.close()
        ours.shutdown(socket.SHUT_RDWR)  # wakes an I/O thread still in recv
        for thread in started:
            thread.join(5.0)
        ours.close()
    label = current().label
    if not latencies:
        raise RuntimeError("no sample arrived; the I/O thread never ran")
    return LatencyResult(background, interval, label, tuple(latencies))


def _latency_as_dict(**kwargs) -> dict:
    return asdict(measure_latency(**kwargs))
