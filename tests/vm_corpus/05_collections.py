# %% build_literals
x = 3
result = ([1, x, 3], (x,), {x, 1}, {"a": x, x: "b"}, (), [], {}, set())
# %% list_comprehension
result = [x * y for x in range(3) for y in range(3) if x != y]
# %% set_and_dict_comprehension
words = ["apple", "bob", "cat", "apple"]
result = ({len(w) for w in words}, {w: len(w) for w in words if w != "bob"})
# %% generator_expression
result = (sum(x * x for x in range(10)), list(c.upper() for c in "abc"), max((len(w), w) for w in ["a", "ccc", "bb"]))
# %% nested_comprehension
matrix = [[1, 2, 3], [4, 5, 6]]
result = [[row[i] for row in matrix] for i in range(3)]
# %% comprehension_scope_does_not_leak
x = "outer"
squares = [x for x in range(3)]
result = (x, squares)
# %% comprehension_uses_enclosing_locals
def f(n):
    k = 10
    return [i + k for i in range(n)], {i: k for i in range(n)}
result = f(3)
# %% comprehension_in_class_body
class C:
    base = [1, 2, 3]
    doubled = [v * 2 for v in base]
result = C.doubled
# %% comprehension_closure_inside
result = [(lambda: i)() for i in range(3)]
# %% unpacking
a, b, c = "xyz"
(d, e), f = (1, 2), 3
first, *rest = [1, 2, 3, 4]
*init, last = range(5)
h, *mid, t = "hello"
result = (a, b, c, d, e, f, first, rest, init, last, h, mid, t)
# %% unpack_too_many
a, b = [1, 2, 3]
# %% unpack_not_enough
a, b, c = (1, 2)
# %% unpack_ex_not_enough
a, b, *c, d = [1, 2]
# %% unpack_non_iterable
a, b = 5
# %% unpack_in_for
result = [a + b for a, (b, _) in [(1, (2, 0)), (3, (4, 0))]]
# %% star_in_literals
a = [1, 2]
b = {"k": 1}
result = ([*a, *a, 3], (*a,), {*a, 5}, {**b, "z": 2, **{"k": 9}})
# %% star_in_literal_not_iterable
result = [*None]
# %% dict_unpack_not_mapping
result = {**[1]}
# %% subscript_assignment_and_delete
d = {}
d["a"] = 1
d["b"] = 2
del d["a"]
lst = [0] * 5
lst[1] = 10
lst[-1] += 5
result = (d, lst)
# %% key_error
d = {"a": 1}
d["missing"]
# %% index_error
[1, 2][5]
# %% dict_methods
d = dict(zip("abc", range(3)))
d.update(d=3)
result = (d.get("z", -1), d.pop("a"), sorted(d), list(d.values()), d.setdefault("e", 4))
# %% set_operations
a, b = {1, 2, 3}, {2, 3, 4}
result = (sorted(a | b), sorted(a & b), sorted(a - b), sorted(a ^ b), a <= b, {1} < a)
# %% list_methods
xs = [5, 3, 8]
xs.append(1); xs.extend([9, 2]); xs.insert(0, 7); xs.remove(8); xs.sort()
result = (xs, xs.index(5), xs.count(9), xs.pop(), xs[::-1])
# %% tuple_and_string_immutability
t = (1, 2)
t[0] = 5
# %% slice_assignment_with_step
xs = list(range(8))
xs[::2] = "abcd"
result = xs
# %% large_literal_list
result = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35]
# %% const_key_dict
result = {"a": 1, "b": 2, "c": 3, "d": [4]}
# %% nested_unpack_star_target
[a, *b], c = [1, 2, 3], 4
result = (a, b, c)
