"""The teaching VM: a Python interpreter, written in Python, for the bytecode CPython compiles.

Design: `run` compiles a program with the running interpreter (3.11 to 3.15) and executes
the resulting code objects in `interpreter.VirtualMachine`, one `op_NAME` handler per opcode.
`trace` does the same while recording every instruction as plain data for the trace player.

Where a program can still tell it runs in the VM (deliberate limits of a teaching VM):
- functions, generators, coroutines and async generators are `VMFunction`, `VMGenerator`,
  `VMCoroutine` and `VMAsyncGenerator`, not `types.FunctionType` etc. (they behave alike:
  calling, binding, `functools.wraps`, `inspect.signature`, the generator protocols,
  `collections.abc` checks, asyncio);
- VM frames are not Python frame objects: `sys._getframe`, `inspect.currentframe`,
  `sys.settrace` and `sys.monitoring` see the VM's own Python code, and an exception's
  `__traceback__` lists VM internals (`vm_traceback(exc)` gives the program's lines), and a
  warning raised by an operation is attributed to the VM's source line, not the program's;
- PEP 695 bounds, constraints and `type` alias values are evaluated when defined, not lazily;
- imported modules run in CPython (the VM imports through `__import__`);
- `annotationlib`'s STRING and FORWARDREF formats (3.14+) rebuild an `__annotate__` function
  as a real function with fake globals, so that evaluation runs in CPython, not in the VM;
- `lazy import` (3.15, PEP 810) raises UnimplementedOpcode: only CPython can make the lazy
  import object, and importing eagerly instead would change when the module runs.
"""
from __future__ import annotations

import builtins

from .errors import StepLimitExceeded, UnimplementedOpcode, VMError
from .frame import NULL, Frame
from .functions import VMAsyncGenerator, VMCoroutine, VMFunction, VMGenerator
from .interpreter import HANDLERS, VirtualMachine, recursion_room
from .tracing import Trace, TraceStep, trace

__all__ = ["run", "trace", "Trace", "TraceStep", "VMError", "UnimplementedOpcode",
           "StepLimitExceeded", "VirtualMachine", "VMFunction", "VMGenerator", "VMCoroutine", "VMAsyncGenerator", "HANDLERS",
           "vm_traceback", "NULL", "Frame"]


def run(source: str, filename: str = "<vm>", *, max_steps: int | None = None) -> dict:
    """Compile `source` as a module and execute it in the VM; return the module's globals.

    The program's own exceptions propagate unchanged (same type and message as in CPython);
    `vm_traceback(exc)` gives the VM frames they passed through. `max_steps` caps the number
    of instructions (StepLimitExceeded) for programs that may not end.
    """
    if not isinstance(source, str):
        raise TypeError(f"run() needs the program's source as a str, not {type(source).__name__}")
    # dont_inherit: this module's own `from __future__ import annotations` must not leak into
    # the program (it would turn every annotation the program makes into a string).
    code = compile(source, filename, "exec", dont_inherit=True)
    namespace = {"__name__": "__main__", "__builtins__": builtins}
    vm = VirtualMachine()
    if max_steps is not None:
        vm.hook = _step_counter(max_steps)
    try:
        with recursion_room(vm):
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


def _step_counter(max_steps: int):
    count = 0

    def hook(frame, phase):
        nonlocal count
        if phase == 0:
            count += 1
            if count > max_steps:
                raise StepLimitExceeded(max_steps)
    return hook
