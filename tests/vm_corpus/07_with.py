# %% with_basic
class CM:
    def __init__(self, name): self.name = name
    def __enter__(self):
        print("enter", self.name)
        return self.name.upper()
    def __exit__(self, et, ev, tb):
        print("exit", self.name, et.__name__ if et else None)
        return False
with CM("a") as v:
    print("body", v)
# %% with_suppresses_exception
class Suppress:
    def __enter__(self): return self
    def __exit__(self, et, ev, tb):
        print("suppressing", repr(ev))
        return True
with Suppress():
    raise ValueError("hidden")
print("after")
# %% with_exception_propagates
class CM:
    def __enter__(self): return self
    def __exit__(self, *exc):
        print("exit sees", exc[0].__name__)
with CM():
    raise KeyError("k")
# %% with_multiple_managers
class CM:
    def __init__(self, n): self.n = n
    def __enter__(self):
        print("in", self.n); return self.n
    def __exit__(self, *a):
        print("out", self.n)
with CM(1) as a, CM(2) as b:
    print("body", a + b)
# %% with_return_inside
class CM:
    def __enter__(self): return self
    def __exit__(self, *a): print("closed")
def f():
    with CM():
        return "value"
result = f()
# %% with_break_in_loop
class CM:
    def __enter__(self): return self
    def __exit__(self, *a): print("exit")
for i in range(3):
    with CM():
        if i == 1:
            break
        print("iter", i)
# %% contextlib_contextmanager
import contextlib
@contextlib.contextmanager
def tag(name):
    print(f"<{name}>")
    try:
        yield name
    finally:
        print(f"</{name}>")
with tag("b") as t:
    print("bold", t)
# %% contextmanager_handles_exception
import contextlib
@contextlib.contextmanager
def catching():
    try:
        yield
    except ZeroDivisionError as e:
        print("caught in cm:", e)
with catching():
    1 / 0
print("continued")
# %% with_not_a_context_manager
with 42:
    pass
# %% with_missing_exit
class OnlyEnter:
    def __enter__(self): return self
with OnlyEnter():
    pass
# %% with_exit_raises
class Bad:
    def __enter__(self): return self
    def __exit__(self, *a): raise RuntimeError("exit failed")
with Bad():
    pass
# %% suppress_and_redirect
import contextlib, io
with contextlib.suppress(KeyError):
    {}["x"]
buf = io.StringIO()
with contextlib.redirect_stdout(buf):
    print("captured")
result = buf.getvalue()
# %% with_enter_result_unpacked
class Pair:
    def __enter__(self): return (1, 2)
    def __exit__(self, *a): pass
with Pair() as (a, b):
    result = a + b
