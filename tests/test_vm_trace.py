"""The trace entry point: plain-data steps with positions, stacks, locals, depth and a cap."""
from __future__ import annotations

import dis
import json
import sys

import pytest

from internals_lab.vm import trace
from internals_lab.vm.tracing import bounded_repr


def test_trace_steps_match_cpythons_instructions_in_order():
    source = "a = 1\nb = a + 2\n"
    t = trace(source)
    expected = [i.opname for i in dis.get_instructions(compile(source, "<vm>", "exec"))]
    assert [s.opname for s in t.steps] == expected


def test_trace_records_stack_before_and_after_and_locals():
    t = trace("def f(x):\n    return x * 3\nr = f(4)\n")
    mult = next(s for s in t.steps if s.opname == "BINARY_OP")
    assert mult.stack_before == ["4", "3"] and mult.stack_after == ["12"]
    assert mult.locals == {"x": "4"} and mult.depth == 1 and mult.function == "f"
    assert mult.line == 2 and mult.col is not None and mult.end_col > mult.col


def test_trace_columns_come_from_cpython_positions():
    source = "x = 10\ny = x - 4\n"
    code = compile(source, "<vm>", "exec")
    positions = {i.offset: i.positions for i in dis.get_instructions(code)}
    for step in trace(source).steps:
        p = positions[step.offset]
        assert (step.line, step.end_line, step.col, step.end_col) == tuple(p)


def test_trace_is_json_ready():
    t = trace("class P:\n    pass\np = P()\nitems = [p, {1: 'a' * 500}]\nprint(len(items))\n")
    data = json.loads(json.dumps(t.to_dict()))
    assert data["output"] == "2\n"
    assert any(step["output"] == "2\n" for step in data["steps"])
    assert all(len(v) <= 60 for step in data["steps"] for v in step["stack_after"])
    assert all(" at 0x" not in v for step in data["steps"] for v in step["stack_after"])


def test_trace_arg_is_the_instructions_own_argument():
    # The raw argument dis reports (an index into co_consts, the int of LOAD_SMALL_INT, a jump
    # delta), never what the VM decoded it into (the constant itself, an instruction index).
    source = "x = 100000\ny = x + 7\nfor i in range(2):\n    pass\n"
    code = compile(source, "<vm>", "exec")
    expected = {i.offset: i.arg for i in dis.get_instructions(code)}
    steps = trace(source).steps
    assert steps and all(s.arg == expected[s.offset] for s in steps)
    assert any(s.opname == "LOAD_CONST" for s in steps)


def test_step_cap_ends_a_runaway_loop_with_a_message():
    t = trace("while True:\n    pass\n", max_steps=300)
    assert len(t.steps) == 300
    assert t.stopped is not None and "300 instructions" in t.stopped


def test_program_exception_is_recorded_not_raised():
    t = trace("x = 1\nx.missing\n")
    assert t.exception == "AttributeError: 'int' object has no attribute 'missing'"
    assert t.steps[-1].exception == "raised"


def test_traced_programs_do_not_inherit_the_tracers_future_flags():
    import subprocess
    source = "def f(x: int) -> list[int]:\n    pass\nprint(f.__annotations__)\n"
    expected = subprocess.run([sys.executable, "-c", source], capture_output=True, text=True,
                              check=True).stdout
    assert trace(source).output == expected


def test_trace_restores_stdout_even_when_the_program_raises():
    before = sys.stdout
    trace("print('hi')\nraise ValueError\n")
    assert sys.stdout is before


def test_bounded_repr_never_runs_program_repr():
    t = trace("class Loud:\n    def __repr__(self):\n        print('repr ran')\n        return 'L'\n"
              "x = Loud()\nbox = [x, {'k': (x,)}]\n")
    assert "repr ran" not in t.output
    assert any("<Loud object>" in v for s in t.steps for v in s.stack_after)
    assert any(v == "[<Loud object>, {'k': (<Loud object>,)}]" for s in t.steps for v in s.stack_after)
    long = bounded_repr("a" * 100)
    assert "..." in long and len(long) <= 60
    assert bounded_repr(list(range(1000))).endswith("...]")


def test_max_steps_must_be_positive():
    with pytest.raises(ValueError, match="max_steps"):
        trace("x = 1", max_steps=0)


def test_next_offset_shows_where_a_jump_goes():
    source = "for i in range(2):\n    pass\n"
    t = trace(source)
    back = [s for s in t.steps if s.opname == "JUMP_BACKWARD"]
    for_iter = next(s for s in t.steps if s.opname == "FOR_ITER")
    assert back and all(s.next_offset == for_iter.offset for s in back)
    linear = next(s for s in t.steps if s.opname == "GET_ITER")
    assert linear.next_offset == for_iter.offset  # GET_ITER is followed by FOR_ITER


def test_trace_keeps_the_vm_traceback_of_an_uncaught_exception():
    t = trace("def f():\n    return 1 / 0\n\nf()\n", filename="t.py")
    assert t.traceback == [("t.py", 4, "<module>"), ("t.py", 2, "f")]


def test_frames_are_numbered_in_the_order_they_start():
    t = trace("def f(n):\n    return n\nf(1)\nf(2)\n")
    frames = [s.frame for s in t.steps if s.function == "f"]
    assert sorted(set(frames)) == [1, 2]  # two calls, two frames; the module is frame 0
    assert {s.frame for s in t.steps if s.function == "<module>"} == {0}


def test_method_load_pushes_the_function_and_self_as_cpython_does():
    t = trace("class P:\n    def norm(self):\n        return 5\np = P()\nr = p.norm()\n")
    load = next(s for s in t.steps if s.opname in ("LOAD_ATTR", "LOAD_METHOD") and "norm" in s.argrepr)
    assert load.stack_after[-2:] == ["<function P.norm>", "<__main__.P object>"]


def test_trace_carries_the_listing_of_every_code_that_ran():
    source = "def f():\n    return 1\nf()\n"
    t = trace(source)
    module = compile(source, "<vm>", "exec")
    assert [i["opname"] for i in t.codes[t.steps[0].code]] == [i.opname for i in dis.get_instructions(module)]
    inner = next(s for s in t.steps if s.function == "f")
    function_code = next(c for c in module.co_consts if hasattr(c, "co_code"))
    assert [i["offset"] for i in t.codes[inner.code]] == [i.offset for i in dis.get_instructions(function_code)]
    assert all(any(i["offset"] == s.offset for i in t.codes[s.code]) for s in t.steps)


def test_codes_with_the_same_name_and_line_keep_their_own_listings():
    # Two generator expressions on one line: same co_qualname and co_firstlineno.
    t = trace("a = [1, 2]\nr = (sum(x for x in a), max(y * 2 for y in a if y))\n")
    genexpr_keys = {s.code for s in t.steps if s.function == "<genexpr>"}
    assert len(genexpr_keys) == 2
    for step in t.steps:
        listing = {row["offset"]: row["opname"] for row in t.codes[step.code]}
        assert listing[step.offset] == step.opname


CORPUS = [s for s in __import__("internals_lab.vm.corpus", fromlist=["x"]).load_corpus(
    __import__("pathlib").Path(__file__).parent / "vm_corpus") if s.min_version <= sys.version_info[:2]]


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize("snippet", CORPUS, ids=[s.id for s in CORPUS])
def test_tracing_does_not_change_what_a_corpus_program_does(snippet):
    from internals_lab.vm.corpus import outcome_of, run_in_cpython
    expected = outcome_of(run_in_cpython, snippet.source)
    t = trace(snippet.source, max_steps=500_000)
    assert t.stopped is None
    assert t.output == expected.output
    expected_exception = None if expected.exception is None else ": ".join(expected.exception)
    assert t.exception == expected_exception
    json.dumps(t.to_dict())  # every record stays JSON-ready


def test_a_raising_step_leaves_the_stack_its_handler_starts_with():
    # CPython pops the instruction's inputs and unwinds before the handler runs: neither operand
    # of the failed addition is left, only the exception the handler receives.
    t = trace("try:\n    x = 1 + 'a'\nexcept TypeError:\n    pass\n")
    (i, raised), = [(i, s) for i, s in enumerate(t.steps) if s.exception == "raised"]
    handler = t.steps[i + 1]
    assert raised.opname == "BINARY_OP" and handler.opname == "PUSH_EXC_INFO"
    assert raised.stack_after == handler.stack_before
    assert len(raised.stack_after) == 1 and raised.stack_after[0].startswith("TypeError(")


def test_a_step_whose_exception_leaves_the_frame_leaves_no_stack():
    t = trace("def f():\n    return 1 / 0\ntry:\n    f()\nexcept ZeroDivisionError:\n    pass\n")
    inner = [s for s in t.steps if s.exception == "raised" and s.function == "f"]
    assert [s.opname for s in inner] == ["BINARY_OP"] and inner[0].stack_after == []
