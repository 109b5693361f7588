# %% vm_functions_as_native_callbacks
people = [("ann", 31), ("bob", 25), ("cy", 35)]
result = (sorted(people, key=lambda p: p[1]), list(map(lambda p: p[0].title(), people)),
          list(filter(lambda p: p[1] > 30, people)), max(people, key=lambda p: len(p[0])))
# %% callback_raises_through_native
def bad_key(x):
    if x == 2:
        raise ValueError(f"cannot rank {x}")
    return x
sorted([3, 2, 1], key=bad_key)
# %% native_calls_dunder_methods
class Box:
    def __init__(self, v): self.v = v
    def __len__(self): return self.v
    def __contains__(self, x): return x == self.v
    def __hash__(self): return self.v
    def __eq__(self, o): return isinstance(o, Box) and o.v == self.v
result = (len(Box(3)), 3 in Box(3), len({Box(1), Box(1), Box(2)}), bool(Box(0)))
# %% reduce_and_accumulate_with_vm_functions
import functools, itertools
result = (functools.reduce(lambda acc, x: acc + [x * 2], [1, 2, 3], []),
          list(itertools.accumulate([1, 2, 3, 4], lambda a, b: a * b)),
          list(itertools.starmap(lambda a, b: a - b, [(5, 1), (9, 3)])))
# %% locals_and_globals_builtins
g_value = 1
def f(a):
    b = a * 2
    return sorted(locals().items())
result = (f(3), "g_value" in globals(), sorted(k for k in vars() if k == "f"))
# %% exec_and_eval_in_program
ns = {}
exec("x = 6 * 7\ndef twice(v):\n    return v * 2", ns)
y = eval("x + 1", ns)
z = eval("twice(21)", ns)
w = eval("a + b", {"a": 1}, {"b": 2})
result = (ns["x"], y, z, w)
# %% eval_sees_enclosing_locals
def f():
    local_value = 10
    return eval("local_value * 2")
result = f()
# %% delete_global
counter = 1
def reset():
    global counter
    del counter
reset()
result = "counter" in globals()
# %% delete_missing_global
def f():
    global never_defined
    del never_defined
f()
# %% while_not_none_loop
class Node:
    def __init__(self, v, nxt=None): self.v, self.nxt = v, nxt
node = Node(1, Node(2, Node(3)))
values = []
while node is not None:
    values.append(node.v)
    node = node.nxt
item = None
count = 0
while item is None:
    count += 1
    item = count if count > 2 else None
result = (values, item)
# %% getattr_default_and_hasattr
class A:
    x = 1
result = (getattr(A, "x"), getattr(A, "y", "default"), hasattr(A(), "x"), getattr(A(), "__class__").__name__)
# %% isinstance_issubclass_with_vm_classes
class Base: pass
class Derived(Base): pass
result = (isinstance(Derived(), Base), issubclass(Derived, (int, Base)), type(Derived()).__name__)
# %% string_formatting_variants
name, n = "x", 3.14159
result = ("%s=%.2f" % (name, n), "{}={:.1f}".format(name, n), "{0}{0}".format("ab"), f"{n:e}", f"{12345678:,}")
# %% sum_of_nested_generators
result = sum(sum(j for j in range(i)) for i in range(10))
# %% closures_called_from_native_sort
def make_ranker(order):
    def rank(x):
        return order.index(x)
    return rank
result = sorted("cab", key=make_ranker("abc"))
# %% recursion_through_native
def flatten(xs):
    return list(itertools.chain.from_iterable(flatten(x) if isinstance(x, list) else [x] for x in xs))
import itertools
result = flatten([1, [2, [3, [4]]], 5])
# %% json_with_vm_default_hook
import json
class P:
    def __init__(self): self.a = 1
result = json.dumps({"p": P()}, default=lambda o: vars(o), sort_keys=True)
# %% print_to_file_argument
import io
buf = io.StringIO()
print("to buffer", 1, file=buf)
result = buf.getvalue()
# %% property_through_getattr_builtin
class C:
    @property
    def p(self): return "prop"
result = (getattr(C(), "p"), C.p.fget(C()))
# %% exception_in_callback_chained
def cb(x):
    try:
        return 1 / x
    except ZeroDivisionError:
        raise ValueError("bad callback value")
try:
    list(map(cb, [1, 0]))
except ValueError as e:
    result = (str(e), type(e.__context__).__name__)
# %% copy_and_deepcopy_keep_functions
import copy
def handler(x):
    return x + 1
config = {"fn": handler, "items": [1, [2]]}
shallow = copy.copy(config)
deep = copy.deepcopy(config)
result = (deep["fn"] is handler, shallow["fn"] is handler, deep["items"] == config["items"], deep["items"] is config["items"], deep["fn"](1))
