"""Recording an execution instruction by instruction, as plain data.

Design: `trace` runs a program in the VM with a hook called before and after every
instruction. Each step becomes a `TraceStep` (instruction, source position with columns, value
stack before and after, locals, frame depth, printed output) holding only str/int/list/dict
values, so `Trace.to_dict()` is JSON-ready for the trace player. Values are shown with a
bounded repr; objects whose `__repr__` is VM code are shown by type name, so showing a value
never runs (and never traces) program code.
"""
from __future__ import annotations

import builtins
import contextlib
import io
import reprlib
import sys
from dataclasses import asdict, dataclass, field

from .errors import StepLimitExceeded, VMError
from .frame import NULL
from .functions import VMFunction
from .interpreter import VirtualMachine, recursion_room

__all__ = ["TraceStep", "Trace", "trace", "bounded_repr"]

class _SafeRepr(reprlib.Repr):
    """reprlib, except that an object whose __repr__ is VM code is shown by its type name
    (also inside containers), so drawing the stack never runs the program's code."""

    def repr_instance(self, x, level):
        t = type(x)
        if isinstance(getattr(t, "__repr__", None), VMFunction) or isinstance(getattr(t, "__str__", None), VMFunction):
            return f"<{t.__name__} object>"
        return super().repr_instance(x, level)


_REPR = _SafeRepr()
_REPR.maxstring = 40
_REPR.maxother = 40
_REPR.maxlist = _REPR.maxtuple = _REPR.maxset = _REPR.maxdict = 6
_REPR.maxlevel = 3
_SIMPLE = (int, float, str, bool, type(None), bytes)


def bounded_repr(value, limit: int = 60) -> str:
    """A short, safe repr: never longer than `limit`, never runs the program's __repr__."""
    if value is NULL:
        return "NULL"
    t = type(value)
    if t in _SIMPLE:
        text = _REPR.repr(value)
    elif isinstance(getattr(t, "__repr__", None), VMFunction):
        text = f"<{t.__name__} object>"
    elif t.__name__ == "cell":
        try:
            text = f"<cell: {bounded_repr(value.cell_contents, limit)}>"
        except ValueError:
            text = "<cell: empty>"
    else:
        try:
            text = _REPR.repr(value)
        except Exception as exc:  # a broken __repr__ must not break the trace
            text = f"<{t.__name__} object (repr failed: {type(exc).__name__})>"
    if " at 0x" in text:  # keep traces free of addresses
        text = text.split(" at 0x")[0] + ">"
    return text if len(text) <= limit else text[:limit - 3] + "..."


@dataclass
class TraceStep:
    """One executed instruction (all values are str/int/None/list/dict: JSON-ready)."""

    step: int           # 0, 1, 2... over the whole run
    depth: int          # VM frames below this one (the module body is 0)
    frame: int          # frames numbered 0, 1, 2... in the order they start (not id())
    function: str       # co_qualname of the running code
    code: str           # key into Trace.codes: the listing this instruction belongs to
    offset: int         # byte offset, as `dis` shows it
    opname: str
    arg: int | None     # the raw argument (None for instructions without one)
    argrepr: str        # `dis`'s rendering of the argument
    line: int | None    # source position of the instruction (CPython's co_positions)
    end_line: int | None
    col: int | None
    end_col: int | None
    stack_before: list[str]   # value stack, bottom first, as bounded reprs
    stack_after: list[str]
    locals: dict[str, str]    # fast locals (functions) or the namespace (module/class bodies)
    output: str = ""          # what the instruction printed
    exception: str | None = None  # "raised" when the instruction raised
    next_offset: int | None = None  # where this frame goes on (differs from the next offset after a jump)


@dataclass
class Trace:
    """A whole run: the steps, and how it ended."""

    source: str
    python: str = field(default_factory=lambda: "%d.%d" % sys.version_info[:2])
    steps: list[TraceStep] = field(default_factory=list)
    output: str = ""
    exception: str | None = None
    traceback: list[tuple[str, int, str]] = field(default_factory=list)  # (file, line, function), outermost first
    stopped: str | None = None
    # One instruction listing per code object that ran: key -> [{offset, opname, argrepr, line}]
    codes: dict[str, list[dict]] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


def _locals_view(frame, limit: int = 20) -> dict[str, str]:
    if frame.locals is not None:
        items = [(k, v) for k, v in frame.locals.items()
                 if not (isinstance(k, str) and k.startswith("__") and k.endswith("__"))]
    else:
        items = list(zip(frame.decoded.names, frame.localsplus))
    view = {}
    for name, value in items[:limit]:
        view[str(name)] = "<unbound>" if value is NULL else bounded_repr(value)
    return view


def trace(source: str, filename: str = "<vm>", max_steps: int = 10_000) -> Trace:
    """Run `source` in the VM, recording each instruction; stop cleanly after `max_steps`."""
    if not isinstance(source, str):
        raise TypeError(f"trace() needs the program's source as a str, not {type(source).__name__}")
    if max_steps < 1:
        raise ValueError("max_steps must be at least 1")
    code = compile(source, filename, "exec", dont_inherit=True)  # no future flags of ours
    result = Trace(source=source)
    steps = result.steps
    out = io.StringIO()
    vm = VirtualMachine()
    pending: dict[int, TraceStep] = {}
    numbers: dict[int, tuple[object, int]] = {}  # id(frame) -> (frame kept alive, number)
    printed = 0

    keys: dict[int, tuple[object, str]] = {}  # id(code) -> (code kept alive, its key)

    def code_key(frame) -> str:
        code = frame.code
        entry = keys.get(id(code))
        if entry is not None and entry[0] is code:
            return entry[1]
        # qualname:line, made unique: two generator expressions (or lambdas) on one line are
        # different code objects with the same name and first line.
        base = key = f"{code.co_qualname}:{code.co_firstlineno}"
        count = 1
        while key in result.codes:
            count += 1
            key = f"{base}#{count}"
        keys[id(code)] = (code, key)
        d = frame.decoded
        result.codes[key] = [{"offset": o, "opname": n, "argrepr": r, "line": p[0]}
                             for o, n, r, p in zip(d.offsets, d.opnames, d.argreprs, d.positions)]
        return key

    def number_of(frame) -> int:
        entry = numbers.get(id(frame))
        if entry is None or entry[0] is not frame:
            entry = (frame, len(numbers))
            numbers[id(frame)] = entry
        return entry[1]

    def hook(frame, phase):
        nonlocal printed
        saved, vm.hook = vm.hook, None  # showing values must not trace (or count) steps
        try:
            if phase == 0:
                if len(steps) >= max_steps:
                    raise StepLimitExceeded(max_steps)
                index = frame.ip
                d = frame.decoded
                pos = d.positions[index]
                step = TraceStep(len(steps), frame.depth, number_of(frame), frame.code.co_qualname,
                                 code_key(frame), d.offsets[index],
                                 d.opnames[index], d.opargs[index],
                                 d.argreprs[index], pos[0], pos[1], pos[2], pos[3],
                                 [bounded_repr(v) for v in frame.stack], [], _locals_view(frame))
                steps.append(step)
                pending[id(frame)] = step
            else:
                step = pending.pop(id(frame), None)
                if step is not None:
                    step.stack_after = [bounded_repr(v) for v in frame.stack]
                    if phase == 1:
                        step.locals = _locals_view(frame)
                        if frame.why == 0 and frame.ip < len(frame.decoded.offsets):
                            step.next_offset = frame.decoded.offsets[frame.ip]
                    text = out.getvalue()
                    step.output, printed = text[printed:], len(text)
                    if phase == 2:
                        step.exception = "raised"
        finally:
            vm.hook = saved

    vm.hook = hook
    namespace = {"__name__": "__main__", "__builtins__": builtins}
    try:
        with contextlib.redirect_stdout(out), recursion_room(vm):
            vm.run_code(code, namespace)
    except StepLimitExceeded as exc:
        result.stopped = str(exc)
    except VMError:
        raise
    except Exception as exc:
        result.exception = f"{type(exc).__name__}: {exc}"
        result.traceback = vm.traceback_of(exc)
    result.output = out.getvalue()
    return result
