# %% counter_closure
def make_counter():
    count = 0
    def inc():
        nonlocal count
        count += 1
        return count
    return inc
c = make_counter()
c(); c()
result = c()
# %% closure_shares_cell
def pair():
    value = 0
    def get():
        return value
    def set_(v):
        nonlocal value
        value = v
    return get, set_
get, set_ = pair()
set_(42)
result = get()
# %% argument_is_cell
def adder(n):
    return lambda x: x + n
result = [adder(i)(10) for i in range(3)]
# %% nested_three_levels
def a():
    x = "a"
    def b():
        y = "b"
        def c():
            return x + y
        return c
    return b()()
result = a()
# %% closure_attribute
def outer():
    v = [1]
    def inner():
        return v
    return inner
f = outer()
result = (len(f.__closure__), f.__closure__[0].cell_contents, f.__code__.co_freevars)
# %% free_variable_unbound
def outer():
    def inner():
        return v
    r = inner()
    v = 1
    return r
outer()
# %% nonlocal_in_loop
def accumulate(xs):
    total = 0
    def add(x):
        nonlocal total
        total += x
    for x in xs:
        add(x)
    return total
result = accumulate(range(5))
# %% closure_over_loop_variable
funcs = []
for i in range(3):
    def f():
        return i
    funcs.append(f)
result = [f() for f in funcs]
# %% global_vs_local
x = "global"
def f():
    x = "local"
    def g():
        global x
        return x
    return g(), x
result = f()
# %% del_cell_variable
def f():
    x = 1
    def g():
        return x
    del x
    return g()
f()
# %% class_body_sees_enclosing
def make():
    secret = "s3"
    class K:
        value = secret
        def get(self):
            return secret
    return K
K = make()
result = (K.value, K().get())
# %% decorator_with_closure_state
def counted(fn):
    calls = 0
    def wrapper(*args):
        nonlocal calls
        calls += 1
        return fn(*args), calls
    return wrapper
@counted
def sq(x):
    return x * x
sq(2)
result = sq(3)
