"""Chapter 02's views: the trace player's data and HTML, the stepper's state, the VM profile,
and the tools that watch execution (hooks restored even when the watched code raises)."""
from __future__ import annotations

import collections
import json
import re
import sys

import pytest

from internals_lab.evalloop import (TracePlayer, exception_table, handler_counts, handler_excerpt,
                                    monitoring_events, play, player_data, profile_table, profile_vm,
                                    settrace_events, trace_for_stepper)
from internals_lab.vm import trace

LOOP = "total = 0\nfor n in range(3):\n    total += n\nprint(total)\n"
CALL = "def square(x):\n    return x * x\n\nprint(square(4) + 1)\n"
CAUGHT = "try:\n    1 / 0\nexcept ZeroDivisionError:\n    print('caught')\n"


def test_spans_are_the_source_text_of_each_instruction():
    data = player_data(trace(CALL))
    by_op = [(s.opname, CALL[s.span[0]:s.span[1]]) for s in data.steps if s.span]
    assert ("BINARY_OP", "x * x") in by_op
    # 3.14 loads small ints with LOAD_SMALL_INT, older versions with LOAD_CONST.
    assert any(op in ("LOAD_CONST", "LOAD_SMALL_INT") and text == "4" for op, text in by_op)
    assert any(op == "CALL" and text == "square(4)" for op, text in by_op)


def test_spans_count_characters_not_utf8_bytes():
    source = "s = 'héllo'\nt = s + '!'\n"
    data = player_data(trace(source))
    texts = [source[s.span[0]:s.span[1]] for s in data.steps if s.span and s.opname == "BINARY_OP"]
    assert texts == ["s + '!'"]


def test_frame_stack_grows_inside_a_call_and_shrinks_after():
    data = player_data(trace(CALL))
    inside = [s for s in data.steps if s.function == "square"]
    assert inside and all([f for f, _ in s.frames] == ["<module>", "square"] for s in inside)
    assert [f for f, _ in data.steps[-1].frames] == ["<module>"]
    # The caller's frame shows the line of its CALL while the callee runs.
    assert inside[0].frames[0][1] == 4


def test_exception_step_is_marked_and_the_handler_runs():
    data = player_data(trace(CAUGHT))
    raised = [s for s in data.steps if s.raised]
    assert [s.opname for s in raised] == ["BINARY_OP"]
    after = data.steps[raised[0].index + 1]
    assert after.opname == "PUSH_EXC_INFO"
    assert data.printed(data.steps[-1]) == "caught\n"


def test_loop_jumps_back():
    data = player_data(trace(LOOP))
    ops = [s.opname for s in data.steps]
    assert ops.count("JUMP_BACKWARD") == 3 or ops.count("JUMP_BACKWARD") + ops.count("JUMP_ABSOLUTE") == 3
    assert data.printed(data.steps[-1]) == "3\n"


def test_no_addresses_anywhere_in_the_player():
    player = play("def f():\n    return 1\nf()\n")
    html = player._repr_html_()
    assert not re.search(r"0x[0-9a-f]{6,}", html)
    assert "code object f" in html


def test_player_html_has_the_hooks_and_is_self_contained():
    player = play(LOOP, "loop")
    html = player._repr_html_()
    assert 'class="internals-lab-player"' in html and 'tabindex="0"' in html
    for action in ("first", "back", "forward", "last"):
        assert f'data-action="{action}"' in html
    assert 'type="range"' in html and 'max="%d"' % (len(player) - 1) in html
    assert "current-span" in html and "step-counter" in html
    assert "src=" not in html and "http" not in html  # nothing to fetch
    payload = re.search(r'<script type="application/json" class="ilp-data">(.*?)</script>', html, re.S).group(1)
    assert len(json.loads(payload)["steps"]) == len(player)


def test_each_instance_has_its_own_id_and_the_same_trace_renders_the_same_way():
    a, b = play(LOOP), play(LOOP)
    assert a.element_id != b.element_id
    strip = lambda h, i: h.replace(i, "ID")  # noqa: E731
    assert strip(a._repr_html_(), a.element_id) == strip(b._repr_html_(), b.element_id)


def test_source_with_script_tags_cannot_break_out():
    player = play("s = '</script><script>alert(1)</script>'\n")
    html = player._repr_html_()
    assert html.count("<script") == 2 and html.count("</script>") == 2


def test_str_is_readable_text():
    text = str(play(LOOP, "loop"))
    assert text.startswith("loop: ") and "FOR_ITER" in text and "finished normally" in text


def test_stepper_state_turns_bad_input_into_messages():
    assert "syntax error" in trace_for_stepper("def (:\n").panel(0)
    state = trace_for_stepper("while True:\n    pass\n", max_steps=50)
    assert state.steps == 50 and "Stopped" in state.panel(0)
    assert "current-span" in trace_for_stepper(LOOP).panel(3)


def test_player_rejects_what_is_not_a_trace():
    with pytest.raises(TypeError, match="trace"):
        player_data({"nothing": 1})
    with pytest.raises(TypeError, match="str"):
        play(42)


PROGRAM = "def f(n):\n    s = 0\n    for i in range(n):\n        s += i\n    return s\nf(50)\n"


def test_profile_counts_match_the_traced_instruction_counts():
    counts = handler_counts(profile_vm(PROGRAM))
    steps = collections.Counter(s.opname for s in trace(PROGRAM).steps)
    from internals_lab.vm import HANDLERS
    expected = collections.Counter()
    for opname, n in steps.items():
        expected[HANDLERS[opname].__name__] += n
    assert counts == dict(expected)


def test_profile_table_without_times_is_deterministic():
    a = str(profile_table(profile_vm(PROGRAM), times=False))
    b = str(profile_table(profile_vm(PROGRAM), times=False))
    assert a == b and "calls" in a


def test_profile_in_this_process_counts_the_same():
    assert handler_counts(profile_vm(PROGRAM, isolated=False)) == handler_counts(profile_vm(PROGRAM))


def test_profiler_is_off_after_the_program_raises():
    with pytest.raises(ZeroDivisionError, match="division by zero"):
        profile_vm("1 / 0\n")  # in its own process: the error comes back with its type
    with pytest.raises(ZeroDivisionError):
        profile_vm("1 / 0\n", isolated=False)
    assert sys.getprofile() is None
    if sys.version_info >= (3, 12):
        assert sys.monitoring.get_tool(sys.monitoring.PROFILER_ID) is None


def _watched(x):
    y = x + 1
    return y * 2


def _raises(x):
    raise ValueError(x)


def test_settrace_sees_call_lines_return_and_restores_the_hook():
    before = sys.gettrace()
    result, events = settrace_events(_watched, 1)
    assert result == 4 and sys.gettrace() is before
    first = _watched.__code__.co_firstlineno
    assert [(e.event, e.line) for e in events] == [("call", first), ("line", first + 1),
                                                    ("line", first + 2), ("return", first + 2)]
    with pytest.raises(ValueError):
        settrace_events(_raises, 1)
    assert sys.gettrace() is before


@pytest.mark.skipif(sys.version_info < (3, 12), reason="sys.monitoring is 3.12+")
def test_monitoring_sees_the_same_lines_and_frees_its_tool():
    tools = [sys.monitoring.get_tool(t) for t in range(6)]
    _, events = monitoring_events(_watched, 1)
    _, traced = settrace_events(_watched, 1)
    assert [e.line for e in events if e.event == "LINE"] == [e.line for e in traced if e.event == "line"]
    assert events[0].event == "PY_START" and events[-1].event == "PY_RETURN"
    with pytest.raises(ValueError):
        monitoring_events(_raises, 1)
    assert [sys.monitoring.get_tool(t) for t in range(6)] == tools


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="3.11 has no sys.monitoring")
def test_monitoring_says_it_needs_312():
    with pytest.raises(NotImplementedError, match="3.12"):
        monitoring_events(_watched, 1)


def test_exception_table_matches_dis():
    import dis
    code = compile(CAUGHT, "<t>", "exec")
    rows = exception_table(code)
    # dis decodes the same table independently (Bytecode.exception_entries, in offsets).
    expected = [(e.start, e.end, e.target, e.depth, e.lasti) for e in dis.Bytecode(code).exception_entries]
    assert [(r.start, r.end, r.target, r.depth, r.lasti) for r in rows] == expected
    assert rows


def test_handler_excerpt_is_the_vm_source_and_names_bytecodes_c():
    ex = handler_excerpt("BINARY_OP")
    # 3.11-3.13 link 3.13.0's file; from 3.14 the running release's own (3.14 added instructions).
    v = sys.version_info
    prerelease = {"alpha": "a", "beta": "b", "candidate": "rc"}.get(v.releaselevel)
    tag = ("v3.13.0" if v < (3, 14) else
           f"v{v.major}.{v.minor}.{v.micro}" + (f"{prerelease}{v.serial}" if prerelease else ""))
    assert ex.vm_source.startswith("def op_BINARY_OP") and f"/{tag}/Python/bytecodes.c" in ex.cpython_url
    if v >= (3, 14):
        assert handler_excerpt("LOAD_SMALL_INT").vm_source.startswith("def op_LOAD_SMALL_INT")
    with pytest.raises(ValueError, match="no handler"):
        handler_excerpt("NOT_AN_OPCODE")


def test_live_stepper_retraces_when_the_learner_picks_or_types():
    pytest.importorskip("ipywidgets")
    from internals_lab.evalloop import stepper
    from internals_lab.render import Live

    shown = stepper()
    assert isinstance(shown, Live) and isinstance(shown.static, TracePlayer)
    choose, text, step, view = shown.widget.children
    first = view.value
    step.value = 3
    assert view.value != first and "step" in step.description
    choose.value = "an exception"
    assert "ZeroDivisionError" in text.value and step.value == 0 and step.max > 5
    text.value = "x = (\n"
    assert "Cannot trace" in view.value and "syntax error" in view.value


def test_quickening_vm_rewrites_integer_binary_ops_and_keeps_results():
    import builtins
    import dis
    from internals_lab.evalloop import quickening_vm_class, specialization_gain
    from internals_lab.vm import VirtualMachine

    source = ("def f(a, b):\n    x = a + b\n    x -= 1\n    return x * 2, a / b, a % b\n"
              "r1 = f(3, 4)\nr2 = f(1.5, 2)\nr3 = f('a', 'b') if False else f(2, 5)\nr4 = [1] * 3 + [2]\n")
    code = compile(source, "<q>", "exec")
    results = []
    for cls in (VirtualMachine, quickening_vm_class()):
        vm, ns = cls(), {"__builtins__": builtins}
        vm.run_code(code, ns)
        results.append({k: ns[k] for k in ("r1", "r2", "r3", "r4")})
    assert results[0] == results[1]
    exec(code, ns := {})
    assert results[0] == {k: ns[k] for k in ("r1", "r2", "r3", "r4")}
    expected = sum(1 for c in (code, code.co_consts[0]) for i in dis.get_instructions(c)
                   if i.opname == "BINARY_OP" and i.argrepr in ("+", "-", "*", "+=", "-=", "*="))
    gain = specialization_gain(source, repeats=1, warmup=0)
    assert gain.quickened == expected and gain.same_result
