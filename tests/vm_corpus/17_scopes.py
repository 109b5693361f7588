# %% class_body_reads_enclosing_function_variable
def make(value):
    class K:
        attr = value
        doubled = value * 2
    return K
result = (make(3).attr, make(4).doubled)
# %% class_body_local_shadows_enclosing
def make():
    x = "enclosing"
    class K:
        x = "class"
        y = x
        def get(self):
            return x
    return K
K = make()
result = (K.y, K().get())
# %% nonlocal_from_method
def counter_class():
    count = 0
    class C:
        def bump(self):
            nonlocal count
            count += 1
            return count
    return C
C = counter_class()
c = C()
c.bump()
result = c.bump()
# %% comprehension_variable_captured_by_lambda
def f():
    funcs = [lambda: x for x in range(3)]
    return [g() for g in funcs]
result = f()
# %% comprehension_cell_variable_shadowing_outer
def f():
    x = "outer"
    items = [(lambda: x)() for x in "ab"]
    return items, x
result = f()
# %% comprehension_in_nested_function_uses_free_var
def outer():
    base = 100
    def inner(xs):
        return {x: base + x for x in xs}
    return inner([1, 2])
result = outer()
# %% generator_expression_first_iterable_evaluated_eagerly
def f():
    xs = [1, 2]
    g = (x for x in xs)
    xs = [9]
    return list(g)
result = f()
# %% global_declared_in_nested_function
total = 0
def outer():
    def inner():
        global total
        total += 5
    inner()
    inner()
outer()
result = total
# %% locals_in_class_body
class C:
    a = 1
    b = 2
    names = sorted(k for k in locals() if not k.startswith("__"))
result = C.names
# %% del_local_then_rebind
def f():
    x = 1
    del x
    x = 2
    return x
result = f()
# %% exception_name_cleared_even_if_global
e = "global e"
try:
    raise ValueError
except ValueError as e:
    pass
print("e" in globals())
# %% closure_cell_modified_after_creation
def f():
    fs = []
    for i in range(2):
        def g():
            return i
        fs.append(g)
    i = 10
    return [h() for h in fs]
result = f()
# %% dunder_class_in_nested_function
class A:
    def method(self):
        def helper():
            return __class__.__name__
        return helper()
result = A().method()
# %% super_in_nested_class
class Outer:
    class Base:
        def hi(self): return "base"
    class Child(Base):
        def hi(self): return "child+" + super().hi()
result = Outer.Child().hi()
# %% metaclass_with_classcell
class Meta(type):
    def __new__(mcls, name, bases, ns):
        cls = super().__new__(mcls, name, bases, ns)
        return cls
class UsesClassCell(metaclass=Meta):
    def who(self):
        return __class__.__name__
result = UsesClassCell().who()
# %% star_import_inside_class_is_error
src = "class C:\n    from math import *\n"
try:
    compile(src, "<s>", "exec")
except SyntaxError as e:
    result = e.msg
# %% bytes_and_bytearray_ops
b = b"abc"
ba = bytearray(b)
ba[0] = 65
ba += b"!"
result = (b[1], b[::-1], bytes(ba), b.hex(), b"%d-%s" % (5, b"x"), list(b"hi"))
# %% percent_formatting
result = ("%5.1f|%-4s|%x|%r|%%" % (3.14159, "ab", 255, "q"), "%(a)s-%(b)03d" % {"a": "A", "b": 7})
# %% complex_numbers
z = complex(1, 2)
result = (z * z, abs(3 + 4j), z.conjugate(), (1j) ** 2)
