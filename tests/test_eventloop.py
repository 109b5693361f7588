"""Our event loop's own behaviour, the lab's cleanup guarantees, and the experiments' data."""
import asyncio
import gc
import os
import sys
import threading

import pytest

from internals_lab.eventloop import (CancelledError, EventLoop, InvalidStateError, NothingToRunError,
                                     gather, get_running_loop, run, sleep, wait_for)
from internals_lab.eventloop.backends import ASYNCIO, OURS, call_in_fresh_thread, run_isolated
from internals_lab.eventloop.echo import echo_client, echo_roundtrip, listening_socket
from internals_lab.eventloop.timeline import Timeline


def open_fds():
    gc.collect()
    return len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else None


# -- the loop itself -----------------------------------------------------------------

def test_run_rejects_a_coroutine_function_with_a_hint():
    async def main():
        pass

    with pytest.raises(TypeError, match=r"run\(main\(\)\), not run\(main\)"):
        run(main)


def test_run_inside_a_running_loop_is_refused_and_the_coroutine_is_closed():
    async def inner():
        return 1

    async def main():
        coro = inner()
        with pytest.raises(RuntimeError, match="cannot be called from a running loop"):
            run(coro)
        return coro.cr_frame is None  # closed, so no "never awaited" warning

    assert run(main()) is True


def test_a_deadlock_is_reported_instead_of_hanging():
    async def main():
        await get_running_loop().create_future()

    with pytest.raises(NothingToRunError, match="nothing left to run"):
        run(main())


def test_run_closes_its_loop_and_cancels_leftover_tasks_even_when_main_raises():
    seen = {}

    async def leftover():
        try:
            await sleep(3600)
        finally:
            seen["leftover cleaned up"] = True

    async def main():
        seen["loop"] = get_running_loop()
        get_running_loop().create_task(leftover())
        await sleep(0)
        raise KeyError("the reader's bug")

    with pytest.raises(KeyError, match="the reader's bug"):
        run(main())
    assert seen["loop"].is_closed()
    assert seen["leftover cleaned up"]
    with pytest.raises(RuntimeError, match="closed"):
        seen["loop"].call_soon(print)


def test_get_running_loop_outside_a_loop_explains_itself():
    with pytest.raises(RuntimeError, match="no running event loop"):
        get_running_loop()


def test_cancelling_a_sleep_cancels_its_timer():
    async def main():
        loop = get_running_loop()
        sleeper = loop.create_task(sleep(3600))
        await sleep(0)
        (timer,) = loop._timers
        assert not timer.cancelled()
        sleeper.cancel()
        with pytest.raises(CancelledError):
            await sleeper
        return timer.cancelled(), loop._timers

    assert run(main()) == (True, [])  # cancelled, and dropped from the heap


def test_sleep_rejects_nan_like_asyncio_does():
    with pytest.raises(ValueError, match="NaN"):
        run(sleep(float("nan")))
    if sys.version_info >= (3, 13):  # asyncio added the same check in 3.13
        with pytest.raises(ValueError, match="NaN"):
            asyncio.run(asyncio.sleep(float("nan")))


def test_future_states_and_messages():
    loop = EventLoop()
    try:
        fut = loop.create_future()
        with pytest.raises(InvalidStateError, match="not ready"):
            fut.result()
        fut.set_result(42)
        with pytest.raises(InvalidStateError, match="finished future cannot take a result"):
            fut.set_result(43)
        assert fut.result() == 42 and not fut.cancel()
        with pytest.raises(TypeError, match="StopIteration"):
            loop.create_future().set_exception(StopIteration())
    finally:
        loop.close()


def test_done_callbacks_go_through_the_ready_queue_in_order():
    async def main():
        loop, order = get_running_loop(), []
        fut = loop.create_future()
        for name in "abc":
            fut.add_done_callback(lambda f, name=name: order.append(name))
        fut.set_result(None)
        order.append("set_result returned")  # callbacks have not run yet: they were queued
        await sleep(0)
        fut.add_done_callback(lambda f: order.append("late"))  # already done: queued at once
        await sleep(0)
        return order

    assert run(main()) == ["set_result returned", "a", "b", "c", "late"]


def test_a_task_that_yields_garbage_gets_a_clear_error():
    import types

    @types.coroutine
    def bad():
        yield "not a future"

    async def main():
        await bad()

    with pytest.raises(RuntimeError, match="coroutines must await futures"):
        run(main())


def test_gather_of_nothing_and_cancelling_gather_cancels_children():
    async def main():
        assert await gather() == []
        child = get_running_loop().create_task(sleep(3600))
        outer = gather(child)
        await sleep(0)
        outer.cancel()
        with pytest.raises(CancelledError):
            await outer
        return child.cancelled()

    assert run(main()) is True


def test_wait_for_returns_the_result_when_the_inner_refuses_cancellation():
    async def stubborn():
        try:
            await sleep(3600)
        except CancelledError:
            return "refused"

    async def main():
        return await wait_for(stubborn(), 0.001)

    assert run(main()) == "refused"


def test_sockets_must_be_non_blocking():
    import socket

    async def main():
        a, b = socket.socketpair()
        try:
            with pytest.raises(ValueError, match="non-blocking"):
                await get_running_loop().sock_recv(a, 1)
        finally:
            a.close()
            b.close()

    run(main())


# -- cleanup: every loop, socket and thread the lab opens is closed ----------------------

@pytest.mark.parametrize("backend", [OURS, ASYNCIO], ids=lambda b: b.name)
def test_run_isolated_leaves_no_thread_socket_or_loop_behind_even_when_the_program_raises(backend):
    threads, fds = threading.active_count(), open_fds()
    policy = asyncio.get_event_loop_policy()
    listener_box = []

    async def main():
        listener = listening_socket()
        listener_box.append(listener)
        address = listener.getsockname()
        server = backend.create_task(serve_forever(listener))
        await backend.sleep(0)
        try:
            await echo_client(backend, address, [b"x"])
            raise ZeroDivisionError("the reader's code fails mid-run")
        finally:
            server.cancel()
            listener.close()

    async def serve_forever(listener):
        loop = backend.get_running_loop()
        while True:
            conn, _ = await loop.sock_accept(listener)
            try:
                data = await loop.sock_recv(conn, 10)
                await loop.sock_sendall(conn, data)
            finally:
                conn.close()

    with pytest.raises(ZeroDivisionError):
        run_isolated(backend, main)
    assert threading.active_count() == threads
    assert open_fds() == fds
    assert listener_box[0].fileno() == -1
    assert asyncio.get_event_loop_policy() is policy
    assert asyncio._get_running_loop() is None


def test_echo_roundtrip_closes_its_sockets():
    fds = open_fds()
    assert run_isolated(OURS, lambda: echo_roundtrip(OURS, [b"a" * 100_000], clients=2)) == [[b"a" * 100_000]] * 2
    assert open_fds() == fds


def test_run_isolated_inside_a_running_asyncio_loop_works_and_restores_it():
    # A notebook kernel runs its own asyncio loop; the lab must work beside it.
    async def kernel():
        outer = asyncio.get_running_loop()
        result = run_isolated(ASYNCIO, lambda: asyncio.sleep(0, result="ran"))
        return result, asyncio.get_running_loop() is outer

    assert asyncio.run(kernel()) == ("ran", True)


def test_blocked_loop_restores_the_asyncio_logger():
    from internals_lab.eventloop.demos import blocked_loop

    logger = logging_asyncio = __import__("logging").getLogger("asyncio")
    handlers, propagate = list(logger.handlers), logger.propagate
    run_ = blocked_loop(False, keys=("a",), block=0.06, threshold=0.02)
    assert logging_asyncio.handlers == handlers and logger.propagate == propagate
    assert run_.lookups_on_loop_thread == 1


def test_run_isolated_needs_a_factory():
    with pytest.raises(TypeError, match="lambda: main()"):
        run_isolated(OURS, object())


# -- timelines --------------------------------------------------------------------------

class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        self.now += 0.5
        return self.now


def test_timeline_records_steps_with_a_deterministic_clock_and_chart_is_reproducible():
    from internals_lab.eventloop.charts import gantt, timeline_table

    def record():
        timeline = Timeline(clock=FakeClock())

        async def worker(n):
            for _ in range(n):
                await sleep(0)

        async def main():
            await gather(timeline.trace("x", worker(1)), timeline.trace("y", worker(0)))

        run(main())
        return timeline

    first, second = record(), record()
    assert first.order() == ["x", "y", "x"]
    assert first.steps() == {"x": 2, "y": 1}
    assert [(s.start, s.end) for s in first.slices] == [(0.0, 0.5), (1.0, 1.5), (2.0, 2.5)]
    chart = gantt({"ours": first})
    assert chart.svg_text == gantt({"ours": second}).svg_text
    assert "x ran in 2 slices, y ran in 1 slice; no two slices overlap" in chart.alt
    assert str(timeline_table(first)).splitlines()[2].split() == ["0", "x"]


def test_trace_rejects_a_function_and_gantt_an_empty_timeline():
    from internals_lab.eventloop.charts import gantt

    async def work():
        pass

    with pytest.raises(TypeError, match=r"work\(\), not work"):
        Timeline().trace("w", work)
    with pytest.raises(ValueError, match="recorded no steps"):
        gantt({"empty": Timeline()})


# -- the experiments' deterministic facts -------------------------------------------------

@pytest.mark.parametrize("backend", [OURS, ASYNCIO], ids=lambda b: b.name)
def test_post7_gather_results_and_wake_order(backend):
    from internals_lab.eventloop.demos import post7_gather

    run_ = post7_gather(backend, scale=0.005)
    assert run_.results == ["Response from Auth-Service", "Response from Inventory-API",
                            "Response from Payment-Gateway"]
    # All start, then they wake in order of their latency: 1, 2, 3.
    assert run_.concurrent.order() == ["Auth-Service", "Inventory-API", "Payment-Gateway",
                                       "Inventory-API", "Auth-Service", "Payment-Gateway"]
    assert run_.sequential.order() == ["Auth-Service"] * 2 + ["Inventory-API"] * 2 + ["Payment-Gateway"] * 2
    assert run_.expected_sequential_s == pytest.approx(0.03)


def test_blocking_is_caught_by_debug_mode_and_to_thread_fixes_it():
    from internals_lab.eventloop.demos import blocked_loop

    # A blocked step lasts at least `block` (time.sleep's guarantee), well over the threshold.
    # How long a fixed step takes depends on the machine's load, so the fix is checked by where
    # the blocking calls ran, not by the clock.
    blocked = blocked_loop(False, block=0.25, threshold=0.1)
    fixed = blocked_loop(True, block=0.25, threshold=0.1)
    assert blocked.results == fixed.results == ["A", "B", "C"]
    assert blocked.lookups_on_loop_thread == 3 and fixed.lookups_on_loop_thread == 0
    assert blocked.flagged_tasks == ["lookup-a", "lookup-b", "lookup-c"]


def test_cpu_bound_gather_runs_each_job_in_one_uninterrupted_slice():
    from internals_lab.eventloop.demos import busy_work, cpu_bound_gather

    run_ = cpu_bound_gather(OURS, jobs=3, n=1000)
    assert run_.concurrent.order() == ["job-0", "job-1", "job-2"]
    assert run_.concurrent.overlapping() == []
    assert run_.results == [sum(i * i for i in range(n)) % 1_000_003 for n in (1000, 1001, 1002)]
    assert busy_work(4) == 0 + 1 + 4 + 9


def test_workflow_waves_and_critical_path():
    from internals_lab.eventloop.workflow import PIPELINE, Step, critical_path, waves

    assert waves() == [["intake", "load policy (DB read)"], ["classify (LLM call)", "enrich (API call)"],
                       ["transform"], ["store (DB write)"]]
    path, cost = critical_path()
    assert path == ["intake", "classify (LLM call)", "transform", "store (DB write)"]
    assert cost == pytest.approx(0.04 + 0.08 + 0.03 + 0.04)
    with pytest.raises(ValueError, match="cycle"):
        waves({"a": Step(("b",), "io", 0), "b": Step(("a",), "io", 0)})
    with pytest.raises(ValueError, match="does not define"):
        waves({"a": Step(("ghost",), "io", 0)})
    assert len(PIPELINE) == 6


def test_workflow_concurrent_schedule_starts_steps_only_after_their_inputs():
    from internals_lab.eventloop.workflow import PIPELINE, Step, run_workflow

    fast = {name: Step(s.needs, s.kind, s.cost / 20) for name, s in PIPELINE.items()}
    result = run_workflow(fast)
    first_start = {}
    last_end = {}
    for s in result.concurrent.slices:
        first_start.setdefault(s.task, s.start)
        last_end[s.task] = s.end
    for name, step in fast.items():
        for need in step.needs:
            assert last_end[need] <= first_start[name], (need, name)


def test_dependency_graph_names_every_step():
    from internals_lab.eventloop.workflow import PIPELINE, dependency_graph

    source = dependency_graph().source
    for name in PIPELINE:
        assert f'"{name}"' in source or f"\t{name} [" in source
    assert source.count("->") == sum(len(s.needs) for s in PIPELINE.values())


@pytest.mark.parametrize("strategy", ["semaphore", "queue"])
def test_backpressure_bounds_what_the_server_sees(strategy):
    from internals_lab.eventloop.backpressure import run_burst

    bounded = run_burst(strategy, n_requests=40, limit=3, over_tcp=False, overhead=0.001, per_item=0)
    assert bounded.answered == 40 and bounded.max_in_flight == 3


def test_without_backpressure_the_whole_burst_is_in_flight_at_once():
    from internals_lab.eventloop.backpressure import run_burst

    # In process every request enters the server in the loop's first pass, before any timer fires.
    unbounded = run_burst("unbounded", n_requests=40, over_tcp=False, overhead=0.001, per_item=0)
    assert unbounded.answered == 40 and unbounded.max_in_flight == 40


def test_backpressure_over_loopback_answers_everything_within_the_limit():
    from internals_lab.eventloop.backpressure import run_burst

    fds = open_fds()
    bounded = run_burst("semaphore", n_requests=30, limit=4, overhead=0.001, per_item=0)
    assert bounded.answered == 30 and bounded.max_in_flight <= 4
    assert open_fds() == fds


def test_batching_makes_fewer_calls_for_the_same_items():
    from internals_lab.eventloop.backpressure import run_batching

    runs = run_batching(n_items=12, batch_size=5, limit=2, over_tcp=False)
    assert [(r.items, r.calls) for r in runs] == [(12, 12), (12, 3), (12, 12), (12, 3)]


def test_burst_rejects_bad_strategies():
    from internals_lab.eventloop.backpressure import burst

    with pytest.raises(ValueError, match="unknown strategy"):
        asyncio.run(burst(None, 1, strategy="yolo"))
    with pytest.raises(ValueError, match="positive integer limit"):
        asyncio.run(burst(None, 1, limit=0))


# -- asyncio facts the chapter states, per version ----------------------------------------

def test_asyncio_task_is_the_c_accelerated_one():
    import _asyncio

    assert asyncio.Task is _asyncio.Task
    assert asyncio.Future is _asyncio.Future
    assert asyncio.tasks._PyTask is not asyncio.Task  # the pure-Python one still exists


def test_taskgroup_is_3_11_and_eager_tasks_are_3_12():
    assert hasattr(asyncio, "TaskGroup")  # 3.11+
    assert hasattr(asyncio, "eager_task_factory") == (sys.version_info >= (3, 12))


@pytest.mark.skipif(sys.version_info < (3, 12), reason="eager tasks are new in 3.12")
def test_an_eager_task_runs_its_first_step_inside_create_task():
    order = []

    async def child():
        order.append("child started")
        await asyncio.sleep(0)

    async def main():
        asyncio.get_running_loop().set_task_factory(asyncio.eager_task_factory)
        task = asyncio.create_task(child())
        order.append("create_task returned")
        await task

    asyncio.run(main())
    assert order == ["child started", "create_task returned"]


def test_asyncio_sleep_zero_is_a_bare_yield_like_ours():
    # asyncio's sleep(0) skips the timer heap; the task re-queues itself with call_soon.
    import inspect

    assert "__sleep0" in inspect.getsource(asyncio.tasks.sleep)


def test_the_overloaded_server_closes_its_socket_when_the_client_code_raises():
    from internals_lab.eventloop.backpressure import OverloadedServer

    fds, threads = open_fds(), threading.active_count()
    server = OverloadedServer(overhead=0.001, per_item=0)

    async def main():
        async with server.listening():
            assert await server.call_over_tcp(["a", "b"]) == ["a:ok", "b:ok"]
            raise LookupError("the reader's client fails")

    with pytest.raises(LookupError):
        run_isolated(ASYNCIO, main)
    assert open_fds() == fds and threading.active_count() == threads
    with pytest.raises(RuntimeError, match="not listening"):
        asyncio.run(server.call_over_tcp(["a"]))


def test_version_facts_the_chapter_states_about_asyncio_source():
    import inspect

    wait_for_source = inspect.getsource(asyncio.wait_for)
    assert ("timeouts.timeout" in wait_for_source) == (sys.version_info >= (3, 12))
    step_split = hasattr(asyncio.tasks._PyTask, "_Task__step_run_and_handle_result")
    assert step_split == (sys.version_info >= (3, 12))
    assert hasattr(asyncio, "timeout")  # 3.11+
    assert "This is the only place where callbacks are actually *called*" in inspect.getsource(
        asyncio.base_events.BaseEventLoop._run_once)


def test_benchmark_workloads_run_on_every_loop_and_measure_counts_repeats():
    from internals_lab.eventloop import bench

    def go():
        workloads = {(w, name): (backend, factory, make(backend, *args))
                     for name, backend, factory in bench.loops()
                     for w, make, args in (("a", bench.workload_a, (50, 3)), ("b", bench.workload_b, (8,)))}
        return bench.measure(workloads, repeats=2)

    times = call_in_fresh_thread(go)  # asyncio.run refuses to start inside a running loop
    assert {name for _, name in times} >= {"ours", "asyncio"}
    assert all(len(samples) == 2 for samples in times.values())
    with pytest.raises(ValueError, match="at least 1"):
        bench.measure({}, repeats=0)



# -- error paths and bounds (issue 22) -------------------------------------------------

def test_keyboard_interrupt_in_main_surfaces_and_the_pending_task_is_cancelled():
    cleaned = []

    async def other():
        try:
            await sleep(3600)
        finally:
            cleaned.append("other")

    async def main():
        loop = get_running_loop()
        loop.create_task(other())
        await sleep(0)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt) as caught:
        run(main())
    # Not "the loop stopped before the future completed": the stale stop callback did nothing.
    assert caught.value.__context__ is None
    assert cleaned == ["other"]
    with pytest.raises(RuntimeError, match="no running event loop"):
        get_running_loop()


def test_sleep_forever_waits_without_a_timer_overflow():
    import math

    async def main():
        with pytest.raises(TimeoutError):
            await wait_for(sleep(math.inf), 0.01)
        with pytest.raises(TimeoutError):
            await wait_for(sleep(1e300), 0.01)  # a finite but huge delay: the wait is clamped
        return "done"

    assert run(main()) == "done"


def test_sleep_forever_alone_is_reported_as_nothing_to_run():
    import math

    with pytest.raises(NothingToRunError):
        run(sleep(math.inf))


@pytest.mark.parametrize("kind", ["awaits", "spins"])
def test_run_bounds_an_endless_program(kind):
    from internals_lab.deadline import TimeLimitExceeded

    async def awaits():
        await sleep(1e9)

    async def spins():
        while True:
            pass

    program = {"awaits": awaits, "spins": spins}[kind]
    with pytest.raises(TimeLimitExceeded, match="pass a larger timeout="):
        run(program(), timeout=0.2)
    with pytest.raises(RuntimeError, match="no running event loop"):
        get_running_loop()


def test_run_refuses_a_bad_timeout():
    with pytest.raises(ValueError, match="timeout must be"):
        run(sleep(0), timeout=0)


@pytest.mark.parametrize("backend", [OURS, ASYNCIO], ids=["ours", "asyncio"])
@pytest.mark.parametrize("kind", ["awaits", "spins"])
def test_run_isolated_bounds_an_endless_program(backend, kind):
    from internals_lab.deadline import TimeLimitExceeded

    async def awaits():
        await backend.sleep(1e9)

    async def spins():
        while True:
            pass

    program = {"awaits": awaits, "spins": spins}[kind]
    with pytest.raises(TimeLimitExceeded, match="pass a larger timeout="):
        run_isolated(backend, program, timeout=0.2)
    assert not [t for t in threading.enumerate() if t.name.startswith("internals-lab-")]
