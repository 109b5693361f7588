# %% simple_class
class Point:
    dims = 2
    def __init__(self, x, y):
        self.x, self.y = x, y
    def norm2(self):
        return self.x ** 2 + self.y ** 2
    def __repr__(self):
        return f"Point({self.x}, {self.y})"
p = Point(3, 4)
result = (p, p.norm2(), Point.dims, p.dims, Point.__name__, Point.__qualname__, Point.__module__)
# %% inheritance_and_super
class Animal:
    def __init__(self, name):
        self.name = name
    def speak(self):
        return f"{self.name} makes a sound"
class Dog(Animal):
    def __init__(self, name, trick):
        super().__init__(name)
        self.trick = trick
    def speak(self):
        return super().speak() + " (woof)"
d = Dog("Rex", "sit")
result = (d.speak(), d.trick, isinstance(d, Animal), Dog.__mro__[1].__name__)
# %% super_in_multiple_inheritance
class A:
    def who(self): return ["A"]
class B(A):
    def who(self): return ["B"] + super().who()
class C(A):
    def who(self): return ["C"] + super().who()
class D(B, C):
    def who(self): return ["D"] + super().who()
result = (D().who(), [k.__name__ for k in D.__mro__])
# %% super_classmethod_and_explicit
class Base:
    @classmethod
    def create(cls):
        return f"created {cls.__name__}"
class Child(Base):
    @classmethod
    def create(cls):
        return super().create() + " via child"
    def explicit(self):
        return super(Child, self).create()
result = (Child.create(), Child().explicit())
# %% class_cell_reference
class K:
    def get_class(self):
        return __class__
result = K().get_class() is K
# %% super_stored_then_used
class Base:
    def hello(self): return "base hello"
class Sub(Base):
    def hello(self):
        s = super()
        return s.hello().upper()
result = Sub().hello()
# %% super_outside_method
def f():
    return super()
f()
# %% class_attributes_and_instances
class Counter:
    instances = 0
    def __init__(self):
        Counter.instances += 1
        self.id = Counter.instances
a, b = Counter(), Counter()
result = (a.id, b.id, Counter.instances, vars(a))
# %% dunder_methods
class Vec:
    def __init__(self, *xs): self.xs = xs
    def __add__(self, o): return Vec(*(a + b for a, b in zip(self.xs, o.xs)))
    def __mul__(self, k): return Vec(*(a * k for a in self.xs))
    def __rmul__(self, k): return self * k
    def __eq__(self, o): return self.xs == o.xs
    def __len__(self): return len(self.xs)
    def __getitem__(self, i): return self.xs[i]
    def __iter__(self): return iter(self.xs)
    def __bool__(self): return any(self.xs)
    def __repr__(self): return f"Vec{self.xs}"
    def __hash__(self): return hash(self.xs)
v = Vec(1, 2) + Vec(3, 4)
result = (v, 2 * v, v * 3, v == Vec(4, 6), len(v), v[1], list(v), bool(Vec(0, 0)), {v: 1}[Vec(4, 6)])
# %% comparison_dunders_and_sorting
import functools
@functools.total_ordering
class Version:
    def __init__(self, s): self.parts = tuple(map(int, s.split(".")))
    def __eq__(self, o): return self.parts == o.parts
    def __lt__(self, o): return self.parts < o.parts
    def __repr__(self): return ".".join(map(str, self.parts))
vs = [Version("1.10"), Version("1.2"), Version("0.9")]
result = (sorted(vs), max(vs), Version("1.2") >= Version("1.1"))
# %% properties
class Temp:
    def __init__(self): self._c = 0
    @property
    def celsius(self): return self._c
    @celsius.setter
    def celsius(self, v):
        if v < -273.15:
            raise ValueError("too cold")
        self._c = v
    @celsius.deleter
    def celsius(self): print("deleting")
    fahrenheit = property(lambda self: self._c * 9 / 5 + 32)
t = Temp()
t.celsius = 100
result = (t.celsius, t.fahrenheit)
del t.celsius
t.celsius = -300
# %% staticmethod_and_classmethod
class Util:
    factor = 3
    @staticmethod
    def double(x): return x * 2
    @classmethod
    def scaled(cls, x): return x * cls.factor
class Sub(Util):
    factor = 10
result = (Util.double(4), Util().double(5), Util.scaled(2), Sub.scaled(2), Sub().scaled(1))
# %% method_binding
class C:
    def m(self, x): return (type(self).__name__, x)
c = C()
bound = c.m
unbound = C.m
result = (bound(1), unbound(c, 2), bound.__self__ is c, bound.__func__ is C.__dict__["m"], bound.__name__)
# %% methods_called_by_builtins
class Item:
    def __init__(self, w): self.w = w
    def __lt__(self, o): return self.w < o.w
    def __repr__(self): return f"Item({self.w})"
    def __str__(self): return f"<{self.w}>"
    def __format__(self, spec): return f"[{self.w:{spec}}]"
items = [Item(3), Item(1), Item(2)]
result = (sorted(items), min(items), str(items[0]), f"{items[0]:>4}", "%s" % items[1])
# %% getattr_setattr_dunders
class Dyn:
    def __init__(self): object.__setattr__(self, "store", {})
    def __getattr__(self, name): return f"computed {name}"
    def __setattr__(self, name, value): self.store[name] = value * 2
d = Dyn()
d.x = 5
result = (d.anything, d.store, getattr(d, "y"), hasattr(d, "z"))
# %% class_decorator
def register(cls):
    cls.registered = True
    return cls
@register
class Thing:
    pass
result = Thing.registered
# %% metaclass
class Meta(type):
    def __new__(mcls, name, bases, ns, **kw):
        ns["created_by"] = mcls.__name__
        cls = super().__new__(mcls, name, bases, ns)
        cls.extra = kw
        return cls
class WithMeta(metaclass=Meta, flag=True):
    pass
result = (WithMeta.created_by, WithMeta.extra, type(WithMeta).__name__)
# %% metaclass_prepare
class OrderedMeta(type):
    @classmethod
    def __prepare__(mcls, name, bases):
        print("prepare", name)
        return {"injected": 1}
class C(metaclass=OrderedMeta):
    x = injected + 1
result = C.x
# %% init_subclass_and_set_name
class Plugin:
    registry = []
    def __init_subclass__(cls, key=None, **kw):
        super().__init_subclass__(**kw)
        Plugin.registry.append((cls.__name__, key))
class Field:
    def __set_name__(self, owner, name):
        self.name = name
class A(Plugin, key="a"):
    f = Field()
class B(Plugin):
    pass
result = (Plugin.registry, A.f.name)
# %% dataclass
from dataclasses import dataclass, field
@dataclass(order=True)
class Card:
    rank: int
    suit: str = "spades"
    tags: list = field(default_factory=list)
cs = [Card(10), Card(2, "hearts")]
result = (sorted(cs), Card(1) == Card(1), repr(Card(5, "clubs", ["x"])))
# %% class_body_execution_order
print("before")
class C:
    print("in body")
    x = 1
    def f(self): pass
    print("end body", x)
print("after", sorted(k for k in vars(C) if not k.startswith("__")))
# %% slots_class
class S:
    __slots__ = ("a", "b")
    def __init__(self): self.a = 1
s = S()
s.b = 2
result = (s.a, s.b)
s.c = 3
# %% class_namespace_annotations
class A:
    x: int = 1
    y: str
result = (A.__annotations__, A.x)
# %% nested_classes_qualname
class Outer:
    class Inner:
        def method(self): pass
result = (Outer.Inner.__qualname__, Outer.Inner.method.__qualname__)
# %% abstract_base_class
from abc import ABC, abstractmethod
class Shape(ABC):
    @abstractmethod
    def area(self): ...
class Sq(Shape):
    def __init__(self, s): self.s = s
    def area(self): return self.s ** 2
print(Sq(3).area())
Shape()
# %% generic_alias_base
class MyList(list[int]):
    pass
result = (MyList([1, 2]), MyList.__orig_bases__, MyList.__bases__)
# %% class_private_name_mangling
class A:
    def __init__(self): self.__secret = 1
    def get(self): return self.__secret
a = A()
result = (a.get(), a._A__secret, hasattr(a, "__secret"))
# %% instance_method_as_callback
class Acc:
    def __init__(self): self.total = 0
    def add(self, x):
        self.total += x
        return self.total
acc = Acc()
result = (list(map(acc.add, [1, 2, 3])), acc.total)
# %% call_dunder
class Adder:
    def __init__(self, n): self.n = n
    def __call__(self, x): return x + self.n
add5 = Adder(5)
result = (add5(1), list(map(add5, [1, 2])), callable(add5))
# %% context_of_descriptor_get
class Desc:
    def __get__(self, obj, owner):
        return ("desc", owner.__name__, obj is None)
class H:
    d = Desc()
result = (H.d, H().d)
# %% dunder_new_and_class_getitem
class Singleton:
    _inst = None
    def __new__(cls, *args):
        if cls._inst is None:
            cls._inst = super().__new__(cls)
        return cls._inst
    def __class_getitem__(cls, item):
        return f"{cls.__name__}[{item}]"
result = (Singleton() is Singleton(), Singleton[int])
# %% method_call_shapes_and_shadowing
class P:
    def m(self, a=0):
        return ("method", a)
    def __repr__(self):
        return "P()"
p = P()
results = [p.m(1), p.m(*[2]), p.m(**{"a": 3})]
p.m = lambda a=0: ("instance attribute", a)
results.append(p.m(4))
del p.m
results.append(p.m(5))
P.m = lambda self, a=0: ("replaced on class", a)
results.append(p.m(6))
results.append([].append.__self__ if False else [1].copy())
result = results
# %% method_keyword_duplicate_error_with_star_star
class O:
    def m(self, a):
        return a
O().m(a=1, **{"a": 2})
