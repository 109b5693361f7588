# %% small_ints_and_larger_constants
# 3.14 loads 0..255 with LOAD_SMALL_INT (the value is the argument), anything else with LOAD_CONST.
values = [0, 1, 7, 255, 256, -1, 1000, 2 ** 8]
print(values, sum(values), 255 + 1, 256 - 1)
def f(a=255, b=256):
    return a + b, a * 0, -a
print(f(), f(0, 0))
result = [n for n in range(250, 260) if n % 3 == 0]
# %% fast_local_pairs
# LOAD_FAST_BORROW and LOAD_FAST_BORROW_LOAD_FAST_BORROW (3.14): reading locals, singly and in pairs.
def mix(a, b, c):
    x = a + b
    y = b * c
    return x - y, (a, b), [c, a]
def swap(p, q):
    p, q = q, p
    return p, q
print(mix(1, 2, 3), swap("p", "q"))
result = [mix(i, i + 1, i + 2) for i in range(3)]
# %% assert_uses_the_real_assertion_error
# `assert` raises the builtin AssertionError (LOAD_COMMON_CONSTANT 0 in 3.14), whatever the
# program calls AssertionError.
def check(v, message=None):
    try:
        if message is None:
            assert v
        else:
            assert v, message
        print("ok", v)
    except AssertionError as e:
        print("failed", repr(e))
check(1)
check(0)
check([], "empty list")
check("", {"detail": 1})
AssertionError = ValueError
try:
    assert False, "global name shadowed"
except BaseException as e:
    print(type(e).__name__, e)
# %% all_any_tuple_of_generators
# 3.14 inlines all()/any()/tuple() of a generator expression, guarded by LOAD_COMMON_CONSTANT
# and IS_OP: the loop stops where the builtin would, and a shadowed name still wins.
print(all(x > 0 for x in [1, 2, 3]), all(x > 1 for x in [1, 2]), all(x for x in []))
print(any(x == 2 for x in [1, 2, 3]), any(x for x in []), any(x > 5 for x in range(3)))
print(tuple(x * 2 for x in range(4)), tuple(c for c in "ab"))
print(all(print("saw", x) or x < 2 for x in range(5)))
print(any(print("saw", x) or x == 1 for x in range(5)))
def shadowed():
    all = lambda it: "shadow " + str(list(it))
    return all(x for x in (1, 2))
print(shadowed())
def uses_global():
    return any(x for x in (0, 0, 3))
any = lambda it: "global any " + str(sum(it))
print(uses_global())
# %% for_loops_leave_no_iterator_behind
# FOR_ITER keeps the exhausted iterator for POP_ITER (3.14); break, return, continue and
# exceptions leave the loop with the stack as it was.
def first_even(xs):
    for x in xs:
        if x % 2 == 0:
            return x
    return None
print(first_even([1, 3, 4, 5]), first_even([1, 3]))
for i in range(3):
    for j in range(3):
        if j == 1:
            continue
        if i == 2:
            break
        print(i, j)
    else:
        print("inner finished", i)
else:
    print("outer finished")
total = 0
for k, v in {"a": 1, "b": 2}.items():
    total += v
    try:
        if k == "b":
            raise KeyError(k)
    except KeyError as e:
        print("caught", e)
print(total)
class Countdown:
    def __init__(self, n): self.n = n
    def __iter__(self): return self
    def __next__(self):
        if self.n == 0:
            raise StopIteration
        self.n -= 1
        return self.n
for v in Countdown(3):
    print("count", v)
else:
    print("countdown done")
class NotAnIterator:
    def __iter__(self): return 42
try:
    for v in NotAnIterator():
        pass
except TypeError as e:
    print(e)
result = [(a, b) for a in range(3) for b in "xy" if a != 1]
# %% for_loop_over_generator_that_cleans_up
def gen():
    try:
        yield 1
        yield 2
        yield 3
    finally:
        print("gen cleaned up")
for v in gen():
    print("got", v)
    if v == 2:
        break
def consume():
    for v in gen():
        if v == 1:
            return "returned early"
print(consume())
def relay():
    got = yield from gen()
    print("relay done", got)
    return "relay result"
print(list(relay()))
g = (x * x for x in range(4))
print(next(g), list(g), list(g))
# %% with_looks_up_special_methods_on_the_type
# LOAD_SPECIAL (3.14) looks __exit__ then __enter__ up on the type, never on the instance.
class OnInstance:
    def __init__(self):
        self.__enter__ = lambda: "instance enter"
        self.__exit__ = lambda *a: None
try:
    with OnInstance():
        print("not reached")
except TypeError as e:
    print("TypeError:", e)
class EnterOnly:
    def __enter__(self): return self
try:
    with EnterOnly():
        print("not reached")
except TypeError as e:
    print("TypeError:", e)
for obj in (42, [], None):
    try:
        with obj:
            pass
    except TypeError as e:
        print("TypeError:", e)
class Outer:
    class Inner:
        def __exit__(self, *a): pass
try:
    with Outer.Inner():
        pass
except TypeError as e:
    print("TypeError:", e)
class AsyncOnly:
    async def __aenter__(self): return self
    async def __aexit__(self, *a): return False
try:
    with AsyncOnly():
        pass
except TypeError as e:
    print("TypeError:", e)
# %% with_exit_descriptors
# The exit method may be a function (pushed unbound with self), a staticmethod or classmethod
# (bound through __get__, self slot NULL) or a callable that is not a descriptor at all.
class Recorder:
    def __call__(self, *args):
        print("callable exit got", len(args), "arguments")
        return True
class Mixed:
    @classmethod
    def __enter__(cls):
        print("classmethod enter", cls.__name__)
        return "entered"
    @staticmethod
    def __exit__(kind, value, tb):
        print("staticmethod exit", kind.__name__ if kind else None)
        return kind is KeyError
with Mixed() as v:
    print("body", v)
with Mixed():
    raise KeyError("suppressed")
class CallableExit:
    def __enter__(self): return self
    __exit__ = Recorder()
with CallableExit():
    raise ValueError("suppressed by callable")
import io
with io.StringIO("text") as stream:
    print(stream.read())
print(stream.closed)
# %% with_exit_sees_the_exception_and_traceback
class Inspect:
    def __enter__(self): return self
    def __exit__(self, kind, value, tb):
        print(kind.__name__ if kind else None, repr(value), tb is not None if kind else tb)
        return True
with Inspect():
    pass
with Inspect():
    {}["missing"]
with Inspect(), Inspect():
    1 / 0
def nested():
    with Inspect():
        with Inspect():
            raise RuntimeError("inner")
        raise LookupError("outer")
    return "finished"
print(nested())
# %% async_with_special_methods
import asyncio
class ACM:
    async def __aenter__(self):
        print("aenter")
        return "value"
    async def __aexit__(self, kind, value, tb):
        print("aexit", kind.__name__ if kind else None)
        return kind is KeyError
class SyncOnly:
    def __enter__(self): return self
    def __exit__(self, *a): return False
class AEnterOnly:
    async def __aenter__(self): return self
async def main():
    async with ACM() as v:
        print("body", v)
    async with ACM():
        raise KeyError("swallowed")
    for obj in (SyncOnly(), AEnterOnly(), 3):
        try:
            async with obj:
                pass
        except TypeError as e:
            print("TypeError:", e)
    return "done"
result = asyncio.run(main())
# %% star_calls_with_and_without_keywords
# CALL_FUNCTION_EX: 3.14 always pushes a kwargs slot (a dict, or NULL without **).
def show(*args, **kwargs):
    return args, sorted(kwargs.items())
args = [1, 2]
print(show(*args), show(*args, **{"k": 3}), show(**{"only": 1}))
print(show(*(x for x in "ab")), show(0, *args, 9, key=1, **{"other": 2}))
class Box:
    def method(self, *a, **k):
        return len(a), k
print(Box().method(*[1, 2, 3]), Box().method(*(), **{"x": 1}))
print(*[1, 2, 3], sep="-")
for bad in (lambda: show(*5), lambda: show(**[1]), lambda: show(**{"a": 1}, **{"a": 2})):
    try:
        bad()
    except TypeError as e:
        print("TypeError:", e)
# %% subscripts_are_binary_ops
# BINARY_SUBSCR became BINARY_OP 26 (NB_SUBSCR) in 3.14; constant slices are folded.
xs = [10, 20, 30, 40]
d = {"k": 1, (1, 2): "tuple key"}
s = "hello"
print(xs[0], xs[-1], xs[1:3], xs[::2], xs[1:], s[1], s[-3:], d["k"], d[1, 2])
d["k"] += 5
xs[0] += 1
xs[1:3] = ["a", "b", "c"]
print(d, xs)
i, j = 1, 3
xs[i:j] = ["z"]
del xs[i:]
print(xs, xs[i - 1:j], s[j:])
class Grid:
    def __getitem__(self, key):
        return ("item", key)
    def __class_getitem__(cls, key):
        return ("class item", key)
g = Grid()
print(g[1], g[1:2], g[1, ...], Grid[int])
matrix = [[1, 2], [3, 4]]
print(matrix[1][0], [row[1] for row in matrix])
five = 5
for bad in (lambda: five[0], lambda: xs[100], lambda: d["nope"], lambda: s["x"]):
    try:
        bad()
    except (TypeError, IndexError, KeyError) as e:
        print(type(e).__name__, e)
# %% unpacking_error_messages
# 3.14 says how many values there were when the container knows its length.
for value in ([1, 2, 3], (1, 2, 3, 4), {1: "a", 2: "b", 3: "c"}, iter([1, 2, 3]), "abc", [1]):
    try:
        a, b = value
        print("unpacked", a, b)
    except ValueError as e:
        print(e)
try:
    a, *b, c = [1]
except ValueError as e:
    print(e)
# %% function_annotations
def f(a: int, b: "str" = "x", *args: float, key: list[int] = None, **kw: dict) -> tuple:
    return a
print(f.__annotations__)
print(sorted(f.__annotations__))
def plain(a, b=1):
    return a
print(plain.__annotations__)
import inspect
print(inspect.signature(f))
f.__annotations__ = {"replaced": bool}
print(f.__annotations__)
def dynamic(x: 1 + 2, y: [i for i in range(3)]): pass
print(dynamic.__annotations__)
class Methods:
    def m(self, other: "Methods") -> None: pass
print(Methods.m.__annotations__)
# %% class_and_module_annotations
class Point:
    x: int
    y: int = 0
    label: "str" = "origin"
print(Point.__annotations__, Point.y, Point.label, hasattr(Point, "x"))
class Scoped:
    Alias = list
    items: Alias[int]
print(Scoped.__annotations__)
class Empty:
    pass
print(Empty.__annotations__)
class Child(Point):
    z: float
print(Child.__annotations__)
# %% future_annotations_stay_strings
# With the future import, annotations are strings stored eagerly (SETUP_ANNOTATIONS for the
# module and class namespaces), on every version.
from __future__ import annotations
count: int = 3
class Record:
    name: str
    size: list[int] = []
def f(a: Record, b: int = 1) -> dict[str, int]:
    return {}
print(__annotations__, Record.__annotations__, f.__annotations__)
# %% annotations_are_evaluated_lazily (3.14+)
# PEP 649/749: annotations are computed when first asked for, by __annotate__.
def uses_later(x: Later) -> Later:
    return x
class Later:
    pass
print(uses_later.__annotations__)
print(uses_later.__annotate__.__name__, uses_later.__annotate__(1))
try:
    uses_later.__annotate__(2)
except NotImplementedError as e:
    print("NotImplementedError", e)
calls = []
def counted() -> int:
    pass
def noisy_annotate(format):
    calls.append(format)
    return {"noisy": format}
counted.__annotate__ = noisy_annotate
print(counted.__annotations__, counted.__annotations__, calls)
del counted.__annotations__
print(counted.__annotations__, counted.__annotate__)
class Node:
    parent: Node
    children: list[Node]
print(Node.__annotations__)
def broken(x: Undefined): pass
try:
    broken.__annotations__
except NameError as e:
    print("NameError", e)
# %% annotate_function_names (3.14+)
def f(a: int): pass
class C:
    def m(self) -> None: pass
    field: int
print(f.__annotate__.__qualname__, C.m.__annotate__.__qualname__)
print(callable(C.__annotate__), sorted(C.__annotate__(1)))
import functools
@functools.wraps(f)
def wrapper(*args):
    return f(*args)
print(wrapper.__annotations__)
# %% module_annotations (3.14+)
# A module's annotations are computed by the module-level __annotate__ the compiler stores,
# including only the conditional ones whose code ran.
x: int = 1
y: str
if x:
    z: float = 2.0
else:
    w: bytes
print(sorted(__annotate__(1).items()))
print(x, "y" in dir(), "z" in dir())
# %% docstrings_and_first_constants
def documented():
    "the docstring"
    return 1
def not_documented():
    return "a constant, not a docstring"
def late_string():
    x = 1
    "an expression statement, not a docstring"
    return x
class Doc:
    "class doc"
    def method(self):
        """method doc"""
print(documented.__doc__, not_documented.__doc__, late_string.__doc__)
print(Doc.__doc__, Doc.method.__doc__, (lambda: "lambda value").__doc__)
# %% template_strings (3.14+)
name = "World"
n = 3
t = t"Hello {name}! {n:>4} {n!r} {name!a:{'^'}{10}}"
print(type(t).__name__, t.strings)
print([(i.value, i.expression, i.conversion, i.format_spec) for i in t.interpolations])
print(t.values)
print(list(t))
print(t"".strings, t"".interpolations)
print(t"{1}{2}".strings, t"a" t"b{n}c".strings)
print(t"{n=}".strings, t"{n = }".interpolations[0].conversion)
print(t"{n!s:{'>'}3}".interpolations[0].format_spec)
# %% template_string_rendering (3.14+)
from string.templatelib import Interpolation, Template
def render(template):
    parts = []
    for item in template:
        if isinstance(item, Interpolation):
            value = item.value
            if item.conversion == "r":
                value = repr(value)
            elif item.conversion == "s":
                value = str(value)
            elif item.conversion == "a":
                value = ascii(value)
            parts.append(format(value, item.format_spec))
        else:
            parts.append(item)
    return "".join(parts)
price = 9.5
item = "café"
print(render(t"{item!a} costs {price:.2f} ({price!r})"))
combined = t"start " + t"{price}"
print(isinstance(combined, Template), combined.strings, render(combined))
print([render(t"{i:03d}") for i in range(3)])
try:
    t"x" + "y"
except TypeError as e:
    print("TypeError:", e)
# %% iterating_sequences_and_iterators
# 3.15 reads exact lists, tuples, str and bytes by index (GET_ITER pushes the sequence and 0);
# other iterables still get an iterator. Both must see a list that changes during the loop.
for seq in ([1, 2], (3, 4), "ab", b"xy", range(2), {"k": 1}, {5}):
    print(type(seq).__name__, [item for item in seq])
grow = [1, 2, 3]
for item in grow:
    if item < 3:
        grow.append(item * 10)
    print("grow", item)
shrink = [1, 2, 3, 4]
for item in shrink:
    shrink.remove(item)
print("shrink", shrink)
class MyList(list):
    def __iter__(self):
        print("custom __iter__")
        return super().__iter__()
class SelfIter:
    def __init__(self): self.n = 0
    def __iter__(self):
        print("SelfIter.__iter__")
        return self
    def __next__(self):
        self.n += 1
        if self.n > 2:
            raise StopIteration
        return self.n
print([x for x in MyList([7, 8])], [x for x in SelfIter()])
print(sum(x for x in (1, 2, 3)), "".join(c.upper() for c in "abc"), list(map(str, [1, 2])))
# %% yield_from_sequences_and_generators
# `yield from` a list, tuple or str (3.15: SEND reads it by index), and from a generator.
def inner():
    got = yield "inner 1"
    print("inner got", got)
    return "inner result"
def outer():
    r1 = yield from [1, 2]
    r2 = yield from (3,)
    r3 = yield from "ab"
    r4 = yield from inner()
    print("results", r1, r2, r3, r4)
    return "outer result"
g = outer()
print(next(g), next(g), next(g), next(g), next(g), next(g))
print(g.gi_yieldfrom is not None)
try:
    g.send("sent")
except StopIteration as stop:
    print("stopped with", stop.value)
def delegating():
    yield from [1, 2, 3]
d = delegating()
print(next(d))
try:
    d.send("not None")
except AttributeError as e:
    print("AttributeError", e)
def closer():
    try:
        yield from ["a", "b"]
    finally:
        print("closer finally")
c = closer()
print(next(c))
c.close()
import inspect
states = []
def watch():
    states.append(inspect.getgeneratorstate(w))
    yield from (1, 2)
w = watch()
states.append(inspect.getgeneratorstate(w))
print(list(w), states + [inspect.getgeneratorstate(w)])
# %% except_without_parentheses (3.14+)
# PEP 758: several exception types without parentheses (same bytecode as the tuple form).
for exc in (KeyError("k"), ValueError("v"), TypeError("t")):
    try:
        try:
            raise exc
        except ValueError, KeyError:
            print("caught", type(exc).__name__)
    except TypeError as e:
        print("outer caught", repr(e))
# %% annotations_in_bodies_and_dataclasses (3.14+)
class InBody:
    x: int
    try:
        __annotations__  # 3.14 builds them after the body, with __annotate__
    except NameError as e:
        print("inside the body:", e)
class Conditional:
    if True:
        a: int
    else:
        b: str
    for i in range(2):
        c: float
print(InBody.__annotations__, Conditional.__annotations__)
def local_annotations():
    x: int = 5
    y: list[str]
    return x
print(local_annotations(), local_annotations.__annotations__)
import dataclasses
import typing
@dataclasses.dataclass
class Tree:
    value: int
    children: list[Tree] = dataclasses.field(default_factory=list)
print(Tree(1, [Tree(2)]), typing.get_type_hints(Tree))
class Meta(type):
    def __new__(mcls, name, bases, ns):
        cls = super().__new__(mcls, name, bases, ns)
        print("metaclass sees", cls.__annotations__)
        return cls
class Described(metaclass=Meta):
    a: int
    b: Described
