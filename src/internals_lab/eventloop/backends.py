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


def call_in_fresh_thread(fn: Callable[[], Any], *, timeout: float = 60.0, name: str = "internals-lab-loop"):
    """Call `fn()` in a new thread, wait for it, return its result or re-raise its exception.

    The thread is always joined before this returns: if `fn` overruns `timeout`, we still wait
    for it (a leaked thread would keep running the reader's program) and then say so.
    """
    outcome: dict[str, Any] = {}

    def worker():
        try:
            outcome["value"] = fn()
        except BaseException as exc:  # carried to the caller's thread below
            outcome["error"] = exc

    thread = threading.Thread(target=worker, name=name)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        thread.join()
        raise TimeoutError(f"the program took longer than {timeout} s")
    if "error" in outcome:
        raise outcome.pop("error")
    return outcome.get("value")


def run_isolated(backend: Backend, make_main: Callable[[], Any], *, debug: bool = False,
                 timeout: float = 60.0):
    """Run `backend.run(make_main())` in a new thread, wait for it, return its result.

    The coroutine is created inside the worker thread, so nothing is left un-awaited here if
    the loop cannot start. An exception from the program is re-raised in the caller. The
    thread is joined before this returns, also when the program raises.
    """
    if not callable(make_main):
        raise TypeError("run_isolated() takes a function that makes the coroutine, e.g. lambda: main()")

    def program():
        if backend is ASYNCIO:
            return backend.run(make_main(), debug=debug)
        return backend.run(make_main())

    return call_in_fresh_thread(program, timeout=timeout, name=f"internals-lab-{backend.name}-loop")
