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
