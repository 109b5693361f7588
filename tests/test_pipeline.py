"""The pipeline's data layer, checked against CPython itself (runs on 3.11, 3.12 and 3.13)."""
from __future__ import annotations

import ast
import dis
import stat
import os
import sys
import textwrap

import pytest

from internals_lab.pipeline import (
    PipelineError, analyse, binary_op_steps, cfg, classify, code_objects, compare, compile_source,
    find_interpreters, folded, instructions, name_ops, opnames, parse, parser_tokens,
    specialization_timeline, symbols, tokens, transform, tree,
)

PY = sys.version_info[:2]

NESTED = textwrap.dedent('''
    counter = 0
    def outer(a):
        b = 1
        def inner(c):
            global counter
            counter += 1
            return a + b + c + len("x")
        return inner
''')


# --- tokens -----------------------------------------------------------------------------

def test_tokens_rebuild_the_source_from_their_positions():
    src = "if x:  # note\n    y = (1 +\n         2)\n"
    lines = src.splitlines(keepends=True)
    for t in tokens(src):
        if t.start[0] == t.end[0] and t.string and t.type not in ("NEWLINE", "NL", "ENDMARKER", "DEDENT"):
            assert lines[t.start[0] - 1][t.start[1]:t.end[1]] == t.string


def test_indent_dedent_and_comment_tokens():
    types = [t.type for t in tokens("if x:\n    # hi\n    y = 1\nz = 2\n")]
    assert types.count("INDENT") == 1 and types.count("DEDENT") == 1
    assert "COMMENT" in types


@pytest.mark.skipif(PY < (3, 12), reason="the C tokenizer's raw stream is reachable from Python on 3.12+")
def test_the_parser_never_sees_comments():
    src = "x = 1  # a comment\n# a whole-line comment\ny = 2\n"
    assert "COMMENT" in [t.type for t in tokens(src)]
    raw = [t.type for t in parser_tokens(src)]
    assert "COMMENT" not in raw and "NL" not in raw
    assert [t for t in raw if t == "NAME"] == ["NAME", "NAME"]


def test_parser_tokens_unavailable_on_311_only():
    assert (parser_tokens("x") is None) == (PY < (3, 12))


def test_fstring_tokens_depend_on_the_version():
    types = [t.type for t in tokens('f"a{x}b"\n')]
    if PY >= (3, 12):  # PEP 701
        assert types[:3] == ["FSTRING_START", "FSTRING_MIDDLE", "OP"] and "FSTRING_END" in types
    else:
        assert types[0] == "STRING" and "FSTRING_START" not in types


# --- tree -------------------------------------------------------------------------------

def test_tree_positions_point_at_the_source_text():
    src = "total = price * count\n"
    names = [n for n in tree(src) if n.type == "Name"]
    assert len(names) == 3
    for n in names:
        line, col, end_line, end_col = n.position
        assert src.splitlines()[line - 1][col:end_col] == dict(n.attributes)["id"].strip("'")


def test_tree_is_preorder_with_parent_links():
    nodes = tree("a = f(1, 2)\n")
    assert nodes[0].type == "Module" and nodes[0].parent is None
    assert all(n.parent < n.id for n in nodes[1:])
    call = next(n for n in nodes if n.type == "Call")
    args = [n for n in nodes if n.parent == call.id and n.field == "args"]
    assert [n.index for n in args] == [0, 1]
    # As many nodes as ast.walk finds, leaving out the Load/Store/Add singletons shown inline.
    singletons = (ast.expr_context, ast.operator, ast.unaryop, ast.cmpop, ast.boolop)
    assert len(nodes) == sum(1 for n in ast.walk(ast.parse("a = f(1, 2)\n")) if not isinstance(n, singletons))


def test_constant_folding():
    code = compile_source("y = 2 * 3 * x\n")
    # What the code loads, whichever instruction loads it (3.14 loads small ints by value).
    loaded = [i.argval for i in dis.get_instructions(code) if i.opname in ("LOAD_CONST", "LOAD_SMALL_INT")]
    assert 6 in loaded and 2 not in loaded and 3 not in loaded
    if PY >= (3, 14):
        # Folding moved from the AST optimizer to the code generator's flow graph (flowgraph.c).
        assert "Constant(value=6)" not in (folded("2 * 3 * x") or "")
    elif PY >= (3, 13):
        assert "Constant(value=6)" in folded("2 * 3 * x")
        assert "Constant(value=6)" not in ast.dump(parse("2 * 3 * x"))
    else:
        assert folded("2 * 3 * x") is None


def test_transform_rewrites_then_compiles():
    class AddToSub(ast.NodeTransformer):
        def visit_Add(self, node):
            return ast.Sub()

    new_tree, code = transform("result = 10 + 3\n", AddToSub())
    namespace = {}
    exec(code, namespace)
    assert namespace["result"] == 7
    assert "Sub()" in ast.dump(new_tree)


def test_transform_that_removes_everything_is_a_clear_error():
    class Drop(ast.NodeTransformer):
        def visit_Module(self, node):
            return None

    with pytest.raises(PipelineError, match="removed the whole module"):
        transform("x = 1", Drop())


def test_cst_keeps_what_the_ast_drops():
    pytest.importorskip("libcst")
    from internals_lab.pipeline import cst_summary

    summary = cst_summary("x = (1 ,  2)  # keep me\n")
    kept = dict(summary.cst_only)
    assert summary.round_trips
    assert kept["Comment"] == 1 and kept["LeftParen"] == 1 and kept["Comma"] == 1
    assert summary.cst_node_count > summary.ast_node_count


# --- symbols ----------------------------------------------------------------------------

def test_classification_of_a_nested_function():
    # The expected kinds are written from the language reference's scoping rules, not read back.
    assert classify(NESTED, "outer") == {"a": "parameter (cell)", "b": "cell", "inner": "local"}
    assert classify(NESTED, "outer.inner") == {
        "a": "free", "b": "free", "c": "parameter", "counter": "global (explicit)", "len": "global (implicit)"}
    with pytest.raises(KeyError, match="no scope named"):
        classify(NESTED, "nowhere")


def test_symbol_kinds_match_the_instructions_the_compiler_chose():
    ops = {(o.scope, o.name, o.opname) for o in name_ops(NESTED)}
    loads = {(scope, name): op for scope, name, op in ops if op.startswith("LOAD")}
    inner = "outer.<locals>.inner"
    assert loads[(inner, "a")] == "LOAD_DEREF" and loads[(inner, "b")] == "LOAD_DEREF"
    assert loads[(inner, "len")] == "LOAD_GLOBAL" and loads[(inner, "counter")] == "LOAD_GLOBAL"
    assert (inner, "counter", "STORE_GLOBAL") in ops
    assert any(s == inner and n == "c" and op.startswith("LOAD_FAST") for s, n, op in ops)
    assert ("outer", "b", "STORE_DEREF") in ops


def test_class_scope_uses_name_lookups():
    ops = {(o.scope, o.name, o.opname) for o in name_ops("class C:\n    x = 1\n    y = x\n")}
    assert ("C", "x", "LOAD_NAME") in ops


# --- code objects -----------------------------------------------------------------------

DOCSTRING = textwrap.dedent('''
    def f(x):
        """Add one."""
        """A 'multi-line comment':
        just a string expression."""
        try:
            return x + 1
        except TypeError:
            return None
''')


def test_docstring_lives_in_co_consts_and_the_other_string_is_dropped():
    f = next(c for c in code_objects(DOCSTRING) if c.name == "f")
    assert f.docstring == "Add one." and f.consts[0] == "'Add one.'"
    assert not any("multi-line comment" in c for c in f.consts)
    namespace = {}
    exec(compile_source(DOCSTRING), namespace)
    assert namespace["f"].__doc__ == "Add one."


def test_optimize_2_drops_docstrings():
    f = next(c for c in code_objects(DOCSTRING, optimize=2) if c.name == "f")
    assert f.docstring is None and not any("Add one" in c for c in f.consts)


def test_exception_table_and_line_table():
    f = next(c for c in code_objects(DOCSTRING) if c.name == "f")
    assert f.exception_table, "a try statement needs an exception-table entry (3.11+)"
    handler_targets = {e.target for e in f.exception_table}
    offsets = {i.offset for i in instructions(DOCSTRING, "f")}
    assert handler_targets <= offsets
    covered_lines = {line for _, _, line in f.lines if line is not None}
    assert {7, 8, 9}.issubset(covered_lines)
    assert "OPTIMIZED" in f.flags and "NEWLOCALS" in f.flags


def test_flags_of_generators_and_closures():
    summaries = {c.name: c for c in code_objects("def g():\n    yield 1\n" + NESTED)}
    assert "GENERATOR" in summaries["g"].flags
    assert "NESTED" in summaries["inner"].flags
    assert summaries["inner"].freevars == ("a", "b")
    assert set(summaries["outer"].cellvars) == {"a", "b"}


# --- bytecode and control flow ----------------------------------------------------------

def test_instructions_agree_with_dis():
    src = "def f(a, b):\n    return a + b\n"
    ns = {}
    exec(src, ns)
    assert opnames(src, "f") == [i.opname for i in dis.get_instructions(ns["f"])]
    assert "BINARY_OP" in opnames(ns["f"])
    with pytest.raises(KeyError, match="no code object named"):
        instructions(src, "g")


LOOP = textwrap.dedent('''
    def f(xs):
        total = 0
        for x in xs:
            if x > 0:
                total += x
        try:
            return 1 / total
        except ZeroDivisionError:
            return None
''')


def test_cfg_partitions_the_bytecode():
    graph = cfg(LOOP, "f")
    flat = [i for b in graph.blocks for i in b.instructions]
    assert [i.offset for i in flat] == [i.offset for i in instructions(LOOP, "f")]
    starts = {b.start: b for b in graph.blocks}
    by_id = {b.id: b for b in graph.blocks}
    for edge in graph.edges:
        last = by_id[edge.source].instructions[-1]
        if edge.kind in ("jump", "branch"):
            assert by_id[edge.target].start == last.jump_target
        elif edge.kind == "next":
            assert edge.target == edge.source + 1
    kinds = {e.kind for e in graph.edges}
    assert {"next", "branch", "jump", "exception"} <= kinds
    assert any(b.is_handler for b in graph.blocks)
    # A loop makes a cycle: some edge goes backwards.
    assert any(by_id[e.target].start <= by_id[e.source].start for e in graph.edges if e.kind == "jump")
    assert set(starts) == {b.start for b in graph.blocks}


def test_straight_line_code_is_one_block():
    graph = cfg("def f(a):\n    return a * 2\n", "f")
    assert len(graph.blocks) == 1 and graph.edges == ()


# --- versions -----------------------------------------------------------------------------

def _empty_machine(monkeypatch, tmp_path):
    """No interpreter anywhere the registry looks, but the kernel itself."""
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path))
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    for name in list(os.environ):
        if name.startswith("INTERNALS_LAB_PYTHON"):
            monkeypatch.delenv(name)


def test_finder_reports_missing_versions(monkeypatch, tmp_path):
    _empty_machine(monkeypatch, tmp_path)
    found = find_interpreters(("3.9", "3.99"))
    assert found == {"3.9": None, "3.99": None}
    results = compare("x = 1", versions=("3.99",), interpreters=found)
    assert results[0].instructions is None and "not installed" in results[0].problem


def test_finder_rejects_an_impostor(monkeypatch, tmp_path):
    # A "python3" under a 3.98.0 directory that is really this interpreter must not count as 3.98.
    _empty_machine(monkeypatch, tmp_path)
    fake = tmp_path / "versions" / "3.98.0" / "bin" / "python3"
    fake.parent.mkdir(parents=True)
    fake.write_text(f"#!/bin/sh\nexec {sys.executable} \"$@\"\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    assert find_interpreters(("3.98",)) == {"3.98": None}
    here = f"{PY[0]}.{PY[1]}"
    # ...while the running interpreter is always found for its own version.
    assert find_interpreters((here,))[here] is not None


def test_compare_with_the_running_interpreter_matches_dis():
    here = f"{PY[0]}.{PY[1]}"
    src = "def f(a, b):\n    return a + b\n"
    [result] = compare(src, "f", versions=(here,))
    assert result.problem is None
    assert result.opnames == opnames(src, "f")


@pytest.mark.parametrize("source, argument", [
    ("def f(a, b):\n    return a + b\n", "f"),
    ("x = {1, 2, 3}\nprint(f'{x!r:>10}')\n", ""),
    ("x = f'{1 + 1}'\n", "--tokens"),
    ("def f(:\n", ""),
    ("x = 1\n", "no_such_function"),
])
def test_the_browser_probe_in_process_answers_as_the_subprocess_does(source, argument):
    # In Pyodide no process can start, so compare() asks the running interpreter in-process there.
    from internals_lab.pipeline import compare_tokens
    from internals_lab.pipeline.versions import _browser_result
    here = f"{PY[0]}.{PY[1]}"
    [child] = compare(source, argument or None, versions=(here,)) if argument != "--tokens" \
        else compare_tokens(source, versions=(here,))
    stdin, argv = sys.stdin, sys.argv
    assert _browser_result(here, source, argument) == child
    assert (sys.stdin, sys.argv) == (stdin, argv)
    assert "cannot run in this browser" in _browser_result("2.7", source, argument).problem


def test_binary_add_became_binary_op():
    found = find_interpreters(("3.10", "3.11"))
    if not all(found.values()):
        pytest.skip(f"needs CPython 3.10 and 3.11; missing: {[v for v, i in found.items() if i is None]}")
    old, new = compare("def f(a, b):\n    return a + b\n", "f", versions=("3.10", "3.11"), interpreters=found)
    assert "BINARY_ADD" in old.opnames and "BINARY_OP" not in old.opnames
    assert "BINARY_OP" in new.opnames and "BINARY_ADD" not in new.opnames


def test_syntax_error_in_another_version_is_reported():
    here = f"{PY[0]}.{PY[1]}"
    [result] = compare("def f(:\n", versions=(here,))
    assert result.instructions is None and "line 1" in result.problem


def test_comprehensions_are_inlined_from_312():
    src = "def f(xs):\n    return [x * 2 for x in xs]\n"
    nested = [c.name for c in code_objects(src)]
    assert ("<listcomp>" in nested) == (PY < (3, 12))


# --- specialization -------------------------------------------------------------------------

ADD = "def add(a, b):\n    return a + b\n"


def _binary(snapshot):
    return [op for op in snapshot.opnames() if op.startswith("BINARY_OP")]


def test_specialization_and_despecialization():
    warm = 2 if PY >= (3, 12) else 9   # 3.11 quickens a code object after 8 calls
    steps = specialization_timeline(ADD, "add", [
        ("ints", (1, 2), warm), ("floats", (1.0, 2.0), 52), ("one more float", (1.0, 2.0), 1)])
    assert _binary(steps[0]) == ["BINARY_OP"]
    assert _binary(steps[1]) == ["BINARY_OP_ADD_INT"]
    assert _binary(steps[2]) == ["BINARY_OP_ADD_INT"], "52 misses are tolerated"
    expected = ["BINARY_OP_ADD_FLOAT"] if PY >= (3, 12) else ["BINARY_OP_ADAPTIVE"]
    assert _binary(steps[3]) == expected
    assert steps[3].results == (3.0,)


def test_specialization_does_not_touch_a_second_definition():
    first = specialization_timeline(ADD, "add", [("ints", (1, 2), 10)])
    second = specialization_timeline(ADD, "add", [])
    assert _binary(first[-1]) == ["BINARY_OP_ADD_INT"] and _binary(second[-1]) == ["BINARY_OP"]


# --- type conversion (post 11) ----------------------------------------------------------

def test_int_plus_float_goes_through_radd():
    steps = binary_op_steps(5, "+", 2.5)
    assert [s.call for s in steps] == ["int.__add__(5, 2.5)", "float.__radd__(2.5, 5)"]
    assert steps[0].result == "NotImplemented" and steps[1].result == repr(5 + 2.5)
    assert "BINARY_OP" in opnames("def f(x, y):\n    return x + y\n", "f")


def test_reflected_method_of_a_subclass_goes_first():
    class MyFloat(float):
        def __radd__(self, other):
            return "mine"

    steps = binary_op_steps(1.5, "+", MyFloat(2.0))
    assert steps[0].call.startswith("MyFloat.__radd__") and steps[0].result == "'mine'"


def test_unsupported_operands():
    assert binary_op_steps(1, "+", "a")[-1].result.startswith("TypeError")
    assert binary_op_steps("a", "+", 1)[-1].result.startswith("TypeError")
    with pytest.raises(ValueError, match="not one of"):
        binary_op_steps(1, "%%", 2)


# --- errors and the explorer ----------------------------------------------------------------

MALFORMED = {
    "unterminated string": ('s = "abc\n', 1),
    "unterminated triple-quoted string": ('s = """abc\n\n', 1),
    "bad dedent": ("if x:\n    a\n  b\n", 3),
    "unexpected indent": ("x = 1\n    y = 2\n", 2),
    "missing block": ("def f():\nreturn 1\n", 2),
    "null byte": ("x = 1\ny = \x00\n", 2),
    "unclosed bracket": ("x = (1,\n", 1),
    "stray character": ("x = 1 $ 2\n", 1),
    "deep nesting": ("(" * 300 + ")" * 300, 1),
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_source_gives_a_located_message(name):
    src, line = MALFORMED[name]
    result = analyse(src)
    assert result.error is not None, name
    assert result.error.line == line
    assert result.error.message and "Traceback" not in result.error.caret()
    assert result.cfg is None and result.bytecode is None
    if result.error.column:
        assert result.error.caret().splitlines()[-1].strip() == "^"


def test_bytes_that_are_not_utf8():
    result = analyse(b'x = "caf\xe9"\n')
    assert result.error.stage == "decode" and "not valid UTF-8" in result.error.message
    assert (result.error.line, result.error.column) == (1, 9)
    assert analyse('# -*- coding: latin-1 -*-\nx = "caf\xe9"\n'.encode("latin-1")).error is None


def test_stage_functions_raise_pipeline_errors_only():
    for src, _ in MALFORMED.values():
        for stage in (tokens, tree, symbols, code_objects):
            try:
                stage(src)
            except PipelineError as exc:
                assert str(exc)


@pytest.mark.parametrize("shape", ["string", "comment"])
def test_a_megabyte_of_source(shape):
    body = "a" * 1_000_000
    src = f's = "{body}"\n' if shape == "string" else f"#{body}\nx = 1\n"
    result = analyse(src)
    assert result.error is None and result.bytecode is not None
    if shape == "string":
        assert any(t.type == "STRING" and len(t.string) == 1_000_002 for t in result.tokens)
    else:
        assert any(t.type == "COMMENT" and len(t.string) == 1_000_001 for t in result.tokens)


def test_nesting_too_deep_for_the_compiler_is_a_message():
    # Not constants: 3.14 folds 10,000 nested `1 +` to one number without recursing that deep.
    result = analyse("x = " + "y + " * 200_000 + "y\n")
    assert result.error is not None and "nested too deeply" in result.error.message
    assert result.cfg is None


def test_good_source_fills_every_stage():
    result = analyse(LOOP)
    assert result.error is None
    assert set(result.bytecode) == {"<module>", "f"} and result.cfg.name == "f"


def test_render_stages_for_errors_and_success():
    pytest.importorskip("graphviz")
    from internals_lab.graphs import find_dot
    from internals_lab.pipeline import render_stages

    if find_dot() is None:
        pytest.skip("no graphviz program")
    views = render_stages(analyse("def f(x):\n    return x\n"))
    assert [t for t, _ in views][:2] == ["Stage 1: tokens", "Stage 2: AST"] and "<svg" in views[1][1]._repr_html_()
    views = render_stages(analyse("def f(:\n"))
    texts = [str(v) for _, v in views]
    assert "line 1, column 7" in texts[0] and all("not reached" in t for t in texts[1:])
    assert not any("Traceback" in v._repr_html_() for _, v in views)


def test_explorer_widget_updates_and_never_raises():
    pytest.importorskip("ipywidgets")
    pytest.importorskip("graphviz")
    from internals_lab.graphs import find_dot
    from internals_lab.pipeline import Explorer

    if find_dot() is None:
        pytest.skip("no graphviz program")
    explorer = Explorer("x = 1\n")
    assert explorer.analysis.error is None and "All stages OK" in explorer.status.value
    explorer.editor.value = "def f(:\n"   # the observer re-runs every stage
    assert explorer.analysis.error.line == 1 and "^" in explorer.status.value
    assert "not reached" in explorer.panes[-1].value
    explorer.editor.value = "y = 2\n"
    assert explorer.analysis.error is None and "<svg" in explorer.panes[1].value


def test_outputs_carry_no_memory_addresses():
    src = "def f():\n    def g():\n        return 1\n    return g\n"
    texts = [i.argrepr for i in instructions(src)] + [i.argrepr for i in instructions(src, "f")]
    here = f"{PY[0]}.{PY[1]}"
    texts += [arg for _, arg in compare(src, "f", versions=(here,))[0].instructions]
    assert not any(" at 0x" in t for t in texts)
    assert "<code object g, line 2>" in texts


def test_a_rebound_name_is_a_cell_only_where_the_closure_reads_it():
    src = textwrap.dedent('''
        def a():
            x = 1
            def b():
                x = 2
                def c():
                    return x
                return c
            return b
    ''')
    assert classify(src, "a")["x"] == "local"        # b's own x shadows it
    assert classify(src, "a.b")["x"] == "cell"
    assert classify(src, "a.b.c")["x"] == "free"
    codes = {c.name: c for c in code_objects(src)}
    assert codes["a"].cellvars == () and codes["b"].cellvars == ("x",)


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_windows_and_old_mac_line_endings_tokenize_like_the_compiler(newline):
    src = newline.join(["# note", "if x:", "    y = 1", ""])
    compile(src, "<lab>", "exec")  # the compiler accepts it...
    result = analyse(src)          # ...so every stage must too
    assert result.error is None
    assert [(t.string, t.start[0]) for t in result.tokens if t.type == "NAME"] == [("if", 2), ("x", 2), ("y", 3)]


def test_tokenize_module_quirks_do_not_stop_the_compiler_stages(monkeypatch):
    # Found by hypothesmith on 3.11: its pure-Python tokenize rejects some whitespace (form feeds,
    # continuation lines) that the compiler accepts. Simulate that disagreement on any version.
    import internals_lab.pipeline.explorer as explorer
    from internals_lab.pipeline import SourceError

    def refuse(text):
        raise PipelineError(SourceError("tokens", "simulated tokenize failure", 1, 1, "x = 1"))

    monkeypatch.setattr(explorer, "tokens", refuse)
    result = analyse("x = 1\n")
    assert result.error is None and result.tokens is None and result.bytecode is not None
    assert "compiler's tokenizer accepts it" in result.notes[0].message
    bad = analyse("x = (1,\n")
    assert bad.error.stage == "syntax" and bad.notes == ()


def test_compiler_warnings_become_notes_and_filters_are_restored():
    import warnings

    before = list(warnings.filters)
    result = analyse('path = "C:\\data"\nok = x is 1\n')
    assert result.error is None
    messages = [n.message for n in result.notes]
    assert any("escape" in m for m in messages), messages  # DeprecationWarning on 3.11, SyntaxWarning from 3.12
    assert any("SyntaxWarning" in m and "is" in m for m in messages), messages
    assert len(messages) == len(set(messages)), "each warning once, though several stages compile"
    assert warnings.filters == before


def test_fstring_tokens_across_versions():
    from internals_lab.pipeline import compare_tokens

    found = find_interpreters(("3.11", "3.12"))
    if not all(found.values()):
        pytest.skip(f"needs CPython 3.11 and 3.12; missing: {[v for v, i in found.items() if i is None]}")
    old, new = compare_tokens('f"hi {name}"\n', versions=("3.11", "3.12"), interpreters=found)
    assert old.instructions[0] == ("STRING", 'f"hi {name}"')
    assert [t for t, _ in new.instructions[:3]] == ["FSTRING_START", "FSTRING_MIDDLE", "OP"]


def test_non_ascii_source_reaches_the_other_interpreter_intact():
    here = f"{PY[0]}.{PY[1]}"
    [result] = compare('def f():\n    return "café ✓"\n', "f", versions=(here,))
    assert any(arg == "'café ✓'" for _, arg in result.instructions), result


def test_an_augmented_assignment_makes_a_local_that_may_be_unbound():
    src = "count = 0\ndef bump():\n    count += 1\n"
    assert classify(src, "bump") == {"count": "local"}
    loads = [o.opname for o in name_ops(src) if o.scope == "bump" and o.opname.startswith("LOAD")]
    # 3.12+ checks for an unbound local only where it cannot prove the variable is bound.
    assert loads == (["LOAD_FAST_CHECK"] if PY >= (3, 12) else ["LOAD_FAST"])
    ns = {}
    exec(compile_source(src), ns)
    with pytest.raises(UnboundLocalError):
        ns["bump"]()
