# %% constants_and_arithmetic
result = (1 + 2 * 3, 7 // 2, 7 % 3, 2 ** 10, 7 / 2, -5 // 2, 1.5 * 4)
# %% bitwise
a, b = 0b1100, 0b1010
result = (a & b, a | b, a ^ b, ~a, a << 3, a >> 2)
# %% augmented_assignment
x = 10
x += 5; x -= 3; x *= 2; x //= 5; x **= 3; x %= 7; x <<= 2; x >>= 1; x |= 8; x &= 12; x ^= 5
result = x
# %% matmul_operator
class M:
    def __init__(self, v): self.v = v
    def __matmul__(self, other): return M(self.v * other.v)
    def __imatmul__(self, other): self.v += other.v; return self
m = M(3) @ M(4)
m @= M(1)
result = m.v
# %% true_division_float
result = [1 / 3, 10 / 4, -7 / 2, 2 ** -1, 10 % -3, -10 % 3]
# %% comparisons_chain
x = 5
result = (1 < x < 10, 1 < x > 10, x == 5.0, x != 5, 3 <= x >= 5, "a" < "b")
# %% is_and_in
a = [1, 2]
b = a
result = (a is b, a is not [1, 2], 2 in a, 3 not in a, "el" in "hello", None is None)
# %% unary_operators
x = 7
result = (-x, +x, ~x, not x, not 0, -(-x))
# %% boolean_short_circuit
calls = []
def t(v):
    calls.append(v)
    return v
r1 = t(0) and t(1)
r2 = t(2) or t(3)
r3 = t(0) or t(None) or t("x")
result = (r1, r2, r3, calls)
# %% conditional_expression
result = ["even" if n % 2 == 0 else "odd" for n in range(4)]
# %% string_operations
s = "Hello, World"
result = (s.lower(), s[::-1], s[2:5], s * 2, s.split(", "), len(s), s.find("W"))
# %% fstrings
name, value, width = "pi", 3.14159, 10
print(f"{name}={value:.2f}|{value:>{width}.3f}|{name!r}|{name!s:^6}|{name!a}")
print(f"{'nested ' + name}{{braces}}{value=}")
# %% fstring_format_spec_objects
class Money:
    def __format__(self, spec): return f"${spec or 'plain'}"
    def __str__(self): return "money"
    def __repr__(self): return "Money()"
m = Money()
print(f"{m}|{m:big}|{m!s}|{m!r}|{m!r:>10}")
# %% print_sep_end
print(1, 2, 3, sep="-", end="!\n")
print("a", "b", sep="")
# %% integer_big
result = (2 ** 100, 10 ** 20 // 7, int("123") + 1, hex(255), 3 ** 3 ** 2)
# %% divmod_and_builtins
result = (divmod(17, 5), abs(-3), max(3, 9, 2), min("b", "a"), sum(range(10)), round(2.675, 2))
# %% zero_division
result = 1 / 0
# %% type_error_binary
result = 1 + "a"
# %% type_error_compare
result = 1 < "a"
# %% unsupported_unary
result = -"text"
# %% name_error
result = undefined_name + 1
# %% walrus
data = [1, 5, 12, 3]
if (n := len(data)) > 3:
    print("long", n)
result = [y for x in data if (y := x * 2) > 5]
# %% global_statement
counter = 0
def bump():
    global counter
    counter += 1
bump(); bump()
result = counter
# %% del_statement
a = 1
b = [1, 2, 3, 4]
del b[1]
del b[1:]
del a
result = (b, "a" in dir())
# %% del_name_error
x = 1
del x
del x
# %% swap_and_multiple_assignment
a, b = 1, 2
a, b = b, a
x = y = z = [0]
result = (a, b, x is z)
# %% chained_attribute_and_subscript
d = {"k": [10, {"inner": (1, 2, 3)}]}
result = d["k"][1]["inner"][-1]
# %% slices
s = list(range(10))
s[2:4] = ["a", "b", "c"]
result = (s[::2], s[1:-1:3], s[-3:], s[:2], "abcdef"[1:5:2])
# %% slice_objects
class Probe:
    def __getitem__(self, key): return key
p = Probe()
result = (p[1:2], p[::3], p[1:2, 3], p[...])
# %% assert_pass_and_fail
assert 1 + 1 == 2, "math"
assert False, "this fails"
# %% assert_no_message
x = 0
assert x
