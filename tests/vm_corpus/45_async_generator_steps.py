# %% asend_first_send_value_and_end_of_generator
# A fresh __anext__() sends the value it is given; a generator that returns ends its steps
# with StopAsyncIteration, also when athrow() is caught (genobject.c's asend and athrow).
async def foo():
    v = yield 1
    v = yield v
    yield v * 100
it = foo()
for value in (None, 10, 12):
    try:
        it.__anext__().send(value)
    except StopIteration as e:
        print("yielded", e.value)
async def catches():
    try:
        yield
    except ValueError:
        pass
g = catches()
try:
    g.asend(None).send(None)
except StopIteration:
    pass
try:
    g.athrow(ValueError).send(None)
except StopAsyncIteration:
    print("StopAsyncIteration")
try:
    g.__anext__().send(5)
except StopAsyncIteration:
    print("finished: StopAsyncIteration")
async def fresh():
    yield 1
try:
    fresh().__anext__().send(100)
except TypeError as e:
    print(e)
# %% async_generator_steps_refuse_reuse_and_concurrency
import types
@types.coroutine
def _async_yield(v):
    return (yield v)
async def agenfn():
    while True:
        await _async_yield(1)
    yield
agen = agenfn()
step = agen.asend(None)
print(step.send(None), agen.ag_running, agen.ag_await is not None)
for make in (agen.__anext__, lambda: agen.athrow(ValueError), agen.aclose):
    other = make()
    try:
        other.send(None)
    except RuntimeError as e:
        print(e)
async def gen():
    yield 1
g = gen()
closing = g.aclose()
try:
    closing.send(None)
except StopIteration:
    print("closed")
try:
    closing.send(None)
except RuntimeError as e:
    print(e)
print(gen().ag_await, gen().ag_running)
