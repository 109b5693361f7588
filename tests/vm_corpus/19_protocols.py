# %% reflected_and_notimplemented
class Meters:
    def __init__(self, v): self.v = v
    def __add__(self, o):
        if isinstance(o, Meters):
            return Meters(self.v + o.v)
        return NotImplemented
    def __radd__(self, o):
        return Meters(self.v + o) if isinstance(o, int) else NotImplemented
    def __repr__(self): return f"{self.v}m"
result = (Meters(1) + Meters(2), 5 + Meters(1), sum([Meters(1), Meters(2)], Meters(0)))
# %% notimplemented_both_sides_error
class A:
    def __add__(self, o): return NotImplemented
A() + A()
# %% iadd_falls_back_to_add
class Acc:
    def __init__(self, v): self.v = v
    def __add__(self, o): return Acc(self.v + o)
a = Acc(1)
b = a
a += 5
result = (a.v, b.v, a is b)
# %% iadd_in_place_list_alias
xs = [1]
ys = xs
xs += [2]
t = (xs,)
t[0] += [3]
# %% contains_falls_back_to_iter
class Bag:
    def __iter__(self): return iter([1, 2, 3])
result = (2 in Bag(), 9 in Bag(), 2 not in Bag())
# %% exit_returns_truthy_non_bool
class CM:
    def __enter__(self): return self
    def __exit__(self, *a): return "yes"
with CM():
    raise ValueError
result = "suppressed"
# %% bool_and_len_protocol
class Empty:
    def __len__(self): return 0
class Weird:
    def __bool__(self): return "not a bool"
print(bool(Empty()), "truthy" if [0] else "falsy")
if Weird():
    pass
# %% hash_none_when_eq_defined
class P:
    def __eq__(self, o): return True
result = (P.__hash__, P() == 1)
{P()}
# %% index_protocol_for_slicing
class Two:
    def __index__(self): return 2
xs = list("abcdef")
result = (xs[Two()], xs[Two():], range(10)[Two()], bin(Two()))
# %% call_with_many_arguments
def f(*args):
    return len(args), args[-1]
result = f(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40)
# %% keyword_only_after_star
def f(*, a, b=2):
    return a + b
print(f(a=1))
f(1)
# %% default_from_enclosing_scope
def outer():
    n = 5
    def inner(x=n * 2):
        return x
    n = 100
    return inner()
result = outer()
# %% match_with_walrus_guard_and_mapping_rest
def f(d):
    match d:
        case {"k": v, **rest} if (n := len(rest)) > 0:
            return v, n, sorted(rest)
        case {"k": v}:
            return v
        case [*_, last]:
            return last
result = (f({"k": 1, "a": 2, "b": 3}), f({"k": 9}), f([1, 2, 3]))
# %% descriptors_data_vs_nondata
class Data:
    def __get__(self, o, t): return "data"
    def __set__(self, o, v): raise AttributeError("read only")
class NonData:
    def __get__(self, o, t): return "nondata"
class C:
    d = Data()
    n = NonData()
c = C()
c.__dict__["d"] = "instance d"
c.__dict__["n"] = "instance n"
result = (c.d, c.n)
c.d = 5
# %% classmethod_property_chain_and_mro_call
class Base:
    def greet(self): return f"base {type(self).__name__}"
class Mixin:
    def greet(self): return "mixin+" + super().greet()
class Final(Mixin, Base):
    pass
result = (Final().greet(), Base.greet(Final()))
# %% str_methods_through_vm_subclass
class Upper(str):
    def __new__(cls, v):
        return super().__new__(cls, v.upper())
    def shout(self):
        return self + "!"
u = Upper("hi")
result = (u, u.shout(), isinstance(u, str), u.lower(), len(u))
# %% int_subclass_with_super_new
class Even(int):
    def __new__(cls, v):
        if v % 2:
            raise ValueError(f"{v} is odd")
        return super().__new__(cls, v)
print(Even(4) + 1)
Even(3)
