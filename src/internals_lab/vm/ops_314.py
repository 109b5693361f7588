"""Instructions new in CPython 3.14, and those whose stack layout changed in 3.14.

Design: each handler follows the instruction of the same name in 3.14's `Python/bytecodes.c`
(its stack effect is the `(inputs -- outputs)` line quoted in the comment). On 3.14 and later
`interpreter.py` imports this module once the family modules are loaded, and lets
`HANDLERS_314` replace the older handlers of the same name; 3.11-3.13 never import it (these
instructions do not exist there, or mean something else).

What changed in 3.14, family by family:
- loads: LOAD_SMALL_INT (an int 0-255 in the argument, no constant), LOAD_FAST_BORROW and
  LOAD_FAST_BORROW_LOAD_FAST_BORROW (a borrowed reference: to a Python VM, a plain load),
  LOAD_COMMON_CONSTANT (AssertionError, NotImplementedError, tuple, all, any);
- branches: NOT_TAKEN marks the fall-through side of a conditional jump for sys.monitoring's
  BRANCH_LEFT/BRANCH_RIGHT events and does nothing else;
- loops: FOR_ITER leaves the exhausted iterator on the stack and jumps past END_FOR to
  POP_ITER, which pops it (before 3.14 FOR_ITER popped it itself);
- `with`: LOAD_SPECIAL replaces BEFORE_WITH/BEFORE_ASYNC_WITH; the compiler looks up
  `__exit__` and `__enter__` separately and calls them with CALL, so WITH_EXCEPT_START finds
  the exit method as a (callable, self or NULL) pair;
- calls: CALL_FUNCTION_EX always finds a kwargs slot (a dict or NULL), its argument is unused;
- functions: SET_FUNCTION_ATTRIBUTE 16 sets `__annotate__` (PEP 649 / PEP 749 lazy annotations);
- strings: BUILD_INTERPOLATION and BUILD_TEMPLATE build template strings (PEP 750);
- subscripts: BINARY_SUBSCR is gone, `x[i]` is BINARY_OP with NB_SUBSCR (26), which the
  interpreter's BINARY_OP table handles.
"""
from __future__ import annotations

import builtins
import sys

from .errors import UnimplementedOpcode
from .frame import NULL, VERSION_TEXT
from .ops_calls import _call, _star_arguments
from .ops_loads import _METHOD_DESCRIPTORS, _bind_special, _qualified_type_name, _type_lookup
from .ops_calls import op_SET_FUNCTION_ATTRIBUTE as _set_function_attribute_313

__all__ = ["HANDLERS_314"]

# Python/pylifecycle.c fills interp->common_consts in this order (opcode._common_constants
# mirrors it for dis). CPython uses the interpreter's own builtins, not the program's.
COMMON_CONSTANTS = (builtins.AssertionError, builtins.NotImplementedError, builtins.tuple,
                    builtins.all, builtins.any)

# _Py_SpecialMethods in Python/ceval.c, indexed by LOAD_SPECIAL's argument: the method's name,
# the protocol named in the error message, and the methods whose presence makes CPython
# suggest the other kind of `with` (_PyEval_SpecialMethodCanSuggest).
SPECIAL_METHODS = (
    ("__enter__", "the context manager protocol", ("__aenter__", "__aexit__"),
     "the asynchronous context manager protocol. Did you mean to use 'async with'?"),
    ("__exit__", "the context manager protocol", ("__aenter__", "__aexit__"),
     "the asynchronous context manager protocol. Did you mean to use 'async with'?"),
    ("__aenter__", "the asynchronous context manager protocol", ("__enter__", "__exit__"),
     "the context manager protocol. Did you mean to use 'with'?"),
    ("__aexit__", "the asynchronous context manager protocol", ("__enter__", "__exit__"),
     "the context manager protocol. Did you mean to use 'with'?"),
)

MAKE_FUNCTION_ANNOTATE = 16  # Include/internal/pycore_opcode_utils.h
# gh-137814 (3.14.5): an __annotate__ function is named after the function it annotates.
_ANNOTATE_QUALNAME_FIXED = sys.version_info >= (3, 14, 5)


# ---------------------------------------------------------------------------------------------
# Loads
# ---------------------------------------------------------------------------------------------
def op_LOAD_SMALL_INT(f, a):
    # inst(LOAD_SMALL_INT, (-- value)): the int is the argument itself, 0 <= oparg < 256.
    f.stack.append(a)


def op_LOAD_FAST_BORROW(f, a):
    # inst(LOAD_FAST_BORROW, (-- value)): as LOAD_FAST, without a new reference. The
    # compiler proves the local outlives the stack entry; reference counts are CPython's
    # business, so for this VM it is LOAD_FAST.
    f.stack.append(f.localsplus[a])


def op_LOAD_FAST_BORROW_LOAD_FAST_BORROW(f, a):
    # inst(LOAD_FAST_BORROW_LOAD_FAST_BORROW, ( -- value1, value2)): locals oparg>>4, oparg&15.
    loc = f.localsplus
    f.stack += (loc[a >> 4], loc[a & 15])


def op_LOAD_COMMON_CONSTANT(f, a):
    # inst(LOAD_COMMON_CONSTANT, ( -- value)): `assert` raises AssertionError through it, an
    # __annotate__ function NotImplementedError, and the compiler's inlined all()/any()/tuple()
    # of a generator expression checks with IS_OP that the name still means the builtin.
    if a >= len(COMMON_CONSTANTS):
        raise UnimplementedOpcode("LOAD_COMMON_CONSTANT", VERSION_TEXT, f"constant {a}")
    f.stack.append(COMMON_CONSTANTS[a])


# ---------------------------------------------------------------------------------------------
# Branches and loops
# ---------------------------------------------------------------------------------------------
def op_NOT_TAKEN(f, a):
    # macro(NOT_TAKEN) = NOP: only instrumentation (sys.monitoring BRANCH_LEFT) looks at it.
    pass


def op_FOR_ITER(f, a):
    # op(_FOR_ITER, (iter -- iter, next)): on exhaustion "JUMPBY(oparg + 1)", past the END_FOR
    # the argument names, onto POP_ITER; the iterator stays on the stack for POP_ITER to pop.
    s = f.stack
    value = next(s[-1], NULL)
    if value is NULL:  # exhausted (StopIteration is swallowed by next's default)
        f.ip = a + 1
    else:
        s.append(value)


def op_POP_ITER(f, a):
    # macro(POP_ITER) = POP_TOP: drops the exhausted iterator FOR_ITER left behind.
    f.stack.pop()


def op_END_FOR(f, a):
    # inst(END_FOR, (value -- )): FOR_ITER always jumps over it; it is there as the target
    # sys.monitoring instruments (INSTRUMENTED_END_FOR), so the VM pops like POP_TOP.
    f.stack.pop()


# ---------------------------------------------------------------------------------------------
# `with` and `async with`
# ---------------------------------------------------------------------------------------------
def _has_special_method(tp: type, name: str) -> bool:
    # type_has_special_method in ceval.c: found on the type, and a descriptor.
    found = _type_lookup(tp, name)
    return found is not NULL and hasattr(type(found), "__get__")


def op_LOAD_SPECIAL(f, a):
    # macro(LOAD_SPECIAL) = _INSERT_NULL + _LOAD_SPECIAL: (self -- method, self_or_null).
    # `_PyObject_LookupSpecialMethod` looks on the type only: a method descriptor comes back
    # unbound with self beside it (as LOAD_ATTR's method form), any other descriptor is bound
    # through __get__ and self becomes NULL.
    if a >= len(SPECIAL_METHODS):
        raise UnimplementedOpcode("LOAD_SPECIAL", VERSION_TEXT, f"special method {a}")
    s = f.stack
    owner = s[-1]
    name, protocol, other_methods, other_protocol = SPECIAL_METHODS[a]
    tp = type(owner)
    method = _type_lookup(tp, name)
    if method is NULL:
        message = f"'{_qualified_type_name(tp)}' object does not support {protocol} (missed {name} method)"
        if all(_has_special_method(tp, other) for other in other_methods):
            message += f" but it supports {other_protocol}"
        raise TypeError(message)
    if isinstance(method, _METHOD_DESCRIPTORS):
        s[-1] = method
        s.append(owner)
        return
    s[-1] = _bind_special(method, owner)
    s.append(NULL)


def op_WITH_EXCEPT_START(f, a):
    # inst(WITH_EXCEPT_START, (exit_func, exit_self, lasti, unused, val -- ..., res)):
    # calls exit_func([exit_self,] type(val), val, val.__traceback__).
    s = f.stack
    exit_func, exit_self, val = s[-5], s[-4], s[-1]
    args = (type(val), val, val.__traceback__)
    if exit_self is not NULL:
        args = (exit_self, *args)
    s.append(_call(f, exit_func, args, None))


# ---------------------------------------------------------------------------------------------
# Calls and functions
# ---------------------------------------------------------------------------------------------
def op_CALL_FUNCTION_EX(f, a):
    # macro(CALL_FUNCTION_EX) = _MAKE_CALLARGS_A_TUPLE + _DO_CALL_FUNCTION_EX:
    # (func, null, callargs, kwargs -- result); the compiler pushes NULL when there is no **.
    s = f.stack
    kwargs = s.pop()
    callargs = s.pop()
    s.pop()  # the NULL slot (_DO_CALL_FUNCTION_EX ignores it)
    func = s.pop()
    s.append(_call(f, func, _star_arguments(func, callargs), None if kwargs is NULL else kwargs))


def op_SET_FUNCTION_ATTRIBUTE(f, a):
    # inst(SET_FUNCTION_ATTRIBUTE, (attr_st, func_in -- func_out)); flag 16 stores the
    # __annotate__ function that computes the annotations when they are first asked for.
    if a != MAKE_FUNCTION_ANNOTATE:
        return _set_function_attribute_313(f, a)
    s = f.stack
    func = s.pop()
    annotate = s.pop()
    if _ANNOTATE_QUALNAME_FIXED and hasattr(annotate, "__code__"):
        annotate.__qualname__ = f"{func.__qualname__}.__annotate__"
    func.__annotate__ = annotate
    s.append(func)


# ---------------------------------------------------------------------------------------------
# Template strings (PEP 750)
# ---------------------------------------------------------------------------------------------
_CONVERSION_CHARS = {0: None, 1: "s", 2: "r", 3: "a"}  # FVC_NONE, FVC_STR, FVC_REPR, FVC_ASCII


def _templatelib():
    import string.templatelib
    return string.templatelib


def op_BUILD_INTERPOLATION(f, a):
    # inst(BUILD_INTERPOLATION, (value, str, format[oparg & 1] -- interpolation)):
    # oparg bit 0 says a format spec was pushed, oparg >> 2 is the conversion.
    if a >> 2 not in _CONVERSION_CHARS:
        raise UnimplementedOpcode("BUILD_INTERPOLATION", VERSION_TEXT, f"conversion {a >> 2}")
    s = f.stack
    spec = s.pop() if a & 1 else ""
    expression = s.pop()
    value = s.pop()
    s.append(_templatelib().Interpolation(value, expression, _CONVERSION_CHARS[a >> 2], spec))


def op_BUILD_TEMPLATE(f, a):
    # inst(BUILD_TEMPLATE, (strings, interpolations -- template)). _PyTemplate_Build stores
    # both tuples; Template(*args) does the same when strings and interpolations alternate,
    # starting and ending with a string, as the compiler's tuples always do.
    s = f.stack
    interpolations = s.pop()
    strings = s.pop()
    parts = [strings[0]]
    for interpolation, string in zip(interpolations, strings[1:]):
        parts += (interpolation, string)
    s.append(_templatelib().Template(*parts))


HANDLERS_314 = {name[3:]: fn for name, fn in list(globals().items()) if name.startswith("op_")}
