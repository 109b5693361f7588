"""Who holds the future a suspended Task waits on? `future_links` answers with booleans.

Part of `internals_lab.coroutines`; the package's docstring gives the design and the
global state it restores.
"""
from __future__ import annotations

import gc
import types
from dataclasses import dataclass
from typing import Any

import asyncio

from .frames import CoroutineLabError, _chain_objects, _qualname, _state, describe
from .private_loop import _make_coroutine, _private_event_loop, _task_class

__all__ = ["FutureLinks", "future_links"]


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
