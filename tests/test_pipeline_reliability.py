"""Issue 22's pipeline reproducers: each gives stage data or a clear PipelineError, never a raw
exception or a dead interpreter (runs on 3.11-3.15)."""
from __future__ import annotations

import ast
import subprocess
import sys
import textwrap

import pytest

from internals_lab.pipeline import (
    PipelineError, analyse, cfg, classify, code_for, code_objects, cst_summary, folded, instructions,
    name_ops, opnames, symbols, tokens, transform, tree,
)
from internals_lab.pipeline.source import needs_probe

PY = sys.version_info[:2]
HUGE_HEX = "x = 0x" + "f" * 3600
HUGE_VALUE = int("f" * 3600, 16)   # the reference: Python's own int(), not the lab


def _async_with(depth: int) -> str:
    return "async def f():\n" + "".join("    " * (i + 1) + f"async with a{i}:\n" for i in range(depth)) \
        + "    " * (depth + 1) + "pass\n"


# --- the int-to-str digit limit --------------------------------------------------------------

def test_a_constant_past_the_digit_limit_goes_through_every_stage():
    with pytest.raises(ValueError):   # the limit this guards against is real on this interpreter
        str(HUGE_VALUE)
    shown = str(10 ** 5)   # and it is back in force after each stage
    literal = [dict(n.attributes)["value"] for n in tree(HUGE_HEX) if n.type == "Constant"]
    assert len(literal) == 1 and literal[0].isdigit() and len(literal[0]) > 4300
    assert any(c.isdigit() and len(c) > 4300 for c in code_objects(HUGE_HEX)[0].consts)
    assert "STORE_NAME" in opnames(HUGE_HEX)
    assert any(len(i.argrepr) > 4300 for i in instructions(HUGE_HEX))
    assert cfg(HUGE_HEX).blocks
    assert ("<module>", "x", "STORE_NAME") in {(o.scope, o.name, o.opname) for o in name_ops(HUGE_HEX)}
    if PY >= (3, 13):
        assert "Constant(value=" in folded(HUGE_HEX)
    assert analyse(HUGE_HEX).error is None
    with pytest.raises(ValueError):
        str(HUGE_VALUE)
    assert shown == "100000"


# --- the tokenizer's SystemError on a NUL (3.12, 3.13) -----------------------------------------

def test_a_nul_after_a_dedent_is_a_located_message():
    src = "if x:\n  y\n \x00 z\n"
    with pytest.raises(PipelineError) as caught:
        tokens(src)
    message = str(caught.value)
    assert " at 0x" not in message and "SystemError" not in message
    result = analyse(src)
    assert result.error is not None and " at 0x" not in result.error.caret()
    assert result.error.line == 3


# --- recursion --------------------------------------------------------------------------------

def test_a_thousand_nested_lambdas_have_a_symbol_table():
    src = "f = " + "lambda: " * 1000 + "1\n"
    found = symbols(src)
    assert [s.name for s in found if s.scope == "module"] == ["f"]
    assert sum(1 for s in found) == 1   # the lambdas bind nothing
    assert classify(src, "module") == {"f": "global (module level)"}


def test_a_thousand_tildes_fold_or_say_the_tree_is_too_deep():
    src = "x = " + "~" * 1000 + "1\n"
    try:
        dumped = folded(src)
    except PipelineError as exc:
        assert "nested too deeply" in str(exc)
    else:
        # 3.13 folds ~~1 ... to 1 in the tree; other versions return None or cannot dump the tree.
        assert dumped is None or "Constant(value=1)" in dumped


def test_transform_of_a_thousand_minus_signs_is_a_message():
    with pytest.raises(PipelineError, match="nested too deeply"):
        transform("x = " + "-" * 1000 + "1\n", ast.NodeTransformer())


# --- small rough edges ------------------------------------------------------------------------

def test_a_module_that_binds_no_names_has_an_empty_classification():
    assert classify("pass", "module") == {}
    with pytest.raises(KeyError, match="no scope named 'g'"):
        classify("pass", "g")


def test_bytearray_is_source_for_every_stage():
    src = bytearray(b"def f(x):\n    return x + 1\n")
    assert code_for(src).co_name == "<module>"
    assert instructions(src, "f") == instructions(bytes(src), "f")
    assert opnames(src) == opnames(bytes(src))
    assert cfg(src, "f") == cfg(bytes(src), "f")


# --- libcst -----------------------------------------------------------------------------------

def test_cst_of_199_nested_brackets():
    src = "x = " + "[" * 199 + "]" * 199 + "\n"
    summary = cst_summary(src)
    assert summary.round_trips
    assert summary.ast_node_count == len(list(ast.walk(ast.parse(src))))


@pytest.mark.parametrize("src", [
    pytest.param("x = " + "y and " * 8000 + "y\n", id="8000-and-operands"),          # was a segfault
    pytest.param("x = " + "1 if y else " * 3000 + "2\n", id="3000-conditionals"),    # was 1.5 GB
    pytest.param("x = " + "'a' " * 5000 + "\n", id="5000-concatenated-strings"),     # was ParserSyntaxError
])
def test_cst_of_deep_or_long_valid_source_is_data_or_a_message(src):
    try:   # valid Python, though some compilers run out of room for 3,000 nested conditionals
        ast.parse(src)
        parses = True
    except (RecursionError, MemoryError, SyntaxError):
        parses = False
    try:
        summary = cst_summary(src, timeout=20)
    except PipelineError as exc:
        # CPython's parser's own limit, or libcst's: never a raw exception, never a dead interpreter.
        assert exc.error.stage == ("cst" if parses else "parse"), str(exc)
        assert "libcst" in str(exc) or not parses
    else:
        assert summary.round_trips


def test_cst_refuses_a_source_past_its_size_bound():
    with pytest.raises(PipelineError, match="at most"):
        cst_summary("x = 1\n" * 20_000)


# --- a compiler that crashes ------------------------------------------------------------------

def test_deep_block_nesting_is_compiled_in_a_child_first():
    assert needs_probe(_async_with(19))
    assert not needs_probe("async def f():\n    async with a:\n        pass\n")


def test_the_explorer_survives_the_compiler_crash_of_cpython_3_12_1():
    # CPython 3.12.1 segfaults compiling 19 nested `async with` blocks; other versions compile them.
    # Run the lab in a child so that, if the guard failed, only the child would die.
    script = textwrap.dedent(f"""
        from internals_lab.pipeline import analyse
        result = analyse({_async_with(19)!r})
        print(result.failed_stage, result.error.message if result.error else "")
    """)
    child = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert child.returncode == 0, child.stderr
    crashes = subprocess.run([sys.executable, "-c", f"compile({_async_with(19)!r}, 'x', 'exec')"],
                             capture_output=True, timeout=60).returncode < 0
    if crashes:
        assert child.stdout.startswith("compile this interpreter's compiler crashed on this input")
    else:
        assert child.stdout.strip() == "None"


# --- post 11's operator replay and the specialization timeline ----------------------------------

def test_binary_op_steps_of_nan_and_of_identity_compared_objects():
    from internals_lab.pipeline import binary_op_steps

    nan = float("nan")
    assert [s.result for s in binary_op_steps(nan, "+", 1.0)] == ["nan"]

    class Fresh:   # each + makes a new object, equal only to itself
        def __add__(self, other):
            return Fresh()

    steps = binary_op_steps(Fresh(), "+", Fresh())
    assert len(steps) == 1 and steps[0].call.startswith("Fresh.__add__(")


def test_a_missing_function_in_a_timeline_is_named():
    from internals_lab.pipeline import specialization_timeline

    with pytest.raises(PipelineError, match=r"no function named 'g'; it defines \['f'\]"):
        specialization_timeline("def f(x):\n    return x\n", "g", [])


def test_a_timeline_is_bounded_in_calls_and_in_time():
    from internals_lab.pipeline import specialization_timeline

    with pytest.raises(ValueError, match="max_calls"):
        specialization_timeline("def f():\n    pass\n", "f", [("many", (), 10**9)])
    with pytest.raises(TimeoutError, match="bound"):
        specialization_timeline("def f():\n    while True:\n        pass\n", "f", [("once", (), 1)], timeout=0.5)
