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
