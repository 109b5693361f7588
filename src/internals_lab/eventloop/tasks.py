"""Task: a Future that drives a coroutine, one step per callback; and sleep, gather, wait_for.

Design (after `Task.__step` in `Lib/asyncio/tasks.py`): a step sends a value (or throws an
exception) into the coroutine. The coroutine runs until it awaits a pending future, which
arrives here as the value it yields; the task then adds `_wakeup` as that future's
done-callback and returns to the loop. When the future completes, `_wakeup` runs as an
ordinary callback and takes the next step. A bare `yield` (our `sleep(0)`) means "let the
others run": the task just queues its next step at the back of the ready queue.

Cancellation is a request: `cancel()` cancels the future the task is waiting on, and the
next step throws `CancelledError` into the coroutine at its `await`, where `try/finally`
blocks run and the coroutine may even refuse.
"""
from __future__ import annotations

import itertools
import types

from .futures import CancelledError, Future, InvalidStateError
from .loop import get_running_loop

__all__ = ["Task", "ensure_future", "create_task", "current_task", "sleep", "gather", "wait_for", "run"]


_task_numbers = itertools.count(1)


class Task(Future):
    def __init__(self, coro, *, loop, name=None):
        if not (hasattr(coro, "send") and hasattr(coro, "throw")):
            hint = " (call it: main(), not main)" if callable(coro) else ""
            raise TypeError(f"a Task needs a coroutine object, not {type(coro).__name__}{hint}")
        super().__init__(loop)
        self._coro = coro
        self._name = name or f"Task-{next(_task_numbers)}"  # as asyncio names them
        self._fut_waiter = None
        self._must_cancel = False
        loop.tasks.add(self)
        loop.call_soon(self._step)

    def get_name(self) -> str:
        return self._name

    def get_coro(self):
        return self._coro

    def cancel(self, msg=None) -> bool:
        if self.done():
            return False
        self._cancel_message = msg
        if self._fut_waiter is not None and self._fut_waiter.cancel(msg):
            # The waiter's done-callback (_wakeup) will throw CancelledError into the coroutine.
            return True
        self._must_cancel = True  # not waiting (not started, or queued to run): throw at the next step
        return True

    def _step(self, exc=None) -> None:
        if self.done():
            raise InvalidStateError(f"_step() called on a finished task {self._name}")
        if self._must_cancel:
            if not isinstance(exc, CancelledError):
                exc = CancelledError(*([self._cancel_message] if self._cancel_message else []))
            self._must_cancel = False
        self._fut_waiter = None
        loop = self._loop
        loop.current_task = self
        try:
            if exc is None:
                result = self._coro.send(None)
            else:
                result = self._coro.throw(exc)
        except StopIteration as stop:
            loop.tasks.discard(self)
            if self._must_cancel:  # cancel() was called during the last step
                Future.cancel(self, self._cancel_message)
            else:
                Future.set_result(self, stop.value)
        except CancelledError:
            loop.tasks.discard(self)
            Future.cancel(self, self._cancel_message)
        except (KeyboardInterrupt, SystemExit) as error:
            loop.tasks.discard(self)
            Future.set_exception(self, error)
            raise
        except BaseException as error:
            loop.tasks.discard(self)
            Future.set_exception(self, error)
        else:
            blocking = getattr(result, "_asyncio_future_blocking", None)
            if blocking is not None:
                if result.get_loop() is not loop:
                    loop.call_soon(self._step, RuntimeError(
                        f"task {self._name} awaited a future that belongs to another event loop"))
                elif blocking:
                    result._asyncio_future_blocking = False
                    result.add_done_callback(self._wakeup)
                    self._fut_waiter = result
                    if self._must_cancel and result.cancel(self._cancel_message):
                        self._must_cancel = False
                else:
                    loop.call_soon(self._step, RuntimeError(
                        f"task {self._name} yielded a future instead of awaiting it"))
            elif result is None:
                loop.call_soon(self._step)  # a bare yield: sleep(0), go to the back of the queue
            else:
                loop.call_soon(self._step, RuntimeError(
                    f"task {self._name} yielded {result!r}; coroutines must await futures"))
        finally:
            loop.current_task = None

    def _wakeup(self, future) -> None:
        try:
            future.result()
        except BaseException as exc:
            self._step(exc)  # deliver the exception (or the cancellation) at the await
        else:
            self._step()

    def __repr__(self) -> str:
        return f"<Task {self._name} {self._state}>"


def ensure_future(obj, loop=None) -> Future:
    """A Future stays as it is; a coroutine becomes a Task on the running (or given) loop."""
    if isinstance(obj, Future):
        return obj
    loop = loop or get_running_loop()
    return loop.create_task(obj)


def create_task(coro, *, name=None) -> Task:
    return get_running_loop().create_task(coro, name=name)


def current_task():
    return get_running_loop().current_task


@types.coroutine
def _yield_to_loop():
    yield  # the Task sees None and queues its next step behind everything already ready


def _set_result_unless_cancelled(future, result) -> None:
    if not future.done():
        future.set_result(result)


async def sleep(delay: float, result=None):
    """Suspend the calling task for `delay` seconds; sleep(0) just lets the others run."""
    if delay <= 0:
        await _yield_to_loop()
        return result
    if delay != delay:  # NaN compares false with everything and would corrupt the timer heap
        raise ValueError("sleep() got NaN for its delay")
    loop = get_running_loop()
    future = loop.create_future()
    if delay == float("inf"):  # forever: no timer at all (only a cancellation ends it)
        return await future
    timer = loop.call_later(delay, _set_result_unless_cancelled, future, result)
    try:
        return await future
    finally:
        timer.cancel()  # if we were cancelled, the timer must not fire into a dead future


class _GatheringFuture(Future):
    """The future gather() returns: cancelling it cancels every child.

    It does not mark itself cancelled: like Task.cancel(), cancel() is a request, and the
    outcome arrives through the children's done-callbacks.
    """

    def __init__(self, children, loop):
        super().__init__(loop)
        self._children = children
        self._cancel_requested = False

    def cancel(self, msg=None) -> bool:
        if self.done():
            return False
        cancelled_any = False
        for child in self._children:
            if child.cancel(msg):
                cancelled_any = True
        if cancelled_any:
            # Even with return_exceptions the awaiter must see the cancellation it asked for,
            # not a list of CancelledErrors (asyncio, bpo-32684).
            self._cancel_requested = True
        return cancelled_any


def _cancelled_error(future) -> CancelledError:
    """The CancelledError a cancelled future raises, with its cancel message if it had one."""
    message = future._cancel_message
    return CancelledError(*([message] if message else []))


def gather(*aws, return_exceptions: bool = False) -> Future:
    """Run awaitables concurrently; the result is their results in the order given.

    Without return_exceptions, the first exception is raised to the awaiter and the other
    children keep running (as asyncio's gather); with it, exceptions are returned in place.
    A cancelled child is such an exception: the outer future is not cancelled but finishes with
    a CancelledError set as its exception (asyncio's `_done_callback`), so `outer.cancelled()`
    is False and `outer.exception()` returns the error. Cancelling the outer future itself
    cancels the children, and its awaiter gets CancelledError even with return_exceptions.
    """
    loop = get_running_loop()
    children = [ensure_future(aw, loop) for aw in aws]
    outer = _GatheringFuture(children, loop)
    if not children:
        outer.set_result([])
        return outer
    remaining = len(children)

    def child_done(child):
        nonlocal remaining
        remaining -= 1
        if outer.done():
            return
        if not return_exceptions:
            if child.cancelled():
                # child.exception() would raise here; set the error instead of cancelling the
                # outer future, as asyncio does.
                outer.set_exception(_cancelled_error(child))
                return
            if child.exception() is not None:
                outer.set_exception(child.exception())
                return
        if remaining == 0:
            results = []
            for c in children:
                if c.cancelled():
                    # asyncio's in-place error always has one argument: the message, or ''
                    results.append(CancelledError("" if c._cancel_message is None else c._cancel_message))
                else:
                    results.append(c.exception() if c.exception() is not None else c.result())
            if outer._cancel_requested:
                # asyncio takes the message from the last child, the loop variable it is left with
                outer.set_exception(_cancelled_error(children[-1]) if children[-1].cancelled()
                                    else CancelledError())
            else:
                outer.set_result(results)

    for child in children:
        child.add_done_callback(child_done)
    return outer


async def wait_for(aw, timeout: float | None):
    """Await `aw`, but cancel it and raise TimeoutError if it takes longer than `timeout`."""
    loop = get_running_loop()
    inner = ensure_future(aw, loop)
    if timeout is None:
        return await inner
    waiter = loop.create_future()
    release = lambda *_: waiter.done() or waiter.set_result(None)  # noqa: E731
    timer = loop.call_later(timeout, release)
    inner.add_done_callback(release)
    try:
        await waiter
    except CancelledError:
        inner.cancel()  # we were cancelled ourselves: take the inner task down with us
        raise
    finally:
        timer.cancel()
    if inner.done():
        return inner.result()
    # Time is up: cancel the inner task and wait until its finally blocks have run.
    inner.cancel()
    finished = loop.create_future()
    inner.add_done_callback(lambda _: finished.done() or finished.set_result(None))
    await finished
    if inner.cancelled():
        raise TimeoutError(f"the operation did not finish within {timeout} s")
    return inner.result()  # it refused the cancellation and finished anyway


def run(main, *, debug: bool = False, timeout: float | None = 60.0):
    """Run coroutine `main` on a new EventLoop and close the loop afterwards, always.

    Tasks still pending when `main` finishes are cancelled and given the chance to run their
    finally blocks, as asyncio.run does. `timeout` bounds the wall time (None: no bound): the
    loop stops waiting at the deadline, and a callback that never returns is interrupted
    (`deadline.time_limit`); either way the result is a TimeLimitExceeded that says so.
    """
    from ..deadline import limit_message, time_limit
    from .loop import EventLoop, _running

    if not (hasattr(main, "send") and hasattr(main, "throw")):
        hint = " (call it: run(main()), not run(main))" if callable(main) else ""
        raise TypeError(f"run() needs a coroutine object, not {type(main).__name__}{hint}")
    if getattr(_running, "loop", None) is not None:
        main.close()
        raise RuntimeError("run() cannot be called from a running loop: await the coroutine instead")
    if timeout is not None and not timeout > 0:
        main.close()
        raise ValueError(f"timeout must be a positive number of seconds or None, got {timeout!r}")
    loop = EventLoop()
    if timeout is not None:
        loop.deadline = (loop.time() + timeout, limit_message(timeout, "the event loop's program", "timeout"))
    try:
        # The loop checks its deadline between callbacks; the guard, a moment later, stops a
        # callback that never returns to the loop.
        with time_limit(None if timeout is None else timeout + 1.0, what="the event loop's program"):
            return loop.run_until_complete(Task(main, loop=loop, name="main"))
    finally:
        # Cleanup gets a bound of its own: a task that refuses its cancellation must not hang us.
        loop.deadline = (loop.time() + _CLEANUP_SECONDS, limit_message(
            _CLEANUP_SECONDS, "cancelling the tasks left behind", "timeout"))
        try:
            leftovers = [t for t in loop.tasks if not t.done()]
            for task in leftovers:
                task.cancel()
            if leftovers:
                loop.run_until_complete(_wait_all(loop, leftovers))
        finally:
            loop.close()


_CLEANUP_SECONDS = 10.0


async def _wait_all(loop, tasks):
    waiter = loop.create_future()
    pending = len(tasks)

    def one_done(_):
        nonlocal pending
        pending -= 1
        if pending == 0 and not waiter.done():
            waiter.set_result(None)

    for task in tasks:
        task.add_done_callback(one_done)
    await waiter
