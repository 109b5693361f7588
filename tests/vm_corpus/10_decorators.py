# %% simple_decorator
def shout(fn):
    def wrapper(*a, **k):
        return fn(*a, **k).upper()
    return wrapper
@shout
def greet(name):
    return f"hello {name}"
result = greet("vm")
# %% functools_wraps
import functools
def logged(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        """wrapper doc"""
        print("calling", fn.__name__)
        return fn(*args, **kwargs)
    return wrapper
@logged
def add(a, b=1):
    """Add two numbers."""
    return a + b
result = (add(2), add.__name__, add.__qualname__, add.__doc__, add.__wrapped__(5, 5), add.__module__)
# %% decorator_with_arguments
def repeat(times):
    def deco(fn):
        def wrapper(*a):
            return [fn(*a) for _ in range(times)]
        return wrapper
    return deco
@repeat(3)
def tick(x):
    return x
result = tick("t")
# %% stacked_decorators_order
def tag(name):
    def deco(fn):
        def wrapper():
            return f"<{name}>{fn()}</{name}>"
        return wrapper
    return deco
@tag("b")
@tag("i")
def text():
    return "hi"
result = text()
# %% lru_cache_on_vm_function
import functools
calls = []
@functools.lru_cache(maxsize=None)
def slow_square(n):
    calls.append(n)
    return n * n
result = ([slow_square(i % 3) for i in range(6)], calls, slow_square.cache_info().hits)
# %% functools_partial_and_reduce
import functools
def power(base, exp):
    return base ** exp
square = functools.partial(power, exp=2)
result = (square(7), functools.reduce(lambda a, b: a * b, range(1, 6)), list(map(square, [1, 2])))
# %% method_decorator
def validate(fn):
    def wrapper(self, x):
        if x < 0:
            raise ValueError(f"{fn.__name__}: negative")
        return fn(self, x)
    return wrapper
class Account:
    def __init__(self): self.balance = 0
    @validate
    def deposit(self, x):
        self.balance += x
        return self.balance
a = Account()
a.deposit(5)
result = a.deposit(10)
a.deposit(-1)
# %% class_based_decorator
class CountCalls:
    def __init__(self, fn):
        self.fn = fn
        self.count = 0
    def __call__(self, *a):
        self.count += 1
        return self.fn(*a)
@CountCalls
def hi():
    return "hi"
hi(); hi()
result = hi.count
# %% decorator_evaluation_order
def d(label):
    print("evaluate", label)
    def deco(fn):
        print("apply", label)
        return fn
    return deco
@d("outer")
@d("inner")
def f():
    pass
# %% singledispatch
import functools
@functools.singledispatch
def describe(x):
    return "thing"
@describe.register
def _(x: int):
    return "int"
@describe.register(list)
def _(x):
    return "list"
result = (describe(1), describe([]), describe("s"))
# %% cached_property
import functools
class Data:
    def __init__(self): self.computed = 0
    @functools.cached_property
    def value(self):
        self.computed += 1
        return 42
d = Data()
result = (d.value, d.value, d.computed)
# %% wraps_preserves_dict
import functools
def mark(fn):
    fn.marked = True
    return fn
def passthrough(fn):
    @functools.wraps(fn)
    def w(*a):
        return fn(*a)
    return w
@passthrough
@mark
def g():
    return 1
result = (g.marked, g(), g.__wrapped__.__name__)
# %% inspect_signature_of_vm_functions
import inspect
def f(a, b: int = 2, /, c=3, *args, d, e: str = "e", **kw) -> bool:
    pass
def g(): pass
class C:
    def m(self, x, *, y=1): pass
result = (str(inspect.signature(f)), str(inspect.signature(g)), str(inspect.signature(C().m)),
          str(inspect.signature(lambda *a, **k: 0)), list(inspect.signature(f).parameters))
# %% inspect_generator_state
import inspect
def gen():
    yield 1
    yield 2
g = gen()
states = [inspect.getgeneratorstate(g)]
next(g)
states.append(inspect.getgeneratorstate(g))
list(g)
states.append(inspect.getgeneratorstate(g))
result = states
