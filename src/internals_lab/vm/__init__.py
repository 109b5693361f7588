"""The teaching VM: a Python interpreter, written in Python, for the bytecode CPython compiles.

Design: `run` compiles a program with the running interpreter (3.11 to 3.15) and executes
the resulting code objects in `interpreter.VirtualMachine`, one `op_NAME` handler per opcode.
`trace` does the same while recording every instruction as plain data for the trace player.

Where a program can still tell it runs in the VM (deliberate limits of a teaching VM):
- functions, generators, coroutines and async generators are `VMFunction`, `VMGenerator`,
  `VMCoroutine` and `VMAsyncGenerator`, not `types.FunctionType` etc.: `type(obj)` tells
  (they behave alike: calling, binding, `functools.wraps`, `inspect.signature`, the
  generator protocols, and their `__class__` makes `isinstance(obj, types.FunctionType)` and
  the like hold), but C code that needs the real type (`_testcapi`, a C type check) refuses,
  and a `types.coroutine` generator answers `__await__` (C code awaits it by a code flag it
  cannot see on a VM generator), so `collections.abc.Awaitable` counts it in;
- VM frames are not Python frame objects: `sys._getframe`, `inspect.currentframe`,
  `sys.settrace` and `sys.monitoring` see the VM's own Python code, and an exception's
  `__traceback__` lists VM internals (`vm_traceback(exc)` gives the program's lines), and a
  warning raised by an operation is attributed to the VM's source line, not the program's;
- each VM call takes several Python frames, and one more C-level call when C code calls a
  VM function: recursion in C code (`repr` of deeply nested containers, `ExceptionGroup.split`,
  a C `lru_cache` around a VM function) meets its limit at another depth than in CPython
  (3.11 counts it against Python's limit, which the VM raises to fit its frames);
- imported modules run in CPython (the VM imports through `__import__`);
- `annotationlib`'s STRING and FORWARDREF formats (3.14+) rebuild an `__annotate__` function
  as a real function with fake globals, so that evaluation runs in CPython, not in the VM;
- `lazy import` (3.15, PEP 810) raises UnimplementedOpcode: only CPython can make the lazy
  import object, and importing eagerly instead would change when the module runs.
- `sys.getrefcount` counts the VM's own references to a value (its frames' locals and value
  stacks are Python lists, and CPython 3.14+ borrows references the VM cannot);
- an asynchronous exception (a signal's KeyboardInterrupt, `PyThreadState_SetAsyncExc`) is
  raised wherever CPython next checks for one inside the VM's own code, so the instruction
  it is charged to, and whether that instruction's handler sees it, can differ.
"""
from __future__ import annotations

import builtins

from .bounds import RUN_BOUNDS, TRACE_BOUNDS, Bounds, bounded, compile_source
from .errors import (LimitExceeded, OutputLimitExceeded, SourceRejected, StepLimitExceeded,
                     TimeLimitExceeded, TraceTooLarge, UnimplementedOpcode, VMError)
from .frame import NULL, Frame
from .functions import VMAsyncGenerator, VMCoroutine, VMFunction, VMGenerator
from .interpreter import HANDLERS, VirtualMachine, recursion_room
from .tracing import Trace, TraceStep, trace

__all__ = ["run", "trace", "Trace", "TraceStep", "VMError", "UnimplementedOpcode",
           "StepLimitExceeded", "LimitExceeded", "TimeLimitExceeded", "OutputLimitExceeded",
           "TraceTooLarge", "SourceRejected", "Bounds", "RUN_BOUNDS", "TRACE_BOUNDS", "bounded", "VirtualMachine", "VMFunction", "VMGenerator", "VMCoroutine", "VMAsyncGenerator", "HANDLERS",
           "vm_traceback", "NULL", "Frame"]


_DEFAULT = object()


def run(source: str, filename: str = "<vm>", *, max_steps=_DEFAULT, max_seconds=_DEFAULT,
        max_output=_DEFAULT, bounds: Bounds | None = None) -> dict:
    """Compile `source` as a module and execute it in the VM; return the module's globals.

    The program's own exceptions propagate unchanged (same type and message as in CPython);
    `vm_traceback(exc)` gives the VM frames they passed through. The run is bounded
    (`RUN_BOUNDS`: instructions, wall time, characters printed); reaching a cap raises a
    `LimitExceeded` with a message naming it. Pass a larger cap, or None to switch one off, or
    a whole `Bounds`. Whatever the program does to `sys.settrace`, `sys.setprofile`,
    `sys.monitoring` or `sys.stdout` is undone when it ends, on every path (see `bounds`).
    """
    if not isinstance(source, str):
        raise TypeError(f"run() needs the program's source as a str, not {type(source).__name__}")
    if bounds is None:
        changes = {k: v for k, v in (("max_steps", max_steps), ("max_seconds", max_seconds),
                                     ("max_output", max_output)) if v is not _DEFAULT}
        bounds = RUN_BOUNDS.with_(**changes)
    code = compile_source(source, filename)
    namespace = {"__name__": "__main__", "__builtins__": builtins}
    vm = VirtualMachine()
    try:
        with bounded(vm, bounds), recursion_room(vm):
            vm.run_code(code, namespace)
    except BaseException as exc:
        _remember_traceback(vm, exc)
        raise
    return namespace


_TRACEBACKS: dict[int, tuple[BaseException, list]] = {}


def _remember_traceback(vm: VirtualMachine, exc: BaseException) -> None:
    # Exceptions cannot be weakly referenced; keep only the most recent few.
    _TRACEBACKS[id(exc)] = (exc, vm.traceback_of(exc))
    while len(_TRACEBACKS) > 8:
        del _TRACEBACKS[next(iter(_TRACEBACKS))]


def vm_traceback(exc: BaseException) -> list[tuple[str, int, str]]:
    """(filename, line, function) of each VM frame `exc` passed, outermost first."""
    entry = _TRACEBACKS.get(id(exc))
    if entry is None or entry[0] is not exc:
        return []
    return entry[1]
