# %% coroutine_answers_to_coroutine_type_checks
# test_coroutines' run_async asserts `coro.__class__ in {GeneratorType, CoroutineType}`.
import inspect, types
async def f():
    return 1
c = f()
print(c.__class__ is types.CoroutineType, isinstance(c, types.CoroutineType), inspect.iscoroutine(c))
def g():
    yield 1
print(g().__class__ is types.GeneratorType, isinstance(g(), types.GeneratorType))
async def ag():
    yield 1
print(isinstance(ag(), types.AsyncGeneratorType), inspect.isasyncgen(ag()))
print(isinstance(f, types.FunctionType), inspect.isfunction(f), f.__class__ is types.FunctionType)
c.close()
# %% coroutine_messages_name_the_coroutine
# CPython's messages use the type's name: 'coroutine', not a VM class name.
async def f():
    return 1
c = f()
for action in (lambda: list(c), lambda: iter(c), lambda: c.send(1)):
    try:
        action()
    except TypeError as e:
        print(e)
c.close()
async def raises_stop():
    raise StopIteration
try:
    raises_stop().send(None)
except RuntimeError as e:
    print(e)
async def ignores_exit():
    try:
        await types.coroutine(lambda: (yield))()
    except GeneratorExit:
        await types.coroutine(lambda: (yield))()
import types
c = ignores_exit()
c.send(None)
try:
    c.close()
except RuntimeError as e:
    print(e)
# %% copying_a_coroutine_is_refused
import copy
async def f():
    pass
c = f()
try:
    copy.copy(c)
except TypeError as e:
    print("TypeError", e)
c.close()
# %% yield_from_a_coroutine_in_a_plain_generator
async def bar():
    return 10
coro = bar()
def foo():
    yield from coro
try:
    list(foo())
except TypeError as e:
    print(e)
coro.close()
# %% types_coroutine_marks_a_vm_generator_function
# types.coroutine flags the generator function's code CO_ITERABLE_COROUTINE in place, and
# C code (anext's awaitable) must be able to await the generator it makes.
import types, asyncio
@types.coroutine
def nop():
    yield
def gen():
    yield
print(types.coroutine(gen) is gen, bool(gen.__code__.co_flags & 0x100))
async def spam():
    await nop()
    return "spam"
@types.coroutine
def bar():
    return (yield from spam())
print(list(bar()))
class It:
    def __aiter__(self):
        return self
    @types.coroutine
    def __anext__(self):
        yield from ()
        return 42
async def main():
    return await anext(It())
result = asyncio.run(main())
# %% type_call_names_the_callers_module
# type(name, bases, ns) takes __module__ from the calling frame's globals; test_descr's
# subtests print such instances, so their repr must name the program's module.
def make():
    return type('A', (), {'__add__': lambda self, other: NotImplemented})
A = make()
class M(type):
    def __new__(mcls, name, bases, ns):
        return super().__new__(mcls, name, bases, ns)
B = M('B', (), {})
C = type.__new__(type, 'C', (), {})
print(A.__module__, B.__module__, C.__module__, repr(A()).split(' at')[0], type(3))
try:
    A() + A()
except TypeError as e:
    print(e)
# %% await_rejects_what_await_returns
# __await__ must return an iterator; 3.15's messages name both types.
class NoIterator:
    def __await__(self):
        return None
made = []
class ReturnsCoroutine:
    def __await__(self):
        made.append(coro_fn())
        return made[-1]
async def coro_fn():
    return 1
async def use(awaitable):
    return await awaitable
for awaitable in (NoIterator(), ReturnsCoroutine()):
    c = use(awaitable)
    try:
        c.send(None)
    except TypeError as e:
        print(str(e).replace("__main__.", ""))
made[0].close()
