# %% globals_dict_subclass_getitem_and_missing
# LOAD_GLOBAL reads a dict-subclass globals as a mapping (its __getitem__/__missing__);
# STORE_GLOBAL/DELETE_GLOBAL and exec's __builtins__ use the dict API, not the overrides.
class Globals(dict):
    def __missing__(self, key):
        return "missing:" + key
    def __setitem__(self, key, value):
        print("setitem", key)
        dict.__setitem__(self, key, value)
source = """
def f():
    return undefined_in_function
def g():
    global stored
    stored = 1
    del stored
    return len
r1 = f()
r2 = g() is len
r3 = undefined_at_module_level
"""
g = Globals()
exec(compile(source, "<s>", "exec"), g)
class Magic(dict):
    def __getitem__(self, key):
        if key == "magic":
            return 42
        return dict.__getitem__(self, key)
g2 = Magic()
exec("def h():\n    return magic\nr = h()", g2)
result = (g["r1"], g["r2"], g["r3"], g2["r"])
# %% exec_code_with_closure
def outer():
    x = 1
    def inner():
        print("x is", x)
        return x
    return inner
fn = outer()
exec(fn.__code__, {}, closure=fn.__closure__)
for bad in (None, (), (1,), [fn.__closure__[0]]):
    try:
        exec(fn.__code__, {}, closure=bad)
    except TypeError as e:
        print(e)
for attempt in (lambda: exec("x = 1", {}, closure=fn.__closure__),
                lambda: exec(compile("y = 1", "<s>", "exec"), {}, closure=fn.__closure__),
                lambda: eval(fn.__code__)):
    try:
        attempt()
    except TypeError as e:
        print(e)
# %% exec_eval_namespace_checks
import collections
for args in (("1", []), ("1", {}, 5), ("1", collections.UserDict())):
    for fn in (exec, eval):
        try:
            fn(*args)
        except TypeError as e:
            print(fn.__name__, e)
# %% exec_eval_with_mapping_locals
import collections
class Recorder(collections.UserDict):
    # Reads are not printed: the tracer (test_vm_trace) reads the locals mapping too.
    def __getitem__(self, key):
        if key == "magic":
            return 7
        return super().__getitem__(key)
    def __setitem__(self, key, value):
        print("set", key)
        super().__setitem__(key, value)
m = Recorder(a=1)
exec("b = a + magic\nc = [b for _ in 'x']", {}, m)
result = sorted(m.items()), eval("a * 10 + magic", {}, m)
# %% eval_of_top_level_await_makes_a_coroutine
import ast
import asyncio
flags = ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
async def value():
    return 5
ns = {"value": value}
code = compile("x = await value()\nprint('inside', x)", "<s>", "exec", flags=flags)
coro = eval(code, ns)
print(hasattr(coro, "send"), "x" in ns)
asyncio.run(coro)
expr = compile("await value() + 1", "<s>", "eval", flags=flags)
result = ns["x"], asyncio.run(eval(expr, ns))
# %% frame_builtins_in_function_comprehension
def f(p):
    y = 2
    return ([sorted(locals()) for x in range(1)], [dir() for x in range(1)],
            [eval("x + y") for x in range(2)], [sorted(vars()) for x in range(1)])
try:
    result = f(0)
except NameError as e:   # 3.11 runs the comprehension in a frame of its own
    result = str(e)
# %% frame_builtins_in_module_comprehension (3.12+)
in_module = 1
found = [(sorted(locals())[-2:], dir()[-2:], eval("x"), sorted(vars())[-2:]) for x in range(2)]
result = found, "x" in globals()
# %% frame_builtins_in_class_comprehension (3.12+)
class C:
    z = 3
    found = [(sorted(locals())[-2:], eval("x"), dir()[-2:]) for x in range(1)]
result = C.found
# %% zero_argument_super_with_deleted_first_argument
class A:
    def f(self):
        return "A.f"
class B(A):
    def attr(self):
        del self
        return super().f()
    def bare(self):
        del self
        return super()
    def cell(self):
        del self
        g = lambda: self
        return super()
    def ok(self):
        return super().f()
for name in ("attr", "bare", "cell", "ok"):
    try:
        print(name, getattr(B(), name)())
    except (RuntimeError, UnboundLocalError, NameError) as e:
        print(name, type(e).__name__, e)
# %% zero_argument_super_errors
class C:
    def m(*args):
        return super().__repr__
    def n():
        return super()
for fn in (lambda: C().m(), lambda: C.n()):
    try:
        fn()
    except RuntimeError as e:
        print(type(e).__name__, e)
def outside():
    return super()
try:
    outside()
except RuntimeError as e:
    print(e)
