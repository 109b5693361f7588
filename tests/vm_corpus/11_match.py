# %% match_literals
def f(x):
    match x:
        case 0:
            return "zero"
        case 1 | 2:
            return "small"
        case "s":
            return "string"
        case None:
            return "none"
        case True:
            return "true"
        case _:
            return "other"
result = [f(v) for v in (0, 2, "s", None, True, 3.5)]
# %% match_sequences
def f(x):
    match x:
        case []:
            return "empty"
        case [a]:
            return f"one {a}"
        case [a, b]:
            return f"two {a} {b}"
        case [first, *rest]:
            return f"first {first} rest {rest}"
result = [f(v) for v in ([], [1], (1, 2), [1, 2, 3], "ab")]
# %% match_mapping
def f(x):
    match x:
        case {"type": "point", "x": px, "y": py}:
            return (px, py)
        case {"type": t, **rest}:
            return (t, rest)
        case {}:
            return "empty mapping"
result = [f(v) for v in ({"type": "point", "x": 1, "y": 2}, {"type": "o", "a": 1}, {}, [])]
# %% match_class_patterns
class Point:
    __match_args__ = ("x", "y")
    def __init__(self, x, y): self.x, self.y = x, y
def where(p):
    match p:
        case Point(0, 0):
            return "origin"
        case Point(x=0, y=y):
            return f"on y axis at {y}"
        case Point(x, 0):
            return f"on x axis at {x}"
        case Point():
            return "elsewhere"
        case _:
            return "not a point"
result = [where(p) for p in (Point(0, 0), Point(0, 5), Point(3, 0), Point(1, 1), 7)]
# %% match_builtin_class_self
def kind(v):
    match v:
        case int(n) if n > 100:
            return f"big int {n}"
        case int(n):
            return f"int {n}"
        case str(s):
            return f"str {s}"
        case [int(), *_]:
            return "list starting with int"
    return "unknown"
result = [kind(v) for v in (500, 5, "x", [1, "a"], 2.0)]
# %% match_guard_and_capture
def f(cmd):
    match cmd.split():
        case ["go", direction] if direction in ("north", "south"):
            return f"going {direction}"
        case ["go", _]:
            return "bad direction"
        case ["take", *items] as whole:
            return f"taking {items} from {whole}"
result = [f(c) for c in ("go north", "go up", "take a b")]
# %% match_or_with_as
def f(x):
    match x:
        case (1 | 2) as small:
            return small * 10
        case [(0 | 1) as bit, *_]:
            return f"bit {bit}"
    return None
result = (f(2), f([1, 5]), f(9))
# %% match_value_pattern_dotted
import enum
class Color(enum.Enum):
    RED = 1
    GREEN = 2
def f(c):
    match c:
        case Color.RED:
            return "red"
        case Color.GREEN:
            return "green"
result = (f(Color.RED), f(Color.GREEN), f(3))
# %% match_dataclass
from dataclasses import dataclass
@dataclass
class Move:
    dx: int
    dy: int
def f(m):
    match m:
        case Move(dx=0, dy=0):
            return "stay"
        case Move(dx, dy) if dx == dy:
            return "diagonal"
        case Move(dx, dy):
            return f"move {dx},{dy}"
result = [f(m) for m in (Move(0, 0), Move(2, 2), Move(1, 3))]
# %% match_too_many_positional
class P:
    __match_args__ = ("a",)
    a = 1
match P():
    case P(1, 2):
        pass
# %% match_nested_structures
def f(x):
    match x:
        case {"users": [{"name": str(name)}, *_]}:
            return name
        case {"users": []}:
            return "no users"
result = (f({"users": [{"name": "ann"}, {"name": "bob"}]}), f({"users": []}), f({}))
# %% match_string_not_sequence
match "abc":
    case [*chars]:
        result = "sequence"
    case str():
        result = "string"
