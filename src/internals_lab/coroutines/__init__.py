"""Coroutine frames: how a generator or coroutine pauses, what it keeps, and how it resumes.

Design (data before presentation, after `Lib/dis.py`):
- `frame_snapshot(obj)` and `await_chain(obj)` read a generator or coroutine and return frozen
  records (`FrameSnapshot`): state, line, instruction offset and name, locals, what it waits on.
  Every value is described by `describe()`, which never shows an address, so records compare
  equal across runs and can be stored in a notebook that nbval checks strictly.
- `drive(obj, values)` drives a generator or coroutine by hand with `send()` (no event loop);
  `trace_task(async_fn)` runs one asyncio Task in a private event loop, with the coroutine
  wrapped in a recorder that snapshots the whole `cr_await` chain before each resumption and
  after each suspension. Both return a `Trace` (a list of `Step` records).
- `run(async_fn)` is asyncio.run() that also works inside Jupyter (whose kernel runs a loop).
- `future_links()` answers "who holds the future a suspended task waits on?" with booleans;
  `compare_memory()` measures an idle Task against an idle thread (tracemalloc and RSS).
- `run_on_versions()` runs a snippet under 3.11 to 3.15 when those interpreters exist.
- Renderers (`show_timeline`, `show_frame`, `await_chain_graph`, `steps_view`, `stepper`) only
  draw these records; the Graphviz layout and ipywidgets are reached only inside them.

Global state: `trace_task`, `run`, `future_links` and `compare_memory` create their own event loop and
restore, in `finally`, the running-loop slot, the thread's current loop, the loop policy, the
async-generator hooks, the coroutine origin tracking depth and the trace/profile functions, and
close the loop, also when the traced code raises. Threads started by
`compare_memory` are parked on an Event and all joined in `finally`; tracemalloc is stopped only
if it was not already running.
"""
from __future__ import annotations

import asyncio
import collections.abc
import contextlib
import dis
import gc
import html
import inspect
import os
import sys
import threading
import tracemalloc
import types
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from .children import run_child
from .deadline import TimeLimitExceeded, limit_message, time_limit

__all__ = [
    "CoroutineLabError",
    "FrameSnapshot",
    "Step",
    "Trace",
    "FutureLinks",
    "MemoryComparison",
    "VersionRun",
    "describe",
    "frame_snapshot",
    "await_chain",
    "drive",
    "trace_task",
    "run",
    "future_links",
    "compare_memory",
    "run_on_versions",
    "show_timeline",
    "show_frame",
    "show_chain",
    "show_version_runs",
    "await_chain_graph",
    "StepsView",
    "steps_view",
    "stepper",
]


class CoroutineLabError(ValueError):
    """A learner passed something this lab cannot drive; the message says what to pass."""


# ---------------------------------------------------------------------------------------------
# Describing values without addresses
# ---------------------------------------------------------------------------------------------

_SCALARS = (type(None), bool, int, float, complex, str, bytes)


def describe(value: Any, *, width: int = 40) -> str:
    """A short, deterministic description of `value`: repr for plain values, no addresses."""
    if isinstance(value, _SCALARS):
        text = repr(value)
        return text if len(text) <= width else text[: width - 3] + "..."
    if isinstance(value, asyncio.Task):
        return f"Task({_qualname(value.get_coro())}, {_future_state(value)})"
    if isinstance(value, asyncio.Future):
        # asyncio's own subclasses (gather's _GatheringFuture) keep their names; the C and the
        # pure-Python Future both print as "Future".
        name = "Future" if type(value).__name__ == "Future" else type(value).__name__
        return f"{name}({_future_state(value)})"
    if isinstance(value, types.CoroutineType):
        return f"<coroutine {value.__qualname__}>"
    if isinstance(value, types.GeneratorType):
        return f"<generator {value.__qualname__}>"
    if isinstance(value, (list, tuple)) and len(value) <= 5:
        inner = ", ".join(describe(v, width=width) for v in value)
        return f"[{inner}]" if isinstance(value, list) else f"({inner}{',' if len(value) == 1 else ''})"
    if isinstance(value, (types.FunctionType, types.BuiltinFunctionType, types.MethodType)):
        return f"<function {getattr(value, '__qualname__', '?')}>"
    return f"<{type(value).__name__}>"


def _future_state(future: asyncio.Future) -> str:
    if future.cancelled():
        return "cancelled"
    if not future.done():
        return "pending"
    if future.exception() is not None:
        return f"raised {type(future.exception()).__name__}"
    return f"done, result={describe(future.result(), width=20)}"


def _qualname(obj: Any) -> str:
    return getattr(obj, "__qualname__", None) or type(obj).__name__


# ---------------------------------------------------------------------------------------------
# Snapshots of one frame and of a chain of awaits
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FrameSnapshot:
    name: str                     # __qualname__ of the generator/coroutine, or the type's name
    kind: str                     # "coroutine", "generator" or "iterator" (the end of a chain)
    state: str                    # CREATED, RUNNING, SUSPENDED, CLOSED (inspect's names, no prefix)
    line: int | None              # f_lineno of the saved frame
    offset: int | None            # f_lasti: byte offset of the saved instruction pointer
    instruction: str | None       # the opname at that offset
    locals: tuple[tuple[str, str], ...]   # (name, describe(value)) in the code's order
    awaiting: str | None          # what cr_await / gi_yieldfrom points to, described
    has_f_back: bool | None       # does the saved frame link to a caller? (None: no frame)

    @property
    def where(self) -> str:
        if self.line is None:
            return self.name
        return f"{self.name} line {self.line} @{self.offset} {self.instruction}"


_OPNAMES: dict[types.CodeType, dict[int, str]] = {}


def _opname_at(code: types.CodeType, offset: int) -> str | None:
    table = _OPNAMES.get(code)
    if table is None:
        table = _OPNAMES[code] = {i.offset: i.opname for i in dis.get_instructions(code)}
    return table.get(offset)


def _state(obj: Any) -> str:
    if isinstance(obj, types.CoroutineType):
        return inspect.getcoroutinestate(obj).removeprefix("CORO_")
    return inspect.getgeneratorstate(obj).removeprefix("GEN_")


def _awaiting(obj: Any) -> Any:
    if isinstance(obj, types.CoroutineType):
        return obj.cr_await
    if isinstance(obj, types.GeneratorType):
        return obj.gi_yieldfrom
    return None


def _frame(obj: Any) -> types.FrameType | None:
    return obj.cr_frame if isinstance(obj, types.CoroutineType) else obj.gi_frame


def _check_drivable(obj: Any, what: str = "this function") -> None:
    if isinstance(obj, (types.CoroutineType, types.GeneratorType)):
        return
    if inspect.iscoroutinefunction(obj) or inspect.isgeneratorfunction(obj):
        raise CoroutineLabError(
            f"{what} takes a generator or coroutine object, not the function "
            f"{obj.__qualname__}: call it first, e.g. {obj.__name__}()"
        )
    raise CoroutineLabError(
        f"{what} takes a generator or coroutine object (from calling a `def` with `yield` "
        f"or an `async def`), not {type(obj).__name__}"
    )


def frame_snapshot(obj: Any) -> FrameSnapshot:
    """The saved state of one generator or coroutine, as plain data."""
    _check_drivable(obj, "frame_snapshot()")
    kind = "coroutine" if isinstance(obj, types.CoroutineType) else "generator"
    frame = _frame(obj)  # None once the generator/coroutine has finished
    awaited = _awaiting(obj)
    if frame is None:
        return FrameSnapshot(obj.__qualname__, kind, _state(obj), None, None, None, (), None, None)
    # f_locals: in 3.13 a write-through proxy (PEP 667), before that a dict snapshot; either way
    # it lists bound locals in the code object's order, which keeps snapshots deterministic.
    local_items = tuple((name, describe(value)) for name, value in frame.f_locals.items())
    return FrameSnapshot(
        name=obj.__qualname__,
        kind=kind,
        state=_state(obj),
        line=frame.f_lineno,
        offset=frame.f_lasti,
        instruction=_opname_at(frame.f_code, frame.f_lasti),
        locals=local_items,
        awaiting=None if awaited is None else describe(awaited),
        has_f_back=frame.f_back is not None,
    )


def _leaf_snapshot(obj: Any) -> FrameSnapshot:
    # The end of an await chain is usually a Future's iterator (`_asyncio.FutureIter`), which
    # has no public attribute for its future; gc.get_referents shows what it holds.
    held = [r for r in gc.get_referents(obj) if isinstance(r, asyncio.Future)]
    local_items = (("refers to (gc.get_referents)", describe(held[0])),) if held else ()
    return FrameSnapshot(type(obj).__name__, "iterator", "-", None, None, None, local_items, None, None)


def await_chain(obj: Any) -> list[FrameSnapshot]:
    """Follow cr_await (coroutines) and gi_yieldfrom (generators) links from `obj` to the end."""
    chain: list[FrameSnapshot] = []
    current = obj
    seen: set[int] = set()
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, (types.CoroutineType, types.GeneratorType)):
            chain.append(frame_snapshot(current))
            current = _awaiting(current)
        else:
            chain.append(_leaf_snapshot(current))
            break
    return chain


def _chain_objects(obj: Any) -> list[Any]:
    objects = [obj]
    while isinstance(objects[-1], (types.CoroutineType, types.GeneratorType)):
        nxt = _awaiting(objects[-1])
        if nxt is None:
            break
        objects.append(nxt)
    return objects


# ---------------------------------------------------------------------------------------------
# Traces: a list of steps
# ---------------------------------------------------------------------------------------------

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


@contextlib.contextmanager
def _private_event_loop():
    """A fresh event loop for this thread, with everything it could disturb put back afterwards.

    Works inside Jupyter, whose kernel already runs a loop in this thread: the running-loop slot
    is emptied while ours runs (run_until_complete refuses to start otherwise) and refilled.
    """
    running = asyncio.events._get_running_loop()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # policies are deprecated in 3.14
        policy = asyncio.get_event_loop_policy()
    local = getattr(policy, "_local", None)
    current = getattr(local, "_loop", None)  # the thread's current loop, read without creating one
    hooks = sys.get_asyncgen_hooks()
    # Hooks a learner's coroutine might set, or a debug-mode loop changes, for this thread.
    tracer, profiler = sys.gettrace(), sys.getprofile()
    origin_depth = sys.get_coroutine_origin_tracking_depth()
    # From 3.14 the running task is per thread, not per loop (Modules/_asynciomodule.c,
    # enter_task): our loop's task could not start while the kernel's cell task is entered,
    # so that task is stepped out of the thread for as long as ours runs, and back in after.
    outer_task = None
    swap = getattr(asyncio.tasks, "_swap_current_task", None) if sys.version_info >= (3, 14) else None
    if running is not None and swap is not None:
        outer_task = swap(running, None)
    loop = asyncio.new_event_loop()
    asyncio.events._set_running_loop(None)
    try:
        yield loop
    finally:
        try:
            # From 3.14 asyncio.all_tasks is the C one, which walks C Tasks only; the lab's
            # pure-Python Tasks (task_class="python") are in tasks.py's own registry.
            found = set(asyncio.all_tasks(loop))
            py_all_tasks = getattr(asyncio.tasks, "_py_all_tasks", None)
            if py_all_tasks is not None:
                found |= set(py_all_tasks(loop))
            leftovers = [t for t in found if not t.done()]
            for task in leftovers:
                task.cancel()
            if leftovers:
                loop.run_until_complete(asyncio.gather(*leftovers, return_exceptions=True))
            loop.run_until_complete(loop.shutdown_asyncgens())
            # As asyncio.run: wait for run_in_executor's threads (to_thread, getaddrinfo...).
            loop.run_until_complete(_shutdown_default_executor(loop))
        finally:
            loop.close()
            asyncio.events._set_running_loop(running)
            if outer_task is not None:
                swap(running, outer_task)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                if asyncio.get_event_loop_policy() is not policy:
                    asyncio.set_event_loop_policy(policy)
                if local is not None and getattr(local, "_loop", None) is not current:
                    local._loop = current
            sys.set_asyncgen_hooks(*hooks)
            sys.set_coroutine_origin_tracking_depth(origin_depth)
            if sys.gettrace() is not tracer:
                sys.settrace(tracer)
            if sys.getprofile() is not profiler:
                sys.setprofile(profiler)


async def _shutdown_default_executor(loop: asyncio.AbstractEventLoop) -> None:
    if sys.version_info >= (3, 12):  # the timeout asyncio.run passes (constants.THREAD_JOIN_TIMEOUT)
        await loop.shutdown_default_executor(timeout=300)
    else:
        await loop.shutdown_default_executor()


def _wake(loop: asyncio.AbstractEventLoop) -> Callable[[], None]:
    # A loop asleep in its selector would not notice the watchdog's exception until woken.
    return lambda: loop.call_soon_threadsafe(lambda: None)


def _make_coroutine(target: Any, what: str) -> types.CoroutineType:
    if isinstance(target, types.CoroutineType):
        if _state(target) != "CREATED":
            raise CoroutineLabError(f"{what} needs a fresh coroutine; this one is already {_state(target)}")
        return target
    if inspect.iscoroutinefunction(target):
        return target()
    if callable(target):
        raise CoroutineLabError(f"{what} takes an `async def` function or a coroutine object; "
                                f"{_qualname(target)} is a plain function")
    raise CoroutineLabError(f"{what} takes an `async def` function or a coroutine object, not {type(target).__name__}")


def _task_class(task_class: str) -> type:
    # asyncio.Task is the C implementation from _asyncio when it is available (always, on
    # CPython); _PyTask is the pure-Python one in Lib/asyncio/tasks.py, handy for reading along.
    if task_class == "c":
        return asyncio.Task
    if task_class == "python":
        return asyncio.tasks._PyTask
    raise CoroutineLabError(f"task_class must be 'c' or 'python', not {task_class!r}")


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


def run(target: Any, *, timeout: float | None = 60.0) -> Any:
    """Run an async function (or a fresh coroutine) to completion as a plain Task, like
    asyncio.run(), but also inside Jupyter, whose kernel already runs a loop in this thread.

    As asyncio.run, it waits for the default executor's threads before returning. `timeout`
    bounds the wall time (TimeLimitExceeded; None: no bound)."""
    coro = _make_coroutine(target, "run()")
    what = f"running {coro.__qualname__}"
    try:
        with _private_event_loop() as loop:
            task = loop.create_task(coro)
            with time_limit(timeout, what=what, wake=_wake(loop)):
                # A backstop on the loop's own clock: the guard's exception can land in a plain
                # callback, whose Handle._run logs any exception and carries on, so a task that
                # waits forever would wait on. The timer cancels the task instead.
                expired = []
                if timeout is not None:
                    loop.call_later(timeout, lambda: (expired.append(True), task.cancel()))
                try:
                    return loop.run_until_complete(task)
                except asyncio.CancelledError:
                    if expired:
                        raise TimeLimitExceeded(limit_message(timeout, what, "timeout")) from None
                    raise
    finally:
        if _state(coro) != "CLOSED":
            coro.close()


# ---------------------------------------------------------------------------------------------
# Who holds the future?
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FutureLinks:
    waiter: str                           # describe() of the Task's _fut_waiter
    chain: tuple[str, ...]                # names along cr_await from the Task's coroutine
    frames_holding_it: tuple[str, ...]    # "frame.local" for every chain frame whose locals hold it
    chain_end_refers_to_it: bool          # gc.get_referents(chain end) contains it
    outer_frame_f_back: bool              # does the outermost suspended frame have an f_back?


def future_links(target: Any, *, task_class: str = "c") -> FutureLinks:
    """Run `target` as a Task until it first waits on a future; report who references that future."""
    cls = _task_class(task_class)
    coro = _make_coroutine(target, "future_links()")
    try:
        with _private_event_loop() as loop:
            task = cls(coro, loop=loop)
            # Step the loop until the task parks on a future (asyncio.sleep(0) yields None instead).
            for _ in range(100):
                loop.run_until_complete(asyncio.sleep(0))
                if task.done() or task._fut_waiter is not None:
                    break
            waiter = task._fut_waiter
            if waiter is None:
                raise CoroutineLabError(f"{coro.__qualname__} never waited on a future")
            objects = _chain_objects(coro)
            holding = tuple(
                f"{o.__qualname__}.{name}"
                for o in objects if isinstance(o, types.CoroutineType) and o.cr_frame is not None
                for name, value in o.cr_frame.f_locals.items() if value is waiter
            )
            end = objects[-1]
            links = FutureLinks(
                waiter=describe(waiter),
                chain=tuple(_qualname(o) for o in objects),
                frames_holding_it=holding,
                chain_end_refers_to_it=any(r is waiter for r in gc.get_referents(end)),
                outer_frame_f_back=coro.cr_frame.f_back is not None,
            )
            del waiter, objects, end
    finally:
        if _state(coro) != "CLOSED":
            coro.close()
    return links


# ---------------------------------------------------------------------------------------------
# The price of a paused function: idle Tasks versus idle threads
# ---------------------------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------------------------
# The same snippet on 3.11, 3.12 and 3.13
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class VersionRun:
    version: str              # "3.11"
    found: bool               # was an interpreter for this version found?
    full_version: str | None  # "3.11.7"
    output: str               # stdout (and stderr, if it failed); empty when not found
    ok: bool


def _interpreter_for(version: str) -> str | None:
    from . import interpreters   # the one place that finds interpreters

    found = interpreters.find(version)
    return found.executable if found else None


def run_on_versions(source: str, versions: Iterable[str] = ("3.11", "3.12", "3.13", "3.14", "3.15"),
                    *, timeout: float = 60.0) -> list[VersionRun]:
    """Run `source` in a fresh interpreter of each version that is installed (PYTHONHASHSEED=0)."""
    runs = []
    env = dict(os.environ, PYTHONHASHSEED="0")
    env.pop("PYTHONPATH", None)  # the snippet needs only the standard library
    for version in versions:
        exe = _interpreter_for(version)
        if exe is None:
            runs.append(VersionRun(version, False, None, "", False))
            continue
        probe = "import platform; print(platform.python_version())\n"
        done = run_child([exe, "-c", probe + source], capture_output=True, text=True,
                              timeout=timeout, env=env)
        first, _, rest = done.stdout.partition("\n")
        output = rest + (done.stderr if done.returncode else "")
        runs.append(VersionRun(version, True, first.strip() or None, output.rstrip("\n"), done.returncode == 0))
    return runs


# ---------------------------------------------------------------------------------------------
# Renderers
# ---------------------------------------------------------------------------------------------

def _chain_text(chain: Iterable[FrameSnapshot]) -> str:
    parts = []
    for snap in chain:
        if snap.kind == "iterator":
            parts.append(snap.name)
        elif snap.line is None:
            parts.append(f"{snap.name} ({snap.state})")
        else:
            parts.append(f"{snap.name}:{snap.line}")
    return " -> ".join(parts)


def show_timeline(trace: Trace):
    """One row per step: event, what went in or out, and where every frame of the chain stands."""
    from .render import Table

    has_task = any(s.task_waiting_on is not None for s in trace.steps)
    columns = ["step", "event", "sent", "out", "state", "await chain (name:line)"]
    if has_task:
        columns.append("Task._fut_waiter")
    rows = []
    for s in trace.steps:
        row = [s.index, s.event, s.sent or "", s.value or "", s.outer.state, _chain_text(s.chain)]
        if has_task:
            row.append(s.task_waiting_on or "")
        rows.append(row)
    caption = f"Trace of {trace.name}: " + (f"returned {trace.result}" if trace.error is None else f"raised {trace.error}")
    return Table(columns, rows, caption=caption, code_columns=["await chain (name:line)"])


def show_frame(snapshot: FrameSnapshot):
    """The saved state of one frame: where it stopped and what it holds."""
    from .render import Table

    rows = [
        ("state", snapshot.state),
        ("line (f_lineno)", "" if snapshot.line is None else str(snapshot.line)),
        ("offset (f_lasti)", "" if snapshot.offset is None else str(snapshot.offset)),
        ("instruction at f_lasti", snapshot.instruction or ""),
        ("awaiting (cr_await / gi_yieldfrom)", snapshot.awaiting or ""),
        ("f_back is set", "" if snapshot.has_f_back is None else ("yes" if snapshot.has_f_back else "no")),
    ]
    rows += [(f"local {name}", value) for name, value in snapshot.locals]
    return Table(["field", "value"], rows, caption=f"Saved state of {snapshot.name} ({snapshot.kind})")


def show_chain(chain: Iterable[FrameSnapshot]):
    """A row per link of an await chain."""
    from .render import Table

    rows = [(s.name, s.kind, s.state, "" if s.line is None else s.line,
             "" if s.offset is None else s.offset, s.instruction or "",
             ", ".join(f"{k}={v}" for k, v in s.locals)) for s in chain]
    return Table(["name", "kind", "state", "line", "f_lasti", "instruction", "locals"], rows)


def show_version_runs(runs: Iterable[VersionRun]):
    from .render import Table

    rows = []
    for run in runs:
        if not run.found:
            rows.append((run.version, "not installed here", "(not run)"))
        else:
            # one line per row reads well both as text and in an HTML table
            output = " | ".join(run.output.splitlines())
            rows.append((run.version, run.full_version or "?", output if run.ok else "FAILED: " + output))
    return Table(["version", "interpreter", "output (lines separated by |)"], rows,
                 code_columns=["output (lines separated by |)"])


def _dot_quote(text: str) -> str:
    # Labels may contain the DOT line break "\\n"; names and descriptions never hold backslashes.
    return '"' + text.replace('"', '\\"') + '"'


def await_chain_graph(step: Step, *, task_label: str | None = "Task"):
    """Graphviz figure of one step's await chain: cr_await links, the future, and the Task."""
    from .render import svg

    lines = ["digraph await_chain {", "  rankdir=LR;", '  node [shape=box, fontname="Helvetica", fontsize=11];',
             '  edge [fontname="Helvetica", fontsize=10];']
    names = []
    for i, snap in enumerate(step.chain):
        node = f"n{i}"
        names.append(node)
        label = snap.name if snap.line is None else f"{snap.name}\\nline {snap.line}, f_lasti {snap.offset}"
        lines.append(f"  {node} [label={_dot_quote(label)}];")
    for a, b in zip(names, names[1:]):
        lines.append(f'  {a} -> {b} [label="cr_await"];')
    future = step.task_waiting_on
    if future is None:
        future = next((v for s in step.chain for k, v in s.locals if v.startswith("Future(")), None)
    if future is not None:
        lines.append(f"  fut [label={_dot_quote(future)}, shape=ellipse];")
        if step.chain and step.chain[-1].kind == "iterator":
            lines.append(f'  {names[-1]} -> fut [label="holds"];')
        for i, snap in enumerate(step.chain):
            for k, v in snap.locals:
                if v == future and snap.kind != "iterator":
                    lines.append(f'  n{i} -> fut [label="local {k}", style=dashed];')
    if task_label and step.task_waiting_on is not None:
        lines.append(f"  task [label={_dot_quote(task_label)}, shape=box3d];")
        if names:
            lines.append('  task -> n0 [label="coroutine"];')
        lines.append('  task -> fut [label="_fut_waiter", color="#b03030", fontcolor="#b03030"];')
    lines.append("}")
    alt = (f"Step {step.index} ({step.event}): the await chain " + " to ".join(s.name for s in step.chain)
           + ("" if future is None else f", ending at the future, {future}")
           + ("; the Task also points at that future through _fut_waiter" if step.task_waiting_on else ""))
    return svg("\n".join(lines), alt)


@dataclass
class StepsView:
    """A static, kernel-free rendering of every step: one collapsible block per step."""
    trace: Trace
    open_steps: tuple[int, ...] = field(default_factory=tuple)

    def __str__(self) -> str:
        out = []
        for s in self.trace.steps:
            out.append(f"step {s.index}: {s.event}" + (f" sent {s.sent}" if s.sent else "") + (f" -> {s.value}" if s.value else ""))
            for snap in s.chain:
                loc = ", ".join(f"{k}={v}" for k, v in snap.locals)
                where = "" if snap.line is None else f" line {snap.line} @{snap.offset} {snap.instruction}"
                out.append(f"    {snap.name} [{snap.state}]{where}" + (f" locals: {loc}" if loc else ""))
        return "\n".join(out)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        parts = [f'<div class="internals-lab-steps"><p>{html.escape(self.trace.name)}: '
                 f'{len(self.trace.steps)} steps (open one to see the saved frames)</p>']
        for s in self.trace.steps:
            summary = f"Step {s.index}: {s.event}" + (f", sent {s.sent}" if s.sent else "") + (f", out {s.value}" if s.value else "")
            opened = " open" if s.index in self.open_steps else ""
            parts.append(f"<details{opened}><summary>{html.escape(summary)}</summary>")
            parts.append(_step_table(s)._repr_html_())
            parts.append("</details>")
        parts.append("</div>")
        return "".join(parts)


def _step_table(step: Step):
    from .render import Table

    rows = []
    for snap in step.chain:
        rows.append((snap.name, snap.state, "" if snap.line is None else snap.line,
                     "" if snap.offset is None else f"{snap.offset} {snap.instruction}",
                     ", ".join(f"{k}={v}" for k, v in snap.locals), snap.awaiting or ""))
    caption = None if step.task_waiting_on is None else f"Task._fut_waiter: {step.task_waiting_on}"
    return Table(["frame", "state", "line", "f_lasti", "locals", "awaiting"], rows, caption=caption)


def steps_view(trace: Trace, open_steps: Iterable[int] = ()) -> StepsView:
    return StepsView(trace, tuple(open_steps))


def stepper(trace: Trace):
    """A slider over the steps. Every step is rendered in advance and the slider is linked to
    them in the browser, so it also steps on the static site and without a kernel."""
    from .render import slider

    panels = []
    for step in trace.steps:
        head = f"<p><b>Step {step.index}: {html.escape(step.event)}</b>"
        if step.sent:
            head += f", sent {html.escape(step.sent)}"
        if step.value:
            head += f", out {html.escape(step.value)}"
        panels.append(head + "</p>" + _step_table(step)._repr_html_())
    return slider(panels, description="step")
