# %% evaluate_functions_name_where_they_were_defined (3.14+)
# Found by test_type_params (TestEvaluateFunctions.test_signature): 3.14's evaluate_value,
# evaluate_bound, evaluate_default and evaluate_constraints are functions whose __qualname__ is
# that of the scope that declared the alias or parameter.
import inspect
class C:
    def m(self):
        type Alias = int
        def f[T: int = int, **P = int, *Ts = int](): pass
        T, P, Ts = f.__type_params__
        def g[U: (int, str)](): pass
        U, = g.__type_params__
        type Generic[V: str] = list[V]
        W, = Generic.__type_params__
        return [Alias.evaluate_value, T.evaluate_bound, T.evaluate_default, P.evaluate_default,
                Ts.evaluate_default, U.evaluate_constraints, Generic.evaluate_value, W.evaluate_bound]
cases = C().m()
print([case.__qualname__ for case in cases])
print([str(inspect.signature(case)) for case in cases])
result = [case(1) for case in cases]
# %% repeated_keyword_that_is_not_a_string
# Found by test_unpack_ex: a key repeated across ** mappings is reported as repeated (named by
# str(key)) before anything checks that keywords are strings.
def g(*args, **kwargs):
    return kwargs
class Same:
    def __eq__(self, other):
        return True
    def __hash__(self):
        return hash("x")
    def __str__(self):
        return "same"
calls = [lambda: g(**{1: 3}, **{1: 5}), lambda: g(x=1, **{Same(): 5}), lambda: g(**{1: 3}),
         lambda: g(**{"a": 1}, **{2: 5}), lambda: g(**{"a": 1}, **{"a": 2})]
for call in calls:
    try:
        print(call())
    except TypeError as e:
        print(e)
# %% signatures_of_vm_functions
# Found by test_dataclasses (a docstring built from an __init__ whose annotation names nothing):
# inspect reads a VM function as it reads a real one, so annotation_format (3.14+) is honoured
# and functools.wraps' __wrapped__ is followed.
import functools, inspect, sys
def a(x, y=2, /, z=3, *args, k, m=4, **kw) -> int: pass
class C:
    def m(self, q, *, r=1): pass
    @classmethod
    def c(cls, v: "later" = 1): pass
def deco(f):
    @functools.wraps(f)
    def inner(*a, **k): return f(*a, **k)
    return inner
@deco
def w(p, q=1): pass
for obj in (a, C.m, C().m, C.c, w, functools.partial(a, 1), C, lambda *, q: q):
    s = inspect.signature(obj)
    print(s, [(p.name, p.kind.name, p.default) for p in s.parameters.values()])
if sys.version_info >= (3, 14):
    import annotationlib
    from dataclasses import dataclass
    def f(self, x: Undefined, num: int) -> None: ...
    print(inspect.signature(f, annotation_format=annotationlib.Format.FORWARDREF))
    print(inspect.signature(f, annotation_format=annotationlib.Format.STRING))
    @dataclass
    class D:
        def __init__(self, x: Undefined, num: int) -> None: ...
    print(D.__doc__)
# %% except_star_checks_what_split_returns (3.14+)
# Found by test_except_star (gh-128049): an ExceptionGroup subclass's split() must return a
# tuple of at least two items. (3.11 to 3.13 crash here, so the snippet is for 3.14+.)
class NotATuple(ExceptionGroup):
    def split(self, *args):
        return "NOT A 2-TUPLE!"
class TooShort(ExceptionGroup):
    def split(self, *args):
        return ("NOT A 2-TUPLE!",)
class AList(ExceptionGroup):
    def split(self, *args):
        return [None, self]
class Longer(ExceptionGroup):
    def split(self, *args):
        return super().split(*args) + ("anything", 123456, None)
for cls in (NotATuple, TooShort, AList, Longer):
    try:
        try:
            raise cls("eg", [OSError(123), ValueError(456)])
        except* ValueError as e:
            print("value", repr(e))
        except* OSError as e:
            print("os", repr(e))
    except Exception as e:
        print(type(e).__name__, e, type(e.__context__).__name__)
# %% double_star_dict_keeps_its_hashes
# Found by test_functools (3.15, test_call_safety_against_reentrant_mutation): `f(**d)` copies
# a dict's entries with their stored hashes, so a key's __hash__ first runs inside the call.
# Here it swaps the partial's state; 3.15's partial already holds the old one, earlier ones
# read the new. (The target is dict, a C callable: a partial treats a VM function, which has
# no vectorcall, differently from a real function.)
import functools
g_partial = None
class EvilKey(str):
    armed = False
    def __hash__(self):
        if EvilKey.armed and g_partial is not None:
            EvilKey.armed = False
            g_partial.__setstate__((dict, (), {"new_keyword": None}, None))
        return str.__hash__(self)
g_partial = functools.partial(dict, old_keyword=None)
kwargs = {EvilKey("evil_key"): None}
EvilKey.armed = True
print(g_partial(**kwargs))
print(g_partial())
def g(*a, **k):
    return k
class OwnGetitem(dict):  # iterated as a dict: its own __getitem__ and keys() are not used
    def __getitem__(self, k): return "getitem"
    def keys(self): return ["a"]
class OwnIter(dict):  # its own __iter__: read through keys() and __getitem__
    def __iter__(self): return iter(["z"])
    def keys(self): return ["z"]
    def __getitem__(self, k): return "from getitem"
print(g(**kwargs), g(a=1, **kwargs), g(**OwnGetitem(a=1, b=2)), g(x=0, **OwnGetitem(a=1)), g(**OwnIter(z=3)))
for bad in (lambda: g(evil_key=1, **kwargs), lambda: g(**{"a": 1}, **OwnGetitem(a=2)), lambda: g(**{"z": 1}, **OwnIter(z=2))):
    try:
        bad()
    except TypeError as e:
        print(e)
# %% program_mutating_the_builtins_dict (3.12+)
# Found by test_iter (test_reduce_mutating_builtins_iter, gh-101765): the program swaps the keys
# of builtins' `iter` and `reversed` for ones whose __eq__ exhausts an iterator. Only the
# program's own lookups may run that __eq__, never the VM's: before the VM pinned its builtins,
# its own lookups ran it again and again (RecursionError here; a hang under the Lib/test stage).
# 3.12+ only: CPython 3.11.2 (this machine's .venv-3.11) predates the fix and crashes on it.
import builtins, functools, contextlib
class EmptyIterClass:
    def __len__(self): return 0
    def __getitem__(self, i): raise StopIteration
builtins_dict = builtins.__dict__
orig = {"iter": iter, "reversed": reversed}
def run(builtin_name, item, sentinel=None):
    it = iter(item) if sentinel is None else iter(item, sentinel)
    class CustomStr:
        def __init__(self, name, iterator):
            self.name = name
            self.iterator = iterator
        def __hash__(self):
            return hash(self.name)
        def __eq__(self, other):
            list(self.iterator)
            return other == self.name
    del builtins_dict[builtin_name]
    builtins_dict[CustomStr(builtin_name, it)] = orig[builtin_name]
    return it.__reduce__()
types = [(EmptyIterClass(),), (bytes(8),), (bytearray(8),), ((1, 2, 3),), (lambda: 0, 0), (tuple[int],)]
out = []
try:
    run_iter = functools.partial(run, "iter")
    out.append(run_iter("xyz") == (orig["iter"], ("",)))
    out.append(run_iter([1, 2, 3]) == (orig["iter"], ([],)))
    out.append(run("reversed", orig["reversed"](list(range(8)))) == (reversed, ([],)))
    for case in types:
        out.append(run_iter(*case) == (orig["iter"], ((),)))
finally:
    for key, func in orig.items():
        with contextlib.suppress(KeyError):
            del builtins_dict[key]
        builtins_dict[key] = func
print(out)
# %% classes_made_by_call_name_the_callers_module
# Found by test_dataclasses (make_dataclass), test_enum (the functional API) and, on 3.11,
# test_typing (NewType from a fresh import of typing): each names the new class's module after
# its caller's frame, which must be the program's, not the VM's.
import dataclasses, enum, importlib.util, sys, typing
Point = dataclasses.make_dataclass("Point", ["x", "y"])
Answer = enum.Enum("Answer", "him this then")
Flags = enum.IntFlag("Flags", "A B")
class Color(enum.Enum):
    RED = 1
print(Point.__module__, Answer.__module__, Flags.__module__, Answer(1), Answer["this"], Color(1))
spec = importlib.util.find_spec("typing")
fresh = importlib.util.module_from_spec(spec)
saved = sys.modules["typing"]
try:
    spec.loader.exec_module(fresh)
finally:
    sys.modules["typing"] = saved
UserId = fresh.NewType("UserId", int)
T = fresh.TypeVar("T")
print(UserId.__module__, repr(UserId), T.__module__, fresh.NewType is not saved.NewType)
# %% exception_group_split_by_a_vm_function
# Found by test_exception_group on 3.11: split() and subgroup() take a predicate only if it is a
# real function there (and on 3.12); a VM function must work as one. Other callables get each
# version's own answer.
eg = ExceptionGroup("eg", [ValueError(1), TypeError(2), ExceptionGroup("inner", [ValueError(3)])])
match, rest = eg.split(lambda e: isinstance(e, ValueError))
print(repr(match), repr(rest))
print(repr(eg.subgroup(lambda e: isinstance(e, TypeError))), repr(eg.subgroup(lambda e: False)))
print(repr(eg.split(ValueError)))
class Predicate:
    def __call__(self, e):
        return True
for matcher in (42, Predicate()):
    try:
        print(eg.split(matcher))
    except TypeError as e:
        print(e)
