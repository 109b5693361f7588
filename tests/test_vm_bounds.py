"""Bounds on what the reader's code may do in the VM (issue 22): steps, wall time, output, the
size of a recording; the interpreter-wide hooks a program changes are put back; bad input to
the tracer and the player becomes a message. No test here depends on timing: time is bounded
with an injected clock, and the alarm is triggered by the program raising SIGALRM itself."""
from __future__ import annotations

import gc
import json
import re
import signal
import sys
import threading

import pytest

from internals_lab.evalloop import play, player_data, trace_for_stepper, vm_vs_cpython
from internals_lab.vm import (RUN_BOUNDS, TRACE_BOUNDS, Bounds, OutputLimitExceeded,
                              SourceRejected, StepLimitExceeded, TimeLimitExceeded, run, trace)
from internals_lab.vm.tracing import bounded_repr


class FakeClock:
    """Each reading is one second later than the one before."""

    def __init__(self) -> None:
        self.now, self.reads = 0.0, 0

    def __call__(self) -> float:
        self.reads += 1
        self.now += 1.0
        return self.now


ENDLESS = "while True:\n    pass\n"


# -- steps, wall time, output ------------------------------------------------------------------
def test_every_entry_point_has_default_caps_on_steps_time_and_output():
    for b in (RUN_BOUNDS, TRACE_BOUNDS):
        assert b.max_steps and b.max_seconds and b.max_output
    state = trace_for_stepper(ENDLESS)
    assert state.data.outcome.startswith("Stopped") and "2,000 instructions" in state.data.outcome
    assert len(state.data.steps) == 2000


def test_run_step_cap_is_raisable_and_says_how():
    with pytest.raises(StepLimitExceeded, match="raise max_steps"):
        run(ENDLESS, max_steps=500)
    assert run("total = sum(range(10))\n", max_steps=500)["total"] == 45


def test_wall_time_is_read_from_an_injectable_clock():
    clock = FakeClock()
    with pytest.raises(TimeLimitExceeded, match="5 s"):
        run(ENDLESS, bounds=Bounds(max_steps=None, max_seconds=5, clock=clock, alarm=False))
    # The deadline is reading 1 + 5 = 6; reading 7 passes it; one more reading restarts the
    # guard for whatever the program left to run later (a suspended generator's cleanup).
    assert clock.reads == 8


def test_trace_and_stepper_take_the_same_clock():
    t = trace(ENDLESS, bounds=Bounds(max_steps=None, max_seconds=3, clock=FakeClock(), alarm=False))
    assert t.stopped is not None and "time cap" in t.stopped and t.steps
    state = trace_for_stepper(ENDLESS, bounds=Bounds(max_steps=None, max_seconds=3, clock=FakeClock()))
    assert "time cap" in state.data.outcome


def test_run_output_cap_passes_output_through_then_stops(capsys):
    with pytest.raises(OutputLimitExceeded, match="100 characters"):
        run("while True:\n    print('abc')\n", max_output=100)
    assert capsys.readouterr().out == ("abc\n" * 25)[:100]


def test_a_program_cannot_catch_a_cap():
    source = "try:\n    while True:\n        print('x' * 10)\nexcept BaseException:\n    print('caught')\n"
    with pytest.raises(OutputLimitExceeded):
        run(source, max_output=50)
    with pytest.raises(StepLimitExceeded):
        run("try:\n    while True:\n        pass\nexcept BaseException:\n    pass\n", max_steps=100)


def test_vm_vs_cpython_refuses_an_endless_program_with_the_cap_message():
    with pytest.raises(StepLimitExceeded):
        vm_vs_cpython(ENDLESS, repeats=1, warmup=0, bounds=RUN_BOUNDS.with_(max_steps=1000))


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="no SIGALRM timers on this platform")
def test_the_alarm_stops_a_single_slow_instruction_and_is_put_back():
    # One slow instruction (10**10**7) never reaches the next step check; the alarm stops it.
    # The program raises SIGALRM itself, so the test does not wait for a timer.
    before = signal.getsignal(signal.SIGALRM)
    with pytest.raises(TimeLimitExceeded):
        run("import signal\nsignal.raise_signal(signal.SIGALRM)\nprint('not reached')\n")
    assert signal.getsignal(signal.SIGALRM) is before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_off_the_main_thread_there_is_no_alarm_but_the_clock_still_bounds():
    before = signal.getsignal(signal.SIGALRM)
    errors = []

    def body():
        try:
            run(ENDLESS, bounds=Bounds(max_steps=None, max_seconds=2, clock=FakeClock()))
        except TimeLimitExceeded as exc:
            errors.append(exc)

    worker = threading.Thread(target=body)
    worker.start()
    worker.join()
    assert len(errors) == 1 and signal.getsignal(signal.SIGALRM) is before


# -- the size of a recording ---------------------------------------------------------------------
def test_output_is_stored_once_not_at_every_step():
    source = "print('x' * 2_000_000)\nfor i in range(3000):\n    pass\n"
    t = trace(source, max_steps=None, max_output=None)
    assert t.stopped is None and len(t.output) == 2_000_001
    assert sum(len(s.output) for s in t.steps) == len(t.output)
    assert [s.output_end for s in t.steps][-1] == len(t.output)
    assert sum(1 for s in t.steps if s.output) == 1


def test_player_html_holds_the_output_once():
    source = "print('y' * 20_000)\nfor i in range(1000):\n    print(i)\n"
    player = play(source, max_steps=None, max_output=None)
    html = player._repr_html_()
    assert player.data.outcome == "The program finished normally."
    assert html.count("y" * 20_000) == 1
    data = json.loads(html.split('class="ilp-data">')[1].split("</script>")[0])
    assert "out" not in data["steps"][0] and data["output"].startswith("y" * 20_000)
    assert data["steps"][-1]["oe"] == len(data["output"]) == 20_001 + sum(len(f"{i}\n") for i in range(1000))


def test_trace_output_cap_keeps_the_first_characters_and_says_so():
    t = trace("for i in range(100):\n    print('ab')\n", max_output=9)
    assert t.output == "ab\nab\nab\n" and "9 characters of output" in t.stopped
    t = trace("for i in range(100):\n    print('abcd')\n", max_output=7)
    assert t.output == "abcd\nab"


def test_player_states_its_caps():
    html = play("print(1)\n")._repr_html_()
    assert "Recorded with caps of 2,000 instructions" in html and "characters of output" in html


def test_a_deep_stack_is_shown_by_its_top_values():
    # Right-nested sums push one value per level before the first addition.
    source = "a = 1\nx = " + "a + (" * 150 + "a" + ")" * 150 + "\n"
    t = trace(source, max_steps=None)
    # At the deepest point (CPython's co_stacksize) the top 15 values are drawn, the rest counted.
    hidden = compile(source, "<vm>", "exec").co_stacksize - 15
    assert any(s.stack_after[:1] == [f"... {hidden} more below"] for s in t.steps)
    assert all(len(s.stack_before) <= 16 for s in t.steps)


def test_the_recording_has_a_size_cap():
    source = "d = {}\nfor i in range(100000):\n    d[i] = 'x' * 50\n"
    t = trace(source, max_steps=None, max_trace_chars=200_000)
    assert t.stopped is not None and "size cap of 200,000" in t.stopped
    assert len(json.dumps(t.to_dict())) < 3 * 200_000


def test_big_ints_are_described_not_converted():
    t = trace("x = 10 ** 5000\nprint('ok')\n")
    assert t.exception is None and t.output == "ok\n"
    text = bounded_repr(10 ** 5000)
    saved = sys.get_int_max_str_digits() if hasattr(sys, "get_int_max_str_digits") else None
    if saved is not None:
        sys.set_int_max_str_digits(0)
    try:
        true_digits = len(str(10 ** 5000))
    finally:
        if saved is not None:
            sys.set_int_max_str_digits(saved)
    assert text == f"<int of about {true_digits:,} digits>"
    assert "digits" in bounded_repr(-(2 ** 100_000))


# -- bad input is a message ------------------------------------------------------------------------
@pytest.mark.parametrize("source, expected", [
    ("exit()\n", "SystemExit"),
    ("raise SystemExit(3)\n", "SystemExit: 3"),
    ("raise KeyboardInterrupt\n", "KeyboardInterrupt"),
    ("class Stop(BaseException):\n    pass\nraise Stop('boom')\n", "Stop: boom"),
    ("def g():\n    yield 1\nraise GeneratorExit\n", "GeneratorExit"),
])
def test_base_exceptions_of_the_program_are_its_outcome(source, expected):
    t = trace(source)
    assert t.exception.startswith(expected)
    state = trace_for_stepper(source)
    assert state.error is None and f"raised {expected}" in state.data.outcome
    assert "<div" in state.panel(0) and "raised" in play(source)._repr_html_()


@pytest.mark.parametrize("source, words", [
    ("x = '\ud800'\n", "U\\+D800"),
    ("x = " + "-" * 200_000 + "1\n", "nested too deeply"),
])
def test_sources_cpython_cannot_compile_are_messages(source, words):
    with pytest.raises(SourceRejected, match=words):
        trace(source)
    with pytest.raises(SourceRejected):
        run(source)
    state = trace_for_stepper(source)
    assert state.data is None and re.search(words, state.error) and re.search(words, state.panel(0))
    player = play(source)
    assert len(player) == 0 and re.search(words, player._repr_html_())


def test_carriage_returns_end_lines_as_they_do_for_the_compiler():
    source = "def f():\r    return 1\rf()\r"
    data = player_data(trace(source))
    ret = [s for s in data.steps if s.function == "f" and s.line == 2 and s.span]
    assert ret and all(source[a:b].strip() in ("return 1", "1") for a, b in (s.span for s in ret))
    assert trace_for_stepper(source).panel(len(data.steps) - 1)
    source = "x = 1\r\ny = x + 1\r\nprint(y)\r\n"
    data = player_data(trace(source))
    spans = {source[a:b] for a, b in (s.span for s in data.steps if s.span)}
    assert "x + 1" in spans and "print(y)" in spans


def test_the_readers_interrupt_still_stops_a_trace():
    before = signal.getsignal(signal.SIGINT)
    if not callable(before) or threading.current_thread() is not threading.main_thread():
        pytest.skip("needs a Python-level SIGINT handler in the main thread")
    with pytest.raises(KeyboardInterrupt):
        trace("import signal\nsignal.raise_signal(signal.SIGINT)\nprint('not reached')\n")
    assert signal.getsignal(signal.SIGINT) is before


# -- state the program changes is put back -----------------------------------------------------------
@pytest.mark.parametrize("tail", ["", "raise ValueError('after')\n", "while True:\n    pass\n"])
def test_the_programs_trace_and_profile_functions_do_not_survive_it(tail):
    source = ("import sys, threading\ndef spy(*args):\n    return spy\n"
              "sys.settrace(spy)\nsys.setprofile(spy)\nthreading.settrace(spy)\n" + tail)
    before = (sys.gettrace(), sys.getprofile())
    for entry in (lambda: run(source, max_steps=2000), lambda: trace(source)):
        try:
            entry()
        except (ValueError, StepLimitExceeded):
            pass
        assert (sys.gettrace(), sys.getprofile()) == before
        assert getattr(threading, "_trace_hook", None) is None


@pytest.mark.skipif(sys.version_info < (3, 12), reason="sys.monitoring is new in 3.12")
def test_the_programs_monitoring_tools_are_freed():
    free = [tool for tool in range(6) if sys.monitoring.get_tool(tool) is None]
    tool = free[-1]
    source = (f"import sys\nm = sys.monitoring\nm.use_tool_id({tool}, 'program')\n"
              f"m.register_callback({tool}, m.events.PY_START, lambda *a: None)\n"
              f"m.set_events({tool}, m.events.PY_START)\nraise ValueError\n")
    for entry in (run, trace):
        try:
            entry(source)
        except ValueError:
            pass
        assert sys.monitoring.get_tool(tool) is None


def test_a_suspended_generator_cleans_up_later_without_the_dead_tracer(capsys):
    source = ("def g():\n    try:\n        yield 1\n    finally:\n        print('cleanup')\n"
              "it = g()\nnext(it)\n")
    reported = []
    saved, sys.unraisablehook = sys.unraisablehook, reported.append
    try:
        t = trace(source)
        gc.collect()
    finally:
        sys.unraisablehook = saved
    assert reported == [] and t.exception is None
    assert "cleanup" in capsys.readouterr().out


@pytest.mark.parametrize("counter", ["ticks", "hook"])
def test_the_step_cap_counts_exactly_the_instructions_dis_lists(counter):
    from internals_lab.vm import VirtualMachine, bounded
    from internals_lab.vm.interpreter import recursion_room
    import builtins
    import dis

    source = "a = 1\nb = a + 2\nc = [a, b]\n"   # straight-line: each instruction runs once
    code = compile(source, "<vm>", "exec")
    count = len(list(dis.get_instructions(code)))

    def run_capped(cap):
        vm = VirtualMachine()
        if counter == "hook":   # an interpreter without the tick counter
            vm.hook = lambda frame, phase: None
        with bounded(vm, Bounds(max_steps=cap, max_seconds=None)), recursion_room(vm):
            vm.run_code(code, {"__builtins__": builtins})

    run_capped(count)
    with pytest.raises(StepLimitExceeded):
        run_capped(count - 1)


def test_a_program_that_replaces_stdout_does_not_keep_it():
    before = sys.stdout
    run("import sys, io\nsys.stdout = io.StringIO()\nprint('hidden')\n")
    assert sys.stdout is before
    t = trace("import sys, io\nsys.stdout = io.StringIO()\nraise ValueError\n")
    assert sys.stdout is before and t.exception == "ValueError: "


@pytest.mark.parametrize("bad", [{"source": 5, "steps": []}, {"source": "x", "steps": [{}]},
                                 {"source": "x", "steps": [{"depth": "a"}]}, {"source": "x", "steps": None}])
def test_a_malformed_trace_dict_is_a_plain_type_error(bad):
    with pytest.raises(TypeError, match="player_data"):
        player_data(bad)


@pytest.mark.parametrize("source", ["if x:\n  y\n \x00 z\n", "x = 1\x00\n"])
def test_null_bytes_are_a_message_on_every_version(source):
    # 3.11 raises ValueError from compile(), 3.12+ SyntaxError (its tokenizer once SystemError).
    state = trace_for_stepper(source)
    assert state.data is None and "null bytes" in state.error
    assert "null bytes" in play(source)._repr_html_()


def test_an_output_cap_whose_target_closed_is_collected_quietly():
    import gc
    import io

    from internals_lab.vm.bounds import CappedOutput

    reported = []
    old_hook, sys.unraisablehook = sys.unraisablehook, reported.append
    try:
        target = io.StringIO()
        capped = CappedOutput(100, target)
        capped.write("x")
        target.close()
        del capped
        gc.collect()
    finally:
        sys.unraisablehook = old_hook
    assert reported == []
