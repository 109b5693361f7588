"""The evaluation loop of the teaching VM, and the table of its opcode handlers.

Design: each handler takes the frame and the instruction's decoded argument, and works on the
frame's value stack the way the instruction of the same name in CPython's
`Python/bytecodes.c` does (3.12+) or `Python/ceval.c` (3.11). The handlers live in one module
per instruction family, grouped as `bytecodes.c` groups them: `ops_loads` (loads and stores),
`ops_operators`, `ops_calls` (calls and functions), `ops_control` (control flow),
`ops_exceptions`, `ops_generators` (generators and coroutines), `ops_classes` (classes and
pattern matching) and `ops_intrinsics`. `HANDLERS` below is the one table from opcode names to
handlers. Where the versions lay out the stack differently, the difference is spelled out with
a version test at import time, so the running interpreter picks the matching handler once. The
instructions 3.14 added or changed are in `ops_314`, the iteration protocol 3.15 changed in
`ops_315`; on those versions their handlers replace the others of the same name. A handler
returns None to go on, or a small number when the frame stops: 1 returned, 2 yielded,
3 became a generator.

`VirtualMachine.run_frame` is the loop: fetch (handler, argument) at the instruction pointer,
advance it, call. An exception raised by a handler is looked up in the code's exception table
(`_unwind`), exactly as CPython's `exception_unwind` label does. The loop never hands a code
object to CPython's `exec` or `eval`: an instruction without a handler raises
`UnimplementedOpcode`.
"""
from __future__ import annotations

import builtins
import contextlib
import itertools
import operator
import sys
import types

from . import (ops_calls, ops_classes, ops_control, ops_exceptions, ops_generators, ops_intrinsics,
               ops_loads, ops_operators)
from . import frame as frame_module
from . import frame_builtins, function_object, functions
from .errors import UnimplementedOpcode, VMError, raise_unchained
from .frame import NULL, VERSION, VERSION_TEXT, DecodedCode, Frame
from .functions import (CO_ASYNC_GENERATOR, CO_COROUTINE, CO_GENERATOR, VMAsyncGenerator, VMCoroutine,
                        VMFunction, VMGenerator, VMIterableCoroutine, build_class)
from .ops_operators import _BINARY, _COMPARE

__all__ = ["VirtualMachine", "HANDLERS", "recursion_room"]


# ---------------------------------------------------------------------------------------------
# The dispatch table and the loop
# ---------------------------------------------------------------------------------------------
# The instruction families, in the order of `Python/bytecodes.c`.
FAMILIES = (ops_loads, ops_operators, ops_calls, ops_control, ops_exceptions, ops_generators,
            ops_classes, ops_intrinsics)


def _handlers_of(module) -> dict:
    return {name[3:]: fn for name, fn in vars(module).items() if name.startswith("op_")}


# The one table from opcode names to handlers. Every name is defined by exactly one family.
HANDLERS: dict = {}
for _family in FAMILIES:
    _new = _handlers_of(_family)
    assert not HANDLERS.keys() & _new.keys(), f"{_family.__name__} redefines {HANDLERS.keys() & _new.keys()}"
    HANDLERS.update(_new)

# 3.14 added instructions and changed the stack layout of others (FOR_ITER, WITH_EXCEPT_START,
# CALL_FUNCTION_EX, ...); their handlers live in ops_314, which uses the families' helpers.
ops_314 = ops_315 = None
if VERSION >= (3, 14):
    from . import ops_314
    HANDLERS.update(ops_314.HANDLERS_314)
# 3.15 gave iteration a second stack slot (an index for lists, tuples, str and bytes).
if VERSION >= (3, 15):
    from . import ops_315
    HANDLERS.update(ops_315.HANDLERS_315)

# The VM's own code must not run the program's builtins: a program may replace
# `builtins.isinstance` or `builtins.len` (CPython's C code never sees that). Each module of
# the VM that runs while a program runs gets its own binding of every public builtin, taken
# now, which shadows the builtins module from then on.
_PINNED_BUILTINS = {name: value for name, value in vars(builtins).items() if not name.startswith("_")}


def _pin_builtins(module) -> None:
    namespace = vars(module)
    for name, value in _PINNED_BUILTINS.items():
        namespace.setdefault(name, value)


from . import bounds as _bounds_module  # noqa: E402 (imports nothing from here)

for _module in (*FAMILIES, ops_314, ops_315, frame_builtins, frame_module, function_object, functions,
                _bounds_module, sys.modules[__name__]):
    if _module is not None:
        _pin_builtins(_module)

# Arguments turned once, at decode time, into what the handler uses directly.
_PREPARE = {
    "BINARY_OP": lambda a: _BINARY[a],
    "COMPARE_OP": lambda a: (_COMPARE[a[0]], a[1]),
}


def _decode_with_real_builtins(code: types.CodeType) -> DecodedCode:
    """Decode with `dis`, which is stdlib code that looks up its builtins as it runs: put back
    any the program replaced while it decodes (no program code runs meanwhile)."""
    current = vars(builtins)
    replaced = {name: current.get(name, NULL) for name, value in _PINNED_BUILTINS.items()
                if current.get(name, NULL) is not value}
    if not replaced:
        return DecodedCode(code)
    current.update({name: _PINNED_BUILTINS[name] for name in replaced})
    try:
        return DecodedCode(code)
    finally:
        for name, value in replaced.items():
            if value is NULL:
                del current[name]
            else:
                current[name] = value


def _unimplemented(opname):
    def handler(f, a):
        raise UnimplementedOpcode(opname, VERSION_TEXT)
    handler.__name__ = f"op_{opname}"
    return handler


class VirtualMachine:
    """Runs code objects in VM frames; owns the per-run state (exception chain, frame stack)."""

    def __init__(self) -> None:
        self.frames: list[Frame] = []
        # CPython's chain of "currently handled exception" slots: one for the whole run, one
        # more for each generator while it runs (PUSH_EXC_INFO/POP_EXCEPT swap the top one).
        self.exc_chain: list = [None]
        self.reraising = False
        # id() of the exception last seen leaving a VM frame (or thrown into one): the frames
        # it reaches next must not chain it again. An id, not the exception: the VM must not
        # extend an exception's lifetime (weakref and __del__ tests watch for that).
        self.propagating_id = None
        self.hook = None        # called before each instruction when tracing or counting
        self.traceback: dict[int, tuple[BaseException, list]] = {}
        self._decoded: dict[int, tuple[types.CodeType, DecodedCode]] = {}
        # The program's recursion limit counts VM frames; `recursion_room` gives the Python
        # frames that implement them the space they need.
        self.max_depth = _OpenRooms.vm_limit if _OpenRooms.count else sys.getrecursionlimit()
        self.rooms = 0          # how many `recursion_room`s are open
        # Instruction count for bounds.py: the plain loop takes the next number from `ticks`
        # (shared by all frames) and calls `out_of_ticks(n)` when it passes `tick_limit`; that
        # returns the next limit or raises a LimitExceeded.
        self.ticks = itertools.count(1)
        self.tick_limit = 1 << 62
        self.out_of_ticks = None

    # -- code and frames ---------------------------------------------------------------------
    def decoded(self, code: types.CodeType) -> DecodedCode:
        entry = self._decoded.get(id(code))
        if entry is not None and entry[0] is code:
            return entry[1]
        d = _decode_with_real_builtins(code)
        d.ops = [(HANDLERS.get(name) or _unimplemented(name),
                  _PREPARE[name](arg) if name in _PREPARE else arg)
                 for name, arg in zip(d.opnames, d.args)]
        self._decoded[id(code)] = (code, d)
        return d

    @staticmethod
    def builtins_for(globals_: dict) -> dict:
        b = dict.get(globals_, "__builtins__", builtins)  # the dict API, as CPython (no overrides)
        return b.__dict__ if isinstance(b, types.ModuleType) else b

    def build_class(self, func, name, /, *bases, **kwds):
        return build_class(self, func, name, *bases, **kwds)

    def run_code(self, code: types.CodeType, globals_: dict, locals_=None, closure=None):
        """Run a module-level (or exec/eval) code object with the given namespaces.

        `closure` (exec's) fills the free-variable slots. Code compiled with top-level await
        (PyCF_ALLOW_TOP_LEVEL_AWAIT) is a coroutine's: as in CPython, running it makes one.
        """
        if locals_ is None:
            locals_ = globals_
        decoded = self.decoded(code)
        localsplus = [NULL] * len(decoded.names)
        if closure:
            localsplus[len(localsplus) - len(closure):] = closure
        function = None
        if code.co_flags & (CO_GENERATOR | CO_COROUTINE | CO_ASYNC_GENERATOR):
            function = VMFunction(self, code, globals_)
            function._closure = closure
        frame = Frame(self, decoded, globals_, self.builtins_for(globals_), locals_, localsplus, function)
        frame.depth = len(self.frames)
        if function is not None:
            self.run_frame(frame)  # up to RETURN_GENERATOR
            return self._generator_for(frame, function)
        return self.run_frame(frame)

    def run_class_body(self, func: VMFunction, namespace):
        frame = Frame(self, func._decoded, func.__globals__, func._builtins, namespace,
                      [NULL] * func._nlocalsplus, func)
        frame.depth = len(self.frames)
        return self.run_frame(frame)

    def call_function(self, func: VMFunction, args, kwargs):
        """A call from CPython code (`VMFunction.__call__`): a native caller may be handling an
        exception in an `except` block (contextlib's ExitStack does), which CPython code run
        there would chain to; the VM's own slots know nothing of it, so it gets a slot."""
        if not self.rooms:
            # Called after vm.run() returned (unittest calling a VM test method): the VM's
            # frames need the same room as during the run.
            with recursion_room(self):
                return self.call_function(func, args, kwargs)
        native = sys.exception()
        chain = self.exc_chain
        if native is not None:
            chain.append(native)
        vm_traceback_carrier = []  # see carried_lines
        try:
            return self.call_vm_function(func, args, kwargs)
        except BaseException as exc:
            # The exception leaves the VM for CPython code, which may keep it, drop it or
            # hand it back: its record goes with it, into this frame of its own traceback.
            vm_traceback_carrier.append(self.detach_traceback(exc))
            raise
        finally:
            if native is not None:
                chain.pop()

    def set_recursion_limit(self, limit) -> None:
        """`sys.setrecursionlimit` called by VM code: the limit counts VM frames, and Python's
        own limit moves with it so that the VM's frames fit."""
        limit = operator.index(limit)
        if limit < 1:
            raise ValueError("recursion limit must be greater or equal than 1")
        depth = len(self.frames)
        if depth >= limit:
            raise RecursionError(f"cannot set the recursion limit to {limit} at the recursion depth "
                                 f"{depth}: the limit is too low")
        self.max_depth = limit
        if _OpenRooms.count:
            _OpenRooms.vm_limit = limit
        with contextlib.suppress(RecursionError):  # Python's depth is already past it: keep it
            sys.setrecursionlimit(_python_limit_for(limit))
            _OpenRooms.vm_limit_for[_python_limit_for(limit)] = limit

    def sync_recursion_limit(self) -> None:
        """Follow a `sys.setrecursionlimit` that CPython code made while the VM runs (test.support's
        `infinite_recursion`, around a VM call): Python's limit is then the program's limit, in
        frames, which the VM adopts. A limit the VM set itself (put back by that code) maps
        back to the VM limit it stood for."""
        if not _OpenRooms.count:
            return
        python_limit = sys.getrecursionlimit()
        known = _OpenRooms.vm_limit_for.get(python_limit)
        if known is not None:
            self.max_depth = _OpenRooms.vm_limit = known
        elif python_limit > len(self.frames):
            self.set_recursion_limit(python_limit)

    def call_vm_function(self, func: VMFunction, args, kwargs):
        """A call from VM code (CALL and friends): a new VM frame for `func`."""
        localsplus = func.bind_arguments(args, kwargs)
        frame = Frame(self, func._decoded, func._globals, func._builtins, None, localsplus, func)
        frame.depth = len(self.frames)
        if frame.depth >= self.max_depth:
            self.sync_recursion_limit()  # only when it matters: the check itself stays cheap
            if frame.depth >= self.max_depth:
                raise RecursionError("maximum recursion depth exceeded")
        if func._generatorlike:
            self.run_frame(frame)  # up to RETURN_GENERATOR
            return self._generator_for(frame, func)
        return self.run_frame(frame)

    @staticmethod
    def _generator_for(frame: Frame, func: VMFunction):
        flags = frame.code.co_flags
        if flags & CO_GENERATOR:
            if flags & 0x100:  # CO_ITERABLE_COROUTINE: made by types.coroutine
                return VMIterableCoroutine(frame, func)
            return VMGenerator(frame, func)
        if flags & CO_COROUTINE:
            coroutine = VMCoroutine(frame, func)
            depth = sys.get_coroutine_origin_tracking_depth()
            if depth:  # compute_cr_origin: the calling frames, innermost first
                coroutine._origin = tuple(
                    (f.code.co_filename, f.decoded.positions[f.ip - 1][0], f.code.co_name)
                    for f in reversed(frame.vm.frames[-depth:]))
            return coroutine
        if flags & CO_ASYNC_GENERATOR:
            return VMAsyncGenerator(frame, func)
        raise UnimplementedOpcode("RETURN_GENERATOR", VERSION_TEXT, "unknown generator kind")

    # -- exceptions --------------------------------------------------------------------------
    def handled_exception(self):
        """The exception `sys.exc_info()` would report inside the VM (topmost non-None slot)."""
        for exc in reversed(self.exc_chain):
            if exc is not None:
                return exc
        return None

    def set_context(self, value: BaseException) -> None:
        """`_PyErr_SetObject`: chain to the handled exception, breaking any cycle through `value`.

        A cycle already in the chain (the program may set `__context__` itself) is walked with
        Floyd's tortoise and hare, as CPython does, so it ends the walk instead of hanging it.
        """
        handled = self.handled_exception()
        if handled is None or handled is value:
            return
        o = slow = handled
        move_slow = False
        while True:
            ctx = o.__context__
            if ctx is None:
                break
            if ctx is value:
                o.__context__ = None
                break
            o = ctx
            if o is slow:  # a cycle that does not pass through `value`: all of it was checked
                break
            if move_slow:
                slow = slow.__context__
            move_slow = not move_slow
        value.__context__ = handled

    def _unwind(self, frame: Frame, exc: BaseException) -> bool:
        """`exception_unwind`: jump to the handler covering the failed instruction, if any."""
        if isinstance(exc, VMError):
            return False
        # The handler is looked up from the instruction that failed, even for RERAISE, whose
        # lasti operand only restores the frame's line for tracebacks (ceval.c says why).
        index = frame.ip - 1
        if self.reraising:
            self.reraising = False
        else:
            if exc.__context__ is None and id(exc) != self.propagating_id:
                # Raised by CPython code the VM called (its own raise chains in
                # RAISE_VARARGS): CPython's _PyErr_SetObject would have chained it to the
                # exception the program handles, which only the VM knows. An exception that
                # comes from a VM frame, or was thrown in, keeps the context it has.
                self.set_context(exc)
            self._add_traceback(frame, exc, index)
        handler = frame.decoded.handlers[index] if index >= 0 else None
        if handler is None:
            self.propagating_id = id(exc)
            return False
        self.propagating_id = None
        frame.lasti_override = None
        target, depth, push_lasti = handler
        s = frame.stack
        del s[depth:]
        if push_lasti:
            s.append(frame.decoded.offsets[index])
        s.append(exc)
        frame.ip = target
        return True

    def _add_traceback(self, frame: Frame, exc: BaseException, index: int) -> None:
        entry = self.traceback.get(id(exc))
        if entry is None or entry[0] is not exc:
            entry = (exc, carried_lines(exc))
            self.traceback[id(exc)] = entry
            # A handled exception is forgotten when its `except` block ends (POP_EXCEPT);
            # bound what is left (exceptions that left the VM, or were swallowed by `with`).
            while len(self.traceback) > 64:
                del self.traceback[next(iter(self.traceback))]
        line = frame.decoded.positions[index][0] if index >= 0 else frame.code.co_firstlineno
        entry[1].append((frame.code.co_filename, line, frame.code.co_name))

    def detach_traceback(self, exc) -> list:
        """Take the VM traceback of an exception that leaves the VM out of the VM's keeping.

        The VM must not keep alive what CPython code drops (an IndexError that ends CPython's
        iteration over a VM sequence, a NameError annotationlib retries after): the caller
        keeps the lines where only the exception can reach them (see `carried_lines`)."""
        entry = self.traceback.get(id(exc))
        if entry is None or entry[0] is not exc:
            return []
        del self.traceback[id(exc)]
        return entry[1]

    def forget_traceback(self, exc) -> None:
        """Drop the VM traceback of an exception whose handling ended, so that the VM holds no
        reference to it: CPython frees it then (or when the program drops its last one)."""
        entry = self.traceback.get(id(exc))
        if entry is not None and entry[0] is exc:
            del self.traceback[id(exc)]

    def traceback_of(self, exc: BaseException) -> list[tuple[str, int, str]]:
        """(filename, line, function) for each VM frame the exception passed, outermost first."""
        entry = self.traceback.get(id(exc))
        lines = carried_lines(exc) if entry is None or entry[0] is not exc else entry[1]
        return list(reversed(lines))

    # -- the evaluation loop -----------------------------------------------------------------
    def run_frame(self, frame: Frame, throw: BaseException | None = None):
        """Execute `frame` until it returns or yields; return the value it returns or yields."""
        frames = self.frames
        frames.append(frame)
        try:
            if self.hook is not None:
                return self._run_hooked(frame, throw)
            ops = frame.ops
            ticks, limit = self.ticks, self.tick_limit
            if throw is not None:
                self.propagating_id = id(throw)  # _gen_throw restores it: no chaining
                if not self._unwind(frame, throw):
                    try:
                        raise_unchained(throw)
                    finally:
                        throw = None  # no cycle through this frame (see op_RERAISE)
            while True:
                try:
                    for n in ticks:  # endless: numbers each instruction (bounds.py)
                        handler, arg = ops[frame.ip]
                        frame.ip += 1
                        if n > limit:
                            limit = self.out_of_ticks(n)
                        if handler(frame, arg) is not None:
                            # A suspended generator's frame must not keep what it yielded alive.
                            value, frame.retval = frame.retval, None
                            return value
                except BaseException:
                    # No `as exc`: a local would tie the traceback's frame to the exception in
                    # a reference cycle, delaying (and making unpredictable) its collection.
                    if not self._unwind(frame, sys.exception()):
                        raise
        finally:
            frames.pop()

    def _run_hooked(self, frame: Frame, throw: BaseException | None):
        """The same loop, calling `self.hook(frame, phase)` around every instruction."""
        ops = frame.ops
        hook = self.hook
        if throw is not None:
            self.propagating_id = id(throw)
            if not self._unwind(frame, throw):
                try:
                    raise_unchained(throw)
                finally:
                    throw = None  # no cycle through this frame (see op_RERAISE)
        while True:
            try:
                while True:
                    hook(frame, 0)
                    handler, arg = ops[frame.ip]
                    frame.ip += 1
                    why = handler(frame, arg)
                    hook(frame, 1)
                    if why is not None:
                        value, frame.retval = frame.retval, None
                        return value
            except BaseException:
                hook(frame, 2)
                if not self._unwind(frame, sys.exception()):
                    raise


_CARRIER = "vm_traceback_carrier"


def carried_lines(exc: BaseException) -> list:
    """The VM traceback an exception took along when it left the VM (`detach_traceback`).

    The frame it left through (`call_function`, a generator's `_resume`) keeps the lines in
    its local `vm_traceback_carrier`, and the exception's own traceback keeps that frame: the
    lines live exactly as long as the exception, and belong to no other. The newest such frame
    comes first in the traceback, and has every line so far."""
    tb = exc.__traceback__
    while tb is not None:
        python_frame = tb.tb_frame
        if _CARRIER in python_frame.f_code.co_varnames:
            carrier = python_frame.f_locals.get(_CARRIER)
            if carrier:
                return list(carrier[-1])
        tb = tb.tb_next
    return []


# Python frames per VM call (run_frame, the handler, _call, call_vm_function, ...), with margin.
_PYTHON_FRAMES_PER_VM_CALL = 6


def _python_limit_for(vm_depth: int) -> int:
    return vm_depth * _PYTHON_FRAMES_PER_VM_CALL + 200


class _OpenRooms:
    """The rooms open in this interpreter (Python's recursion limit is per interpreter, not per
    VM): only the outermost raises the limit and puts it back. A nested room, opened when CPython
    code calls a VM function (unittest running a test method, a callback), or by a second VM,
    must not raise it again: each raise multiplied the last, and 3.11's C stack overflowed."""
    count = 0
    python_limit = 0    # Python's own limit before the outermost room
    vm_limit = 0        # the limit programs see, in VM frames (their setrecursionlimit moves it)
    vm_limit_for: dict = {}  # Python limits the VM set -> the VM limit each stands for


class recursion_room:
    """Raise Python's recursion limit while the VM runs (each VM call takes about five Python
    frames), and put it back afterwards, also when the program raises. The program's own
    `sys.setrecursionlimit` (see `set_recursion_limit`) lasts until then.

    A class, not a `contextlib.contextmanager`: contextlib looks up `getattr` in the builtins
    module, which a program may have replaced by one of its own functions, whose call from
    CPython code would open another room, and so on without end."""

    def __init__(self, vm: VirtualMachine):
        self.vm = vm

    # The count changes before the limit on the way in and after it on the way out: a program's
    # profile function (a VM function) runs at the setrecursionlimit call itself, and must find
    # the room open.
    def __enter__(self):
        _OpenRooms.count += 1
        self.vm.rooms += 1
        if _OpenRooms.count == 1:
            _OpenRooms.python_limit = _OpenRooms.vm_limit = sys.getrecursionlimit()
            sys.setrecursionlimit(_python_limit_for(_OpenRooms.vm_limit))
            _OpenRooms.vm_limit_for = {_python_limit_for(_OpenRooms.vm_limit): _OpenRooms.vm_limit}
        self.vm.max_depth = _OpenRooms.vm_limit

    def __exit__(self, *exc_info):
        if _OpenRooms.count == 1:
            sys.setrecursionlimit(_OpenRooms.python_limit)
        _OpenRooms.count -= 1
        self.vm.rooms -= 1
