"""Generated differential tests: random expression programs, CPython versus the VM.

Hypothesis builds small programs from integer/str/list values, binary and unary operators,
comparisons (chained), boolean operators, conditional expressions, subscripts and calls of
builtins; each runs in both interpreters and the outcomes (value or exception type and
message) must agree. `derandomize=True` keeps CI runs repeatable.
"""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from internals_lab.vm import run
from internals_lab.vm.corpus import outcome_of, reference_outcome

ATOMS = st.one_of(
    st.integers(-20, 20).map(str),
    st.sampled_from(["x", "y", "s", "xs", "True", "None", "0.5", "'ab'", "[1, 2]", "()"]),
)
BINARY = ["+", "-", "*", "//", "%", "**", "/", "<<", ">>", "&", "|", "^", "and", "or",
          "<", "<=", "==", "!=", ">", ">=", "in", "not in", "is", "is not"]


def _combine(children):
    binary = st.tuples(children, st.sampled_from(BINARY), children).map(lambda t: f"({t[0]} {t[1]} {t[2]})")
    chained = st.tuples(children, children, children).map(lambda t: f"({t[0]} < {t[1]} <= {t[2]})")
    unary = st.tuples(st.sampled_from(["-", "not ", "~", "+"]), children).map(lambda t: f"({t[0]}{t[1]})")
    ternary = st.tuples(children, children, children).map(lambda t: f"({t[0]} if {t[1]} else {t[2]})")
    subscript = st.tuples(children, children).map(lambda t: f"({t[0]})[{t[1]}]")
    call = st.tuples(st.sampled_from(["abs", "len", "str", "bool", "repr", "max"]), children).map(
        lambda t: f"{t[0]}({t[1]})")
    return st.one_of(binary, chained, unary, ternary, subscript, call)


EXPRESSIONS = st.recursive(ATOMS, _combine, max_leaves=6)
PRELUDE = "x = 7\ny = -3\ns = 'hey'\nxs = [4, 5, 6]\n"


@pytest.mark.filterwarnings("ignore::SyntaxWarning", "ignore::DeprecationWarning")
@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(EXPRESSIONS)
def test_generated_expression_matches_cpython(expression):
    source = PRELUDE + f"result = {expression}\n"
    if "**" in expression:  # keep huge powers out (slow in both, compared only for speed)
        source = source.replace("**", "*")
    assert outcome_of(run, source) == reference_outcome(source)


# Statement programs: nested blocks over three variables, always terminating (loops are
# bounded by range() or by a counter), printing as they go.
NAMES = st.sampled_from(["a", "b", "c"])
SMALL = st.integers(-3, 5)


def _simple_statements():
    assign = st.tuples(NAMES, EXPRESSIONS).map(lambda t: f"{t[0]} = {t[1]}")
    aug = st.tuples(NAMES, st.sampled_from(["+=", "-=", "*=", "//=", "%="]), SMALL).map(
        lambda t: f"{t[0]} {t[1]} {t[2]}")
    show = NAMES.map(lambda n: f"print({n!r}, {n})")
    unpack = st.tuples(NAMES, NAMES).map(lambda t: f"{t[0]}, *{t[1]} = xs" if t[0] != t[1] else "pass")
    raise_ = st.sampled_from(["raise ValueError(a)", "raise KeyError('k')", "b = 1 / 0", "pass"])
    return st.one_of(assign, aug, show, unpack, raise_)


def _blocks(children):
    body = st.lists(children, min_size=1, max_size=3).map(lambda lines: "\n".join(lines))

    def indent(text):
        return "\n".join("    " + line for line in text.splitlines())
    for_loop = st.tuples(NAMES, SMALL, body, st.booleans()).map(
        lambda t: f"for {t[0]} in range({t[1]}):\n{indent(t[2])}" + ("\n    if a == 2:\n        break" if t[3] else ""))
    if_stmt = st.tuples(EXPRESSIONS, body, body).map(lambda t: f"if {t[0]}:\n{indent(t[1])}\nelse:\n{indent(t[2])}")
    try_stmt = st.tuples(body, body, body).map(
        lambda t: f"try:\n{indent(t[0])}\nexcept (ValueError, ZeroDivisionError) as e:\n    print('caught', type(e).__name__)\n{indent(t[1])}\nfinally:\n{indent(t[2])}")
    func = st.tuples(body, NAMES).map(
        lambda t: f"def f(a, b=2, *rest, c=3):\n{indent(t[0])}\n    return {t[1]}\nprint('f ->', f(a, c=b))")
    gen = body.map(lambda t: f"def g():\n{indent(t)}\n    yield a\n    yield b\nprint('g ->', list(g()))")
    with_stmt = body.map(lambda t: f"with Managed():\n{indent(t)}")
    return st.one_of(for_loop, if_stmt, try_stmt, func, gen, with_stmt)


STATEMENTS = st.recursive(_simple_statements(), _blocks, max_leaves=8)
STATEMENT_PRELUDE = """\
x, y, s, xs = 7, -3, 'hey', [4, 5, 6]
a, b, c = 1, 2, 3
class Managed:
    def __enter__(self):
        print('enter')
    def __exit__(self, kind, value, tb):
        print('exit', kind.__name__ if kind else None)
        return kind is KeyError
"""


@pytest.mark.filterwarnings("ignore::SyntaxWarning", "ignore::DeprecationWarning")
@settings(max_examples=120, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(st.lists(STATEMENTS, min_size=1, max_size=4))
def test_generated_program_matches_cpython(statements):
    source = STATEMENT_PRELUDE + "\n".join(statements).replace("**", "*") + "\nresult = (a, b, c)\n"
    assert outcome_of(run, source) == reference_outcome(source)
