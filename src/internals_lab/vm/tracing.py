"""Recording an execution instruction by instruction, as plain data.

Design: `trace` runs a program in the VM with a hook called before and after every
instruction. Each step becomes a `TraceStep` (instruction, source position with columns, value
stack before and after, locals, frame depth, printed output) holding only str/int/list/dict
values, so `Trace.to_dict()` is JSON-ready for the trace player. Values are shown with a
bounded repr; objects whose `__repr__` is VM code are shown by type name, so showing a value
never runs (and never traces) program code.

Bounds (`bounds.bounded`, `TRACE_BOUNDS`): steps, wall time and printed output are capped, and
so is the recording itself (`max_trace_chars` of stack and locals text: a step cap alone does not
bound memory when each step keeps a deep stack). Output is kept as appended chunks: each step
holds only what it printed plus `output_end`, the offset of the whole output after it, so no step
copies the output so far. Reaching a cap ends the trace with `stopped` saying which cap; the
program's own exceptions, `SystemExit` and other BaseExceptions included, end it with
`exception`. A KeyboardInterrupt ends the trace as the program's exception when the program
raised it, and propagates when the reader interrupted (Ctrl-C, the notebook's stop button), so
that stopping still stops.
"""
from __future__ import annotations

import builtins
import itertools
import math
import reprlib
import sys
from dataclasses import asdict, dataclass, field

from .bounds import TRACE_BOUNDS, Bounds, CappedOutput, bounded, compile_source
from .errors import LimitExceeded, TraceTooLarge, VMError
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

    # reprlib sorts a whole set or dict to show its first few items; a program's million-item
    # set would be sorted again at every step. Show the first items in iteration order instead.
    def _first(self, x, limit, level, left, right, pairs=False):
        if not x:
            return f"{left}{right}" if left != "{" or pairs else f"{type(x).__name__}()"
        if level <= 0:
            return f"{left}...{right}"
        shown = []
        for item in itertools.islice(x.items() if pairs else x, limit):
            if pairs:
                shown.append(f"{self.repr1(item[0], level - 1)}: {self.repr1(item[1], level - 1)}")
            else:
                shown.append(self.repr1(item, level - 1))
        if len(x) > limit:
            shown.append("...")
        return f"{left}{', '.join(shown)}{right}"

    def repr_set(self, x, level):
        return self._first(x, self.maxset, level, "{", "}")

    def repr_frozenset(self, x, level):
        return self._first(x, self.maxfrozenset, level, "frozenset({", "})")

    def repr_dict(self, x, level):
        return self._first(x, self.maxdict, level, "{", "}", pairs=True)


_REPR = _SafeRepr()
_REPR.maxstring = 40
_REPR.maxother = 40
_REPR.maxlist = _REPR.maxtuple = _REPR.maxset = _REPR.maxdict = 6
_REPR.maxlevel = 3
_SIMPLE = (int, float, str, bool, type(None))


def _big_int(value: int) -> str:
    # Never convert: str() of a big int is quadratic, and past sys.get_int_max_str_digits()
    # (4,300 by default) it raises ValueError, which would look like the program raising.
    digits = math.floor(abs(value).bit_length() * math.log10(2)) + 1
    return f"<int of about {digits:,} digits>"


def bounded_repr(value, limit: int = 60) -> str:
    """A short, safe repr: never longer than `limit`, never runs the program's __repr__."""
    if value is NULL:
        return "NULL"
    t = type(value)
    if t is int and value.bit_length() > 128:
        text = _big_int(value)
    elif t in (bytes, bytearray):
        text = repr(value[:limit]) + ("..." if len(value) > limit else "")
    elif t in _SIMPLE:
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
    output_end: int = 0       # characters printed by steps 0..this one (the player's output so far)


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
    # The caps this trace ran under (the player states them): steps, seconds, output, size.
    caps: dict = field(default_factory=dict)
    # One instruction listing per code object that ran: key -> [{offset, opname, argrepr, line}]
    codes: dict[str, list[dict]] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


def _locals_view(frame, limit: int = 20) -> dict[str, str]:
    if frame.locals is not None:
        items = ((k, v) for k, v in frame.locals.items()
                 if not (isinstance(k, str) and k.startswith("__") and k.endswith("__")))
    else:
        items = zip(frame.decoded.names, frame.localsplus)
    view = {}
    for name, value in itertools.islice(items, limit):
        view[str(name)] = "<unbound>" if value is NULL else bounded_repr(value)
    return view


STACK_SHOWN = 16   # values shown per stack; deeper ones are counted, not drawn


def _stack_view(stack) -> list[str]:
    if len(stack) <= STACK_SHOWN:
        return [bounded_repr(v) for v in stack]
    hidden = len(stack) - STACK_SHOWN + 1
    return [f"... {hidden:,} more below"] + [bounded_repr(v) for v in stack[-(STACK_SHOWN - 1):]]


def describe_exception(exc: BaseException) -> str:
    """"Type: message", bounded; never raises (the message may be the program's own code)."""
    name = type(exc).__name__
    try:
        text = str(exc)
    except BaseException as err:  # a __str__ that raises, loops (step cap) or exits
        text = f"<message unavailable: {type(err).__name__}>"
    if len(text) > 300:
        text = text[:297] + "..."
    return f"{name}: {text}"


def trace(source: str, filename: str = "<vm>", max_steps: int | None = 10_000, *,
          max_seconds: float | None = TRACE_BOUNDS.max_seconds,
          max_output: int | None = TRACE_BOUNDS.max_output,
          max_trace_chars: int | None = 5_000_000, bounds: Bounds | None = None) -> Trace:
    """Run `source` in the VM, recording each instruction; stop cleanly at a cap.

    Caps: `max_steps` instructions, `max_seconds` of wall time, `max_output` characters printed,
    `max_trace_chars` characters of recorded stack/locals text; `bounds` overrides the first
    three (and can inject a clock). None switches a cap off.
    """
    if not isinstance(source, str):
        raise TypeError(f"trace() needs the program's source as a str, not {type(source).__name__}")
    if max_steps is not None and max_steps < 1:
        raise ValueError("max_steps must be at least 1")
    if bounds is None:
        bounds = TRACE_BOUNDS.with_(max_steps=max_steps, max_seconds=max_seconds, max_output=max_output)
    code = compile_source(source, filename)
    result = Trace(source=source, caps={"max_steps": bounds.max_steps, "max_seconds": bounds.max_seconds,
                                        "max_output": bounds.max_output, "max_trace_chars": max_trace_chars})
    steps = result.steps
    out = CappedOutput(bounds.max_output)
    vm = VirtualMachine()
    pending: dict[int, TraceStep] = {}
    # A step that raised, waiting for its frame's next step: CPython pops the instruction's
    # inputs and unwinds to the handler before anything else runs, so what the step leaves is
    # the stack the handler starts with (empty if the exception leaves the frame). The VM's
    # own stack at the raise still holds the operands a handler had not popped yet.
    unwinding: dict[int, tuple[object, TraceStep]] = {}
    numbers: dict[int, tuple[object, int]] = {}  # id(frame) -> (frame kept alive, number)
    size = 0  # characters of text recorded so far (stacks, locals, listings)

    keys: dict[int, tuple[object, str]] = {}  # id(code) -> (code kept alive, its key)

    def code_key(frame) -> str:
        nonlocal size
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
        size += sum(len(n) + len(r) + 16 for n, r in zip(d.opnames, d.argreprs))
        return key

    def number_of(frame) -> int:
        entry = numbers.get(id(frame))
        if entry is None or entry[0] is not frame:
            entry = (frame, len(numbers))
            numbers[id(frame)] = entry
        return entry[1]

    def hook(frame, phase):
        nonlocal size
        saved, vm.hook = vm.hook, None  # showing values must not trace (or count) steps
        try:
            if phase == 0:
                if max_trace_chars is not None and size > max_trace_chars:
                    raise TraceTooLarge(max_trace_chars, len(steps))
                index = frame.ip
                d = frame.decoded
                pos = d.positions[index]
                before, local_view = _stack_view(frame.stack), _locals_view(frame)
                raised = unwinding.pop(id(frame), None)
                if raised is not None and raised[0] is frame:
                    raised[1].stack_after = list(before)
                step = TraceStep(len(steps), frame.depth, number_of(frame), frame.code.co_qualname,
                                 code_key(frame), d.offsets[index],
                                 d.opnames[index], d.opargs[index],
                                 d.argreprs[index], pos[0], pos[1], pos[2], pos[3],
                                 before, [], local_view)
                size += 100 + sum(map(len, before)) + sum(len(k) + len(v) for k, v in local_view.items())
                steps.append(step)
                pending[id(frame)] = step
            else:
                step = pending.pop(id(frame), None)
                if step is not None:
                    step.stack_after = _stack_view(frame.stack)
                    size += sum(map(len, step.stack_after))
                    if phase == 1:
                        step.locals = _locals_view(frame)
                        if frame.why == 0 and frame.ip < len(frame.decoded.offsets):
                            step.next_offset = frame.decoded.offsets[frame.ip]
                    if out.pending:
                        step.output = out.take()
                    if phase == 2:
                        step.exception = "raised"
                        step.stack_after = []
                        unwinding[id(frame)] = (frame, step)
        finally:
            vm.hook = saved

    vm.hook = hook
    namespace = {"__name__": "__main__", "__builtins__": builtins}
    guard = None
    try:
        with bounded(vm, bounds, capture=out) as guard, recursion_room(vm):
            vm.run_code(code, namespace)
    except LimitExceeded as exc:
        result.stopped = str(exc)
    except VMError:
        raise
    except KeyboardInterrupt as exc:
        if guard is None or guard.interrupted:
            raise  # the reader stopped the run: stopping must stop
        _record_exception(result, vm, exc)
    except BaseException as exc:  # the program's own, SystemExit and BaseException subclasses too
        _record_exception(result, vm, exc)
    result.output = out.getvalue()
    end = 0
    for step in steps:  # offsets in step order: the player shows output[:output_end]
        end += len(step.output)
        step.output_end = end
    return result


def _record_exception(result: Trace, vm: VirtualMachine, exc: BaseException) -> None:
    result.exception = describe_exception(exc)
    result.traceback = vm.traceback_of(exc)
