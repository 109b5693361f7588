"""A small event loop, built to be read, and the tools to compare it with asyncio's.

Design: one concept per module, as in `Lib/asyncio/`. `futures` (a result not ready yet),
`loop` (ready queue, timer heap, selector), `tasks` (a coroutine driven step by step; sleep,
gather, wait_for, run), `echo` (a TCP echo server and client written against the loop's
socket methods, so they run on ours and on asyncio's), `timeline` (which task ran when),
`backends` (one namespace per loop, for code and tests that run on both), `demos`,
`workflow` and `backpressure` (the chapter's experiments, returning data), `bench` (the
benchmark's workloads), `charts` (renderers).
Import the experiment and renderer modules directly; this package re-exports the loop.
"""
from .futures import CancelledError, Future, InvalidStateError
from .loop import EventLoop, Handle, NothingToRunError, TimerHandle, get_running_loop
from .tasks import Task, create_task, current_task, ensure_future, gather, run, sleep, wait_for

__all__ = [
    "CancelledError", "Future", "InvalidStateError",
    "EventLoop", "Handle", "TimerHandle", "NothingToRunError", "get_running_loop",
    "Task", "create_task", "current_task", "ensure_future", "gather", "run", "sleep", "wait_for",
]
