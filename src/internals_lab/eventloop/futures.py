"""Future: a result that is not ready yet, and the callbacks waiting for it.

Design (after `Lib/asyncio/futures.py`): a Future is pending, then exactly once done with a
result, an exception, or cancelled. Completing it never runs the waiting code directly: each
done-callback is handed to the loop's ready queue with `call_soon`, so callbacks run one at a
time from the loop, in the order they were added. `__await__` yields the future itself to the
Task driving the coroutine; that is the whole protocol between a coroutine and the loop.
"""
from __future__ import annotations

__all__ = ["Future", "CancelledError", "InvalidStateError"]


class CancelledError(BaseException):
    """The awaited operation was cancelled.

    A BaseException, as asyncio's is since 3.8 (bpo-32528), so a bare `except Exception`
    in user code does not swallow a cancellation by accident.
    """


class InvalidStateError(Exception):
    """A Future was asked for something its state does not allow."""


_PENDING, _CANCELLED, _FINISHED = "pending", "cancelled", "finished"


class Future:
    # asyncio's Task checks this attribute on whatever a coroutine yields; ours does the
    # same, so a future that is awaited (not yielded by hand) is told apart from a mistake.
    _asyncio_future_blocking = False

    def __init__(self, loop):
        self._loop = loop
        self._state = _PENDING
        self._result = None
        self._exception = None
        self._callbacks = []
        self._cancel_message = None

    def get_loop(self):
        return self._loop

    # -- state -----------------------------------------------------------------------
    def done(self) -> bool:
        return self._state != _PENDING

    def cancelled(self) -> bool:
        return self._state == _CANCELLED

    def result(self):
        if self._state == _CANCELLED:
            raise CancelledError(*([self._cancel_message] if self._cancel_message else []))
        if self._state == _PENDING:
            raise InvalidStateError("the result is not ready yet: await the future first")
        if self._exception is not None:
            raise self._exception
        return self._result

    def exception(self):
        if self._state == _CANCELLED:
            raise CancelledError()
        if self._state == _PENDING:
            raise InvalidStateError("the exception is not set yet: await the future first")
        return self._exception

    # -- completing ------------------------------------------------------------------
    def set_result(self, result) -> None:
        if self._state != _PENDING:
            raise InvalidStateError(f"a {self._state} future cannot take a result")
        self._result = result
        self._state = _FINISHED
        self._schedule_callbacks()

    def set_exception(self, exception) -> None:
        if self._state != _PENDING:
            raise InvalidStateError(f"a {self._state} future cannot take an exception")
        if isinstance(exception, type):
            exception = exception()
        if isinstance(exception, StopIteration):
            # A StopIteration would end the awaiting coroutine silently (PEP 479).
            raise TypeError("StopIteration cannot be set on a future")
        self._exception = exception
        self._state = _FINISHED
        self._schedule_callbacks()

    def cancel(self, msg=None) -> bool:
        if self._state != _PENDING:
            return False
        self._state = _CANCELLED
        self._cancel_message = msg
        self._schedule_callbacks()
        return True

    # -- callbacks -------------------------------------------------------------------
    def add_done_callback(self, fn) -> None:
        if self._state != _PENDING:
            self._loop.call_soon(fn, self)
        else:
            self._callbacks.append(fn)

    def remove_done_callback(self, fn) -> int:
        before = len(self._callbacks)
        self._callbacks = [cb for cb in self._callbacks if cb != fn]
        return before - len(self._callbacks)

    def _schedule_callbacks(self) -> None:
        callbacks, self._callbacks = self._callbacks, []
        for fn in callbacks:
            self._loop.call_soon(fn, self)

    # -- awaiting --------------------------------------------------------------------
    def __await__(self):
        if not self.done():
            self._asyncio_future_blocking = True
            yield self  # the Task receives this future and sleeps until it completes
        if not self.done():
            raise RuntimeError("await resumed before the future completed")
        return self.result()

    __iter__ = __await__

    def __repr__(self) -> str:
        extra = ""
        if self._state == _FINISHED:
            extra = f" exception={self._exception!r}" if self._exception is not None else f" result={self._result!r}"
        return f"<Future {self._state}{extra}>"
