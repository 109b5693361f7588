"""Deterministic evidence for post 6's tips: facts that are the same on every run of the same
interpreter, so a verdict can rest on them while timings only show how much they matter.

- `executed_instructions(fn, *args)`: bytecode instructions run in Python frames (PEP 669's
  sys.monitoring from 3.12, a trace hook with `f_trace_opcodes` on 3.11);
- `specialized_opnames(code, run)`: the instructions the adaptive interpreter chose (PEP 659);
- `eq_calls(container_type, n, probe)`: how many `__eq__` calls one membership test makes.
Every hook is removed, and the previous state restored, even when the measured code raises.
"""
from __future__ import annotations

import dis
import sys
import threading
from collections.abc import Callable

__all__ = ["executed_instructions", "specialized_opnames", "eq_calls"]


def executed_instructions(fn: Callable[..., object], *args: object) -> int:
    """How many bytecode instructions run in Python frames during `fn(*args)` (C code is free).

    3.12 and later: a sys.monitoring INSTRUCTION callback (PEP 669). 3.11: a trace hook with
    `f_trace_opcodes`. The hook is removed, and the previous state restored, even if `fn` raises.
    The few instructions of the measuring code itself are subtracted (measured on a no-op).
    """
    return max(0, _count_instructions(fn, args) - _count_instructions(_noop, ()))


def _noop(*args):
    return None


def _count_instructions(fn, args) -> int:
    count = 0
    monitoring = getattr(sys, "monitoring", None)
    if monitoring is not None:
        # sys.monitoring events fire in every thread (a Jupyter kernel has several busy ones);
        # count only this thread's instructions.
        me = threading.get_ident()

        def on_instruction(code, offset):
            nonlocal count
            if threading.get_ident() == me:
                count += 1

        tool = next((i for i in range(6) if monitoring.get_tool(i) is None), None)
        if tool is None:
            raise RuntimeError("every sys.monitoring tool id is in use; stop a debugger or profiler first")
        monitoring.use_tool_id(tool, "internals_lab.instruction_count")
        try:
            monitoring.register_callback(tool, monitoring.events.INSTRUCTION, on_instruction)
            monitoring.set_events(tool, monitoring.events.INSTRUCTION)
            fn(*args)
        finally:
            monitoring.set_events(tool, 0)
            monitoring.register_callback(tool, monitoring.events.INSTRUCTION, None)
            monitoring.free_tool_id(tool)
        return count

    def local(frame, event, arg):
        nonlocal count
        if event == "opcode":
            count += 1
        return local

    def on_call(frame, event, arg):
        frame.f_trace_opcodes = True
        return local

    previous = sys.gettrace()
    sys.settrace(on_call)
    try:
        fn(*args)
    finally:
        sys.settrace(previous)
    return count


def specialized_opnames(code_or_fn, run: Callable[[], object], warmups: int = 3) -> list[str]:
    """Run `run()` a few times, then the adaptive (specialized) opnames of the code object."""
    for _ in range(warmups):
        run()
    return [i.opname for i in dis.get_instructions(code_or_fn, adaptive=True)]


class _Counted:
    """An int-like value that counts how often it is compared for equality."""
    eq_calls = 0

    def __init__(self, value: int) -> None:
        self.value = value

    def __eq__(self, other: object) -> bool:
        _Counted.eq_calls += 1
        return isinstance(other, _Counted) and other.value == self.value

    def __hash__(self) -> int:
        return hash(self.value)


def eq_calls(container_type: type, n: int, probe: int) -> int:
    """__eq__ calls for `probe in container_type(range(n))` (values wrapped to count)."""
    container = container_type(_Counted(i) for i in range(n))
    needle = _Counted(probe)
    _Counted.eq_calls = 0
    _ = needle in container
    return _Counted.eq_calls
