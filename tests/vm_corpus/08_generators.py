# %% simple_generator
def count(n):
    i = 0
    while i < n:
        yield i
        i += 1
result = (list(count(4)), sum(count(10)))
# %% generator_send
def echo():
    received = []
    while True:
        value = yield len(received)
        if value is None:
            break
        received.append(value)
    return received
g = echo()
print(next(g), g.send("a"), g.send("b"))
try:
    g.send(None)
except StopIteration as stop:
    result = stop.value
# %% generator_return_value_stopiteration
def g():
    yield 1
    return "ret"
it = g()
next(it)
next(it)
# %% send_non_none_to_new_generator
def g():
    yield 1
g().send(5)
# %% generator_throw_handled
def g():
    while True:
        try:
            yield "ready"
        except ValueError as e:
            print("generator caught", e)
it = g()
next(it)
result = it.throw(ValueError("boom"))
# %% generator_throw_unhandled
def g():
    yield 1
it = g()
next(it)
it.throw(KeyError("unhandled"))
# %% generator_throw_type_and_value
def g():
    try:
        yield
    except Exception as e:
        yield repr(e)
it = g()
next(it)
result = it.throw(IndexError)
# %% generator_close_runs_finally
def g():
    try:
        yield 1
        yield 2
    finally:
        print("finally in generator")
it = g()
next(it)
it.close()
result = list(it)
# %% generator_close_catches_generatorexit
def g():
    try:
        yield 1
    except GeneratorExit:
        print("got GeneratorExit")
        raise
it = g()
next(it)
it.close()
it.close()
# %% generator_ignores_generatorexit
def g():
    for attempt in range(2):  # ignores the first GeneratorExit, ends on the second
        try:
            yield attempt
        except GeneratorExit:
            print("ignoring GeneratorExit", attempt)
it = g()
next(it)
try:
    it.close()
except RuntimeError as e:
    print(e)
it.close()
print("closed on the second try")
# %% yield_from_list_and_generator
def inner():
    yield 1
    yield 2
    return "inner done"
def outer():
    r = yield from inner()
    print("inner returned", r)
    yield from [3, 4]
    yield from "ab"
result = list(outer())
# %% yield_from_send_delegates
def inner():
    total = 0
    while True:
        v = yield total
        if v is None:
            return total
        total += v
def outer():
    result = yield from inner()
    yield f"final {result}"
g = outer()
next(g)
g.send(5)
g.send(10)
result = g.send(None)
# %% yield_from_throw_delegates
def inner():
    try:
        yield "inner"
    except KeyError:
        yield "inner caught"
def outer():
    yield from inner()
    yield "outer continues"
g = outer()
print(next(g))
print(g.throw(KeyError))
print(next(g))
# %% yield_from_close_delegates
def inner():
    try:
        yield 1
    finally:
        print("inner closed")
def outer():
    try:
        yield from inner()
    finally:
        print("outer closed")
g = outer()
next(g)
g.close()
# %% generator_stopiteration_becomes_runtimeerror
def g():
    yield 1
    raise StopIteration("inside")
list(g())
# %% generator_expression_laziness
log = []
def src():
    for i in range(3):
        log.append(f"produce {i}")
        yield i
gen = (x * 10 for x in src())
log.append("created")
first = next(gen)
log.append(f"got {first}")
result = log
# %% generator_in_native_consumers
def squares(n):
    for i in range(n):
        yield i * i
result = (sorted(squares(4), reverse=True), dict(zip("abc", squares(3))), max(squares(5)), "-".join(map(str, squares(3))))
# %% generator_state_after_exhaustion
def g():
    yield 1
it = g()
result = (list(it), list(it), next(it, "default"))
# %% infinite_generator_with_islice
import itertools
def naturals():
    n = 0
    while True:
        yield n
        n += 1
result = list(itertools.islice(naturals(), 5, 10))
# %% generator_with_exception_state
import sys
def g():
    try:
        raise ValueError("in gen")
    except ValueError:
        yield sys.exc_info()[1]
    yield sys.exc_info()[1]
it = g()
print(repr(next(it)))
print(sys.exc_info()[1])
print(next(it))
# %% generator_running_error
def g():
    yield me.send(None)
me = g()
next(me)
# %% generator_attributes
def gen_fn():
    yield
g = gen_fn()
result = (g.__name__, g.__qualname__, g.gi_running, type(g).__name__ in ("generator", "VMGenerator"))
# %% yield_in_try_finally_loop
def g():
    for i in range(3):
        try:
            yield i
        finally:
            print("after", i)
result = list(g())
# %% generator_pipeline
def numbers():
    yield from range(10)
def evens(xs):
    return (x for x in xs if x % 2 == 0)
def doubled(xs):
    for x in xs:
        yield x * 2
result = list(doubled(evens(numbers())))
# %% yield_expression_values
def g():
    x = yield
    y = yield x * 2
    yield x + y
it = g()
next(it)
print(it.send(3))
print(it.send(4))
# %% yield_from_throw_makes_inner_return
def inner():
    try:
        yield "working"
    except KeyError:
        return "inner gave up"
def outer():
    r = yield from inner()
    print("outer got", r)
    yield "after"
g = outer()
print(next(g))
result = g.throw(KeyError)
# %% yield_from_throw_into_plain_iterator
def outer():
    try:
        yield from iter([1, 2])
    except ValueError as e:
        yield f"outer caught {e}"
g = outer()
print(next(g))
result = g.throw(ValueError("v"))
# %% throw_into_loop_keeps_iterating
def g():
    for i in range(3):
        try:
            yield i
        except ValueError:
            print("caught in loop", i)
it = g()
print(next(it))
print(it.throw(ValueError))
result = list(it)
# %% throw_inside_with_inside_loop
class CM:
    def __enter__(self): return self
    def __exit__(self, et, ev, tb):
        print("exit", et.__name__ if et else None)
        return et is KeyError
def g():
    for i in range(3):
        with CM():
            yield i
it = g()
print(next(it))
print(it.throw(KeyError))
it.throw(IndexError)
# %% nested_yield_from_three_levels_throw
def a():
    try:
        yield "a"
    except LookupError as e:
        return f"a handled {type(e).__name__}"
def b():
    r = yield from a()
    yield r
def c():
    r = yield from b()
    return r
g = c()
print(next(g))
print(g.throw(KeyError))
try:
    next(g)
except StopIteration as s:
    result = s.value
# %% close_nested_yield_from_finally_order
def a():
    try:
        yield 1
    finally:
        print("close a")
def b():
    try:
        yield from a()
    finally:
        print("close b")
g = b()
next(g)
g.close()
result = g.gi_frame is None
# %% send_through_yield_from_to_plain_iterator_fails
def outer():
    yield from iter([1, 2])
g = outer()
next(g)
g.send("not none")
