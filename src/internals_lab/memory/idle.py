"""The memory half of source post 2: an idle coroutine, Task, thread and process, side by side.

Chapter 3 measures parked Tasks against parked threads (`internals_lab.coroutines.
compare_memory`); this module reuses that measurement and adds the two ends of the scale: a
bare suspended coroutine, counted with tracemalloc, and an idle child process, whose resident
size is read from /proc. The child is started with `-S` and killed in `finally`, so it never
outlives the measurement. Resident sizes vary between runs: compare them, don't quote them.
"""
from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from typing import Dict, List

from ..children import start_child

__all__ = ["IdleCosts", "idle_costs", "measure_here", "suspended_coroutine_bytes", "idle_process_rss"]


class _Parked:
    """An awaitable that suspends its coroutine once: the coroutine then waits, like on I/O."""

    def __await__(self):
        yield


async def _connection_handler():
    await _Parked()


def suspended_coroutine_bytes(count: int = 2000) -> float:
    """Bytes tracemalloc attributes to each suspended coroutine (object and frame)."""
    from .allocators import traced_per_object

    parked: List = []

    def park():
        coro = _connection_handler()
        coro.send(None)          # runs to the await and suspends there
        parked.append(coro)
        return coro

    try:
        return traced_per_object(park, count)
    finally:
        for coro in parked:
            coro.close()


def idle_process_rss(timeout: float = 30.0) -> int:
    """Resident bytes of a fresh, idle interpreter process (python -S), read from /proc."""
    child = start_child([sys.executable, "-S", "-c", "import sys; print('ready', flush=True); sys.stdin.read()"],
                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        if child.stdout.readline().strip() != "ready":
            raise RuntimeError("the idle child process did not start")
        with open(f"/proc/{child.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        raise RuntimeError("no VmRSS line in /proc/<pid>/status")
    finally:
        child.kill()
        child.wait(timeout)


@dataclass(frozen=True)
class IdleCosts:
    n: int
    coroutine_traced: float   # bytes per suspended coroutine (tracemalloc)
    task_traced: float        # bytes per parked Task, its coroutine and future (tracemalloc)
    thread_traced: float      # bytes per parked thread, Python side (tracemalloc)
    task_rss: float           # resident bytes per parked Task
    thread_rss: float         # resident bytes per parked thread (includes its touched C stack)
    process_rss: float        # resident bytes of one idle interpreter process

    def rows(self) -> List[Dict[str, object]]:
        """One row per unit: bytes traced by tracemalloc and resident bytes, where measured."""
        return [
            {"unit": "suspended coroutine", "traced": self.coroutine_traced, "resident": None},
            {"unit": "parked Task", "traced": self.task_traced, "resident": self.task_rss},
            {"unit": "parked thread", "traced": self.thread_traced, "resident": self.thread_rss},
            {"unit": "idle process", "traced": None, "resident": self.process_rss},
        ]


def measure_here(n: int = 2000) -> Dict[str, float]:
    """All four measurements in this process (JSON-ready); idle_costs runs it in a fresh one."""
    from ..coroutines import compare_memory

    memory = compare_memory(n)
    per = memory.per_item()
    return {"n": n, "coroutine_traced": suspended_coroutine_bytes(n), "task_traced": per["task_traced"],
            "thread_traced": per["thread_traced"], "task_rss": per["task_rss"],
            "thread_rss": per["thread_rss"], "process_rss": float(idle_process_rss())}


def idle_costs(n: int = 2000, *, interpreter: str = sys.executable, timeout: float = 120.0) -> IdleCosts:
    """Measure all four in a fresh process of `interpreter` (Tasks and threads with chapter 3's
    compare_memory): resident growth in a long-lived kernel mostly reuses freed pages, which
    would hide what Tasks cost."""
    from .remote import call

    if not isinstance(n, int) or n < 100:
        raise ValueError("idle_costs() needs n >= 100 so the per-item figures mean something")
    return IdleCosts(**call(interpreter, "idle.measure_here", n=n, timeout=timeout))
