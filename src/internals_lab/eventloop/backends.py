"""One namespace per event loop, so the same program runs on ours and on asyncio's.

Design: a `Backend` holds the handful of functions a program needs (run, sleep, gather,
wait_for, create_task, get_running_loop) and the loop's CancelledError. Programs written
against a Backend are the fairest comparison: the same code, two loops. `run_isolated` runs
a program in a fresh thread that it always joins, so a notebook kernel's own running loop,
asyncio's event loop policy and the caller's thread are left exactly as they were.
"""
from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass
from typing import Any, Callable

from ..deadline import TimeLimitExceeded, time_limit
from . import tasks as _ours
from .futures import CancelledError as _OurCancelledError
from .loop import get_running_loop as _our_running_loop

__all__ = ["Backend", "OURS", "ASYNCIO", "BACKENDS", "run_isolated", "call_in_fresh_thread"]


@dataclass(frozen=True)
class Backend:
    name: str
    run: Callable[..., Any]
    sleep: Callable[..., Any]
    gather: Callable[..., Any]
    wait_for: Callable[..., Any]
    create_task: Callable[..., Any]
    get_running_loop: Callable[[], Any]
    CancelledError: type

    def __repr__(self) -> str:
        return f"<Backend {self.name}>"


def _asyncio_run(main, *, debug: bool = False):
    return asyncio.run(main, debug=debug)


OURS = Backend("ours", _ours.run, _ours.sleep, _ours.gather, _ours.wait_for,
               _ours.create_task, _our_running_loop, _OurCancelledError)
ASYNCIO = Backend("asyncio", _asyncio_run, asyncio.sleep, asyncio.gather, asyncio.wait_for,
                  asyncio.create_task, asyncio.get_running_loop, asyncio.CancelledError)
BACKENDS = (OURS, ASYNCIO)


def call_in_fresh_thread(fn: Callable[[], Any], *, timeout: float | None = 60.0,
                         name: str = "internals-lab-loop", bounds_itself: bool = False):
    """Call `fn()` in a new thread, wait for it, return its result or re-raise its exception.

    `timeout` bounds the call: past it the thread is interrupted (`deadline.time_limit`, which
    stops Python code at its next check) and a TimeLimitExceeded says so; `bounds_itself`
    says `fn` enforces `timeout` on its own (an event loop that also wakes its selector). A
    thread stuck in one C call cannot be interrupted: after a grace period we stop waiting and
    say so, instead of hanging the caller.
    """
    outcome: dict[str, Any] = {}

    def worker():
        try:
            with time_limit(None if bounds_itself else timeout, what="the program"):
                outcome["value"] = fn()
        except BaseException as exc:  # carried to the caller's thread below
            outcome["error"] = exc

    thread = threading.Thread(target=worker, name=name, daemon=True)
    thread.start()
    thread.join(None if timeout is None else timeout + _GRACE_SECONDS)
    if thread.is_alive():
        raise TimeLimitExceeded(
            f"the program is still running {timeout + _GRACE_SECONDS:g} s after it started, inside a "
            f"call that cannot be interrupted; its thread {name!r} is left to finish on its own")
    if "error" in outcome:
        raise outcome.pop("error")
    return outcome.get("value")


_GRACE_SECONDS = 10.0


def _asyncio_run_bounded(main, *, debug: bool, timeout: float | None):
    """asyncio.run with a wall-clock bound: the watchdog also wakes the loop's selector."""
    with asyncio.Runner(debug=debug) as runner:
        loop = runner.get_loop()
        with time_limit(timeout, what="the program", wake=lambda: loop.call_soon_threadsafe(lambda: None)):
            return runner.run(main)


def run_isolated(backend: Backend, make_main: Callable[[], Any], *, debug: bool = False,
                 timeout: float | None = 60.0):
    """Run `backend.run(make_main())` in a new thread, wait for it, return its result.

    The coroutine is created inside the worker thread, so nothing is left un-awaited here if
    the loop cannot start. An exception from the program is re-raised in the caller. The
    program is bounded by `timeout` seconds of wall time (None: no bound); past it the result
    is a TimeLimitExceeded that says so.
    """
    if not callable(make_main):
        raise TypeError("run_isolated() takes a function that makes the coroutine, e.g. lambda: main()")

    def program():
        if backend is ASYNCIO:
            return _asyncio_run_bounded(make_main(), debug=debug, timeout=timeout)
        if backend is OURS:
            return backend.run(make_main(), timeout=timeout)
        with time_limit(timeout, what="the program"):
            return backend.run(make_main())

    return call_in_fresh_thread(program, timeout=timeout, name=f"internals-lab-{backend.name}-loop",
                                bounds_itself=True)
