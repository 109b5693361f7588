"""Bounds on a program the VM runs: instructions, wall time, printed output, and what a run may
change in the interpreter around it.

Design: `Bounds` holds the caps (`RUN_BOUNDS` for `run`, `TRACE_BOUNDS` for `trace`; each cap can
be raised, or switched off with None). `bounded(vm, bounds)` is the context manager every entry
point runs a program in. It
- counts instructions (the VM's tick counter, or a hook chained onto `vm.hook` when tracing)
  and reads `bounds.clock` every 32 of them (the clock is injectable, so tests bound time
  without waiting for it);
- in the main thread, arms a SIGALRM timer one second past `max_seconds`, so that a single slow
  instruction (`10**10**7`: one BINARY_OP, seconds of C) is stopped too. CPython runs the
  handler between bytecodes and inside long-running C loops that poll for signals (big-int
  arithmetic does); C code that never polls runs to its end first. Off the main thread, or when
  a timer is already armed (by a test runner, or an outer bounded run), there is no alarm: the
  clock is read at the next instruction boundary;
- caps what the program writes to `sys.stdout` (`CappedOutput`);
- tells a real interrupt from the program's own `raise KeyboardInterrupt`: in the main thread it
  wraps the SIGINT handler, and `guard.interrupted` is True only for a reader's Ctrl-C or the
  notebook's stop button, which callers re-raise so that stopping still stops;
- restores, on every path, what the program can change for the whole interpreter:
  `sys.settrace`/`sys.setprofile` (and threading's), `sys.monitoring` tool registrations and
  events, `sys.stdout`/`sys.stderr`, the SIGALRM and SIGINT handlers;
- after the run leaves the guard on `vm.hook` (counting afresh), so that a generator the program
  left suspended runs its `finally` later under the same caps and never under a dead tracer.

A cap is reported by raising a `LimitExceeded` (a `VMError`: the program's own `except` clauses
cannot catch it), whose message names the cap and how to raise it.
"""
from __future__ import annotations

import contextlib
import io
import _signal
import itertools
import signal
import sys
import threading
import time
from dataclasses import dataclass, replace
from typing import Callable

from .errors import OutputLimitExceeded, SourceRejected, StepLimitExceeded, TimeLimitExceeded

__all__ = ["Bounds", "RUN_BOUNDS", "TRACE_BOUNDS", "CappedOutput", "bounded", "Guard", "compile_source"]


@dataclass(frozen=True)
class Bounds:
    """Caps on one run (None switches a cap off)."""

    max_steps: int | None = 5_000_000     # instructions
    max_seconds: float | None = 30.0      # wall time, read from `clock` before each instruction
    max_output: int | None = 1_000_000    # characters written to sys.stdout
    clock: Callable[[], float] = time.monotonic
    alarm: bool = True                    # SIGALRM for one slow instruction (main thread only)

    def with_(self, **changes) -> "Bounds":
        return replace(self, **changes)

    def describe(self) -> str:
        parts = []
        if self.max_steps is not None:
            parts.append(f"{self.max_steps:,} instructions")
        if self.max_seconds is not None:
            parts.append(f"{self.max_seconds:g} s")
        if self.max_output is not None:
            parts.append(f"{self.max_output:,} characters of output")
        return ", ".join(parts) if parts else "no caps"


RUN_BOUNDS = Bounds()
# A trace keeps every step: fewer steps, and less output kept (the player shows all of it).
TRACE_BOUNDS = Bounds(max_steps=10_000, max_seconds=20.0, max_output=100_000)


class CappedOutput(io.TextIOBase):
    """A text stream that keeps (or passes on) at most `limit` characters, then raises.

    With a `target`, writes go through to it (`run`: the reader still sees the output); without
    one, they are kept as appended chunks (`trace`), never joined until asked: a trace asks for
    the new text after every instruction, which must not cost the whole output so far.
    """

    def __init__(self, limit: int | None, target=None) -> None:
        super().__init__()
        self.limit, self.target = limit, target
        self.chunks: list[str] = []
        self.written = 0
        self._taken = 0          # chunks already handed out by take()

    @property
    def encoding(self):
        return getattr(self.target, "encoding", "utf-8")

    def writable(self) -> bool:
        return True

    def write(self, text) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        over = self.limit is not None and self.written + len(text) > self.limit
        if over:
            text = text[:max(0, self.limit - self.written)]
        if text:
            if self.target is not None:
                self.target.write(text)
            else:
                self.chunks.append(text)
            self.written += len(text)
        if over:
            raise OutputLimitExceeded(self.limit)
        return len(text)

    def flush(self) -> None:
        # A wrapper can outlive its target (pytest's capture, a reader's closed file): IOBase
        # flushes again when the wrapper is collected, and that must not print "Exception ignored".
        target = self.target
        if target is not None and hasattr(target, "flush") and not getattr(target, "closed", False):
            target.flush()

    @property
    def pending(self) -> bool:
        """Whether text was written since the last take()."""
        return len(self.chunks) != self._taken

    def take(self) -> str:
        """The text written since the last take()."""
        new = self.chunks[self._taken:]
        self._taken = len(self.chunks)
        return "".join(new)

    def getvalue(self) -> str:
        return "".join(self.chunks)


class Guard:
    """Counts instructions and reads the clock; raises the cap that is reached.

    Two ways to count. Untraced, with an interpreter that has the tick counter
    (`VirtualMachine.ticks`, `tick_limit`, `out_of_ticks`), the plain loop numbers each
    instruction from a shared `itertools.count` and calls `_refill` only when it passes the
    limit (every `CLOCK_EVERY` instructions with a time cap): about 1.2x the unbounded loop,
    where two hook calls per instruction cost about 2.5x. Traced (a hook already set), or on an
    interpreter without the counter, a hook counts at every instruction and reads the clock
    every `CLOCK_EVERY`. Either way a time cap is noticed at most that many steps late.
    """

    CLOCK_EVERY = 32

    def __init__(self, bounds: Bounds) -> None:
        self.bounds = bounds
        self.interrupted = False
        self._vm = None          # set when counting with the VM's ticks
        self.restart()

    def restart(self) -> None:
        b = self.bounds
        self._ticks = itertools.count(1)
        self.deadline = None if b.max_seconds is None else b.clock() + b.max_seconds
        if self._vm is not None:
            self._vm.ticks = self._ticks
            self._vm.tick_limit = self._limit_after(0)

    def install(self, vm) -> None:
        if vm.hook is None and hasattr(vm, "out_of_ticks"):
            self._vm = vm
            vm.out_of_ticks = self._refill
            vm.ticks, vm.tick_limit = self._ticks, self._limit_after(0)
        else:
            vm.hook = self.hook(vm.hook)

    def after_run(self, vm) -> None:
        """Count afresh (for cleanup code that runs later) and drop any tracer."""
        self.restart()
        if self._vm is None:
            vm.hook = self.hook()

    def _check(self, n: int) -> None:
        b = self.bounds
        if b.max_steps is not None and n > b.max_steps:
            raise StepLimitExceeded(b.max_steps)
        if self.deadline is not None and b.clock() > self.deadline:
            raise TimeLimitExceeded(b.max_seconds)

    def _limit_after(self, n: int) -> int:
        # Instruction n + 1 onwards runs unchecked up to the returned number.
        b = self.bounds
        limit = n + self.CLOCK_EVERY if self.deadline is not None else 1 << 62
        return min(limit, b.max_steps) if b.max_steps is not None else limit

    def _refill(self, n: int) -> int:
        self._check(n)
        self._vm.tick_limit = limit = self._limit_after(n)
        return limit

    def hook(self, inner=None):
        b = self.bounds
        every = self.CLOCK_EVERY
        max_steps = b.max_steps if b.max_steps is not None else float("inf")
        timed = self.deadline is not None
        check = self._check
        guard_self = self

        def guard(frame, phase):
            if phase == 0:
                n = next(guard_self._ticks)
                if n > max_steps or (timed and n % every == 1):
                    check(n)
                if inner is not None:
                    inner(frame, phase)
            elif inner is not None:
                inner(frame, phase)
        return guard


def _in_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


# Handlers are set and read through `_signal`, the C module: `signal.signal` is stdlib Python
# that calls `isinstance` from the builtins module, which the program may have replaced, and the
# handlers must be put back whatever the program did.
@contextlib.contextmanager
def _alarm(guard: Guard):
    b = guard.bounds
    usable = (b.alarm and b.max_seconds is not None and _in_main_thread()
              and hasattr(signal, "setitimer") and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0))
    if not usable:
        yield
        return

    def on_alarm(signum, frame):
        raise TimeLimitExceeded(b.max_seconds)

    try:
        previous = _signal.signal(signal.SIGALRM, on_alarm)
    except ValueError:   # not the main interpreter (a subinterpreter's main thread)
        yield
        return
    signal.setitimer(signal.ITIMER_REAL, b.max_seconds + 1.0)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        _signal.signal(signal.SIGALRM, previous)


@contextlib.contextmanager
def _interrupt_marker(guard: Guard):
    if not _in_main_thread():
        yield
        return
    previous = _signal.getsignal(signal.SIGINT)
    if not callable(previous):   # SIG_IGN, SIG_DFL or set from C: leave it alone
        yield
        return

    def on_interrupt(signum, frame):
        guard.interrupted = True
        previous(signum, frame)

    try:
        _signal.signal(signal.SIGINT, on_interrupt)
    except ValueError:   # not the main interpreter
        yield
        return
    try:
        yield
    finally:
        _signal.signal(signal.SIGINT, previous)


def _monitoring_state():
    monitoring = getattr(sys, "monitoring", None)   # 3.12+
    if monitoring is None:
        return None
    state = {}
    for tool in range(6):
        name = monitoring.get_tool(tool)
        state[tool] = (name, monitoring.get_events(tool) if name is not None else 0)
    return state


def _restore_monitoring(before) -> None:
    if before is None:
        return
    monitoring = sys.monitoring
    for tool, (name, events) in before.items():
        now = monitoring.get_tool(tool)
        if now is not None and now != name:
            # The program registered this tool (or replaced one): clear and free it.
            with contextlib.suppress(ValueError):
                monitoring.set_events(tool, 0)
            for event in vars(monitoring.events).values():
                if isinstance(event, int) and event and not event & (event - 1):
                    with contextlib.suppress(ValueError):
                        monitoring.register_callback(tool, event, None)
            if hasattr(monitoring, "clear_tool_id"):   # 3.14+
                monitoring.clear_tool_id(tool)
            monitoring.free_tool_id(tool)
        if name is None:
            continue
        # A tool registered before the run: give back its name and events (callbacks the
        # program replaced cannot be read back, so they are not restored).
        if monitoring.get_tool(tool) is None:
            monitoring.use_tool_id(tool, name)
        if monitoring.get_events(tool) != events:
            monitoring.set_events(tool, events)


@contextlib.contextmanager
def _interpreter_state():
    """Put back the interpreter-wide hooks a program can change, also when it raises."""
    trace, profile = sys.gettrace(), sys.getprofile()
    thread_trace = getattr(threading, "gettrace", lambda: None)()
    thread_profile = getattr(threading, "getprofile", lambda: None)()
    stdout, stderr = sys.stdout, sys.stderr
    monitoring = _monitoring_state()
    try:
        yield
    finally:
        _put_back(sys.gettrace, sys.settrace, trace)
        _put_back(sys.getprofile, sys.setprofile, profile)
        threading.settrace(thread_trace) if thread_trace is not None else _clear_thread_hook("_trace_hook")
        threading.setprofile(thread_profile) if thread_profile is not None else _clear_thread_hook("_profile_hook")
        sys.stdout, sys.stderr = stdout, stderr
        _restore_monitoring(monitoring)


def _put_back(get, set_, saved) -> None:
    """Restore a trace or profile function only if the program changed it: what `get` returns
    for a C-level hook (cProfile's profiler on 3.11) is not something `set_` can reinstall."""
    if get() is saved:
        return
    if saved is not None and not callable(saved) and hasattr(saved, "enable"):
        saved.enable()   # a cProfile.Profile the program displaced
    else:
        set_(saved)


def _clear_thread_hook(name: str) -> None:
    # threading.settrace(None) is the documented way; it also exists on 3.11.
    if getattr(threading, name, None) is not None:
        (threading.settrace if name == "_trace_hook" else threading.setprofile)(None)


@contextlib.contextmanager
def bounded(vm, bounds: Bounds, *, capture: CappedOutput | None = None):
    """Run the body with `vm` under `bounds`; yields the Guard.

    `capture`: where the program's stdout goes (a trace's recorder); by default stdout passes
    through to the current `sys.stdout`, capped at `bounds.max_output`.
    """
    guard = Guard(bounds)
    out = capture if capture is not None else (
        CappedOutput(bounds.max_output, sys.stdout) if bounds.max_output is not None else None)
    guard.install(vm)
    with _interpreter_state():
        if out is not None:
            sys.stdout = out
        try:
            with _interrupt_marker(guard), _alarm(guard):
                yield guard
        finally:
            # Afterwards (a suspended generator's `finally`, run when it is collected): the same
            # caps, counted afresh, and no tracer that has finished recording.
            guard.after_run(vm)


def compile_source(source, filename: str):
    """compile() for a program's source; a refusal other than a SyntaxError becomes a
    `SourceRejected` that says why (the text, not a traceback from inside the compiler)."""
    if not isinstance(source, str):
        raise TypeError(f"the program's source must be a str, not {type(source).__name__}")
    try:
        # dont_inherit: this package's `from __future__ import annotations` must not leak into
        # the program (it would turn every annotation the program makes into a string).
        return compile(source, filename, "exec", dont_inherit=True)
    except SyntaxError:
        raise
    except UnicodeEncodeError as exc:
        where = source[:exc.start].count("\n") + 1
        bad = source[exc.start:exc.end]
        raise SourceRejected(
            f"the source is not valid text: line {where} holds the lone surrogate "
            f"{', '.join(f'U+{ord(c):04X}' for c in bad[:3])}, which has no UTF-8 encoding, "
            "so CPython cannot compile it") from None
    except (MemoryError, RecursionError) as exc:
        raise SourceRejected(
            f"the source is nested too deeply for this interpreter's parser or compiler "
            f"({type(exc).__name__}: {exc})") from None
    except (ValueError, SystemError, OverflowError) as exc:
        raise SourceRejected(f"this interpreter's compiler refused the source "
                             f"({type(exc).__name__}: {_no_address(str(exc))[:200]})") from None


def _no_address(text: str) -> str:
    import re

    return re.sub(r" at 0x[0-9a-fA-F]+", "", text)
