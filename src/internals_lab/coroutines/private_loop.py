"""A private event loop, and `run`: asyncio.run() that also works inside Jupyter.

Every function of this package that runs a loop goes through `_private_event_loop`, which
puts back, in `finally`, everything a loop or the learner's code could change for this thread.

Part of `internals_lab.coroutines`; the package's docstring gives the design and the
global state it restores.
"""
from __future__ import annotations

import asyncio
import contextlib
import inspect
import sys
import time
import types
import warnings
from typing import Any, Callable

from ..deadline import TimeLimitExceeded, limit_message, time_limit
from .frames import CoroutineLabError, _qualname, _state

__all__ = ["run"]


class _NoSelector:
    """Waits for the next timer: there is no file descriptor to watch.

    It spins on the clock rather than calling time.sleep: with time.sleep, lab 3's first
    trace_task never returned in a JupyterLite kernel whose page blocks service workers (as the
    browser tests' pages do; JupyterLite's kernel answers blocking calls through its service
    worker), and spinning ran it to the end. The loop has nothing else to do meanwhile, and the
    waits in these labs are milliseconds."""

    def select(self, timeout: float | None):
        if timeout:
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                pass
        return []

    def close(self) -> None:
        pass


class _BrowserEventLoop(asyncio.BaseEventLoop):
    """asyncio's own scheduling (BaseEventLoop._run_once, the ready queue and the timer heap),
    with no sockets. In the browser (Pyodide) asyncio.new_event_loop() is a WebLoop that runs on
    the JavaScript event loop and cannot run_until_complete without stack switching, and a
    SelectorEventLoop cannot start because it needs a socketpair for its self-pipe. Tasks, C
    and pure-Python, run on this loop exactly as on a native one; only the waiting differs."""

    def __init__(self):
        super().__init__()
        self._selector = _NoSelector()

    def _process_events(self, event_list) -> None:
        pass

    def _write_to_self(self) -> None:   # call_soon_threadsafe: no other thread can call it here
        pass


def _new_event_loop() -> asyncio.AbstractEventLoop:
    if sys.platform == "emscripten":
        return _BrowserEventLoop()
    return asyncio.new_event_loop()


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
    loop = _new_event_loop()
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
