"""Async generators created by VM code, and the awaitables their methods return.

Design: `VMAsyncGenerator` is a `functions._SuspendableFrame` (the frame-resuming machinery
generators share). What is its own follows `Objects/genobject.c`: `__anext__`/`asend` return
an `_ASend` and `athrow`/`aclose` an `_AThrow`, small state machines (INIT, ITER, CLOSED)
driven by whoever awaits them. A value the generator yields comes out wrapped
(`AsyncGenWrappedValue`, made by ASYNC_GEN_WRAP) and ends the step with StopIteration(value);
anything else it passes out is an `await` inside it, handed on to the event loop. The flag
`_running_async` (CPython's `ag_running_async`) is set while a step is under way, across its
awaits, so a second step started meanwhile fails with "asynchronous generator is already
running".
"""
from __future__ import annotations

import sys
import types
import warnings

from .frame import VERSION, Frame
from .function_object import VMFunction
from .functions import _exception_for_throw, _SuspendableFrame

__all__ = ["VMAsyncGenerator", "AsyncGenWrappedValue"]

_INIT, _ITER, _CLOSED = range(3)  # AWAITABLE_STATE_* in genobject.c


class AsyncGenWrappedValue:
    """A value an async generator yields to its consumer (ASYNC_GEN_WRAP), as opposed to a
    value an `await` inside it passes through to the event loop."""

    __slots__ = ("value",)

    def __init__(self, value) -> None:
        self.value = value

    def __repr__(self) -> str:
        return f"<async_gen_wrapped_value {self.value!r}>"


def _warn_deprecated_throw(what: str) -> None:
    if VERSION >= (3, 12):
        warnings.warn(f"the (type, exc, tb) signature of {what}() is deprecated, "
                      "use the single-arg signature instead.", DeprecationWarning, stacklevel=3)


class VMAsyncGenerator(_SuspendableFrame):
    """An async generator whose frame is a VM frame (`async def` with `yield`)."""

    _kind = "async generator"
    # No super() in this class: its implicit __class__ cell would clash with this property.
    __class__ = property(lambda self: types.AsyncGeneratorType)  # see functions._present_as

    def __init__(self, frame: Frame, function: VMFunction) -> None:
        _SuspendableFrame.__init__(self, frame, function)
        self._hooks_inited = False
        self._running_async = False  # ag_running_async: a step is under way
        self._closed = False  # ag_closed: aclose() began, or StopAsyncIteration came out

    def _init_hooks(self) -> None:
        # As CPython's async_gen_init_hooks: tell the event loop (asyncio registers the
        # generator so that shutdown_asyncgens can close it).
        if self._hooks_inited:
            return
        self._hooks_inited = True
        firstiter = sys.get_asyncgen_hooks().firstiter
        if firstiter is not None:
            firstiter(self)

    def __aiter__(self):
        return self

    def __anext__(self):
        self._init_hooks()
        return _ASend(self, None)

    def asend(self, value):
        self._init_hooks()
        return _ASend(self, value)

    def athrow(self, *args):
        if VERSION >= (3, 15) and not 1 <= len(args) <= 3:  # 3.15 checks when called
            bound = "at least 1 argument" if not args else "at most 3 arguments"
            raise TypeError(f"athrow expected {bound}, got {len(args)}")
        if len(args) > 1:
            _warn_deprecated_throw("athrow")
        self._init_hooks()
        return _AThrow(self, args)

    def aclose(self):
        self._init_hooks()
        return _AThrow(self, None)

    def _resume(self, value, exc=None, push=True):
        try:
            return _SuspendableFrame._resume(self, value, exc, push)
        except StopIteration:  # the frame returned: an async generator's end
            raise StopAsyncIteration from None

    def _gen_send(self, value):
        """gen_send: one step of the frame."""
        if self._finished:
            raise StopAsyncIteration
        if not self._frame.started and value is not None:
            raise TypeError("can't send non-None value to a just-started async generator")
        return self._resume(value)

    def _unwrap(self, step):
        """async_gen_unwrap_value: a wrapped (yielded) value ends the step as StopIteration."""
        try:
            out = step()
        except BaseException as e:
            if isinstance(e, (StopAsyncIteration, GeneratorExit)):
                self._closed = True
            self._running_async = False
            raise
        if type(out) is AsyncGenWrappedValue:
            self._running_async = False
            raise StopIteration(out.value)
        return out

    @property
    def ag_frame(self):
        return self.gi_frame

    @property
    def ag_running(self) -> bool:
        return self._running_async

    @property
    def ag_code(self):
        return self._frame.code

    @property
    def ag_await(self):
        return self._yield_from_target()

    if VERSION >= (3, 12):
        ag_suspended = property(lambda self: self.gi_suspended)

    if VERSION >= (3, 15):
        ag_state = property(lambda self: self._state("AGEN"))

    def __del__(self):
        if not self._finished and self._frame.started and not self.gi_running:
            finalizer = sys.get_asyncgen_hooks().finalizer
            if finalizer is not None:
                finalizer(self)


class _Step:
    """What _ASend and _AThrow share: awaiting, iterating, and (3.13+) the warning when one
    is dropped without ever being awaited (_PyErr_WarnUnawaitedAgenMethod)."""

    _method = ""

    def __init__(self, agen: VMAsyncGenerator) -> None:
        self._agen = agen
        self._state = _INIT

    def __await__(self):
        return self

    def __iter__(self):
        return self

    def __next__(self):
        return self.send(None)

    def close(self):
        if VERSION < (3, 13):
            self._state = _CLOSED
            return None
        # 3.13+ (gh-117881): closing throws GeneratorExit in, and fails if it is ignored.
        if self._state == _CLOSED:
            return None
        try:
            self.throw(GeneratorExit)
        except (StopIteration, StopAsyncIteration, GeneratorExit):
            return None
        raise RuntimeError("coroutine ignored GeneratorExit")

    def __del__(self):
        if VERSION >= (3, 13) and self._state == _INIT:
            warnings.warn(f"coroutine method {self._method!r} of {self._agen.__qualname__!r} "
                          "was never awaited", RuntimeWarning, stacklevel=1, source=self._agen)


class _ASend(_Step):
    """async_generator_asend: what `__anext__()` and `asend(value)` return."""

    _method = "asend"

    def __init__(self, agen: VMAsyncGenerator, value) -> None:
        super().__init__(agen)
        self._value = value

    def _start(self):
        if self._agen._running_async:
            self._state = _CLOSED
            raise RuntimeError("anext(): asynchronous generator is already running")
        self._state = _ITER

    def send(self, value):
        if self._state == _CLOSED:
            raise RuntimeError("cannot reuse already awaited __anext__()/asend()")
        if self._state == _INIT:
            self._start()
            if value is None:
                value = self._value
        agen = self._agen
        agen._running_async = True
        try:
            return agen._unwrap(lambda: agen._gen_send(value))
        except BaseException:
            self._state = _CLOSED
            raise

    def throw(self, *args):
        if self._state == _CLOSED:
            raise RuntimeError("cannot reuse already awaited __anext__()/asend()")
        agen = self._agen
        if self._state == _INIT and VERSION >= (3, 13):
            self._start()
            agen._running_async = True
        try:
            return agen._unwrap(lambda: agen.throw(*args))
        except BaseException:
            agen._running_async = False
            self._state = _CLOSED
            raise


class _AThrow(_Step):
    """async_generator_athrow: what `athrow(...)` (args) and `aclose()` (None) return."""

    def __init__(self, agen: VMAsyncGenerator, args) -> None:
        super().__init__(agen)
        self._args = args
        self._method = "aclose" if args is None else "athrow"

    def _start(self):
        if self._agen._running_async:
            self._state = _CLOSED
            raise RuntimeError(f"{self._method}(): asynchronous generator is already running")
        self._state = _ITER
        self._agen._running_async = True

    def _end(self):
        self._agen._running_async = False
        self._state = _CLOSED

    def send(self, value):
        agen = self._agen
        if self._state == _CLOSED:
            raise RuntimeError("cannot reuse already awaited aclose()/athrow()")
        if agen._finished:
            self._state = _CLOSED
            raise StopIteration
        if self._state == _INIT:
            if agen._running_async:
                self._start()  # raises
            if agen._closed:
                self._state = _CLOSED
                raise StopAsyncIteration
            if value is not None:
                raise RuntimeError("can't send non-None value to a just-started coroutine")
            self._start()
            # Thrown in with close_on_genexit=0: GeneratorExit goes into a delegate too.
            if self._args is None:
                agen._closed = True
                return self._checked(lambda: agen._throw(GeneratorExit(), close_on_exit=False))
            args = self._args
            return self._checked(lambda: agen._unwrap(
                lambda: agen._throw(_exception_for_throw(*args), close_on_exit=False)))
        if self._args is not None:  # CPython leaves the state as it is here
            return agen._unwrap(lambda: agen._gen_send(value))
        return self._checked(lambda: agen._gen_send(value))

    def _checked(self, step):
        """The check_error and yield_close exits of async_gen_athrow_send."""
        try:
            out = step()
        except BaseException as e:
            self._end()
            if self._args is None and isinstance(e, (StopAsyncIteration, GeneratorExit)):
                self._agen._vm.forget_traceback(e)  # handled here (see _SuspendableFrame.close)
                raise StopIteration from None  # this aclose() is done
            raise
        if self._args is None and type(out) is AsyncGenWrappedValue:
            self._end()
            raise RuntimeError("async generator ignored GeneratorExit")
        return out

    def throw(self, *args):
        if self._state == _CLOSED:
            raise RuntimeError("cannot reuse already awaited aclose()/athrow()")
        if self._state == _INIT and VERSION >= (3, 13):
            self._start()
        agen = self._agen
        if self._args is not None:
            try:
                return agen._unwrap(lambda: agen.throw(*args))
            except BaseException:
                self._end()
                raise
        try:
            out = agen.throw(*args)
        except (StopAsyncIteration, GeneratorExit) as e:
            self._end()
            agen._vm.forget_traceback(e)
            raise StopIteration from None
        except BaseException:
            self._end()
            raise
        if type(out) is AsyncGenWrappedValue:
            self._end()
            raise RuntimeError("async generator ignored GeneratorExit")
        return out
