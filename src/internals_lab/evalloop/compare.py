"""The teaching VM beside CPython: handlers, exception tables, and how tools watch execution.

Design: `handler_excerpt` pairs the VM's handler for an instruction (its source, through
`inspect.getsource`) with the place the same instruction is defined in CPython's
`Python/bytecodes.c` (this module links to it and does not quote it): at v3.13.0 on 3.11-3.13,
whose handlers the chapter compares with 3.13; from 3.14 at the running interpreter's own
release tag, since 3.14 and 3.15 define instructions (LOAD_SMALL_INT, LOAD_SPECIAL, ...) that
3.13's file does not have.
`exception_table` decodes a code object's 3.11+ exception table into rows. `settrace_events`
and `monitoring_events` watch one call of a small function with `sys.settrace` and with
`sys.monitoring` (PEP 669, 3.12+) and return the events as records; both put every hook back
in `finally`, also when the watched function raises.
"""
from __future__ import annotations

import inspect
import sys
import types
from dataclasses import dataclass

__all__ = ["BYTECODES_C", "CEVAL_C", "HandlerExcerpt", "handler_excerpt", "excerpts_table",
           "Excerpts", "ExceptionRow", "exception_table", "Event", "settrace_events", "monitoring_events"]


def _release_tag(version=sys.version_info) -> str:
    """CPython's git tag for `version` ("v3.14.7", "v3.15.0rc1"); v3.13.0 before 3.14."""
    if version[:2] < (3, 14):
        return "v3.13.0"
    suffix = {"alpha": "a", "beta": "b", "candidate": "rc"}.get(version.releaselevel)
    serial = f"{suffix}{version.serial}" if suffix else ""
    return f"v{version.major}.{version.minor}.{version.micro}{serial}"


CPYTHON_TAG = _release_tag()
BYTECODES_C = f"https://github.com/python/cpython/blob/{CPYTHON_TAG}/Python/bytecodes.c"
CEVAL_C = f"https://github.com/python/cpython/blob/{CPYTHON_TAG}/Python/ceval.c"


@dataclass(frozen=True)
class HandlerExcerpt:
    opname: str
    vm_handler: str      # the handler function's name (aliases share one function)
    vm_source: str       # inspect.getsource of that handler
    cpython_file: str    # where CPython (at CPYTHON_TAG) defines the instruction
    cpython_url: str

    def __str__(self) -> str:
        return f"{self.opname}: VM {self.vm_handler} / CPython {self.cpython_file}\n{self.vm_source}"


def handler_excerpt(opname: str) -> HandlerExcerpt:
    """The VM's handler for `opname` beside the CPython file that defines the instruction."""
    from ..vm import HANDLERS

    if not isinstance(opname, str) or opname not in HANDLERS:
        raise ValueError(f"the teaching VM has no handler named {opname!r} on this Python "
                         f"(it has {len(HANDLERS)}, e.g. LOAD_FAST, BINARY_OP, FOR_ITER)")
    fn = HANDLERS[opname]
    return HandlerExcerpt(opname, fn.__name__, inspect.getsource(fn).rstrip("\n"),
                          f"Python/bytecodes.c ({CPYTHON_TAG})", BYTECODES_C)


class Excerpts:
    """Several handler excerpts, drawn as code blocks each with its link to CPython's source."""

    def __init__(self, excerpts: list[HandlerExcerpt]) -> None:
        self.excerpts = excerpts

    def __str__(self) -> str:
        return "\n\n".join(f"# {e.opname} (CPython: {e.cpython_file})\n{e.vm_source}" for e in self.excerpts)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        import html

        parts = ['<div class="internals-lab-excerpts">']
        for e in self.excerpts:
            parts.append(f'<p><code>{html.escape(e.opname)}</code>: the VM\'s <code>{html.escape(e.vm_handler)}</code>; '
                         f'CPython {CPYTHON_TAG} defines it in <a href="{html.escape(e.cpython_url)}">Python/bytecodes.c</a></p>'
                         f"<pre>{html.escape(e.vm_source)}</pre>")
        parts.append("</div>")
        return "".join(parts)


def excerpts_table(opnames) -> Excerpts:
    """The VM's handlers for `opnames`, each beside its link into CPython's bytecodes.c."""
    return Excerpts([handler_excerpt(name) for name in opnames])


@dataclass(frozen=True)
class ExceptionRow:
    start: int
    end: int
    target: int
    depth: int
    lasti: bool


def exception_table(code_or_function) -> list[ExceptionRow]:
    """The decoded `co_exceptiontable` (3.11+): which offsets jump where when they raise."""
    from ..vm.frame import parse_exception_table

    code = getattr(code_or_function, "__code__", code_or_function)
    if not isinstance(code, types.CodeType):
        raise TypeError(f"exception_table() needs a function or a code object, not {type(code_or_function).__name__}")
    return [ExceptionRow(e.start, e.end, e.target, e.depth, e.lasti) for e in parse_exception_table(code)]


@dataclass(frozen=True)
class Event:
    event: str       # "call", "line", "return" (settrace) or PY_START, LINE, PY_RETURN (monitoring)
    function: str
    line: int | None


def settrace_events(fn, *args):
    """Call fn(*args) under a `sys.settrace` hook that records fn's own events.

    Returns (result, events). The previous trace function is restored in `finally`.
    """
    target = fn.__code__
    events: list[Event] = []

    def local(frame, event, arg):
        events.append(Event(event, frame.f_code.co_name, frame.f_lineno))
        return local

    def global_(frame, event, arg):
        if frame.f_code is target:
            events.append(Event(event, frame.f_code.co_name, frame.f_lineno))
            return local
        return None

    old = sys.gettrace()
    sys.settrace(global_)
    try:
        result = fn(*args)
    finally:
        sys.settrace(old)
    return result, events


def monitoring_events(fn, *args):
    """Call fn(*args) with `sys.monitoring` (3.12+) watching PY_START, LINE and PY_RETURN of fn.

    Only fn's code object is instrumented (local events), the tool id is claimed from the free
    ones and released in `finally`, with its callbacks and events, also when fn raises.
    """
    if sys.version_info < (3, 12):
        raise NotImplementedError("sys.monitoring is new in Python 3.12 (PEP 669); "
                                  f"this is {sys.version_info.major}.{sys.version_info.minor}")
    mon = sys.monitoring
    tool = next((t for t in range(6) if mon.get_tool(t) is None), None)
    if tool is None:
        raise RuntimeError("every sys.monitoring tool id (0-5) is in use; free one first")
    code = fn.__code__
    E = mon.events
    wanted = E.PY_START | E.LINE | E.PY_RETURN
    events: list[Event] = []
    callbacks = {
        E.PY_START: lambda c, offset: events.append(Event("PY_START", c.co_name, None)),
        E.LINE: lambda c, line: events.append(Event("LINE", c.co_name, line)),
        E.PY_RETURN: lambda c, offset, value: events.append(Event("PY_RETURN", c.co_name, None)),
    }
    mon.use_tool_id(tool, "internals_lab")
    try:
        for event, callback in callbacks.items():
            mon.register_callback(tool, event, callback)
        mon.set_local_events(tool, code, wanted)
        result = fn(*args)
    finally:
        mon.set_local_events(tool, code, 0)
        for event in callbacks:
            mon.register_callback(tool, event, None)
        mon.free_tool_id(tool)
    return result, events
