"""Instructions whose stack layout changed again in CPython 3.15.

Design: as `ops_314`, each handler follows the instruction of the same name in 3.15's
`Python/bytecodes.c`; `interpreter.py` lets `HANDLERS_315` replace the 3.14 handlers on 3.15
and later. The 3.14 handlers not named here still apply.

What changed in 3.15:
- iteration takes two stack slots, (iterable or iterator, index or NULL): GET_ITER leaves an
  exact list, tuple, str or bytes on the stack with the index 0 beside it ("virtual
  iteration": types with a `_tp_iteritem` slot are indexed, no iterator object is made) and
  pushes NULL beside a real iterator; FOR_ITER, SEND (for `yield from`), END_SEND, POP_ITER
  and CLEANUP_THROW all work on that pair;
- GET_YIELD_FROM_ITER is gone: `yield from` is GET_ITER with a nonzero argument;
- LOAD_COMMON_CONSTANT has more constants (list, set, None, "", True, False, -1);
- IMPORT_NAME's argument carries the name index shifted by 2 and two flags (PEP 810 lazy
  imports); an explicit `lazy import` is not implemented by this VM.
"""
from __future__ import annotations

import builtins
import importlib.util
import sys
import types

from .errors import UnimplementedOpcode, raise_unchained
from .frame import NULL, VERSION_TEXT
from .functions import VMCoroutine
from .ops_generators import send_to
from .ops_loads import op_IMPORT_NAME as _import_name_eagerly
from .ops_314 import COMMON_CONSTANTS as COMMON_CONSTANTS_314

__all__ = ["HANDLERS_315"]

# Python/pylifecycle.c (CONSTANT_BUILTIN_LIST .. CONSTANT_MINUS_ONE in pycore_opcode_utils.h).
COMMON_CONSTANTS = COMMON_CONSTANTS_314 + (builtins.list, builtins.set, None, "", True, False, -1)

# The exact types with a `_tp_iteritem` slot (Objects/listobject.c, tupleobject.c,
# unicodeobject.c, bytesobject.c); the slot is not inherited, so subclasses iterate as before.
VIRTUALLY_ITERATED = (list, tuple, str, bytes)

GET_ITER_YIELD_FROM = 1             # Include/internal/pycore_opcode_utils.h
GET_ITER_YIELD_FROM_NO_CHECK = 2
GET_ITER_YIELD_FROM_CORO_CHECK = 3
_COROUTINE_FLAGS = 0x80 | 0x100     # CO_COROUTINE | CO_ITERABLE_COROUTINE


def _is_coroutine(obj) -> bool:
    return type(obj) is types.CoroutineType or type(obj) is VMCoroutine  # PyCoro_CheckExact


def op_LOAD_COMMON_CONSTANT(f, a):
    # inst(LOAD_COMMON_CONSTANT, ( -- value)): 3.15 also loads None, True, "" ... this way.
    if a >= len(COMMON_CONSTANTS):
        raise UnimplementedOpcode("LOAD_COMMON_CONSTANT", VERSION_TEXT, f"constant {a}")
    f.stack.append(COMMON_CONSTANTS[a])


def op_GET_ITER(f, a):
    # op(_GET_ITER, (iterable -- iter, index_or_null)), which is _PyEval_GetIter in ceval.c.
    s = f.stack
    iterable = s[-1]
    if type(iterable) in VIRTUALLY_ITERATED:
        s.append(0)  # CPython pushes the tagged int 0: the next index to read
        return
    if a and _is_coroutine(iterable):  # `yield from` a coroutine
        mode = a
        if mode == GET_ITER_YIELD_FROM:  # specialize.c picks the mode from the code's flags
            mode = (GET_ITER_YIELD_FROM_NO_CHECK if f.code.co_flags & _COROUTINE_FLAGS
                    else GET_ITER_YIELD_FROM_CORO_CHECK)
        if mode == GET_ITER_YIELD_FROM_CORO_CHECK:
            raise TypeError("cannot 'yield from' a coroutine object in a non-coroutine generator")
        s.append(NULL)
        return
    # An iterator whose __iter__ returns itself comes back unchanged from iter(); CPython
    # skips the call only for C types whose tp_iter is PyObject_SelfIter, where it makes no
    # difference, so calling iter() always gives the same result (and runs a class's __iter__).
    s[-1] = iter(iterable)
    s.append(NULL)


def _next_by_index(s, index_slot: int):
    """`_PyForIter_VirtualIteratorNext` with an index: the item of the sequence just below
    s[index_slot] at that index (which then moves on), or NULL past the end. The length is
    read every time, so a list that grows or shrinks in the loop behaves as with an iterator."""
    sequence, index = s[index_slot - 1], s[index_slot]
    if index >= len(sequence):
        return NULL
    s[index_slot] = index + 1
    return sequence[index]


def op_FOR_ITER(f, a):
    # op(_FOR_ITER, (iter, null_or_index -- iter, null_or_index, next)): an index reads the
    # sequence, NULL calls the iterator's __next__; on exhaustion "JUMPBY(oparg + 1)" onto
    # POP_ITER, leaving both slots for it.
    s = f.stack
    if s[-1] is NULL:
        value = next(s[-2], NULL)
    else:
        value = _next_by_index(s, -1)
    if value is NULL:
        f.ip = a + 1
    else:
        s.append(value)


def op_POP_ITER(f, a):
    # inst(POP_ITER, (iter, index_or_null -- )).
    del f.stack[-2:]


def op_SEND(f, a):
    # op(_SEND, (receiver, null_or_index, v -- receiver, null_or_index, retval)): `yield from`
    # a list or tuple reads it by index while the value sent is None; otherwise as before,
    # __next__ for None and send() for anything else, jumping when the receiver returns.
    s = f.stack
    value = s[-1]
    if s[-2] is not NULL and value is None:
        item = _next_by_index(s, -2)
        if item is NULL:
            f.ip = a  # v (None) stays on the stack as the value of the `yield from`
        else:
            s[-1] = item
        return
    finished, s[-1] = send_to(f, s[-3], value)
    if finished:
        f.ip = a


def op_END_SEND(f, a):
    # inst(END_SEND, (receiver, index_or_null, value -- val)).
    s = f.stack
    value = s.pop()
    s[-2:] = [value]


def op_CLEANUP_THROW(f, a):
    # inst(CLEANUP_THROW, (sub_iter, null_in, last_sent_val, exc_value_st -- none, null_out, value)).
    s = f.stack
    exc = s.pop()
    if isinstance(exc, StopIteration):
        s[-1] = exc.value       # last_sent_val -> value
        s[-3] = None            # sub_iter -> None; null_out stays null_in
        return
    f.vm.reraising = True
    try:
        raise_unchained(exc)
    finally:
        exc = None  # no cycle through this frame (see op_RERAISE)


def _import_would_be_lazy(f, name: str) -> bool:
    """Whether _PyEval_LazyImportName would make a plain module-level import lazy: with
    -X lazy_imports=all (sys.set_lazy_imports("all")), or when the module's __lazy_modules__
    names the module (check_lazy_import_compatibility in ceval.c)."""
    if f.locals is not f.globals:  # is_lazy_import_module_level: only module bodies
        return False
    if sys.get_lazy_imports() == "all":
        return True
    lazy_modules = f.globals.get("__lazy_modules__")
    if lazy_modules is None:
        return False
    level = f.stack[-2]
    if level:
        package = f.globals.get("__package__") or f.globals.get("__name__", "").rpartition(".")[0]
        name = importlib.util.resolve_name("." * level + name, package)
    return name in lazy_modules


def op_IMPORT_NAME(f, a):
    # inst(IMPORT_NAME, (level, fromlist -- res)): oparg bit 1 asks for an eager import, bit 0
    # marks `lazy import` (PEP 810); the decoder passes (name, bit 0). A lazy import object can
    # only be made by CPython for a module-level frame of its own, and importing eagerly would
    # change when the module runs, so the VM refuses every import CPython would make lazy.
    name, explicit_lazy = a
    if explicit_lazy or _import_would_be_lazy(f, name):
        raise UnimplementedOpcode("IMPORT_NAME", VERSION_TEXT, f"lazy import of {name!r} (PEP 810)")
    return _import_name_eagerly(f, name)


HANDLERS_315 = {name[3:]: fn for name, fn in list(globals().items()) if name.startswith("op_")}
