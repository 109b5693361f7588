"""Generators and coroutines: returning a generator, yielding, `yield from`/`await`, `async for`.

Design: RETURN_GENERATOR and YIELD_VALUE stop the frame (the handler returns a nonzero code)
and `functions.VMGenerator`/`VMCoroutine`/`VMAsyncGenerator` resume it later; SEND drives an
inner iterator one step (`send_to`). The await-related checks follow `_PyCoro_GetAwaitableIter`
and `_PyEval_FormatAwaitableError`, with each version's messages.
"""
from __future__ import annotations

import types

from .errors import VMError, raise_unchained
from .frame import NULL, VERSION
from .functions import AsyncGenWrappedValue, VMCoroutine
from .ops_calls import GENERATOR_CREATED, YIELDED, _call
from .ops_loads import _bind_special, _type_lookup


def op_END_SEND(f, a):
    del f.stack[-2]



def op_RETURN_GENERATOR(f, a):
    f.retval = None
    f.why = GENERATOR_CREATED
    return GENERATOR_CREATED


def op_YIELD_VALUE(f, a):
    f.retval = f.stack.pop()
    f.why = YIELDED
    return YIELDED


def send_to(f, receiver, value):
    """SEND's step: (finished, value). Plain iterators get next() for None, like gen_send_ex.

    Through `_call`: a native receiver (asyncio's AsyncExitStack.__aexit__, awaited in an
    `async with`'s exit) must see the exception the VM code is handling, as it would in CPython.
    """
    try:
        if value is None and getattr(type(receiver), "__next__", None) is not None:
            return False, _call(f, next, (receiver,), None)
        return False, _call(f, receiver.send, (value,), None)
    except StopIteration as stop:
        return True, stop.value


def op_SEND(f, a):
    s = f.stack
    value = s.pop()
    finished, result = send_to(f, s[-1], value)
    if finished:
        if VERSION == (3, 11):
            s[-1] = result
        else:
            s.append(result)
        f.ip = a
    else:
        s.append(result)


def op_CLEANUP_THROW(f, a):
    s = f.stack
    exc = s.pop()
    s.pop()  # last sent value
    if isinstance(exc, StopIteration):
        s[-1] = None
        s.append(exc.value)
    else:
        f.vm.reraising = True
        try:
            raise_unchained(exc)
        finally:
            exc = None  # no cycle through this frame (see op_RERAISE)


# ---------------------------------------------------------------------------------------------
# Coroutines: await, async for, async with
# ---------------------------------------------------------------------------------------------
def _awaitable_iterator(obj):
    """`_PyCoro_GetAwaitableIter`: what `await obj` iterates over."""
    if isinstance(obj, (VMCoroutine, types.CoroutineType)):
        return obj
    if isinstance(obj, types.GeneratorType) and obj.gi_code.co_flags & 0x100:  # CO_ITERABLE_COROUTINE
        return obj
    await_ = getattr(type(obj), "__await__", None)
    if await_ is None:
        if VERSION >= (3, 14):  # _PyCoro_GetAwaitableIter's message changed in 3.14
            raise TypeError(f"'{type(obj).__name__}' object can't be awaited")
        raise TypeError(f"object {type(obj).__name__} can't be used in 'await' expression")
    result = await_(obj)
    if VERSION >= (3, 15):  # the messages name both types (%T) from 3.15
        if isinstance(result, (VMCoroutine, types.CoroutineType)):
            raise TypeError(f"{_full_name(type(obj))}.__await__() must return an iterator, not coroutine")
        if getattr(type(result), "__next__", None) is None:
            raise TypeError(f"{_full_name(type(obj))}.__await__() must return an iterator, "
                            f"not {_full_name(type(result))}")
        return result
    if isinstance(result, (VMCoroutine, types.CoroutineType)):
        raise TypeError("__await__() returned a coroutine")
    if getattr(type(result), "__next__", None) is None:
        raise TypeError(f"__await__() returned non-iterator of type '{type(result).__name__}'")
    return result


def _full_name(tp: type) -> str:
    """%T: _PyType_GetFullyQualifiedName, module.qualname except for builtins and __main__."""
    module = tp.__module__
    return tp.__qualname__ if module in ("builtins", "__main__") else f"{module}.{tp.__qualname__}"


def _tp_name(tp: type) -> str:
    """A type's C-level `tp_name`: the bare name of a class, "module.name" of a static type."""
    if tp.__flags__ & (1 << 9) or tp.__module__ == "builtins":  # Py_TPFLAGS_HEAPTYPE
        return tp.__name__
    return f"{tp.__module__}.{tp.__name__}"


def op_GET_AWAITABLE(f, a):
    obj = f.stack[-1]
    iterable_coroutine = isinstance(obj, types.GeneratorType) and obj.gi_code.co_flags & 0x100
    if a in (1, 2) and not isinstance(obj, (VMCoroutine, types.CoroutineType)) and not iterable_coroutine \
            and getattr(type(obj), "__await__", None) is None:
        # _PyEval_FormatAwaitableError: the argument says the object came from `async with`
        # (1: __aenter__, 2: __aexit__), and the message says so.
        method = "__aenter__" if a == 1 else "__aexit__"
        raise TypeError(f"'async with' received an object from {method} that does not implement "
                        f"__await__: {_tp_name(type(obj))}")
    it = _awaitable_iterator(obj)
    if isinstance(it, VMCoroutine) and it._yield_from_target() is not None or \
            type(it) is types.CoroutineType and it.cr_await is not None:
        raise RuntimeError("coroutine is being awaited already")  # _PyGen_yf(iter) != NULL
    f.stack[-1] = it


def op_GET_AITER(f, a):
    s = f.stack
    obj = s[-1]
    aiter = getattr(type(obj), "__aiter__", None)
    if aiter is None:
        raise TypeError(f"'async for' requires an object with __aiter__ method, got {type(obj).__name__}")
    it = aiter(obj)
    if getattr(type(it), "__anext__", None) is None:
        raise TypeError("'async for' received an object from __aiter__ that does not implement "
                        f"__anext__: {type(it).__name__}")
    s[-1] = it


def op_GET_ANEXT(f, a):
    s = f.stack
    aiter = s[-1]
    anext_ = getattr(type(aiter), "__anext__", None)
    if anext_ is None:
        raise TypeError(f"'async for' requires an iterator with __anext__ method, got {type(aiter).__name__}")
    awaitable = anext_(aiter)
    try:
        it = _awaitable_iterator(awaitable)
    except Exception as e:  # _PyErr_FormatFromCause: whatever failed becomes the cause
        if isinstance(e, VMError):  # a cap of the run, not the program's error
            raise
        raise TypeError(f"'async for' received an invalid object from __anext__: "
                        f"{type(awaitable).__name__}") from e
    s.append(it)


def op_ASYNC_GEN_WRAP(f, a):  # 3.11
    f.stack[-1] = AsyncGenWrappedValue(f.stack[-1])


def op_END_ASYNC_FOR(f, a):
    s = f.stack
    exc = s.pop()
    if isinstance(exc, StopAsyncIteration):
        s.pop()
        return
    f.vm.reraising = True
    try:
        raise_unchained(exc)
    finally:
        exc = None  # no cycle through this frame (see op_RERAISE)


def op_BEFORE_ASYNC_WITH(f, a):  # 3.11-3.13 (3.14: LOAD_SPECIAL)
    s = f.stack
    mgr = s[-1]
    t = type(mgr)
    enter = _type_lookup(t, "__aenter__")
    if enter is NULL:
        raise TypeError(f"'{t.__name__}' object does not support the asynchronous context manager protocol")
    exit_ = _type_lookup(t, "__aexit__")
    if exit_ is NULL:
        raise TypeError(f"'{t.__name__}' object does not support the asynchronous context manager "
                        "protocol (missed __aexit__ method)")
    s[-1] = _bind_special(exit_, mgr)
    s.append(_call(f, _bind_special(enter, mgr), (), None))
