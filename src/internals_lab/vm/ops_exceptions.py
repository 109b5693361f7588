"""Exceptions and `with`: raising, matching `except`/`except*`, the handled-exception slot.

Design: an exception raised by any handler is looked up in the code's exception table by
`VirtualMachine._unwind`, as CPython's `exception_unwind` label does; the handlers here are the
instructions the compiler emits around that: PUSH_EXC_INFO/POP_EXCEPT swap the VM's
handled-exception slot, RERAISE re-raises without touching the traceback or context.
"""
from __future__ import annotations

import sys

from .errors import raise_unchained
from .frame import NULL, VERSION
from .ops_calls import _call
from .ops_loads import _bind_special, _type_lookup


# ---------------------------------------------------------------------------------------------
# Exceptions and `with`
# ---------------------------------------------------------------------------------------------
def _check_exception_class(cls, for_star=False):
    classes = cls if isinstance(cls, tuple) else (cls,)
    for c in classes:
        if not (isinstance(c, type) and issubclass(c, BaseException)):
            raise TypeError("catching classes that do not inherit from BaseException is not allowed")
        if for_star and issubclass(c, BaseExceptionGroup):
            raise TypeError("catching ExceptionGroup with except* is not allowed. Use except instead.")


def op_CHECK_EXC_MATCH(f, a):
    s = f.stack
    right = s.pop()
    _check_exception_class(right)
    s.append(isinstance(s[-1], right))


def op_CHECK_EG_MATCH(f, a):
    s = f.stack
    match_type = s.pop()
    exc_value = s.pop()
    _check_exception_class(match_type, for_star=True)
    if exc_value is None:
        match, rest = None, None
    elif isinstance(exc_value, match_type):
        if isinstance(exc_value, BaseExceptionGroup):
            match = exc_value
        else:
            match = BaseExceptionGroup("", [exc_value])
            match.__traceback__ = exc_value.__traceback__
        rest = None
    elif isinstance(exc_value, BaseExceptionGroup):
        match, rest = _split(exc_value, match_type)
    else:
        match, rest = None, exc_value
    s += (rest, match)
    if match is not None:
        f.vm.exc_chain[-1] = match


def _split(group, match_type):
    """exception_group_match (Python/ceval.c, 3.14; gh-128049): a subclass's split() must give
    an exact tuple of at least two items, of which the first two count. Before 3.14 CPython
    crashed on other results; the VM checks on every version."""
    pair = group.split(match_type)
    if type(pair) is not tuple:
        raise TypeError(f"{type(group).__name__}.split must return a tuple, not {type(pair).__name__}")
    if len(pair) < 2:
        raise TypeError(f"{type(group).__name__}.split must return a 2-tuple, got tuple of size {len(pair)}")
    return pair[0], pair[1]


def _leaves(exc):
    if isinstance(exc, BaseExceptionGroup):
        for e in exc.exceptions:
            yield from _leaves(e)
    else:
        yield exc


# Before 3.11.4 (gh-103590), a lone new exception raised in an `except*` block was wrapped in
# an ExceptionGroup; from then on it propagates as it is. The VM follows the running patch level.
_WRAPS_NEW_EXCEPTIONS = sys.version_info < (3, 11, 4)


def _prep_reraise_star(orig, excs):
    """`_PyExc_PrepReraiseStar`: what an `except*` block leaves to re-raise.

    CPython tells a re-raised part from a new exception by identical metadata (traceback,
    cause, context); the VM's tracebacks carry native frames, so it compares leaf identity.
    """
    raised = [e for e in excs if e is not None]
    if not raised:
        return None
    if not isinstance(orig, BaseExceptionGroup):
        return raised[0]
    orig_leaves = {id(e) for e in _leaves(orig)}
    reraised_ids = set()
    new = []
    for e in raised:
        leaf_ids = {id(x) for x in _leaves(e)}
        if leaf_ids and leaf_ids <= orig_leaves:
            reraised_ids |= leaf_ids
        else:
            new.append(e)
    reraised = orig.subgroup(lambda leaf: id(leaf) in reraised_ids) if reraised_ids else None
    if not new:
        return reraised
    if reraised is not None:
        new.append(reraised)
    return BaseExceptionGroup("", new) if len(new) > 1 or _WRAPS_NEW_EXCEPTIONS else new[0]


def op_PREP_RERAISE_STAR(f, a):  # 3.11
    s = f.stack
    excs = s.pop()
    s[-1] = _prep_reraise_star(s[-1], excs)


def op_PUSH_EXC_INFO(f, a):
    s = f.stack
    chain = f.vm.exc_chain
    new = s[-1]
    s[-1] = chain[-1]
    s.append(new)
    chain[-1] = new


def op_POP_EXCEPT(f, a):
    chain = f.vm.exc_chain
    handled = chain[-1]
    chain[-1] = f.stack.pop()
    if handled is not None:
        f.vm.forget_traceback(handled)


def op_RERAISE(f, a):
    s = f.stack
    exc = s.pop()
    if a:
        f.lasti_override = f.decoded.index_of_offset.get(s[-1])
    f.vm.reraising = True
    try:
        raise_unchained(exc)
    finally:
        # The traceback keeps this Python frame: it must not keep the exception too (a cycle
        # that only the garbage collector would break, too late for weakref and __del__).
        exc = None


def _instantiated(exc_or_class):
    """do_raise (Python/ceval.c): call an exception class with no arguments, and check that it
    made an exception, for the raised value and for a `from` cause alike."""
    value = exc_or_class()
    if not isinstance(value, BaseException):
        raise TypeError(f"calling {exc_or_class!r} should have returned an instance of BaseException, "
                        f"not {type(value)!r}")
    return value


def _exception_to_raise(s, a):
    cause = s.pop() if a == 2 else NULL
    exc = s.pop()
    if isinstance(exc, type) and issubclass(exc, BaseException):
        value = _instantiated(exc)
    elif isinstance(exc, BaseException):
        value = exc
    else:
        raise TypeError("exceptions must derive from BaseException")
    if cause is not NULL:
        if isinstance(cause, type) and issubclass(cause, BaseException):
            # 3.13 added the check of the instantiated cause (3.11 and 3.12 set whatever the
            # class returned, which Python code cannot do: the __cause__ setter checks).
            cause = _instantiated(cause) if VERSION >= (3, 13) else cause()
        elif cause is not None and not isinstance(cause, BaseException):
            raise TypeError("exception causes must derive from BaseException")
        value.__cause__ = cause
    return value


def op_RAISE_VARARGS(f, a):
    vm = f.vm
    if a == 0:
        exc = vm.handled_exception()
        if exc is None:
            raise RuntimeError("No active exception to reraise")
        vm.reraising = True
    else:
        exc = _exception_to_raise(f.stack, a)
        vm.set_context(exc)
    try:
        raise_unchained(exc)
    finally:
        exc = None  # no cycle through this frame (see op_RERAISE)


def op_PRINT_EXPR(f, a):  # 3.11, interactive mode: show the expression statement's value
    sys.displayhook(f.stack.pop())


def op_EXIT_INIT_CHECK(f, a):  # 3.13, after a specialized call of a class's __init__
    v = f.stack.pop()
    if v is not None:
        raise TypeError(f"__init__() should return None, not '{type(v).__name__}'")


def op_LOAD_ASSERTION_ERROR(f, a):
    f.stack.append(AssertionError)


def op_BEFORE_WITH(f, a):  # 3.11-3.13 (3.14: LOAD_SPECIAL)
    s = f.stack
    mgr = s[-1]
    t = type(mgr)
    enter = _type_lookup(t, "__enter__")
    if enter is NULL:
        raise TypeError(f"'{t.__name__}' object does not support the context manager protocol")
    exit_ = _type_lookup(t, "__exit__")
    if exit_ is NULL:
        raise TypeError(f"'{t.__name__}' object does not support the context manager protocol "
                        "(missed __exit__ method)")
    s[-1] = _bind_special(exit_, mgr)
    s.append(_call(f, _bind_special(enter, mgr), (), None))


def op_WITH_EXCEPT_START(f, a):
    s = f.stack
    exit_func = s[-4]
    val = s[-1]
    s.append(_call(f, exit_func, (type(val), val, val.__traceback__), None))
