# %% pickling_functions_by_reference
import pickle, sys, types
module = types.ModuleType("corpus_pickled")
sys.modules["corpus_pickled"] = module
exec("def double(x):\n    return 2 * x\nclass C:\n    def method(self):\n        return 1\n", module.__dict__)
same = []
for proto in range(pickle.HIGHEST_PROTOCOL + 1):
    same.append(pickle.loads(pickle.dumps(module.double, proto)) is module.double)
    same.append(pickle.loads(pickle.dumps(module.C.method, proto)) is module.C.method)
    same.append(pickle.loads(pickle.dumps(module.C().method, proto))())
result = same, pickle.loads(pickle.dumps([module.double]))[0](21)
del sys.modules["corpus_pickled"]
# %% pickling_a_local_function_fails
import pickle, re
def outer():
    def inner():
        pass
    return inner
for target in (outer(), lambda: 0):
    try:
        pickle.dumps(target)
    except (pickle.PicklingError, AttributeError) as exc:
        print(type(exc).__name__, re.sub(r" at 0x[0-9a-f]+", "", str(exc)))
# %% copy_treats_functions_as_atoms
import copy
def f():
    pass
result = copy.copy(f) is f, copy.deepcopy([f])[0] is f
# %% keyword_named_self_func_and_name
def collect(**kwargs):
    return kwargs
class Greeter:
    def greet(self, **kwargs):
        return sorted(kwargs)
# Called from native code (functools.partial), not by the VM's CALL instruction.
import functools
result = (collect(self=1, func=2, name=3), functools.partial(collect, self=1, func=2)(),
          functools.partial(Greeter().greet, self=4, name=5)())
# %% class_keywords_named_name_and_func
class Meta(type):
    def __new__(mcls, cls_name, bases, namespace, **kwargs):
        return super().__new__(mcls, cls_name, bases, namespace)
    def __init__(cls, cls_name, bases, namespace, **kwargs):
        cls.keywords = kwargs
class Named(metaclass=Meta, name="n", func="f"):
    pass
class Base:
    def __init_subclass__(cls, /, name=None, **kwargs):
        cls.given = name, kwargs
class Child(Base, name="child", func=1):
    pass
result = Named.keywords, Child.given
# %% function_attributes_are_typed
def f(a=1, *, b=2):
    pass
for statement in ["f.__defaults__ = [1]", "f.__kwdefaults__ = 1", "f.__name__ = 1",
                  "f.__qualname__ = None", "f.__code__ = 1", "del f.__code__", "del f.__name__",
                  "f.__annotations__ = 1", "f.__globals__ = {}", "f.__closure__ = ()",
                  "f.__builtins__ = {}", "del f.__globals__"]:
    try:
        exec(statement)
        print("accepted:", statement)
    except (TypeError, AttributeError) as exc:
        print(type(exc).__name__, exc)
del f.__defaults__, f.__kwdefaults__, f.__doc__, f.__module__
f.__name__ = "renamed"
f.__qualname__ = "Outer.renamed"
result = f.__defaults__, f.__kwdefaults__, f.__doc__, f.__module__, f.__name__, f.__qualname__, vars(f)
# %% assigning_code_changes_what_runs
def add(a, b=10):
    return a + b
def mul(a, b=10):
    return a * b
add.__code__ = mul.__code__
def make():
    x = 1
    def uses_x():
        return x
    return uses_x
try:
    add.__code__ = make().__code__
except ValueError as exc:
    print(exc)
def three(a, b, c):
    return a, b, c
try:
    add.__code__ = three.__code__
    add(1)
except TypeError as exc:
    print(exc)
result = add(3), add(3, 4), add.__name__
# %% prepare_must_return_a_mapping
class Weird(type):
    @classmethod
    def __prepare__(mcls, name, bases):
        return 42
try:
    class X(metaclass=Weird):
        pass
except TypeError as exc:
    print(exc)
class ListPrepare(type):
    @classmethod
    def __prepare__(mcls, name, bases):
        return {"from_prepare": True}
class Y(metaclass=ListPrepare):
    pass
result = Y.from_prepare
# %% missing_classcell_is_an_error
class Forgetful(type):
    def __new__(mcls, name, bases, namespace):
        namespace.pop("__classcell__", None)
        return super().__new__(mcls, name, bases, namespace)
try:
    class Z(metaclass=Forgetful):
        def method(self):
            return __class__
except RuntimeError as exc:
    print(type(exc).__name__, exc)
class Liar(type):
    def __new__(mcls, name, bases, namespace):
        cell = namespace["__classcell__"]
        cls = super().__new__(mcls, name, bases, namespace)
        return cls
class Fine(metaclass=Liar):
    def method(self):
        return __class__
result = Fine().method() is Fine
# %% call_errors_and_keyword_suggestions
import functools
def f(alpha, beta=1, *, gamma=2):
    pass
def g(a, /, b):
    pass
def h(**kwargs):
    return kwargs
for call in ["f(1, alphx=2)", "f(1, gama=3)", "f(1, zzz=3)", "f(1, bta=2, gamma=3)", "g(a=1, b=2)",
             "f(1, 2, 3)", "f()", "f(1, alpha=2)", "functools.partial(f, 1, gama=3)()",
             "h(**{1: 2})", "f(**{1: 2})", "f(1, 2, 3, gamma=4)", "g(1)"]:
    try:
        eval(call)
        print("accepted:", call)
    except TypeError as exc:
        print(call, "->", exc)
