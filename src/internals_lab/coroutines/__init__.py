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

The package is split by concept, as `Lib/asyncio/` is: `frames` (describe, snapshots, await
chains), `traces` (drive, trace_task), `private_loop` (the event loop every runner borrows,
and run), `waiters` (future_links), `memory` (compare_memory), `versions` (run_on_versions, a
subprocess per interpreter) and `views` (the renderers). Everything public is re-exported here.
"""
from __future__ import annotations

from .frames import CoroutineLabError, FrameSnapshot, await_chain, describe, frame_snapshot
from .memory import MemoryComparison, compare_memory
from .private_loop import run
from .traces import Step, Trace, drive, trace_task
from .versions import VersionRun, run_on_versions
from .views import (StepsView, await_chain_graph, show_chain, show_frame, show_timeline, show_version_runs,
                    stepper, steps_view)
from .waiters import FutureLinks, future_links

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
