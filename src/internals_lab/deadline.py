"""A wall-clock bound on the reader's code, in any thread, with a message that says what to raise.

Design: `time_limit(seconds, what=..., option=...)` is a context manager. A watchdog thread
waits on an Event; if the block is still running when the time is up, it raises an exception
*inside the guarded thread* with `PyThreadState_SetAsyncExc` (the C API that
`threading`-based timeouts in test runners use). CPython delivers such an exception at the
thread's next eval-breaker check (a backward jump or a call), so it stops an endless
`while True: pass` but not a single long C call (`10**10**7`, `time.sleep(1e6)`): those end
first, then the exception arrives. Code that waits in a selector must also be woken: pass
`wake`, a callable the watchdog calls after arming (an event loop's `call_soon_threadsafe`).

The exception delivered is a private `BaseException` subclass (so a reader's `except Exception`
does not swallow it); the guard turns it into `TimeLimitExceeded`, a `TimeoutError` naming
what ran and the keyword that raises the bound. The watchdog fires once; an exception it set
that the block never received (a plain asyncio callback swallows it, or the block ended just
then) is received and dropped by `_drain` before the guard exits, so nothing arrives after the
block has left. One guard per thread at a time is the intended use; nested guards
in one thread each catch only their own exception.

In the browser (Pyodide, `sys.platform == "emscripten"`) no thread can start, so there is no
watchdog: the block runs unbounded here, and the page that runs it bounds it instead (it
terminates the Web Worker the interpreter runs in, and says so; see book/_assets/runtime/).
"""
from __future__ import annotations

import contextlib
import ctypes
import sys
import threading
from typing import Callable, Iterator, Optional

__all__ = ["TimeLimitExceeded", "time_limit"]

# WebAssembly builds of CPython (Pyodide, WASI) have no threads to run a watchdog in.
CAN_WATCH = sys.platform not in ("emscripten", "wasi")


class TimeLimitExceeded(TimeoutError):
    """The reader's code ran longer than its wall-clock bound and was stopped."""


def _set_async_exc(ident: int, exc_type: Optional[type]) -> int:
    # NULL (None) clears a pending asynchronous exception.
    return ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(ident),
                                                      ctypes.py_object(exc_type) if exc_type else None)


def limit_message(seconds: float, what: str, option: str) -> str:
    return (f"{what} was stopped after {seconds:g} s of wall-clock time (an endless loop?); "
            f"pass a larger {option}= if it really needs longer, or {option}=None for no bound")


class _Watchdog:
    def __init__(self, ident: int, seconds: float, expired: type, wake: Optional[Callable[[], None]]):
        self._ident = ident
        self._expired = expired
        self._wake = wake
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._armed = True
        self.fired = False
        self._thread = threading.Thread(target=self._watch, args=(seconds,), name="internals-lab-deadline",
                                        daemon=True)
        self._thread.start()

    def _watch(self, seconds: float) -> None:
        if self._done.wait(seconds):
            return
        with self._lock:
            if not self._armed:
                return
            _set_async_exc(self._ident, self._expired)
            self.fired = True
        if self._wake is not None:
            try:
                self._wake()
            except Exception:  # the loop may have closed meanwhile: nothing left to wake
                pass

    def disarm(self) -> bool:
        """Stop watching; True if the exception was already set (delivered or not)."""
        with self._lock:
            self._armed = False
        self._done.set()
        self._thread.join()
        return self.fired


def _drain(expired: type) -> None:
    """Let a set but undelivered exception arrive here, and drop it. Clearing it with
    PyThreadState_SetAsyncExc(NULL) instead leaves 3.11's eval breaker signalled for good (its
    pending-exception flag is reset only on delivery), and a profiled or traced call then spins
    in RESUME forever. A backward jump checks the eval breaker, so the loop receives it."""
    try:
        for _ in range(1000):
            pass
    except expired:
        pass


@contextlib.contextmanager
def time_limit(seconds: Optional[float], *, what: str = "the program", option: str = "timeout",
               wake: Optional[Callable[[], None]] = None) -> Iterator[None]:
    """Stop the block with `TimeLimitExceeded` if it runs longer than `seconds` (None: no bound)."""
    if seconds is None:
        yield
        return
    if not seconds > 0:
        raise ValueError(f"{option} must be a positive number of seconds or None, got {seconds!r}")
    message = limit_message(seconds, what, option)
    if not CAN_WATCH:
        yield
        return

    class _Expired(BaseException):  # its own class: nested guards catch only their own
        def __init__(self, *args):
            super().__init__(message)

    watchdog = _Watchdog(threading.get_ident(), seconds, _Expired, wake)
    try:
        try:
            yield
        finally:
            if watchdog.disarm():
                _drain(_Expired)
    except _Expired:   # in the block, or while disarming
        raise TimeLimitExceeded(message) from None
