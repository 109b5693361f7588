# %% recursive_alias_is_evaluated_lazily (3.12+)
type Json = dict[str, Json] | list[Json] | int | str | None
print(Json.__name__, Json.__module__, Json.__type_params__)
result = repr(Json.__value__)
# %% alias_value_names_a_later_class (3.12+)
type Later = list[Defined]
try:
    Later.__value__
except NameError as e:
    print("not yet:", e)
class Defined:
    pass
result = repr(Later.__value__)
# %% alias_value_is_computed_once (3.12+)
calls = []
def note(x):
    calls.append(x)
    return x
type Counted = note(int)
print(calls)
first = Counted.__value__
second = Counted.__value__
result = (calls, first is second)
# %% generic_alias_parameters_are_the_value_s (3.12+)
type Pair[K, V] = dict[K, V]
k, v = Pair.__type_params__
print([p.__name__ for p in Pair.__type_params__], k.__module__)
print(Pair.__value__.__args__[0] is k, Pair.__value__.__args__[1] is v)
result = repr(Pair[int, str]), repr(Pair[int, str].__value__)
# %% recursive_generic_alias (3.12+)
type Tree[T] = T | list[Tree[T]]
(t,) = Tree.__type_params__
result = repr(Tree.__value__), repr(Tree[int]), Tree.__value__.__args__[0] is t
# %% all_kinds_of_parameters (3.12+)
from typing import Callable
type Everything[A, *B, **C] = Callable[C, A] | tuple[*B]
a, b, c = Everything.__type_params__
result = [type(p).__name__ for p in Everything.__type_params__], repr(Everything.__value__)
# %% bound_is_evaluated_lazily (3.12+)
class Box[T: Missing]:
    pass
(t,) = Box.__type_params__
try:
    t.__bound__
except NameError as e:
    print(e)
class Missing:
    pass
result = t.__name__, repr(t.__bound__), t.__module__, t.__infer_variance__
# %% constraints_are_evaluated_lazily (3.12+)
def pick[S: (str, NotYet)](x: S) -> S:
    return x
(s,) = pick.__type_params__
try:
    s.__constraints__
except NameError as e:
    print(e)
NotYet = bytes
result = repr(s.__constraints__), pick("x")
# %% constant_constraints (3.12+)
def both[S: (str, bytes)](x: S) -> S:
    return x
result = repr(both.__type_params__[0].__constraints__)
# %% bound_and_constraints_of_alias_parameters (3.12+)
type Bounded[X: int] = set[X]
type Constrained[Long: (str, bytes)] = list[Long]
(x,) = Bounded.__type_params__
(long_,) = Constrained.__type_params__
result = repr(x.__bound__), repr(long_.__constraints__), Bounded.__value__.__args__[0] is x
# %% defaults_are_evaluated_lazily (3.13+)
class Defaults[T = Undefined1, *Ts = *tuple[int], **P = [str]]:
    pass
t, ts, p = Defaults.__type_params__
try:
    t.__default__
except NameError as e:
    print(e)
Undefined1 = float
result = repr(t.__default__), repr(ts.__default__), repr(p.__default__), t.has_default()
# %% bound_and_default_together (3.13+)
def f[T: int = bool]():
    pass
(t,) = f.__type_params__
result = repr(t.__bound__), repr(t.__default__)
# %% one_constraint_and_no_module_name (3.12+)
class Foo[T: Undefined, U: (Undefined,)]:
    pass
t, u = Foo.__type_params__
for read in (lambda: t.__bound__, lambda: u.__constraints__):
    try:
        read()
    except NameError as e:
        print(e)
print(repr(t.__constraints__), repr(u.__bound__))
Undefined = "defined"
ns = {}
exec("type NoModule = int\nclass G[V]: pass", ns)
result = (repr(t.__bound__), repr(u.__constraints__), ns["NoModule"].__module__, ns["G"].__type_params__[0].__module__)
# %% alias_qualname_names_where_it_was_defined (3.12+)
# 3.15 gives an alias a __qualname__, taken from its value function's qualified name; a local
# alias then cannot be pickled by reference.
import pickle
def get():
    type TA = int
    return TA
class K:
    type CL = list[int]
type G[T] = dict[T, int]
print([getattr(a, "__qualname__", a.__name__) for a in (get(), K.CL, G)], K.CL.__value__)
for thing in (K.CL, get()):
    try:
        pickle.dumps(thing)
    except pickle.PickleError as e:
        print(type(e).__name__)
