# %% super_when_self_is_captured
class Base:
    def value(self): return "base"
class Child(Base):
    def value(self):
        helper = lambda: self
        return super().value() + "+" + type(helper()).__name__
result = Child().value()
# %% super_in_init_subclass_chain
class A:
    def __init_subclass__(cls, **kw):
        super().__init_subclass__()
        cls.tag = kw.get("tag", "none")
class B(A, tag="b"):
    pass
class C(B):
    pass
result = (B.tag, C.tag)
# %% comprehension_exception_restores_variable
x = "kept"
try:
    [1 / x for x in (1, 0)]
except ZeroDivisionError:
    pass
result = x
# %% comprehension_in_class_cannot_see_class_variable
class C:
    y = 5
    values = [y for _ in range(2)]
# %% comprehension_with_walrus_in_function
def f(xs):
    total = 0
    vals = [total := total + x for x in xs]
    return vals, total
result = f([1, 2, 3])
# %% lambda_in_comprehension_closure
def f():
    return [lambda: i for i in range(3)]
result = [g() for g in f()]
# %% nested_comprehension_with_outer_variable
def f(n):
    return [[i * j for j in range(n)] for i in range(n)]
result = f(3)
# %% generator_with_with_statement
class CM:
    def __enter__(self): print("enter"); return self
    def __exit__(self, *a): print("exit", a[0]); return False
def g():
    with CM():
        yield 1
        yield 2
result = list(g())
# %% generator_close_inside_with
class CM:
    def __enter__(self): return self
    def __exit__(self, et, ev, tb): print("exit with", et.__name__); return False
def g():
    with CM():
        yield 1
it = g()
next(it)
it.close()
# %% try_except_inside_generator_yield_from
def inner():
    yield 1
    raise ValueError("inner failure")
def outer():
    try:
        yield from inner()
    except ValueError as e:
        yield f"recovered: {e}"
result = list(outer())
# %% nested_fstrings_and_conversions
items = {"a": 1.5, "b": 22.25}
result = [f"{k!r:>5}:{v:08.3f}:{f'{v:.0f}':>3}" for k, v in items.items()]
# %% fstring_debug_expressions
x, y = 3, "s"
result = f"{x + 1 = }, {y=!r}, {x*2=:>4}"
# %% deeply_nested_try_finally
def f():
    out = []
    try:
        try:
            try:
                raise KeyError("k")
            finally:
                out.append(1)
        except KeyError:
            out.append(2)
            raise ValueError("v")
        finally:
            out.append(3)
    except ValueError as e:
        out.append(repr(e.__context__))
    return out
result = f()
# %% return_from_except_and_finally_order
def f():
    try:
        raise ValueError
    except ValueError:
        return "from except"
    finally:
        print("finally runs")
result = f()
# %% continue_in_finally_loop
out = []
for i in range(3):
    try:
        out.append(i)
    finally:
        if i == 1:
            continue
        out.append(-i)
result = out
# %% exception_group_nested_split
eg = ExceptionGroup("outer", [ValueError(1), ExceptionGroup("inner", [TypeError(2), ValueError(3)])])
try:
    raise eg
except* ValueError as m:
    print("matched", repr(m))
except* TypeError as m:
    print("types", repr(m))
# %% except_star_raises_new
try:
    try:
        raise ExceptionGroup("g", [ValueError("a")])
    except* ValueError:
        raise KeyError("new")
except ExceptionGroup as e:
    result = (type(e).__name__, [type(x).__name__ for x in e.exceptions])
except KeyError as e:
    result = ("KeyError", repr(e))
# %% keyword_arguments_order_and_names
def f(**kw):
    return list(kw)
result = f(z=1, a=2, m=3)
# %% class_with_property_and_super_property
class A:
    @property
    def name(self): return "A"
class B(A):
    @property
    def name(self): return "B<" + super().name + ">"
result = B().name
# %% classmethod_alternative_constructor
class Date:
    def __init__(self, y, m): self.y, self.m = y, m
    @classmethod
    def parse(cls, text):
        y, m = map(int, text.split("-"))
        return cls(y, m)
    def __repr__(self): return f"Date({self.y}, {self.m})"
class MyDate(Date):
    pass
result = (Date.parse("2024-05"), type(MyDate.parse("1999-12")).__name__)
# %% chained_comparison_with_side_effects
def v(x):
    print("eval", x)
    return x
result = v(1) < v(2) < v(0) < v(5)
# %% large_extended_arg_jump
total = 0
for i in range(3):
    if i == 1:
        total += 1; total += 2; total += 3; total += 4; total += 5; total += 6; total += 7; total += 8
        total += 1; total += 2; total += 3; total += 4; total += 5; total += 6; total += 7; total += 8
        total += 1; total += 2; total += 3; total += 4; total += 5; total += 6; total += 7; total += 8
        total += 1; total += 2; total += 3; total += 4; total += 5; total += 6; total += 7; total += 8
        total += 1; total += 2; total += 3; total += 4; total += 5; total += 6; total += 7; total += 8
        total += 1; total += 2; total += 3; total += 4; total += 5; total += 6; total += 7; total += 8
        total += 1; total += 2; total += 3; total += 4; total += 5; total += 6; total += 7; total += 8
        total += 1; total += 2; total += 3; total += 4; total += 5; total += 6; total += 7; total += 8
result = total
# %% many_locals_extended_arg
src_names = [f"v{i}" for i in range(300)]
ns = {}
exec("def f():\n" + "".join(f"    {n} = {i}\n" for i, n in enumerate(src_names)) + "    return v299 + v0\n", ns)
result = ns["f"]()
# %% annotations_module_level
x: int = 5
y: "str"
result = __annotations__
# %% global_in_class_body
counter = 0
class C:
    global counter
    counter = 10
result = counter
# %% star_args_with_generator
def f(*a):
    return a
result = f(*(i for i in range(3)), *"ab")
# %% unpack_dict_keys_and_set
a, b = {"x": 1, "y": 2}
result = (a, b)
# %% method_resolution_with_getattribute
class Tracker:
    def __init__(self): self.log = []
    def __getattribute__(self, name):
        if name != "log":
            object.__getattribute__(self, "log").append(name)
        return object.__getattribute__(self, name)
    def method(self): return 1
t = Tracker()
t.method()
result = t.log
