"""Generators, coroutines and classes created by VM code (and `VMFunction`, re-exported from
`function_object`, the VM's function object).

`VMGenerator` wraps a suspended VM frame and implements the generator protocol (`send`,
`throw`, `close`, delegation to a sub-iterator during `yield from`), following
`Objects/genobject.c`. `build_class` replaces `builtins.__build_class__`, which only accepts
real functions: it runs the class body in the VM and lets the metaclass build the class.
"""
from __future__ import annotations

import collections.abc
import sys
import types

# The VM's own code must not see a program's replacements of builtins (test_functools
# replaces builtins.len): these names are bound here once, at import.
from builtins import (any, bool, classmethod, getattr, isinstance, issubclass, len, property, staticmethod, str,
                      super, type, vars)  # noqa: A004
from .errors import raise_unchained
from .frame import NULL, VERSION, Frame
# VMFunction has its own module; the rest of the VM finds it here too.
from .function_object import (CO_ASYNC_GENERATOR, CO_COROUTINE, CO_GENERATOR, CO_HAS_DOCSTRING,  # noqa: F401
                              CO_VARARGS, CO_VARKEYWORDS, VMFunction)

__all__ = ["VMFunction", "VMGenerator", "VMCoroutine", "VMAsyncGenerator", "AsyncGenWrappedValue",
           "build_class"]


def _exception_for_throw(typ, val=None, tb=None) -> BaseException:
    """The exception `throw(typ[, val[, tb]])` raises in the frame (_gen_throw's checks)."""
    if tb is not None and not isinstance(tb, types.TracebackType):
        raise TypeError("throw() third argument must be a traceback object")
    if isinstance(typ, BaseException):
        if val is not None:
            raise TypeError("instance exception may not have a separate value")
        exc = typ
    elif isinstance(typ, type) and issubclass(typ, BaseException):
        if isinstance(val, typ):
            exc = val
        else:
            exc = typ() if val is None else typ(*val) if isinstance(val, tuple) else typ(val)
            if not isinstance(exc, BaseException):  # PyErr_NormalizeException's failure is thrown in
                exc = TypeError(f"calling {typ!r} should have returned an instance of BaseException, "
                                f"not {type(exc).__name__}")
    else:
        raise TypeError(f"exceptions must be classes or instances deriving from BaseException, "
                        f"not {type(typ).__name__}")
    if tb is not None:
        exc.__traceback__ = tb
    return exc


def _unraisable_args_type() -> type:
    """sys.UnraisableHookArgs, which Python does not name: the default hook accepts only it."""
    captured = []
    hook, sys.unraisablehook = sys.unraisablehook, captured.append
    try:
        class Raiser:
            def __del__(self):
                raise RuntimeError
        Raiser()  # dropped at once: its __del__ error goes to the hook
    finally:
        sys.unraisablehook = hook
    return type(captured[0])


_UnraisableHookArgs = _unraisable_args_type()


def _write_unraisable(exc: BaseException, message: str, obj) -> None:
    """PyErr_FormatUnraisable (3.14+: the message names the object) or, before,
    PyErr_WriteUnraisable(obj) ("Exception ignored in: obj")."""
    err_msg, obj = (message, None) if VERSION >= (3, 14) else (None, obj)
    sys.unraisablehook(_UnraisableHookArgs((type(exc), exc, exc.__traceback__, err_msg, obj)))


class _ReadOnly:
    """A read-only member with CPython's message for assigning it (a T_BOOL READONLY member:
    "attribute 'gi_running' of 'generator' objects is not writable")."""

    def __init__(self, slot: str, name: str) -> None:
        self._slot, self._name = slot, name

    def __get__(self, obj, owner=None):
        return self if obj is None else getattr(obj, self._slot)

    def __set__(self, obj, value):
        raise AttributeError(f"attribute '{self._name}' of '{type(obj).__name__}' objects is not writable")

    def __delete__(self, obj):
        self.__set__(obj, None)


class _SuspendableFrame:
    """What generators and coroutines share (`Objects/genobject.c`, in Python)."""

    _kind = "generator"

    def __init__(self, frame: Frame, function: VMFunction) -> None:
        self._frame = frame
        self._running = False
        self.__name__ = function.__name__
        self.__qualname__ = function.__qualname__
        self._vm = function._vm
        self._exc_slot = None
        self._finished = False

    gi_running = _ReadOnly("_running", "gi_running")

    # gen_set_name / gen_set_qualname: the names are any str, and never deleted. A method, not
    # a descriptor: a class body cannot hold a `__qualname__` attribute (type() takes it).
    def __setattr__(self, name, value):
        if name in ("__name__", "__qualname__") and not isinstance(value, str):
            raise TypeError(f"{name} must be set to a string object")
        object.__setattr__(self, name, value)

    def __delattr__(self, name):
        if name in ("__name__", "__qualname__"):
            raise TypeError(f"{name} must be set to a string object")
        object.__delattr__(self, name)

    @property
    def gi_frame(self):
        """The suspended frame; None once finished (as `inspect.getgeneratorstate` expects)."""
        return None if self._finished else self._frame

    @property
    def gi_code(self):
        return self._frame.code

    @property
    def gi_yieldfrom(self):
        return self._yield_from_target()

    @property
    def gi_suspended(self) -> bool:
        return not self._finished and not self._running and self._frame.started

    def _state(self, prefix: str) -> str:
        """gen_getstate in Objects/genobject.c (3.15+): CREATED, RUNNING, SUSPENDED or CLOSED."""
        if self._finished:
            return f"{prefix}_CLOSED"
        if self._running:
            return f"{prefix}_RUNNING"
        return f"{prefix}_SUSPENDED" if self._frame.started else f"{prefix}_CREATED"

    if VERSION >= (3, 15):  # inspect.getgeneratorstate and friends read these from 3.15
        gi_state = property(lambda self: self._state("GEN"))

    def __repr__(self) -> str:
        return f"<{self._kind} object {self.__qualname__} at {id(self):#x}>"

    def _resume(self, value, exc=None, push=True):
        """Run the frame until it yields (return the value) or ends (raise StopIteration)."""
        if self._running:
            raise ValueError(f"{self._kind} already executing")
        frame = self._frame
        if push:  # gen_send_ex2 pushes the sent value (None when throwing) either way
            frame.stack.append(value)
        frame.started = True
        frame.why = 0
        vm = self._vm
        vm.exc_chain.append(self._exc_slot)
        if exc is not None and self._exc_slot is not None:
            # gen_send_ex2's _PyErr_ChainStackItem: an exception thrown into a generator that
            # is handling one (suspended in an `except` block) gets that one as __context__.
            vm.set_context(exc)
        held = self._held_tracebacks
        if held:  # the exceptions it handles while suspended are the VM's again (see below)
            for entry in held:
                vm.traceback.setdefault(id(entry[0]), entry)
            self._held_tracebacks = ()
        self._running = True
        failed = None
        vm_traceback_carrier = []  # the exception's VM traceback leaves with it (carried_lines)
        try:
            result = vm.run_frame(frame, exc)
        except StopIteration as stop:
            failed = stop
        except StopAsyncIteration as stop:
            if self._kind != "async generator":
                self._finish()
                vm_traceback_carrier.append(vm.detach_traceback(stop))
                raise
            failed = stop
        except BaseException as error:
            self._finish()
            vm_traceback_carrier.append(vm.detach_traceback(error))
            raise
        finally:
            self._running = False
            self._exc_slot = vm.exc_chain.pop()
        if frame.why == 2 and self._exc_slot is not None:
            # Suspended in an `except` block: the generator, not the VM, keeps the VM tracebacks
            # of the exceptions it handles, so that dropping it frees them (CPython closes it).
            self._held_tracebacks = self._take_tracebacks(vm)
        if failed is not None:
            # 3.12+ compile this conversion into the generator (CALL_INTRINSIC_1
            # INTRINSIC_STOPITERATION_ERROR); 3.11 does it in gen_send_ex, as here.
            self._finish()
            raise RuntimeError(f"{self._kind} raised {type(failed).__name__}") from failed
        if frame.why == 2:  # yielded
            return result
        self._finish()
        if result is None:
            raise StopIteration
        raise StopIteration(result)

    _held_tracebacks = ()

    def _take_tracebacks(self, vm) -> tuple:
        """Detach the records of the handled exception and of those saved on the stack."""
        held = []
        for exc in (self._exc_slot, *self._frame.stack):
            if isinstance(exc, BaseException):
                entry = vm.traceback.pop(id(exc), None)
                if entry is not None:
                    held.append(entry)
        return tuple(held)

    def send(self, value):
        if self._finished:
            if self._kind == "coroutine":
                raise RuntimeError("cannot reuse already awaited coroutine")
            raise StopIteration
        if not self._frame.started and value is not None:
            raise TypeError(f"can't send non-None value to a just-started {self._kind}")
        return self._resume(value)

    def _yield_from_target(self):
        """The sub-iterator of a `yield from` this generator is suspended in, else None."""
        frame = self._frame
        if self._finished or not frame.started:
            return None
        decoded = frame.decoded
        if frame.ip >= len(decoded.opnames) or frame.ip == 0:
            return None
        if decoded.opnames[frame.ip - 1] != "YIELD_VALUE" or decoded.opnames[frame.ip] != "RESUME":
            return None
        if (decoded.args[frame.ip] & 3) < 2:
            return None
        # 3.15 keeps an index-or-NULL slot above the delegate (_PyGen_yf peeks 2 deep).
        return frame.stack[-2] if VERSION >= (3, 15) else frame.stack[-1]

    def throw(self, typ, *rest):
        """gen_throw and _gen_throw (Objects/genobject.c): the one-argument form, or the
        (type, value, traceback) form that 3.12 deprecated."""
        if len(rest) > 2:
            raise TypeError(f"throw expected at most 3 arguments, got {len(rest) + 1}")
        if rest and VERSION >= (3, 12):
            import warnings
            warnings.warn("the (type, exc, tb) signature of throw() is deprecated, "
                          "use the single-arg signature instead.", DeprecationWarning, stacklevel=2)
        return self._throw(_exception_for_throw(typ, *rest))

    def _throw(self, exc: BaseException, close_on_exit: bool = True):
        """_gen_throw: with close_on_exit, GeneratorExit closes a delegate instead of being
        thrown into it (athrow and aclose pass False)."""
        if self._finished and self._kind == "coroutine":
            raise RuntimeError("cannot reuse already awaited coroutine")  # gen_send_ex2
        if self._finished or not self._frame.started:
            # _gen_throw hands the exception on as it is (PyErr_Restore: no chaining).
            self._finish()
            raise_unchained(exc)
        target = self._yield_from_target()
        if target is not None:
            self._running = True
            error = None
            try:
                if close_on_exit and isinstance(exc, GeneratorExit):
                    _close_iterator(target)
                else:
                    thrower = getattr(target, "throw", None)
                    if thrower is not None:
                        return thrower(exc)
            except BaseException as e:
                error = e
            finally:
                self._running = False
            if error is not None:
                if VERSION == (3, 11) and isinstance(error, StopIteration):
                    # 3.11 has no CLEANUP_THROW: _gen_throw itself pops the sub-iterator,
                    # backs up to the SEND's jump target and sends the return value there.
                    frame = self._frame
                    send = frame.ip - 2
                    frame.stack[-1] = error.value
                    frame.ip = frame.decoded.args[send]
                    return self._resume(None, push=False)
                exc = error
        return self._resume(None, exc)

    def close(self):
        if self._finished:
            return None
        if not self._frame.started:
            self._finish()
            return None
        try:
            self._throw(GeneratorExit())
        except GeneratorExit as exit_:
            # Its handling ends here: the VM's traceback record must not keep it (nor the
            # exception it was thrown in over, its __context__) alive.
            self._vm.forget_traceback(exit_)
            # Nobody else sees it, but its traceback holds this call's Python frames, whose
            # locals hold it and this generator: a cycle that only the collector would break,
            # with the exception it was thrown in over (its __context__). CPython's close()
            # makes none.
            exit_.__traceback__ = None
            return None
        except StopIteration as stop:
            # 3.13+ (gh-104770): close() returns what the generator returned on GeneratorExit.
            return stop.value if VERSION >= (3, 13) else None
        raise RuntimeError(f"{self._kind} ignored GeneratorExit")

    def _finish(self) -> None:
        # CPython clears a finished generator's frame: its locals must not outlive it.
        self._finished = True
        frame = self._frame
        frame.stack.clear()
        frame.localsplus[:] = [NULL] * len(frame.localsplus)

    def __reduce__(self):
        # copy and pickle refuse generators and coroutines, whose state is a running frame
        # (gen_reduce does not exist in genobject.c: object.__reduce_ex__ finds no tp_new).
        raise TypeError(f"cannot pickle {self._kind.replace(' ', '_')!r} object")

    def __del__(self):
        # As CPython's generator finalizer (_PyGen_Finalize): a coroutine never started warns
        # that it was never awaited; a suspended generator is closed so its `finally` blocks
        # run. An exception here is reported by Python as "Exception ignored in".
        if self._finished or self._running:
            return
        if not self._frame.started:
            if self._kind == "coroutine":
                _warn_unawaited_coroutine(self)
            return
        try:
            self.close()
        except BaseException as e:  # reported as _PyGen_Finalize does, not as a failed __del__
            _write_unraisable(e, f"Exception ignored while closing generator {self!r}", self)


def _warn_unawaited_coroutine(coro) -> None:
    """_PyErr_WarnUnawaitedCoroutine (Python/_warnings.c): warnings._warn_unawaited_coroutine
    warns; if that fails other than by the warning itself, a plain warning is tried instead.
    Any error is reported as unraisable in the coroutine, never as an error of the VM's
    __del__."""
    warned = False
    try:
        warn = getattr(sys.modules.get("warnings") or __import__("warnings"), "_warn_unawaited_coroutine")
        warn(coro)
        warned = True
    except RuntimeWarning as e:  # the warning itself, turned into an error by a filter
        warned = True
        _write_unraisable_in(e, coro)
    except BaseException as e:
        _write_unraisable_in(e, coro)
    if not warned:
        import warnings
        try:
            warnings.warn(f"coroutine '{coro.__qualname__}' was never awaited", RuntimeWarning,
                          stacklevel=1, source=coro)
        except BaseException as e:
            _write_unraisable_in(e, coro)


def _write_unraisable_in(exc: BaseException, coro) -> None:
    """PyErr_WriteUnraisable(coro) ("Exception ignored in: coro"); 3.14+ name the coroutine in
    the message instead (PyErr_FormatUnraisable)."""
    _write_unraisable(exc, f"Exception ignored while finalizing coroutine {coro!r}", coro)


class VMGenerator(_SuspendableFrame):
    """A generator whose frame is a VM frame."""

    __class__ = property(lambda self: types.GeneratorType)  # see _present_as

    def __iter__(self):
        return self

    def __next__(self):
        """Implement next(self)."""
        return self.send(None)


collections.abc.Generator.register(VMGenerator)


class VMIterableCoroutine(VMGenerator):
    """A generator whose code `types.coroutine` flagged CO_ITERABLE_COROUTINE. CPython's C code
    (`_PyCoro_GetAwaitableIter`, used by `anext()` and asyncio's C tasks) awaits such a
    generator by its code flag; it cannot see a VM generator's flag, so this one answers to
    `__await__` instead. Plain VM generators must not: `inspect.isawaitable` would say yes."""

    def __await__(self):
        return self


class VMCoroutine(_SuspendableFrame):
    """A coroutine (`async def`) whose frame is a VM frame: awaited, not iterated."""

    _kind = "coroutine"
    __class__ = property(lambda self: types.CoroutineType)  # see _present_as

    def __await__(self):
        return _CoroutineWrapper(self)

    @property
    def cr_frame(self):
        return self.gi_frame

    @property
    def cr_running(self) -> bool:
        return self._running

    @property
    def cr_code(self):
        return self._frame.code

    @property
    def cr_await(self):
        return self._yield_from_target()

    @property
    def cr_suspended(self) -> bool:
        return self.gi_suspended

    @property
    def cr_origin(self):
        """Where it was made, when `sys.set_coroutine_origin_tracking_depth` asked for it:
        ((filename, line, function), ...) of the VM frames, innermost first."""
        return self._origin

    _origin = None

    if VERSION >= (3, 15):
        cr_state = property(lambda self: self._state("CORO"))


class _CoroutineWrapper:
    """What `coroutine.__await__()` returns: an iterator driving the coroutine (CPython's
    `coroutine_wrapper` type, which copy and pickle refuse like the coroutine itself)."""

    def __init__(self, coroutine: VMCoroutine) -> None:
        self._coroutine = coroutine

    def __repr__(self) -> str:
        return f"<coroutine_wrapper object at {id(self):#x}>"

    def __reduce__(self):
        raise TypeError("cannot pickle 'coroutine_wrapper' object")

    def __iter__(self):
        return self

    def __next__(self):
        return self._coroutine.send(None)

    def send(self, value):
        return self._coroutine.send(value)

    def throw(self, *args):
        return self._coroutine.throw(*args)

    def close(self):
        return self._coroutine.close()


collections.abc.Coroutine.register(VMCoroutine)


def _present_as(cls: type, native: type) -> None:
    """Let a VM class answer to the checks programs make of the native type it stands for.

    Each class body sets `__class__` to a property returning the native type: `obj.__class__`
    is what `isinstance` falls back on when `type(obj)` does not match (as unittest.mock's
    spec objects do), so `isinstance(coro, types.CoroutineType)`,
    `inspect.iscoroutine(coro)` and test_coroutines' `coro.__class__ is types.CoroutineType`
    hold; `type(obj)` still names the VM class. `__name__` sets the C-level tp_name, which
    CPython's own messages use ("'coroutine' object is not iterable"); the class's repr keeps
    its qualified name, VMCoroutine."""
    cls.__name__ = native.__name__


_present_as(VMFunction, types.FunctionType)
_present_as(VMGenerator, types.GeneratorType)
_present_as(VMIterableCoroutine, types.GeneratorType)
_present_as(VMCoroutine, types.CoroutineType)
_CoroutineWrapper.__name__ = "coroutine_wrapper"  # tp_name, as in the messages CPython builds


# Async generators have a module of their own; the rest of the VM finds them here too.
from .async_generators import AsyncGenWrappedValue, VMAsyncGenerator  # noqa: E402

_present_as(VMAsyncGenerator, types.AsyncGeneratorType)


def _close_iterator(iterator) -> None:
    closer = getattr(iterator, "close", None)
    if closer is not None:
        closer()


def build_class(vm, func, name, /, *bases, **kwds):
    """`builtins.__build_class__` for VM class bodies (`Python/bltinmodule.c`).

    `func` and `name` are positional-only: `class C(name=1, func=2)` passes its keywords to
    the metaclass."""
    if not isinstance(func, VMFunction):
        raise TypeError("__build_class__: func must be a function")
    if not isinstance(name, str):
        raise TypeError("__build_class__: name is not a string")
    orig_bases = bases
    bases = types.resolve_bases(bases)
    meta, namespace, kwds = types.prepare_class(name, bases, kwds)
    if not any("__getitem__" in vars(k) for k in type(namespace).__mro__):  # PyMapping_Check
        meta_name = meta.__name__ if isinstance(meta, type) else "<metaclass>"
        raise TypeError(f"{meta_name}.__prepare__() must return a mapping, not {type(namespace).__name__}")
    cell = vm.run_class_body(func, namespace)
    # type.__new__ turns these plain functions into a staticmethod / classmethods, but it
    # recognises only real functions (PyFunction_Check), so the VM wraps its own.
    for special, wrapper in (("__new__", staticmethod), ("__init_subclass__", classmethod),
                             ("__class_getitem__", classmethod)):
        try:
            value = namespace[special]
        except KeyError:
            continue
        if isinstance(value, VMFunction):
            namespace[special] = wrapper(value)
    if bases is not orig_bases and bases != orig_bases:
        namespace["__orig_bases__"] = orig_bases
    cls = meta(name, bases, namespace, **kwds)
    if isinstance(cell, types.CellType) and isinstance(cls, type):
        try:
            contents = cell.cell_contents
        except ValueError:  # the metaclass did not pass __classcell__ on to type.__new__
            raise RuntimeError(f"__class__ not set defining {name!r} as {cls!r}. "
                               "Was __classcell__ propagated to type.__new__?") from None
        if contents is not cls:
            raise TypeError(f"__class__ set to {contents!r} defining {name!r} as {cls!r}")
    return cls
