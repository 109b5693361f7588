# %% context_cycle_in_chain_ends
# A cycle already in the __context__ chain: chaining a new exception must end (CPython walks it
# with Floyd's cycle detection), and a cycle through the new exception is broken.
a = ValueError("a")
b = ValueError("b")
a.__context__ = b
b.__context__ = a
try:
    try:
        raise a
    except ValueError:
        raise KeyError("c")
except KeyError as e:
    result = (repr(e.__context__), repr(a.__context__), repr(b.__context__))
# %% context_cycle_through_the_raised_exception_is_broken
x = TypeError("x")
y = TypeError("y")
y.__context__ = x
try:
    try:
        raise y
    except TypeError:
        raise x
except TypeError as e:
    result = (e is x, repr(x.__context__), repr(y.__context__))
# %% context_cleared_by_exit_stays_cleared
class ClearsContext:
    def __enter__(self):
        return self
    def __exit__(self, t, v, tb):
        v.__context__ = None
        return False
def f():
    with ClearsContext():
        raise ValueError("inner")
try:
    raise TypeError("outer")
except TypeError:
    try:
        f()
    except ValueError as e:
        result = repr(e.__context__)
# %% context_cleared_then_reraised_through_frames
def g():
    try:
        raise ValueError("v")
    except ValueError as e:
        e.__context__ = None
        raise
def h():
    g()
try:
    raise TypeError("t")
except TypeError:
    try:
        h()
    except ValueError as e:
        result = repr(e.__context__)
# %% native_raise_in_except_is_chained
try:
    raise KeyError("k")
except KeyError:
    try:
        {}["missing"]
    except KeyError as e:
        result = (repr(e), repr(e.__context__))
# %% exitstack_fixes_the_context_chain
from contextlib import ExitStack
def raise_exc(exc):
    raise exc
try:
    with ExitStack() as stack:
        stack.callback(raise_exc, IndexError)
        stack.callback(raise_exc, KeyError)
        stack.callback(raise_exc, AttributeError)
        raise ZeroDivisionError
except IndexError as exc:
    chain = []
    e = exc
    while e is not None:
        chain.append(type(e).__name__)
        e = e.__context__
    result = chain
# %% sys_exception_seen_by_native_code_in_except
import sys
try:
    raise KeyError("seen")
except KeyError:
    result = repr(sys.exception()), repr(sys.exc_info()[1]), list(map(lambda _: repr(sys.exception()), [0]))
# %% raise_class_must_make_an_exception
class NotAnException(BaseException):
    def __new__(cls, *args):
        return 5
try:
    raise NotAnException
except TypeError as e:
    print(e)
try:
    raise ValueError from 3
except TypeError as e:
    print(e)
try:
    raise ValueError from KeyError
except ValueError as e:
    result = (repr(e.__cause__), e.__suppress_context__)
# %% raise_from_class_checks_the_instantiated_cause (3.13+)
class NotAnException(BaseException):
    def __new__(cls, *args):
        return 5
try:
    raise ValueError from NotAnException
except TypeError as e:
    result = str(e)
# %% caught_exception_is_freed
import weakref
class E(Exception):
    pass
def fail():
    raise E()
try:
    fail()
except E as e:
    ref = weakref.ref(e)
result = ref() is None
# %% reraised_and_caught_exception_is_freed
import weakref
class E(Exception):
    pass
def fail():
    try:
        raise E()
    finally:
        pass
def outer():
    try:
        fail()
    except E:
        raise
try:
    outer()
except E as e:
    ref = weakref.ref(e)
result = ref() is None
# %% exception_del_runs_when_handled
class Noisy(Exception):
    def __del__(self):
        print("deleted")
try:
    raise Noisy()
except Noisy:
    print("handled")
print("after")
# %% locals_are_freed_when_the_function_returns
import weakref
class Obj:
    pass
def make():
    o = Obj()
    return weakref.ref(o)
result = make()() is None
# %% yielded_value_is_not_kept_by_the_generator
import weakref
class Obj:
    pass
def gen():
    yield Obj()
    yield 2
g = gen()
ref = weakref.ref(next(g))
result = ref() is None
# %% exit_stack_callbacks_chain_like_nested_with
# ExitStack (CPython code) calls each callback, a VM function, inside its own `except` block:
# the VM's raise must keep the context the VM gives, not take the one CPython is handling.
import contextlib
def raise_nested(inner, outer):
    try:
        raise inner
    finally:
        raise outer
excs = [Exception(i) for i in range(6)]
try:
    with contextlib.ExitStack() as stack:
        stack.callback(raise_nested, excs[4], excs[5])
        stack.callback(raise_nested, excs[2], excs[3])
        raise excs[1]
except Exception as exc:
    chain = []
    while exc is not None and len(chain) < 8:
        chain.append(exc.args[0])
        exc = exc.__context__
    result = chain
# %% raise_in_vm_function_called_by_native_code_while_handling
import sys
def raise_nested(inner, outer):
    try:
        raise inner
    finally:
        try:
            raise outer
        finally:
            seen = repr(outer.__context__)
    return seen
e1, e4, e5 = Exception(1), Exception(4), Exception(5)
try:
    raise e1
except Exception:
    try:
        list(map(lambda f: f(e4, e5), [raise_nested]))
    except Exception as exc:
        result = (repr(exc), repr(exc.__context__), repr(exc.__context__.__context__))
# %% explicit_none_context_survives_native_reraise
import contextlib
@contextlib.contextmanager
def cm():
    try:
        yield
    except BaseException:
        exc = KeyError("mine")
        try:
            raise exc
        finally:
            exc.__context__ = None
try:
    with cm():
        raise IndexError()
except KeyError as exc:
    result = repr(exc.__context__)
# %% async_exit_stack_chains_callbacks_like_nested_async_with
# `async with` awaits AsyncExitStack.__aexit__, a native coroutine: SEND must let it see the
# exception the VM is handling (it compares each callback's exception with it).
import asyncio, contextlib
async def raise_exc(exc):
    raise exc
saved = None
async def suppress_exc(*details):
    global saved
    saved = details
    return True
async def main():
    try:
        async with contextlib.AsyncExitStack() as stack:
            stack.push_async_callback(raise_exc, IndexError)
            stack.push_async_callback(raise_exc, KeyError)
            stack.push_async_callback(raise_exc, AttributeError)
            stack.push_async_exit(suppress_exc)
            stack.push_async_callback(raise_exc, ValueError)
            1 / 0
    except IndexError as exc:
        return [type(exc.__context__).__name__, type(exc.__context__.__context__).__name__,
                repr(exc.__context__.__context__.__context__),
                type(saved[1]).__name__, type(saved[1].__context__).__name__]
result = asyncio.run(main())
# %% context_cleared_in_generator_stays_cleared_through_native_exit
# A generator context manager clears its exception's __context__; native __exit__ code passes
# it on unchanged, and the VM frame it comes back to must not chain it again.
import contextlib
class MyException(Exception):
    pass
@contextlib.contextmanager
def my_cm():
    try:
        yield
    except BaseException:
        exc = MyException()
        try:
            raise exc
        finally:
            exc.__context__ = None
class DrivesAsyncExit(contextlib.AsyncExitStack):
    def __enter__(self):
        return self
    def __exit__(self, *details):
        coro = self.__aexit__(*details)
        try:
            coro.send(None)
        except StopIteration as e:
            return e.value
        finally:
            coro.close()
@contextlib.contextmanager
def my_cm_with_exit_stack():
    with DrivesAsyncExit() as stack:
        stack.enter_context(my_cm())
        yield stack
try:
    with my_cm_with_exit_stack():
        raise IndexError()
except MyException as exc:
    result = repr(exc.__context__)
# %% sequence_freed_when_cpython_iteration_ends_on_a_vm_index_error
# iter() over a VM sequence: its __getitem__ raises IndexError into CPython code, which ends
# the iteration and drops the exception; nothing may keep the sequence alive after that.
import gc
done = []
class Seq:
    def __getitem__(self, i):
        if i > 0:
            raise IndexError(i)
        return i
    def __del__(self):
        done.append("freed")
def wrapper():
    it = iter(Seq())
    print(list(it))
wrapper()
gc.collect()
result = done
# %% generator_dropped_inside_except_frees_its_exception
import gc, weakref
class MyException(Exception):
    def __init__(self, obj):
        self.obj = obj
class MyObj:
    pass
def raising_gen():
    try:
        raise MyException(obj)
    except MyException:
        yield
obj = MyObj()
wr = weakref.ref(obj)
g = raising_gen()
next(g)
g = obj = None
gc.collect()
result = wr() is None
# %% attribute_error_swallowed_by_getattr_frees_what_it_held
# A VM property raises AttributeError into CPython's getattr(), which swallows it: the
# exception (and the locals its traceback holds) must go when getattr drops it.
import gc, weakref
class Marker:
    pass
refs = []
class Lazy:
    @property
    def value(self):
        local = Marker()
        refs.append(weakref.ref(local))
        raise AttributeError("not yet")
print(getattr(Lazy(), "value", "default"))
gc.collect()
result = [r() is None for r in refs]
