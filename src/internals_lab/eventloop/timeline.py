"""Which task ran when: a recorder that works on any event loop.

Design: `Timeline.trace(name, coro)` wraps a coroutine in a thin driver that forwards every
send, throw and yielded future unchanged, and notes the clock before and after each step.
A step is exactly what a Task's `__step` runs: the code between two suspensions. Because the
wrapper only forwards the coroutine protocol, it records our loop and asyncio's the same way,
without touching either loop's internals. Slices carry a sequence number, so the order in
which tasks ran is data a test can compare, independent of how long anything took.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

__all__ = ["Slice", "Timeline"]


@dataclass(frozen=True)
class Slice:
    order: int      # 0, 1, 2, ... in the order the steps ran
    task: str
    start: float    # seconds since the first recorded step started
    end: float

    @property
    def duration(self) -> float:
        return self.end - self.start


class _Traced:
    def __init__(self, timeline: "Timeline", name: str, coro):
        self._timeline, self._name, self._coro = timeline, name, coro

    def __await__(self):
        coro, record, clock = self._coro, self._timeline._record, self._timeline._clock
        value, error = None, None
        while True:
            start = clock()
            try:
                yielded = coro.send(value) if error is None else coro.throw(error)
            except StopIteration as stop:
                record(self._name, start, clock())
                return stop.value
            except BaseException:
                record(self._name, start, clock())
                raise
            record(self._name, start, clock())
            try:
                value, error = (yield yielded), None
            except GeneratorExit:
                coro.close()
                raise
            except BaseException as exc:  # cancellation or an exception from a future
                value, error = None, exc


@dataclass
class Timeline:
    clock: Callable[[], float] = time.perf_counter
    slices: list[Slice] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._t0: float | None = None  # set when the first step starts: time 0 on the chart

    def _clock(self) -> float:
        now = self.clock()
        if self._t0 is None:
            self._t0 = now
        return now - self._t0

    def _record(self, task: str, start: float, end: float) -> None:
        self.slices.append(Slice(len(self.slices), task, start, end))

    def trace(self, name: str, coro):
        """Return a coroutine that runs `coro` and records each of its steps under `name`."""
        if not (hasattr(coro, "send") and hasattr(coro, "throw")):
            hint = " (call it: work(), not work)" if callable(coro) else ""
            raise TypeError(f"trace() needs a coroutine object, not {type(coro).__name__}{hint}")

        async def traced():
            return await _Traced(self, name, coro)

        return traced()

    # -- questions a test or a reader asks -----------------------------------------------
    def order(self) -> list[str]:
        """Task names in the order their steps ran."""
        return [s.task for s in self.slices]

    def tasks(self) -> list[str]:
        """Task names in order of first appearance."""
        return list(dict.fromkeys(self.order()))

    def steps(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for s in self.slices:
            counts[s.task] = counts.get(s.task, 0) + 1
        return counts

    def overlapping(self) -> list[tuple[Slice, Slice]]:
        """Pairs of slices that overlap in time; on one thread there are none."""
        ordered = sorted(self.slices, key=lambda s: s.start)
        return [(a, b) for a, b in zip(ordered, ordered[1:]) if b.start < a.end]

    def busy(self) -> float:
        return sum(s.duration for s in self.slices)

    def span(self) -> float:
        return max((s.end for s in self.slices), default=0.0)
