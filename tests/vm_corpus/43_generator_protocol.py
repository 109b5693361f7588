# %% close_returns_what_the_generator_returns
def g():
    try:
        yield 1
    except GeneratorExit:
        return "closed value"
x = g(); next(x)
print(repr(x.close()), repr(x.close()))
def h():
    yield 1
y = h(); next(y)
print(repr(y.close()))
# %% throw_argument_forms_and_checks
import warnings
warnings.simplefilter("ignore")
def g():
    while True:
        try:
            yield
        except Exception as e:
            print("caught", type(e).__name__, e.args)
x = g(); next(x)
x.throw(ValueError)
x.throw(ValueError, "msg")
x.throw(ValueError, ValueError("inst"))
x.throw(ValueError("inst2"))
for args in ((ValueError, None, 5), (ValueError("a"), "b"), (5,)):
    try:
        x.throw(*args)
    except TypeError as e:
        print("TypeError", e)
# %% suspended_and_running_attributes
def g():
    yield 1
x = g()
print(x.gi_suspended, x.gi_running)
next(x)
print(x.gi_suspended)
async def c(): pass
co = c()
print(co.cr_suspended, co.cr_running, co.cr_origin)
co.close()
async def ag():
    yield 1
a = ag()
print(a.ag_running, a.ag_suspended if hasattr(a, "ag_suspended") else "n/a")
# %% awaiting_a_finished_coroutine
async def c():
    return 1
co = c()
try:
    co.send(None)
except StopIteration as e:
    print("returned", e.value)
try:
    co.send(None)
except RuntimeError as e:
    print(e)
async def outer(co):
    return await co
try:
    outer(co).send(None)
except RuntimeError as e:
    print(e)
# %% stopiteration_of_return_has_the_handled_context
def g():
    try:
        raise KeyError
    except KeyError:
        return 5
    yield
try:
    next(g())
except StopIteration as e:
    print(repr(e.__context__), e.value)
# %% coroutine_never_awaited_warns
import warnings, gc
async def c(): pass
with warnings.catch_warnings(record=True) as w:
    warnings.simplefilter("always")
    c()
    gc.collect()
print([str(x.message) for x in w])
# %% throw_into_a_running_generator
def g():
    yield x.throw(ValueError)
x = g()
try:
    next(x)
except ValueError as e:
    print(type(e).__name__, e)
# %% coroutine_origin_is_recorded_when_asked
import sys
async def c():
    pass
def make():
    return c()
sys.set_coroutine_origin_tracking_depth(2)
try:
    co = make()
    origin = co.cr_origin
    co.close()
finally:
    sys.set_coroutine_origin_tracking_depth(0)
co2 = c()
result = origin, co2.cr_origin
co2.close()
# %% finished_generator_frees_its_locals
import weakref
class Obj:
    pass
def gen():
    o = Obj()
    yield weakref.ref(o)
g = gen()
ref = next(g)
for _ in g:
    pass
result = ref() is None, g.gi_frame
# %% closed_generator_frees_its_locals
import weakref
class Obj:
    pass
def gen():
    o = Obj()
    yield weakref.ref(o)
    yield 2
g = gen()
ref = next(g)
g.close()
result = ref() is None
# %% generator_finalizer_errors_and_read_only_members
# A generator that ignores GeneratorExit when collected is reported to the unraisable hook
# as _PyGen_Finalize reports it; gi_running cannot be assigned.
import sys
def f():
    try:
        yield
    except GeneratorExit:
        yield
seen = []
old = sys.unraisablehook
sys.unraisablehook = seen.append
g = f(); next(g); r = repr(g); del g
sys.unraisablehook = old
u = seen[0]
print(u.exc_type, u.exc_value, u.err_msg == f"Exception ignored while closing generator {r}" or u.object is not None)
def h():
    yield 1
i = h()
print(i.__next__.__doc__)
try:
    i.gi_running = 42
except AttributeError as e:
    print(e)
# %% thrown_exception_chains_to_the_generators_handled_one
# gen_send_ex2 chains an exception thrown in to the one the generator is handling.
def f():
    try:
        raise KeyError("a")
    except Exception:
        yield
gen = f()
gen.send(None)
try:
    gen.throw(ValueError)
except ValueError as e:
    print(type(e.__context__), e.__context__.args)
# %% throw_with_a_class_that_makes_no_exception
class E(Exception):
    def __new__(cls, *args, **kwargs):
        return cls
def generator():
    try:
        yield
    except TypeError as e:
        print("inside:", e)
        yield "caught"
gen = generator()
next(gen)
print(gen.throw(E))
def boring():
    yield
b = boring()
try:
    b.throw(E)
except TypeError as e:
    print("outside:", e)
print(next(b, "finished"))
# %% awaiting_a_coroutine_that_is_being_awaited_already
import types
@types.coroutine
def nop():
    yield
async def coroutine():
    await nop()
async def waiter(coro):
    await coro
coro = coroutine()
coro.send(None)
try:
    waiter(coro).send(None)
except RuntimeError as e:
    print(e)
coro.close()
# %% async_for_anext_result_whose_await_fails_is_the_cause
class F:
    def __aiter__(self):
        return self
    def __anext__(self):
        return self
    def __await__(self):
        1 / 0
async def main():
    async for _ in F():
        pass
try:
    main().send(None)
except TypeError as e:
    result = (str(e), repr(e.__cause__), repr(e.__context__))
# %% exhausted_coroutine_refuses_send_and_throw
async def coroutine():
    return "spam"
coro = coroutine()
try:
    coro.send(None)
except StopIteration as e:
    print("returned", e.value)
it = coroutine().__await__()
next(it, None)
for attempt in (lambda: coro.send(None), lambda: coro.throw(Exception("wat")),
                lambda: next(it), lambda: it.throw(Exception("wat"))):
    try:
        attempt()
    except RuntimeError as e:
        print(type(e).__name__, e)
print(coro.close(), coro.close(), it.close())
# %% coroutine_wrapper_is_named_and_not_copyable
import copy
async def func():
    pass
coro = func()
aw = coro.__await__()
print(repr(aw).startswith("<coroutine_wrapper object at "), type(aw).__name__, "__iter__" in dir(aw))
for obj in (coro, aw):
    try:
        copy.copy(obj)
    except TypeError as e:
        print(e)
aw.close()
# %% never_awaited_warning_turned_error_is_reported_in_the_coroutine
import sys, warnings
async def func():
    pass
seen = []
old_hook, sys.unraisablehook = sys.unraisablehook, seen.append
try:
    with warnings.catch_warnings():
        warnings.filterwarnings("error")
        coro = func()
        coro_repr = repr(coro)
        del coro
finally:
    sys.unraisablehook = old_hook
# Before 3.14 the hook's object is the coroutine; from 3.14 its message names it.
result = [(u.exc_type.__name__, str(u.exc_value), coro_repr in repr(u.object) + str(u.err_msg)) for u in seen]
# %% never_awaited_warning_with_broken_warnings_function_falls_back
import sys, warnings
async def corofn():
    pass
seen = []
old_hook, sys.unraisablehook = sys.unraisablehook, seen.append
original = warnings._warn_unawaited_coroutine
warnings._warn_unawaited_coroutine = lambda coro: 1 / 0
try:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        coro = corofn()
        coro_repr = repr(coro)
        del coro
finally:
    warnings._warn_unawaited_coroutine = original
    sys.unraisablehook = old_hook
result = ([(u.exc_type.__name__, coro_repr in repr(u.object) + str(u.err_msg)) for u in seen],
          [(w.category.__name__, str(w.message)) for w in caught])
# %% generator_names_are_strings_and_never_deleted
def func():
    yield 1
gen = func()
gen.__name__ = "name"
gen.__qualname__ = "qualname"
print(gen.__name__, gen.__qualname__, repr(gen).split(" at ")[0])
for attempt in (lambda: setattr(gen, "__name__", 123), lambda: setattr(gen, "__qualname__", 123),
                lambda: delattr(gen, "__name__"), lambda: delattr(gen, "__qualname__")):
    try:
        attempt()
    except TypeError as e:
        print(e)
async def coro():
    pass
c = coro()
c.__qualname__ = "renamed"
print(c.__qualname__)
c.close()
