"""Tests for internals_lab.coroutines: the data layer against the running CPython (3.11-3.13)."""
import asyncio
import dis
import gc
import inspect
import sys
import threading
import time
import tracemalloc
import types

import pytest

from internals_lab import coroutines as co
from internals_lab.coroutines import (
    CoroutineLabError, await_chain, compare_memory, describe, drive, frame_snapshot,
    future_links, run_on_versions, trace_task,
)

VERSION = sys.version_info[:2]


# -- the example of source post 2, with a short sleep -------------------------------------------

async def fetch_data():
    await asyncio.sleep(0.01)
    return 42


async def compute():
    a = 10
    b = await fetch_data()
    return a + b


def line_of(func, marker):
    """The absolute line number of the first source line of `func` containing `marker`."""
    lines, first = inspect.getsourcelines(func)
    return first + next(i for i, text in enumerate(lines) if marker in text)


@types.coroutine
def tick(value="tick"):
    """A minimal awaitable: suspends once, yielding `value` to whoever drives the coroutine."""
    received = yield value
    return received


async def outer_by_hand():
    x = 1
    y = await inner_by_hand(x)
    return x + y


async def inner_by_hand(n):
    got = await tick("from inner")
    return n + got


def counter():
    total = 0
    while True:
        received = yield total
        if received is None:
            return total
        total += received


# -- describe -----------------------------------------------------------------------------------

def test_describe_shows_plain_values_and_hides_addresses():
    loop = asyncio.new_event_loop()
    try:
        fut = loop.create_future()
        assert describe(fut) == "Future(pending)"
        fut.set_result(3)
        assert describe(fut) == "Future(done, result=3)"
        assert describe(loop).startswith("<") and "0x" not in describe(loop)
    finally:
        loop.close()
    assert describe(10) == "10"
    assert describe("x" * 100).endswith("...")
    assert "0x" not in describe(object())
    c = compute()
    assert describe(c) == "<coroutine compute>"
    c.close()


# -- snapshots of single frames: checked against CPython's own attributes -----------------------

def test_never_started_generator_snapshot_differs_by_version():
    gen = counter()
    snap = frame_snapshot(gen)
    assert snap.state == "CREATED"
    assert snap.offset == gen.gi_frame.f_lasti
    # 3.11 and 3.12 record the last instruction executed (RETURN_GENERATOR, offset 0); 3.13
    # records the next one to run (the POP_TOP that discards the first send's None).
    expected = "POP_TOP" if VERSION >= (3, 13) else "RETURN_GENERATOR"
    assert snap.instruction == expected
    assert snap.offset == (2 if VERSION >= (3, 13) else 0)
    assert snap.has_f_back is False
    gen.close()


def test_suspended_generator_snapshot_points_at_the_yield():
    gen = counter()
    next(gen)
    gen.send(5)
    snap = frame_snapshot(gen)
    assert snap.state == "SUSPENDED"
    assert snap.line == line_of(counter, "received = yield total")
    assert dict(snap.locals) == {"total": "5", "received": "5"}
    ops = {i.offset: i.opname for i in dis.get_instructions(counter)}
    if VERSION >= (3, 13):
        # the saved pointer is the RESUME after YIELD_VALUE: where execution continues
        assert snap.instruction == "RESUME"
        assert ops[snap.offset - 2] == "YIELD_VALUE"
    else:
        assert snap.instruction == "YIELD_VALUE"
    assert gen.gi_suspended is True  # 3.11+ attribute
    gen.close()
    closed = frame_snapshot(gen)
    assert closed.state == "CLOSED" and closed.line is None and closed.locals == ()


def test_suspended_coroutine_frame_has_no_f_back_but_a_running_one_does():
    seen = {}

    async def look():
        frame = sys._getframe()
        seen["running_state"] = inspect.getcoroutinestate(coro)
        seen["running_has_back"] = frame.f_back is not None
        await tick()

    coro = look()
    coro.send(None)
    snap = frame_snapshot(coro)
    assert seen == {"running_state": "CORO_RUNNING", "running_has_back": True}
    assert snap.state == "SUSPENDED" and snap.has_f_back is False
    assert coro.cr_suspended is True
    coro.close()


def test_await_chain_by_hand_follows_cr_await_to_the_innermost_awaitable():
    coro = outer_by_hand()
    assert coro.send(None) == "from inner"
    chain = await_chain(coro)
    assert [s.name for s in chain] == ["outer_by_hand", "inner_by_hand", "tick"]
    assert [s.kind for s in chain] == ["coroutine", "coroutine", "generator"]
    assert all(s.state == "SUSPENDED" for s in chain)
    assert dict(chain[0].locals) == {"x": "1"}
    assert chain[0].line == line_of(outer_by_hand, "await inner_by_hand")
    assert chain[0].awaiting == "<coroutine inner_by_hand>"
    with pytest.raises(StopIteration) as stop:
        coro.send(5)
    assert stop.value.value == 1 + (1 + 5)


def test_the_frame_object_is_created_on_demand():
    # 3.11+: the coroutine embeds its interpreter frame; a frame object appears only when asked.
    coro = outer_by_hand()
    kinds = lambda: [type(r).__name__ for r in gc.get_referents(coro)]
    assert "frame" not in kinds()
    frame = coro.cr_frame
    assert "frame" in kinds() and coro.cr_frame is frame
    coro.close()


def test_locals_live_inside_the_coroutine_object():
    async def few():
        await tick()

    async def many():
        a = b = c = d = e = f = g = h = 0  # noqa: F841 - eight more locals
        await tick()

    small, big = few(), many()
    assert sys.getsizeof(big) - sys.getsizeof(small) == 8 * (
        many.__code__.co_nlocals - few.__code__.co_nlocals
    ) + 8 * (many.__code__.co_stacksize - few.__code__.co_stacksize)
    small.close(), big.close()


# -- drive ---------------------------------------------------------------------------------------

def test_drive_records_every_resume_and_suspend():
    trace = drive(counter(), [3, 4])
    assert trace.events() == ["created", "resume", "suspend", "resume", "suspend", "resume", "suspend", "resume", "return"]
    assert [s.sent for s in trace.steps if s.event == "resume"] == ["None", "3", "4", "None"]
    assert [s.value for s in trace.steps if s.event == "suspend"] == ["0", "3", "7"]
    assert trace.result == "7" and trace.error is None
    assert trace.steps[-1].outer.state == "CLOSED"


def test_drive_a_coroutine_by_hand_without_an_event_loop():
    trace = drive(outer_by_hand(), [5])
    assert asyncio.events._get_running_loop() is None
    assert trace.result == "7"
    suspend = next(s for s in trace.steps if s.event == "suspend")
    assert suspend.value == "'from inner'"
    assert [s.name for s in suspend.chain] == ["outer_by_hand", "inner_by_hand", "tick"]


def test_drive_records_an_exception_and_closes_the_generator():
    def broken():
        yield 1
        raise KeyError("missing")

    gen = broken()
    trace = drive(gen)
    assert trace.error == "KeyError: 'missing'"
    assert trace.steps[-1].event == "raise"
    assert inspect.getgeneratorstate(gen) == "GEN_CLOSED"


def test_drive_closes_what_it_could_not_finish():
    def forever():
        while True:
            yield

    gen = forever()
    with pytest.raises(CoroutineLabError, match="did not finish within 5 sends"):
        drive(gen, max_steps=5)
    assert inspect.getgeneratorstate(gen) == "GEN_CLOSED"


@pytest.mark.parametrize("bad, message", [
    (counter, "call it first"),
    (42, "not int"),
])
def test_drive_rejects_bad_input_with_a_sentence(bad, message):
    with pytest.raises(CoroutineLabError, match=message):
        drive(bad)


def test_drive_rejects_a_started_generator():
    gen = counter()
    next(gen)
    with pytest.raises(CoroutineLabError, match="already SUSPENDED"):
        drive(gen)
    gen.close()


# -- trace_task on the post's example -----------------------------------------------------------

@pytest.mark.parametrize("task_class", ["c", "python"])
def test_trace_task_walks_post_2_example(task_class):
    trace = trace_task(compute, task_class=task_class)
    assert trace.result == "52" and trace.error is None
    assert trace.events() == ["created", "resume", "suspend", "resume", "return"]
    parked = trace.steps[2]
    assert [s.name for s in parked.chain] == ["compute", "fetch_data", "sleep", "FutureIter"]
    compute_frame, fetch_frame, sleep_frame, leaf = parked.chain
    assert dict(compute_frame.locals) == {"a": "10"}  # b is not bound yet
    assert compute_frame.line == line_of(compute, "b = await fetch_data()")
    assert fetch_frame.line == line_of(fetch_data, "await asyncio.sleep")
    assert dict(sleep_frame.locals)["future"] == "Future(pending)"
    assert dict(sleep_frame.locals)["delay"] == "0.01"
    assert leaf.locals == (("refers to (gc.get_referents)", "Future(pending)"),)
    assert parked.value == "Future(pending)"            # what the coroutine yielded to the Task
    assert parked.task_waiting_on == "Future(pending)"  # and what the Task then waits on
    woken = trace.steps[3]
    assert woken.sent == "None"                          # asyncio always resumes with send(None)
    assert dict(woken.chain[2].locals)["future"] == "Future(done, result=None)"
    # the resumed frames continue where they stopped: same lines as while parked
    assert [s.line for s in woken.chain[:3]] == [s.line for s in parked.chain[:3]]


@pytest.mark.parametrize("task_class", ["c", "python"])
def test_the_browsers_socket_free_loop_gives_the_same_trace(monkeypatch, task_class):
    # In Pyodide there is no socketpair (SelectorEventLoop cannot start) and asyncio's WebLoop
    # cannot run_until_complete, so the private loop is asyncio's BaseEventLoop with a selector
    # that only sleeps. Natively, pretending to be that platform must change nothing a reader sees.
    from internals_lab.coroutines import private_loop

    native = trace_task(compute, task_class=task_class)
    monkeypatch.setattr(private_loop.sys, "platform", "emscripten")
    made = []
    real = private_loop._BrowserEventLoop
    monkeypatch.setattr(private_loop, "_BrowserEventLoop", lambda: made.append(real()) or made[-1])
    browser = trace_task(compute, task_class=task_class)
    assert len(made) == 1 and made[0].is_closed()
    assert browser.result == native.result == "52"
    assert browser.events() == native.events()

    def frames(trace, loop_name):
        # The one thing that differs is the loop's class, which asyncio.sleep keeps in a local.
        seen = [[(f.name, f.line, tuple((k, "LOOP" if v == loop_name else v) for k, v in f.locals))
                 for f in step.chain] for step in trace.steps]
        assert any("LOOP" in str(step) for step in seen)
        return seen

    native_loop = asyncio.new_event_loop()
    native_loop.close()
    assert frames(browser, "<_BrowserEventLoop>") == frames(native, f"<{type(native_loop).__name__}>")


def test_future_links_show_who_holds_the_future():
    for task_class in ("c", "python"):
        links = future_links(compute, task_class=task_class)
        assert links.chain == ("compute", "fetch_data", "sleep", "FutureIter")
        assert links.frames_holding_it == ("sleep.future",)  # compute's frame does not hold it
        assert links.chain_end_refers_to_it is True
        assert links.outer_frame_f_back is False
        assert links.waiter == "Future(pending)"


def test_c_task_exposes_fut_waiter():
    # The brief worried the C Task might hide _fut_waiter; on 3.11-3.13 it is a read-only member.
    assert "_fut_waiter" in dir(asyncio.Task)
    assert asyncio.Task is not asyncio.tasks._PyTask


def test_trace_task_rejects_bad_input():
    with pytest.raises(CoroutineLabError, match="plain function"):
        trace_task(len)
    with pytest.raises(CoroutineLabError, match="task_class"):
        trace_task(compute, task_class="rust")
    c = compute()
    with pytest.raises(CoroutineLabError, match="not int"):
        trace_task(3)
    c.close()


# -- restoration of global state ------------------------------------------------------------------

class LoopSpy:
    """Wraps asyncio.new_event_loop to remember every loop the lab creates."""

    def __init__(self, monkeypatch):
        self.loops = []
        real = asyncio.new_event_loop

        def spy():
            loop = real()
            self.loops.append(loop)
            return loop

        monkeypatch.setattr(asyncio, "new_event_loop", spy)


def global_state():
    policy = asyncio.get_event_loop_policy()
    return dict(
        running=asyncio.events._get_running_loop(),
        policy=policy,
        current=getattr(policy._local, "_loop", None),
        hooks=tuple(sys.get_asyncgen_hooks()),
        trace=sys.gettrace(),
        profile=sys.getprofile(),
        origin_depth=sys.get_coroutine_origin_tracking_depth(),
        threads=threading.active_count(),
    )


async def misbehaving():
    """Learner code that changes loop state, installs hooks and then raises."""
    asyncio.set_event_loop(asyncio.new_event_loop())
    sys.set_asyncgen_hooks(firstiter=lambda agen: None, finalizer=lambda agen: None)
    asyncio.set_event_loop_policy(asyncio.DefaultEventLoopPolicy())
    asyncio.get_running_loop().set_debug(True)  # debug mode tracks coroutine origins
    sys.setprofile(lambda frame, event, arg: None)
    await asyncio.sleep(0)
    raise RuntimeError("learner bug")


def test_trace_task_restores_everything_when_the_traced_code_raises(monkeypatch):
    spy = LoopSpy(monkeypatch)
    before = global_state()
    trace = trace_task(misbehaving)
    assert trace.error == "RuntimeError: learner bug"
    assert trace.steps[-1].event == "raise"
    after = global_state()
    assert after == before
    assert spy.loops and all(loop.is_closed() for loop in spy.loops[:1])
    for stray in spy.loops[1:]:  # the loop the learner made is theirs; close it for the test
        stray.close()


def test_trace_task_restores_state_after_the_step_limit(monkeypatch):
    spy = LoopSpy(monkeypatch)

    async def forever():
        while True:
            await asyncio.sleep(0)

    before = global_state()
    with pytest.raises(CoroutineLabError, match="did not finish"):
        trace_task(forever, max_steps=20)
    assert global_state() == before
    assert len(spy.loops) == 1 and spy.loops[0].is_closed()


def test_trace_task_works_inside_a_running_loop_and_gives_it_back():
    # A Jupyter kernel has a running loop in the main thread; the lab must not break it.
    async def kernel_cell():
        outer = asyncio.get_running_loop()
        trace = trace_task(compute)
        assert asyncio.get_running_loop() is outer
        await asyncio.sleep(0)  # the outer loop still works
        return trace.result

    assert asyncio.run(kernel_cell()) == "52"


def test_compare_memory_joins_its_threads_and_keeps_tracemalloc_as_it_was(monkeypatch):
    spy = LoopSpy(monkeypatch)
    threads_before = threading.active_count()
    tracemalloc.start()
    try:
        result = compare_memory(200)
        assert tracemalloc.is_tracing()  # it was on before, so it stays on
    finally:
        tracemalloc.stop()
    assert threading.active_count() == threads_before
    assert all(loop.is_closed() for loop in spy.loops) and len(spy.loops) == 2
    assert result.n == 200
    assert result.thread_traced > 0 and result.task_traced > 0
    with pytest.raises(CoroutineLabError, match="n >= 100"):
        compare_memory(5)


# -- other versions ---------------------------------------------------------------------------------

def test_run_on_versions_runs_the_current_interpreter_and_reports_missing_ones():
    here = f"{VERSION[0]}.{VERSION[1]}"
    runs = run_on_versions("print(6 * 7)", versions=(here, "2.1"))
    assert runs[0].found and runs[0].ok and runs[0].output == "42"
    assert runs[0].full_version.startswith(here)
    assert runs[1].found is False and runs[1].output == ""


SNIPPETS_FOR_THE_BROWSER = [
    "import dis\nasync def job():\n    return 1\nprint([i.opname for i in dis.get_instructions(job)][:3])\n",
    "import sys\nprint(__name__, len(sys.argv) >= 1)\nraise SystemExit(3)\n",
    "print('before')\n1 / 0\n",
    "import sys\nprint('out')\nprint('err', file=sys.stderr)\nsys.exit('a message')\n",
    "import sys\nprint('err only when it fails', file=sys.stderr)\n",
]


@pytest.mark.parametrize("snippet", SNIPPETS_FOR_THE_BROWSER)
def test_the_in_process_run_for_the_browser_reports_what_a_fresh_interpreter_does(snippet):
    # Pyodide cannot start a process, so there run_on_versions runs the current version in-process;
    # its record must say what the subprocess run says (the traceback's file lines differ: compare
    # the output's first line, whether it succeeded, and the exception's last line).
    from internals_lab.coroutines.versions import _run_here
    here = f"{VERSION[0]}.{VERSION[1]}"
    (child,) = run_on_versions(snippet, versions=(here,))
    mine = _run_here(snippet)
    assert (mine.version, mine.found, mine.full_version, mine.ok) == (child.version, True, child.full_version, child.ok)
    if "Traceback" in child.output:
        assert mine.output.splitlines()[0] == child.output.splitlines()[0]
        assert mine.output.splitlines()[-1] == child.output.splitlines()[-1]
    else:
        assert mine.output == child.output


# -- renderers --------------------------------------------------------------------------------------

def test_renderers_draw_the_trace():
    trace = trace_task(compute)
    table = co.show_timeline(trace)
    assert len(table.rows) == len(trace.steps)
    assert "compute:" in str(table) and "Task._fut_waiter" in table.columns
    frame_table = co.show_frame(trace.steps[2].chain[0])
    assert ["local a", "10"] in frame_table.rows
    view = co.steps_view(trace)
    assert view._repr_html_().count("<details") == len(trace.steps)
    assert "0x" not in view._repr_html_() and "0x" not in str(view)


def test_await_chain_graph_is_an_svg_with_alt_text():
    pytest.importorskip("graphviz")
    from internals_lab.graphs import find_dot

    if find_dot() is None:
        pytest.skip("no graphviz program installed")
    figure = co.await_chain_graph(trace_task(compute).steps[2])
    assert "<svg" in figure.svg_text and "_fut_waiter" in figure.svg_text
    assert "sleep" in figure.alt and "_fut_waiter" in figure.alt


def test_stepper_moves_through_the_steps():
    pytest.importorskip("ipywidgets")
    trace = drive(counter(), [3])
    from ipywidgets.widgets import widget as widget_module
    from ipywidgets.widgets.widget_link import Link

    box = co.stepper(trace)
    slider, stack = box.children
    assert (slider.min, slider.max) == (0, len(trace.steps) - 1)
    panels = [pane.value for pane in stack.children]
    assert len(panels) == len(trace.steps) and len(set(panels)) == len(panels)
    assert "return" in panels[-1]
    # The slider drives the panels in the browser, so it also steps on the static site.
    links = [w for w in widget_module._instances.values() if isinstance(w, Link) and w.source == (slider, "value")]
    assert [link.target for link in links] == [(stack, "selected_index")]


def test_run_returns_the_result_and_restores_state(monkeypatch):
    spy = LoopSpy(monkeypatch)
    before = global_state()
    assert co.run(compute) == 52
    with pytest.raises(ZeroDivisionError):
        co.run(misdivide())
    assert global_state() == before
    assert len(spy.loops) == 2 and all(loop.is_closed() for loop in spy.loops)


async def misdivide():
    await asyncio.sleep(0)
    return 1 / 0


def test_show_version_runs_says_plainly_when_a_version_is_missing():
    table = co.show_version_runs([co.VersionRun("3.99", False, None, "", False)])
    assert table.rows == [["3.99", "not installed here", "(not run)"]]


def test_task_cancel_cancels_the_future_it_waits_on():
    seen = {}

    async def main():
        task = asyncio.ensure_future(compute())
        await asyncio.sleep(0)  # compute parks on asyncio.sleep's future
        waiter = task._fut_waiter
        task.cancel()
        seen["future cancelled at once"] = waiter.cancelled()
        try:
            await task
        except asyncio.CancelledError:
            seen["task cancelled"] = task.cancelled()

    co.run(main)
    assert seen == {"future cancelled at once": True, "task cancelled": True}


def test_gather_chain_ends_at_the_gathering_future():
    async def both():
        return await asyncio.gather(fetch_data(), fetch_data())

    trace = trace_task(both)
    assert trace.result == "[42, 42]"
    parked = trace.steps[2]
    assert [s.name.rpartition(".")[2] for s in parked.chain] == ["both", "FutureIter"]
    assert parked.task_waiting_on == "_GatheringFuture(pending)"


def test_future_links_leaves_no_pending_python_task_behind(caplog):
    # From 3.14 asyncio.all_tasks() sees C Tasks only; a pure-Python Task left pending is
    # reported by asyncio's logger when it is collected ("Task was destroyed but it is pending").
    links = future_links(compute, task_class="python")
    assert links.chain[:2] == ("compute", "fetch_data")
    gc.collect()
    assert not [r for r in caplog.records if "pending" in r.getMessage()]


# -- error paths and bounds (issue 22) -----------------------------------------------------

def test_run_waits_for_the_default_executors_threads_like_asyncio_run():
    finished = threading.Event()
    release = threading.Event()

    def blocking():
        release.wait(60)
        time.sleep(0.2)  # still working when main's result is ready (with the fix, waited for)
        finished.set()

    async def main():
        loop = asyncio.get_running_loop()
        loop.run_in_executor(None, blocking)  # not awaited: asyncio.run still waits for it
        loop.call_soon(release.set)  # released only after main has returned its result
        return "main done"

    assert co.run(main) == "main done"
    assert finished.is_set(), "run() returned while an executor thread was still running"


def test_run_bounds_a_coroutine_that_never_finishes():
    from internals_lab.deadline import TimeLimitExceeded

    async def waits_forever():
        await asyncio.Event().wait()

    async def spins():
        while True:
            await asyncio.sleep(0)

    for target in (waits_forever, spins):
        with pytest.raises(TimeLimitExceeded, match="pass a larger timeout="):
            co.run(target, timeout=0.2)
    assert asyncio.events._get_running_loop() is None


def test_trace_task_bounds_a_step_that_never_returns():
    from internals_lab.deadline import TimeLimitExceeded

    async def spins_inside_one_step():
        while True:
            pass

    with pytest.raises(TimeLimitExceeded, match="spins_inside_one_step"):
        trace_task(spins_inside_one_step, timeout=0.2)


def test_drive_bounds_a_send_that_never_returns():
    from internals_lab.deadline import TimeLimitExceeded

    def endless():
        yield 1
        while True:
            pass

    with pytest.raises(TimeLimitExceeded, match="driving .*endless was stopped"):
        drive(endless(), timeout=0.2)


def test_a_timed_out_run_leaves_profiled_calls_working():
    # On 3.11, clearing the guard's undelivered exception left the eval breaker signalled, and
    # the next profiled call spun in RESUME forever; a fresh interpreter keeps a hang contained.
    import subprocess
    script = (
        "import asyncio, cProfile\n"
        "from internals_lab import coroutines as co\n"
        "from internals_lab.deadline import TimeLimitExceeded\n"
        "async def waits_forever():\n    await asyncio.Event().wait()\n"
        "try:\n    co.run(waits_forever, timeout=0.2)\nexcept TimeLimitExceeded:\n    pass\n"
        "p = cProfile.Profile()\np.enable()\n"
        "def g():\n    return 1\n"
        "print(sum(g() for _ in range(3)))\np.disable()\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout == "3\n", done.stderr
