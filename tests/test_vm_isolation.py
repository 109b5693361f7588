"""The VM keeps its own state apart from the program's: builtins, recursion limit.

Each check runs the same program in plain CPython (`exec`, sharing nothing with the VM) and in
the VM, and compares what they print and return; the test restores the real builtins and
recursion limit itself, so a VM that fails cannot leave the process broken.
"""
from __future__ import annotations

import builtins
import contextlib
import io
import sys

import pytest

from internals_lab.vm import VirtualMachine, run
from internals_lab.vm.interpreter import recursion_room

REPLACES_BUILTINS = '''
import builtins
def broken(*args):
    raise ZeroDivisionError("the program's own builtin")
builtins.isinstance = builtins.len = builtins.getattr = builtins.iter = builtins.tuple = broken
def g(*a, **k):
    return a, k
def gen():
    yield from [1, 2]
try:
    raise KeyError(1)
except KeyError:
    pass
x = [*range(3)]
match [1, 2]:
    case [a, b]:
        pass
total = 0
for item in gen():
    total += item
result = (g(*x, **{"k": 1}), a, b, total)
'''

_SAVED = ("isinstance", "len", "getattr", "iter", "tuple")


def _outcome(execute, source):
    saved = {name: getattr(builtins, name) for name in _SAVED}
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            namespace = execute(source)
        return out.getvalue(), repr(namespace.get("result")), None
    except Exception as exc:
        return out.getvalue(), None, (type(exc).__name__, str(exc))
    finally:
        for name, value in saved.items():
            setattr(builtins, name, value)


def _cpython(source):
    namespace = {"__name__": "__main__"}
    exec(compile(source, "<cpython>", "exec", dont_inherit=True), namespace)
    return namespace


def test_program_replacing_builtins_does_not_change_the_vm():
    expected = _outcome(_cpython, REPLACES_BUILTINS)
    assert expected[2] is None, expected
    assert _outcome(run, REPLACES_BUILTINS) == expected


RECURSION = '''
import sys
def depth(n=1):
    try:
        return depth(n + 1)
    except RecursionError:
        return n
old = sys.getrecursionlimit()
sys.setrecursionlimit(150)
try:
    d = depth()
    seen = sys.getrecursionlimit()
finally:
    sys.setrecursionlimit(old)
for bad in (0, "x"):
    try:
        sys.setrecursionlimit(bad)
    except (ValueError, TypeError) as e:
        print(type(e).__name__, e)
result = (seen, 130 < d <= 150, sys.getrecursionlimit() == old)
def deep(n):
    return 0 if n == 0 else 1 + deep(n - 1)
'''


def _in_a_fresh_cpython(source: str, then: str) -> str:
    """stdout of `source` followed by `then`, in a new process of this interpreter."""
    import subprocess
    program = source + then
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_programs_recursion_limit_counts_vm_frames():
    then = "print(result)\nprint(deep(int(sys.getrecursionlimit() * 0.8)))\n"
    expected = _in_a_fresh_cpython(RECURSION, then)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        namespace = run(RECURSION)
        print(namespace["result"])
        # After run() returns, a VM function called from CPython still has the room it had.
        print(namespace["deep"](int(sys.getrecursionlimit() * 0.8)))
    assert out.getvalue() == expected
    assert "(150, True, True)" in expected


# CPython code (map, here; test.support's infinite_recursion in Lib/test) raises the limit
# while the program runs: the program's recursion follows it, as in CPython. (The VM adopts
# it when its own limit is reached; until then Python's limit counts the VM's Python frames,
# about six per VM frame, so a small raise shows later than in CPython.)
NATIVE_LIMIT = """
import sys
def deep(n):
    return 0 if n == 0 else 1 + deep(n - 1)
old = sys.getrecursionlimit()
list(map(sys.setrecursionlimit, [old + 20000]))
try:
    reached = deep(old + 1000)
    seen = sys.getrecursionlimit() - old
finally:
    list(map(sys.setrecursionlimit, [old]))
try:
    deep(old + 1000)
except RecursionError:
    reached_after = "RecursionError"
result = (reached - old, seen, reached_after, sys.getrecursionlimit() == old)
"""


def test_a_limit_set_by_cpython_code_holds_for_the_program():
    expected = _in_a_fresh_cpython(NATIVE_LIMIT, "print(result)\n")
    assert expected == "(1000, 20000, 'RecursionError', True)\n"
    assert f"{run(NATIVE_LIMIT)['result']}\n" == expected


def test_nested_rooms_raise_pythons_limit_once():
    # A VM function called from CPython code inside another VM's room (unittest running a test
    # method) opens a nested room; each one used to multiply the limit until 3.11's C stack broke.
    before = sys.getrecursionlimit()
    with recursion_room(VirtualMachine()):
        raised = sys.getrecursionlimit()
        assert raised > before
        inner = VirtualMachine()
        assert inner.max_depth == before
        with recursion_room(inner), recursion_room(inner):
            assert sys.getrecursionlimit() == raised
            assert inner.max_depth == before
        assert sys.getrecursionlimit() == raised
    assert sys.getrecursionlimit() == before
