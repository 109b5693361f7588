"""EventLoop: a ready queue, a heap of timers and a selector, and nothing else.

Design (after `BaseEventLoop._run_once` in `Lib/asyncio/base_events.py`): every piece of work
is a callback wrapped in a `Handle`. One iteration of the loop

1. works out how long it may sleep: not at all if callbacks are ready, until the earliest
   timer if there is one, otherwise until a socket becomes ready;
2. asks the selector which registered sockets are ready and queues their callbacks;
3. moves every timer whose time has come from the heap to the ready queue;
4. runs the callbacks that were ready at that moment, first in, first out. Callbacks they
   schedule wait for the next iteration, so one busy task cannot starve the others.

A cancelled timer stays in the heap (removing it from the middle would cost a re-heapify) until
it reaches the head, where step 1 drops it; but when more than half of a heap of over 100
handles are cancelled, step 1 rebuilds the heap without them, with asyncio's thresholds.

Tasks, futures, sleep and sockets are all built on `call_soon`, `call_at` and the selector.
Nothing here is preemptive: a callback that does not return blocks everything.
"""
from __future__ import annotations

import errno
import heapq
import itertools
import selectors
import socket
import threading
import time
from collections import deque

from ..deadline import TimeLimitExceeded
from .futures import Future

__all__ = ["EventLoop", "Handle", "TimerHandle", "get_running_loop", "NothingToRunError"]

_running = threading.local()

# The longest one wait may last; a timer far away (sleep(math.inf)) is reached in several
# waits, as asyncio's MAXIMUM_SELECT_TIMEOUT does (select and time.sleep refuse huge values).
MAXIMUM_WAIT = 24 * 3600.0

# asyncio's thresholds for rebuilding the timer heap without its cancelled handles
# (`_MIN_SCHEDULED_TIMER_HANDLES`, `_MIN_CANCELLED_TIMER_HANDLES_FRACTION` in base_events.py):
# without them, a program that keeps cancelling long timeouts behind one live timer keeps
# every cancelled handle, and grows the heap without bound.
MIN_SCHEDULED_TIMER_HANDLES = 100
MIN_CANCELLED_TIMER_HANDLES_FRACTION = 0.5


def get_running_loop() -> "EventLoop":
    """The loop running in this thread; a clear error outside one (as asyncio's)."""
    loop = getattr(_running, "loop", None)
    if loop is None:
        raise RuntimeError("no running event loop: call this from a coroutine started by run()")
    return loop


class NothingToRunError(RuntimeError):
    """The loop has no ready callbacks, no timers and no sockets, yet the awaited future is pending."""


class Handle:
    """A callback and its arguments, waiting in the ready queue; cancel() makes it a no-op."""

    __slots__ = ("_callback", "_args", "_cancelled")

    def __init__(self, callback, args):
        self._callback = callback
        self._args = args
        self._cancelled = False

    def cancel(self) -> None:
        self._cancelled = True
        self._callback = self._args = None  # drop references early, as asyncio does

    def cancelled(self) -> bool:
        return self._cancelled

    def _run(self) -> None:
        self._callback(*self._args)

    def __repr__(self) -> str:
        name = getattr(self._callback, "__qualname__", repr(self._callback))
        return f"<{type(self).__name__} {'cancelled' if self._cancelled else name}>"


class TimerHandle(Handle):
    """A Handle with a due time; the timer heap orders them by (when, sequence number)."""

    __slots__ = ("when", "_seq", "_loop", "_scheduled")

    def __init__(self, when, seq, callback, args, loop=None):
        super().__init__(callback, args)
        self.when = when
        self._seq = seq  # ties run in the order they were scheduled
        self._loop = loop
        self._scheduled = False  # in the loop's heap: the loop counts it when it is cancelled

    def cancel(self) -> None:
        # The loop counts cancelled handles still in its heap, to know when to rebuild it.
        if not self._cancelled and self._loop is not None:
            self._loop._timer_handle_cancelled(self)
        super().cancel()

    def __lt__(self, other: "TimerHandle") -> bool:
        return (self.when, self._seq) < (other.when, other._seq)


class EventLoop:
    def __init__(self):
        self._ready: deque[Handle] = deque()
        self._timers: list[TimerHandle] = []
        self._timer_cancelled_count = 0  # cancelled handles still in _timers
        self._selector = selectors.DefaultSelector()
        self._sequence = itertools.count()
        self._stopping = False
        self._closed = False
        self._running = False
        self.tasks = set()  # pending tasks, so close() can cancel what is left
        self.current_task = None
        # A wall-clock bound set by run(): (monotonic deadline, the message when it passes).
        self.deadline: tuple[float, str] | None = None

    # -- time and scheduling ---------------------------------------------------------
    def time(self) -> float:
        return time.monotonic()

    def call_soon(self, callback, *args) -> Handle:
        self._check_open()
        handle = Handle(callback, args)
        self._ready.append(handle)
        return handle

    def call_later(self, delay: float, callback, *args) -> TimerHandle:
        return self.call_at(self.time() + delay, callback, *args)

    def call_at(self, when: float, callback, *args) -> TimerHandle:
        self._check_open()
        handle = TimerHandle(when, next(self._sequence), callback, args, self)
        heapq.heappush(self._timers, handle)
        handle._scheduled = True
        return handle

    def _timer_handle_cancelled(self, handle: TimerHandle) -> None:
        if handle._scheduled:  # a handle already popped (due, or dropped) is not in the heap
            self._timer_cancelled_count += 1

    def create_future(self) -> Future:
        return Future(self)

    def create_task(self, coro, *, name=None):
        from .tasks import Task

        return Task(coro, loop=self, name=name)

    # -- one iteration ---------------------------------------------------------------
    def _run_once(self) -> None:
        timers = self._timers
        if (len(timers) > MIN_SCHEDULED_TIMER_HANDLES and
                self._timer_cancelled_count / len(timers) > MIN_CANCELLED_TIMER_HANDLES_FRACTION):
            # Mostly cancelled handles: rebuild the heap without them, one pass and a heapify.
            live = []
            for handle in timers:
                if handle._cancelled:
                    handle._scheduled = False
                else:
                    live.append(handle)
            heapq.heapify(live)
            self._timers = timers = live
            self._timer_cancelled_count = 0
        else:
            while timers and timers[0]._cancelled:  # a cancelled head costs one pop to drop
                self._timer_cancelled_count -= 1
                heapq.heappop(timers)._scheduled = False

        if self._ready or self._stopping:
            timeout = 0
        elif timers:
            timeout = max(0.0, timers[0].when - self.time())
        else:
            timeout = None  # only a socket can wake us
        nothing_queued = timeout is None
        if self.deadline is not None:
            remaining = self.deadline[0] - self.time()
            if remaining <= 0:
                raise TimeLimitExceeded(self.deadline[1])
            timeout = remaining if timeout is None else min(timeout, remaining)
        if timeout is not None:
            timeout = min(timeout, MAXIMUM_WAIT)

        if self._selector.get_map():
            for key, mask in self._selector.select(timeout):
                reader, writer = key.data
                if mask & selectors.EVENT_READ and reader is not None:
                    self._ready.append(reader)
                if mask & selectors.EVENT_WRITE and writer is not None:
                    self._ready.append(writer)
        elif nothing_queued:
            raise NothingToRunError(
                "the loop has nothing left to run: no ready callbacks, timers or sockets, "
                "but the awaited future is still pending (is a task awaiting a future that "
                "nothing will complete?)")
        elif timeout > 0:
            time.sleep(timeout)  # no sockets: the selector has nothing to wait on

        now = self.time()
        while timers and timers[0].when <= now:
            handle = heapq.heappop(timers)
            handle._scheduled = False
            if handle._cancelled:  # cancelled after the head was checked: keep the count exact
                self._timer_cancelled_count -= 1
            else:
                self._ready.append(handle)

        # Run only what is ready now; callbacks scheduled meanwhile wait one iteration.
        ready = self._ready
        for _ in range(len(ready)):
            handle = ready.popleft()
            if not handle._cancelled:
                handle._run()

    # -- running and stopping --------------------------------------------------------
    def run_forever(self) -> None:
        self._check_open()
        if self._running:
            raise RuntimeError("this loop is already running")
        if getattr(_running, "loop", None) is not None:
            raise RuntimeError("another loop is running in this thread")
        self._running = True
        _running.loop = self
        try:
            while True:
                self._run_once()
                if self._stopping:
                    break
        finally:
            self._stopping = False
            self._running = False
            _running.loop = None

    def run_until_complete(self, future):
        from .tasks import ensure_future

        future = ensure_future(future, self)

        def stop(done) -> None:
            # A KeyboardInterrupt or SystemExit already left run_forever; this callback was
            # queued meanwhile, and must not stop the next run (the cleanup's) half way.
            if done.cancelled() or not isinstance(done.exception(), (KeyboardInterrupt, SystemExit)):
                self.stop()

        future.add_done_callback(stop)
        try:
            self.run_forever()
        finally:
            # If the loop died (an error escaped a callback), a later run must not be stopped
            # by this future finishing during cleanup.
            future.remove_done_callback(stop)
        if not future.done():
            raise RuntimeError("the loop stopped before the future completed")
        return future.result()

    def stop(self) -> None:
        self._stopping = True

    def is_running(self) -> bool:
        return self._running

    def is_closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        if self._running:
            raise RuntimeError("cannot close a running loop")
        if self._closed:
            return
        self._closed = True
        self._ready.clear()
        self._timers.clear()
        self._timer_cancelled_count = 0
        self._selector.close()

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError("this event loop is closed")

    # -- the selector: readers and writers -------------------------------------------
    def _register(self, fd: int, event: int, handle: Handle | None) -> None:
        try:
            key = self._selector.get_key(fd)
        except KeyError:
            if handle is not None:
                data = (handle, None) if event == selectors.EVENT_READ else (None, handle)
                self._selector.register(fd, event, data)
            return
        reader, writer = key.data
        if event == selectors.EVENT_READ:
            reader = handle
        else:
            writer = handle
        mask = (selectors.EVENT_READ if reader else 0) | (selectors.EVENT_WRITE if writer else 0)
        if mask:
            self._selector.modify(fd, mask, (reader, writer))
        else:
            self._selector.unregister(fd)

    def add_reader(self, fd: int, callback, *args) -> None:
        self._check_open()
        self._register(fd, selectors.EVENT_READ, Handle(callback, args))

    def remove_reader(self, fd: int) -> None:
        if not self._closed:
            self._register(fd, selectors.EVENT_READ, None)

    def add_writer(self, fd: int, callback, *args) -> None:
        self._check_open()
        self._register(fd, selectors.EVENT_WRITE, Handle(callback, args))

    def remove_writer(self, fd: int) -> None:
        if not self._closed:
            self._register(fd, selectors.EVENT_WRITE, None)

    # -- sockets: the same coroutine methods asyncio's loop has ----------------------
    @staticmethod
    def _check_nonblocking(sock: socket.socket) -> None:
        if sock.gettimeout() != 0:
            raise ValueError("the socket must be non-blocking: call sock.setblocking(False) first")

    async def _wait_fd(self, sock, add, remove, attempt):
        """Try `attempt()` now; if it would block, retry each time the selector says ready."""
        try:
            return attempt()
        except (BlockingIOError, InterruptedError):
            pass
        future = self.create_future()

        def retry():
            if future.done():
                return
            try:
                result = attempt()
            except (BlockingIOError, InterruptedError):
                return  # spurious wake-up: stay registered
            except BaseException as exc:
                future.set_exception(exc)
            else:
                future.set_result(result)

        fd = sock.fileno()
        add(fd, retry)
        try:
            return await future
        finally:
            remove(fd)

    async def sock_recv(self, sock, nbytes: int) -> bytes:
        self._check_nonblocking(sock)
        return await self._wait_fd(sock, self.add_reader, self.remove_reader, lambda: sock.recv(nbytes))

    async def sock_sendall(self, sock, data: bytes) -> None:
        self._check_nonblocking(sock)
        view = memoryview(data)
        while view:
            sent = await self._wait_fd(sock, self.add_writer, self.remove_writer, lambda: sock.send(view))
            view = view[sent:]

    async def sock_accept(self, sock):
        self._check_nonblocking(sock)
        conn, address = await self._wait_fd(sock, self.add_reader, self.remove_reader, sock.accept)
        conn.setblocking(False)
        return conn, address

    async def sock_connect(self, sock, address) -> None:
        self._check_nonblocking(sock)
        err = sock.connect_ex(address)
        if err == 0:
            return
        if err not in (errno.EINPROGRESS, errno.EWOULDBLOCK, errno.EAGAIN):
            raise OSError(err, f"connect to {address} failed")

        def finished():
            code = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if code != 0:
                raise OSError(code, f"connect to {address} failed")

        await self._wait_fd_ready(sock, finished)

    async def _wait_fd_ready(self, sock, check):
        future = self.create_future()
        fd = sock.fileno()
        self.add_writer(fd, lambda: future.done() or future.set_result(None))
        try:
            await future
        finally:
            self.remove_writer(fd)
        check()
