"""Inputs for the fuzz stage: a seeded sample of grammar-generated programs and hostile text.

Every generator is deterministic (a fixed seed, hypothesis derandomized), so a finding can be
replayed, and every input is under 100 KB (the stage's promise is about inputs that size).
"""
from __future__ import annotations

import random

MAX_INPUT = 100_000
SEED = 22   # issue 22


def hypothesmith_programs(count: int) -> list[str]:
    """`count` programs from hypothesmith's grammar strategy, the same ones on every run."""
    import hypothesmith
    from hypothesis import HealthCheck, Phase, given, settings

    found: list[str] = []

    @settings(max_examples=count, derandomize=True, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(hypothesmith.from_grammar(auto_target=False))
    def collect(source: str) -> None:
        found.append(source)

    collect()
    return found


def _async_with(depth: int) -> str:
    return "async def f():\n" + "".join("    " * (i + 1) + f"async with a{i}:\n" for i in range(depth)) \
        + "    " * (depth + 1) + "pass\n"


def _nested_ifs(depth: int) -> str:
    return "".join(" " * i + "if x:\n" for i in range(depth)) + " " * depth + "pass\n"


def _nested_try(depth: int) -> str:
    body = "".join("  " * i + "try:\n" for i in range(depth)) + "  " * depth + "pass\n"
    return body + "".join("  " * i + "finally:\n" + "  " * (i + 1) + "pass\n" for i in reversed(range(depth)))


def hostile() -> list[str | bytes | bytearray]:
    """Deep nesting, huge literals, NULs, odd newlines, surrogates, bytes and long strings."""
    items: list[str | bytes | bytearray] = [
        # Deep nesting, in the shapes the issue found (and one level past each limit).
        "x = " + "y and " * 8000 + "y\n",
        "x = " + "1 if y else " * 3000 + "2\n",
        "x = " + "[" * 199 + "]" * 199 + "\n",
        "x = " + "(" * 200 + "1" + ")" * 200 + "\n",
        "x = " + "(" * 201 + "1" + ")" * 201 + "\n",
        "f = " + "lambda: " * 1000 + "1\n",
        "x = " + "~" * 1000 + "1\n",
        "x = " + "-" * 1000 + "1\n",
        "x = " + "not " * 3000 + "y\n",
        "x = " + "1 + " * 5000 + "1\n",
        "x = " + "f(" * 150 + ")" * 150 + "\n",
        "x = " + "a." * 5000 + "b\n",
        _async_with(19), _async_with(20), _async_with(21),
        _nested_ifs(19), _nested_ifs(99), _nested_ifs(101),
        _nested_try(19), _nested_try(21),
        "".join("    " * i + f"def f{i}():\n" for i in range(60)) + "    " * 60 + "return 1\n",
        # Huge literals.
        "x = 0x" + "f" * 3600 + "\n",
        "x = " + "9" * 5000 + "\n",
        "x = 10 ** 5000\nprint('ok')\n",
        "x = '" + "a" * 90_000 + "'\n",
        "x = " + "'a' " * 5000 + "\n",
        "x = [" + "1, " * 20_000 + "]\n",
        "x = {" + ", ".join(f"'k{i}': {i}" for i in range(5000)) + "}\n",
        # NULs.
        "if x:\n  y\n \x00 z\n", "\x00", "x = 1\x00\n", "x = '\x00'\n", "# \x00\n",
        # Odd newlines and whitespace.
        "def f():\r    return 1\rf()\r", "x = 1\r\ny = 2\r\n", "x = 1\ry = 2\n", "if x:\n\f    y\n",
        "x = (1,\r2)\r", "\r\r\r", "if x:\n\ty\n        z\n",
        # Surrogates and other Unicode edges.
        "x = '\ud800'\n", "x = '\udfff'\nprint(x)\n", "# \ud800\nx = 1\n", "\ud800 = 1\n",
        "x = '\U0010ffff'\n", "\ufeffx = 1\n", "x\u2028= 1\n",
        # Long strings and output.
        "print('y' * 20_000)\nfor i in range(1000):\n    print(i)\n",
        "print('x' * 2_000_000)\nfor i in range(3000):\n    pass\n",
        "s = 'ab' * 40_000\nt = s.upper()\n",
        # Programs that leave or stop the interpreter.
        "exit()\n", "raise SystemExit(3)\n", "raise KeyboardInterrupt\n",
        "class E(BaseException):\n    pass\nraise E('custom')\n",
        "def g():\n    try:\n        yield 1\n    finally:\n        print('cleanup')\nit = g()\nnext(it)\n",
        "while True:\n    pass\n",
        "def f():\n    return f()\nf()\n",
        # Bytes: a coding cookie, bad UTF-8, an unknown codec; and the same as bytearray.
        b"# -*- coding: latin-1 -*-\nx = '\xe9'\n", b"x = '\xff\xfe'\n", b"# coding: nope\nx = 1\n",
        b"\xef\xbb\xbfx = 1\n", b"x = 1\r\ny = 2\r\n",
        bytearray(b"x = 1\n"), bytearray(b"def f():\n    return 1\n"), bytearray(b"\x00"),
    ]
    rng = random.Random(SEED)
    pieces = ["x", " ", "\n", "    ", "\t", "(", ")", "[", "]", ":", "if", "def", "'", '"', '"""', "f'{", "}",
              "1", "+", "=", "#", "\\", "\x00", "\r", "\ud800", "lambda", "return", ",", "async", "await",
              "yield", "0x", "e", "j", "_", "@", "*", "**", ";", "\f", "é", "class", "with", "for", "in"]
    for _ in range(30):
        items.append("".join(rng.choice(pieces) for _ in range(rng.randint(1, 60))))
    assert all(len(item) < MAX_INPUT for item in items)
    return items


def mutations(programs: list[str], count: int) -> list[str | bytes | bytearray]:
    """Valid programs with one hostile edit each: a NUL, a lone CR, a surrogate, a bracket..."""
    rng = random.Random(SEED + 1)
    edits = ["\x00", "\r", "\ud800", "(", ")", "\\", "'", "\t", "\f", "    ", "\n", "lambda: " * 50, "~" * 300]
    out: list[str | bytes | bytearray] = []
    for i in range(count):
        source = programs[i % len(programs)] if programs else "x = 1\n"
        at = rng.randint(0, len(source))
        mutated = source[:at] + rng.choice(edits) + source[at:]
        choice = rng.random()
        if choice < 0.1:
            out.append(mutated.encode("utf-8", "surrogatepass"))
        elif choice < 0.2:
            out.append(bytearray(mutated.encode("utf-8", "surrogatepass")))
        else:
            out.append(mutated)
    return out
