"""Traces: a generator or coroutine run step by step, with the whole await chain snapshotted
before every resumption and after every suspension.

`drive` sends values by hand (no event loop); `trace_task` runs one asyncio Task in a private
loop (`private_loop`) with its coroutine wrapped in `_Recorder`. Both return a `Trace`.

Part of `internals_lab.coroutines`; the package's docstring gives the design and the
global state it restores.
"""
from __future__ import annotations

import asyncio
import collections.abc
import types
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from ..deadline import time_limit
from .frames import CoroutineLabError, FrameSnapshot, _check_drivable, _state, await_chain, describe
from .private_loop import _make_coroutine, _private_event_loop, _task_class, _wake

__all__ = ["Step", "Trace", "drive", "trace_task"]


@dataclass(frozen=True)
class Step:
    index: int
    event: str                    # "created", "resume", "suspend", "return", "raise"
    sent: str | None              # what send() passed in (resume steps)
    value: str | None             # what came out: the yielded value, return value or exception
    chain: tuple[FrameSnapshot, ...]
    task_waiting_on: str | None = None   # the Task's _fut_waiter after a suspension (asyncio only)

    @property
    def outer(self) -> FrameSnapshot:
        return self.chain[0]


@dataclass(frozen=True)
class Trace:
    name: str
    steps: tuple[Step, ...]
    result: str | None            # describe() of the return value, if it returned
    error: str | None             # "TypeName: message" if the traced code raised

    def events(self) -> list[str]:
        return [s.event for s in self.steps]


def drive(obj: Any, values: Iterable[Any] = (), *, max_steps: int = 1000,
          timeout: float | None = 30.0) -> Trace:
    """Drive a generator or coroutine with send(): None first, then each of `values`, then None.

    Records a step before each resumption and after each suspension. Nothing global is touched;
    an exception raised by the driven code ends the trace (its last step is "raise"). Bounds:
    `max_steps` sends and `timeout` seconds of wall time (TimeLimitExceeded; None: no bound).
    """
    _check_drivable(obj, "drive()")
    if _state(obj) != "CREATED":
        raise CoroutineLabError(f"drive() needs a fresh object; {obj.__qualname__} is already {_state(obj)}")
    upcoming = iter(values)
    steps: list[Step] = [Step(0, "created", None, None, tuple(await_chain(obj)))]
    try:
        with time_limit(timeout, what=f"driving {obj.__qualname__}"):
            _drive_steps(obj, upcoming, steps, max_steps)
    finally:
        if _state(obj) != "CLOSED":
            obj.close()
    last = steps[-1]
    result = last.value if last.event == "return" else None
    error = last.value if last.event == "raise" else None
    return Trace(obj.__qualname__, tuple(steps), result, error)


def _drive_steps(obj: Any, upcoming, steps: list, max_steps: int) -> None:
    to_send: Any = None
    for _ in range(max_steps):
        steps.append(Step(len(steps), "resume", describe(to_send), None, tuple(await_chain(obj))))
        try:
            yielded = obj.send(to_send)
        except StopIteration as stop:
            steps.append(Step(len(steps), "return", None, describe(stop.value), tuple(await_chain(obj))))
            return
        except Exception as exc:  # the learner's code raised: record it, end the trace
            steps.append(Step(len(steps), "raise", None, f"{type(exc).__name__}: {exc}", tuple(await_chain(obj))))
            return
        steps.append(Step(len(steps), "suspend", None, describe(yielded), tuple(await_chain(obj))))
        to_send = next(upcoming, None)
    raise CoroutineLabError(f"{obj.__qualname__} did not finish within {max_steps} sends")


class _Recorder(collections.abc.Coroutine):
    """Wraps the Task's coroutine: forwards send/throw and records a step around each one.

    asyncio accepts any collections.abc.Coroutine as a Task's coroutine, so the Task drives this
    wrapper exactly as it would drive the coroutine itself (send(None) on every wake-up).
    """

    def __init__(self, coro: types.CoroutineType, loop: asyncio.AbstractEventLoop, max_steps: int):
        self.coro, self.loop, self.max_steps = coro, loop, max_steps
        self.steps: list[dict[str, Any]] = [dict(event="created", sent=None, value=None, chain=await_chain(coro))]
        self.task: asyncio.Task | None = None
        self.__qualname__ = coro.__qualname__

    def _record(self, event: str, sent: str | None = None, value: str | None = None) -> dict[str, Any]:
        step = dict(event=event, sent=sent, value=value, chain=await_chain(self.coro))
        self.steps.append(step)
        return step

    def _forward(self, method: Callable[[], Any], sent: str) -> Any:
        if len(self.steps) > self.max_steps:
            raise CoroutineLabError(f"{self.__qualname__} did not finish within {self.max_steps} steps")
        self._record("resume", sent=sent)
        try:
            yielded = method()
        except StopIteration as stop:
            self._record("return", value=describe(stop.value))
            raise
        except BaseException as exc:
            self._record("raise", value=f"{type(exc).__name__}: {exc}")
            raise
        step = self._record("suspend", value=describe(yielded))
        # The Task stores the future it now waits on in _fut_waiter right after send() returns,
        # within the same callback; a callback scheduled now runs before anything can wake it.
        self.loop.call_soon(self._note_waiter, step)
        return yielded

    def _note_waiter(self, step: dict[str, Any]) -> None:
        waiter = getattr(self.task, "_fut_waiter", None)
        step["task_waiting_on"] = None if waiter is None else describe(waiter)

    def send(self, value: Any) -> Any:
        return self._forward(lambda: self.coro.send(value), describe(value))

    def throw(self, typ: Any, val: Any = None, tb: Any = None) -> Any:
        exc = typ if isinstance(typ, BaseException) else (typ() if val is None else val)
        return self._forward(lambda: self.coro.throw(exc), f"throw {type(exc).__name__}")

    def close(self) -> None:
        self.coro.close()

    def __await__(self):  # pragma: no cover - asyncio never awaits a Task's coroutine directly
        return self.coro.__await__()


def trace_task(target: Any, *, task_class: str = "c", max_steps: int = 1000,
               timeout: float | None = 30.0) -> Trace:
    """Run `target` (an async function or a fresh coroutine) as one Task in a private loop.

    Returns the steps: a snapshot of the whole await chain before every resumption and after
    every suspension, and, after a suspension, what the Task's `_fut_waiter` points to.
    Bounds: `max_steps` steps and `timeout` seconds of wall time (TimeLimitExceeded; None: none).
    """
    cls = _task_class(task_class)
    coro = _make_coroutine(target, "trace_task()")
    name = coro.__qualname__
    result = error = None
    try:
        with _private_event_loop() as loop:
            recorder = _Recorder(coro, loop, max_steps)
            task = cls(recorder, loop=loop)
            recorder.task = task
            # The guard's exception is a BaseException until the guard itself turns it into
            # TimeLimitExceeded, so the handler inside never mistakes it for the program's.
            with time_limit(timeout, what=f"the task {name}", wake=_wake(loop)):
                try:
                    result = describe(loop.run_until_complete(task))
                except Exception as exc:
                    if recorder.steps[-1]["event"] != "raise":
                        raise  # not the traced code's exception (a step limit, or a bug in this lab)
                    error = f"{type(exc).__name__}: {exc}"  # the traced code raised: the trace says so
    finally:
        if _state(coro) != "CLOSED":
            coro.close()
    steps = tuple(
        Step(i, s["event"], s["sent"], s["value"], tuple(s["chain"]), s.get("task_waiting_on"))
        for i, s in enumerate(recorder.steps)
    )
    return Trace(name, steps, result, error)
