# %% positional_and_keyword
def f(a, b, c=3):
    return (a, b, c)
result = [f(1, 2), f(1, b=5), f(c=0, b=1, a=2), f(*[7, 8]), f(**{"a": 1, "b": 2, "c": 9})]
# %% varargs_and_kwargs
def f(*args, **kwargs):
    return args, sorted(kwargs.items())
result = f(1, 2, x=3, y=4)
# %% positional_only_and_keyword_only
def f(a, b, /, c, *, d, e=5):
    return a + b + c + d + e
result = (f(1, 2, 3, d=4), f(1, 2, c=3, d=4, e=0))
# %% positional_only_passed_as_keyword
def f(a, b, /, c):
    return a
f(a=1, b=2, c=3)
# %% posonly_name_goes_to_kwargs
def f(a, /, **kw):
    return a, kw
result = f(1, a=2)
# %% missing_one_argument
def area(width, height):
    return width * height
area(3)
# %% missing_three_arguments
def f(a, b, c, d=1):
    pass
f()
# %% missing_keyword_only
def f(*, key, other):
    pass
f(other=1)
# %% too_many_positional
def f(a, b):
    pass
f(1, 2, 3)
# %% too_many_positional_with_defaults
def f(a, b=1):
    pass
f(1, 2, 3)
# %% too_many_positional_with_kwonly
def f(a, *, k):
    pass
f(1, 2, k=3)
# %% unexpected_keyword
def f(a):
    pass
f(a=1, bogus=2)
# %% multiple_values
def f(a, b):
    pass
f(1, a=2)
# %% multiple_values_from_double_star
def f(**kw):
    return kw
f(a=1, **{"a": 2})
# %% double_star_not_mapping
def f(**kw):
    pass
f(**[1, 2])
# %% star_not_iterable
def f(*a):
    pass
f(*5)
# %% defaults_evaluated_once
def append_to(x, bucket=[]):
    bucket.append(x)
    return bucket
append_to(1)
result = append_to(2)
# %% mutable_defaults_attribute
def f(a, b=2, *, c=3):
    return a + b + c
f.__defaults__ = (20,)
f.__kwdefaults__ = {"c": 30}
result = (f(1), f.__defaults__, f.__kwdefaults__)
# %% function_attributes
def documented(x: int, y: str = "s") -> bool:
    """The docstring."""
    return True
result = (documented.__name__, documented.__qualname__, documented.__doc__,
          documented.__defaults__, documented.__annotations__, documented.__module__)
# %% no_docstring_and_lambda_doc
def f():
    return "not a docstring"
g = lambda: "also not"
result = (f.__doc__, g.__doc__, g.__name__, f())
# %% recursion
def fact(n):
    return 1 if n <= 1 else n * fact(n - 1)
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)
result = (fact(20), fib(15))
# %% mutual_recursion
def is_even(n):
    return True if n == 0 else is_odd(n - 1)
def is_odd(n):
    return False if n == 0 else is_even(n - 1)
result = (is_even(10), is_odd(7))
# %% keyword_arguments_to_builtins
result = (sorted([3, 1, 2], reverse=True), int("ff", base=16), "x".center(5, "*"),
          dict(a=1, b=2), print("p", end="|\n"))
# %% star_unpacking_in_calls
def f(*args, **kwargs):
    return args, kwargs
a = [1, 2]
b = {"x": 1}
result = f(0, *a, 3, *a, **b, y=2, **{"z": 3})
# %% function_as_value
def apply(fn, *args):
    return fn(*args)
ops = {"add": lambda a, b: a + b, "neg": lambda a: -a}
result = (apply(ops["add"], 2, 3), apply(ops["neg"], 4), apply(max, 1, 9, 3))
# %% lambda_defaults_and_closures
fs = [lambda x, i=i: x + i for i in range(3)]
gs = [lambda x: x + i for i in range(3)]
result = ([f(10) for f in fs], [g(10) for g in gs])
# %% call_non_callable
x = 5
x()
# %% nested_function_qualname
def outer():
    def inner():
        pass
    return inner
result = outer().__qualname__
# %% unbound_local_error
def f():
    print(x)
    x = 1
x = 0
f()
# %% keyword_only_defaults_mixed
def f(a, *args, b=1, c, **kw):
    return a, args, b, c, kw
result = (f(1, c=2), f(1, 2, 3, c=4, b=5, d=6))
# %% many_arguments
def f(a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q, r):
    return a + r
result = f(*range(18))
# %% return_multiple_values
def stats(xs):
    return min(xs), max(xs), sum(xs) / len(xs)
lo, hi, mean = stats([3, 9, 6])
result = (lo, hi, mean)
# %% call_shapes_methods_and_super
class Base:
    def __init__(self, a, b=0, *rest, key=None, **extra):
        self.data = (a, b, rest, key, extra)
class Sub(Base):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, key="sub", **kwargs)
    def show(self, *a, **k):
        return self.data, a, k
s = Sub(1, 2, 3, z=9)
args, kwargs = (1, 2), {"q": 3}
result = (s.show(*args, **kwargs), s.show(1, q=2), Sub(*[5]).data, Base(**{"a": 7}).data)
# %% method_call_keyword_errors
class K:
    def m(self, a):
        return a
K().m(b=1)
# %% builtin_method_with_keywords
d = {}
d.setdefault("k", []).append(1)
result = ("a,b,,c".split(",", maxsplit=2), sorted({"b": 1, "a": 2}.items(), key=lambda kv: kv[1], reverse=True), d)
# %% deep_recursion_within_limit
def depth(n):
    return 0 if n == 0 else 1 + depth(n - 1)
result = depth(600)
# %% runaway_recursion
def forever(n):
    return forever(n + 1)
forever(0)
