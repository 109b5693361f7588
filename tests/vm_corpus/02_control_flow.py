# %% if_elif_else
out = []
for n in (-2, 0, 3):
    if n < 0:
        out.append("neg")
    elif n == 0:
        out.append("zero")
    else:
        out.append("pos")
result = out
# %% while_loop
i, total = 0, 0
while i < 10:
    total += i
    i += 1
result = total
# %% while_else
i = 0
while i < 3:
    i += 1
else:
    print("finished without break", i)
# %% while_break_skips_else
i = 0
while True:
    i += 1
    if i == 4:
        break
else:
    print("never")
result = i
# %% for_else_and_break
for n in range(2, 20):
    for d in range(2, n):
        if n % d == 0:
            break
    else:
        print(n, end=" ")
print()
# %% continue_statement
result = []
for i in range(10):
    if i % 3:
        continue
    result.append(i)
# %% nested_loops_with_break
pairs = []
for i in range(4):
    for j in range(4):
        if j > i:
            break
        pairs.append((i, j))
result = pairs
# %% for_over_dict_items
d = {"a": 1, "b": 2, "c": 3}
result = [k * v for k, v in d.items()]
# %% for_over_string_and_enumerate_zip
result = list(enumerate(zip("abc", [1, 2, 3])))
# %% loop_variable_after_loop
for i in range(5):
    pass
result = i
# %% empty_loop_else
for x in []:
    print("no")
else:
    print("empty else")
# %% pass_and_ellipsis
def f():
    ...
class C:
    pass
result = (f(), C.__name__)
# %% return_in_loop
def find(xs, target):
    for i, x in enumerate(xs):
        if x == target:
            return i
    return -1
result = (find([4, 5, 6], 6), find([], 1))
# %% while_with_complex_condition
a, b = 0, 10
while a < 5 and b > 6 or a == 0:
    a += 1
    b -= 1
result = (a, b)
# %% ternary_chain
def classify(n):
    return "small" if n < 10 else "medium" if n < 100 else "large"
result = [classify(n) for n in (5, 50, 500)]
# %% infinite_iterator_break
import itertools
result = []
for n in itertools.count(3, 4):
    if n > 20:
        break
    result.append(n)
# %% iterator_protocol_class
class Countdown:
    def __init__(self, n): self.n = n
    def __iter__(self): return self
    def __next__(self):
        if self.n <= 0:
            raise StopIteration
        self.n -= 1
        return self.n + 1
result = list(Countdown(4)) + [x for x in Countdown(2)]
# %% getitem_iteration
class Seq:
    def __getitem__(self, i):
        if i >= 3:
            raise IndexError(i)
        return i * 10
result = list(Seq())
# %% not_iterable_error
for x in 5:
    pass
