"""Calls and functions: CALL and its forms, MAKE_FUNCTION, returning.

Design: `_call` is the one place where VM code calls anything. A `VMFunction` gets a new VM
frame (`VirtualMachine.call_vm_function`); a builtin that looks at its caller's frame (locals,
exec, super, ...) gets the VM frame through `frame_builtins.SPECIAL_CALLS`; anything else is
called directly. Where the callable, self and NULL sit on the stack differs between 3.11/3.12
and 3.13+, so the handler is chosen once at import.
"""
from __future__ import annotations

from .errors import UnimplementedOpcode
from .frame import NULL, VERSION, VERSION_TEXT
from .frame_builtins import NAMED_IN_MODULE as _NAMED_IN_MODULE
from .frame_builtins import SPECIAL_CALLS as _SPECIAL_CALLS
from .frame_builtins import call_in_module as _call_in_module
from .frame_builtins import enum_type
from .functions import VMFunction
from .ops_operators import _function_description, _is_iterable

_ENUM_TYPE = enum_type()

# What a handler returns when the frame stops (None: go on).
RETURNED, YIELDED, GENERATOR_CREATED = 1, 2, 3


# ---------------------------------------------------------------------------------------------
# Calls and functions
# ---------------------------------------------------------------------------------------------
def _call(f, func, args, kwargs):
    if type(func) is VMFunction:
        return f.vm.call_vm_function(func, args, kwargs)
    special = _SPECIAL_CALLS.get(id(func))
    if special is not None and special[0] is func:
        return special[1](f, args, kwargs)
    kind = type(func)
    if kind is _ENUM_TYPE or kind is type and (func.__module__, func.__qualname__) in _NAMED_IN_MODULE:
        return _call_in_module(f, func, args, kwargs)
    if _SPLIT_NEEDS_A_FUNCTION and args and type(args[0]) is VMFunction and kind is _BUILTIN_METHOD \
            and isinstance(func.__self__, BaseExceptionGroup):
        args = (_as_real_function(args[0]), *args[1:])
    chain = f.vm.exc_chain
    if chain[-1] is not None or len(chain) > 1 and f.vm.handled_exception() is not None:
        return _call_while_handling(f, func, args, kwargs)
    if kwargs:
        return func(*args, **kwargs)
    return func(*args)


# 3.11 and 3.12: BaseExceptionGroup.split and .subgroup take a predicate only if PyFunction_Check
# passes (get_matcher_type in Objects/exceptions.c; 3.13 accepts any callable): a VM function
# is handed to them inside a real one.
_SPLIT_NEEDS_A_FUNCTION = VERSION < (3, 13)
_BUILTIN_METHOD = type([].append)


def _as_real_function(vm_function):
    return lambda exc: vm_function(exc)


def _call_while_handling(f, func, args, kwargs):
    """Call CPython code from inside a VM `except` block: make the VM's handled exception
    CPython's too, so `sys.exception()` there sees it (contextlib's ExitStack reads it to fix
    up `__context__`) and an exception raised there is chained to it by CPython itself."""
    handled = f.vm.handled_exception()
    traceback, context = handled.__traceback__, handled.__context__
    try:
        raise handled
    except BaseException:
        # Raising added this frame to the traceback (and may have chained): undo both.
        handled.__traceback__, handled.__context__ = traceback, context
        handled = traceback = context = None  # the VM must not extend their lifetime
        try:
            if kwargs:
                return func(*args, **kwargs)
            return func(*args)
        except BaseException as error:
            # CPython chained it when it was raised, or the code it passed through cleared
            # its __context__ on purpose (contextlib does): the VM must not chain it again.
            f.vm.propagating_id = id(error)
            raise


if VERSION >= (3, 13):
    def op_CALL(f, a):
        s = f.stack
        base = len(s) - a - 2
        func = s[base]
        self_ = s[base + 1]
        args = s[base + 2:] if self_ is NULL else s[base + 1:]
        del s[base:]
        s.append(_call(f, func, args, None))

    def op_CALL_KW(f, a):
        s = f.stack
        names = s.pop()
        base = len(s) - a - 2
        func = s[base]
        self_ = s[base + 1]
        args = s[base + 2:] if self_ is NULL else s[base + 1:]
        del s[base:]
        n = len(names)
        kwargs = dict(zip(names, args[len(args) - n:]))
        s.append(_call(f, func, args[:len(args) - n], kwargs))
else:
    def op_CALL(f, a):
        s = f.stack
        base = len(s) - a - 2
        first = s[base]
        if first is NULL:
            func = s[base + 1]
            args = s[base + 2:]
        else:
            func = first
            args = s[base + 1:]
        del s[base:]
        names = f.kwnames
        if names:
            f.kwnames = ()
            n = len(names)
            kwargs = dict(zip(names, args[len(args) - n:]))
            s.append(_call(f, func, args[:len(args) - n], kwargs))
        else:
            s.append(_call(f, func, args, None))


def op_KW_NAMES(f, a):  # 3.11, 3.12
    f.kwnames = a


def op_CALL_FUNCTION_EX(f, a):
    s = f.stack
    kwargs = s.pop() if a & 1 else None
    callargs = s.pop()
    if VERSION >= (3, 13):
        s.pop()  # NULL (or self: never, the VM binds methods)
        func = s.pop()
    else:
        func = s.pop()
        s.pop()  # NULL
    s.append(_call(f, func, _star_arguments(func, callargs), kwargs))


def _star_arguments(func, callargs) -> tuple:
    """`_MAKE_CALLARGS_A_TUPLE`: the positional arguments of f(*callargs) as a tuple."""
    if type(callargs) is not tuple:
        if not _is_iterable(callargs):
            if VERSION >= (3, 15):  # _Py_Check_ArgsIterable no longer names the function
                raise TypeError(f"Value after * must be an iterable, not {type(callargs).__name__}")
            raise TypeError(f"{_function_description(func)} argument after * must be an iterable, "
                            f"not {type(callargs).__name__}")
        callargs = tuple(callargs)
    return callargs


def _set_function_attribute(func, flag, value):
    if flag == 8:
        func._closure = value  # __closure__ is read-only to programs
    elif flag == 4:
        func.__annotations__ = dict(zip(value[::2], value[1::2])) if isinstance(value, tuple) else value
    elif flag == 2:
        func.__kwdefaults__ = value
    elif flag == 1:
        func.__defaults__ = value
    else:
        raise UnimplementedOpcode("SET_FUNCTION_ATTRIBUTE", VERSION_TEXT, f"flag {flag}")


if VERSION >= (3, 13):
    def op_MAKE_FUNCTION(f, a):
        code = f.stack.pop()
        f.stack.append(VMFunction(f.vm, code, f.globals))
else:
    def op_MAKE_FUNCTION(f, a):
        s = f.stack
        code = s.pop()
        func = VMFunction(f.vm, code, f.globals)
        for flag in (8, 4, 2, 1):
            if a & flag:
                _set_function_attribute(func, flag, s.pop())
        s.append(func)


def op_SET_FUNCTION_ATTRIBUTE(f, a):  # 3.13
    s = f.stack
    func = s.pop()
    _set_function_attribute(func, a, s.pop())
    s.append(func)


def op_RETURN_VALUE(f, a):
    f.retval = f.stack.pop()
    f.why = RETURNED
    return RETURNED


def op_RETURN_CONST(f, a):
    f.retval = a
    f.why = RETURNED
    return RETURNED
