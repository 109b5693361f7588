"""One suite, two loops: every test runs on our EventLoop and on asyncio's.

The tests are deterministic by construction: orders come from the ready queue and the timer
heap, not from how long anything took. Waits are short and bounded (a timer of a few
milliseconds at most, and the echo test's sockets on loopback); nothing asserts a duration.
"""
import pytest

from internals_lab.eventloop.backends import ASYNCIO, OURS, run_isolated
from internals_lab.eventloop.echo import echo_roundtrip
from internals_lab.eventloop.timeline import Timeline


@pytest.fixture(params=[OURS, ASYNCIO], ids=lambda b: b.name)
def backend(request):
    return request.param


def run(backend, make_main):
    return run_isolated(backend, make_main, timeout=30)


def test_ready_callbacks_run_first_in_first_out(backend):
    async def main():
        loop, seen = backend.get_running_loop(), []
        for i in range(6):
            loop.call_soon(seen.append, i)
        await backend.sleep(0)  # our next step queues behind the six callbacks
        return seen

    assert run(backend, main) == [0, 1, 2, 3, 4, 5]


def test_callbacks_scheduled_while_running_wait_for_the_next_iteration(backend):
    async def main():
        loop, seen = backend.get_running_loop(), []

        def first():
            seen.append("first")
            loop.call_soon(seen.append, "scheduled by first")

        loop.call_soon(first)
        loop.call_soon(seen.append, "second")
        await backend.sleep(0)
        await backend.sleep(0)
        return seen

    assert run(backend, main) == ["first", "second", "scheduled by first"]


def test_timers_fire_in_deadline_order_not_scheduling_order(backend):
    async def main():
        loop, seen = backend.get_running_loop(), []
        last = loop.create_future()
        loop.call_later(0.006, lambda: (seen.append("c"), last.set_result(None)))
        loop.call_later(0.002, seen.append, "a")
        loop.call_later(0.004, seen.append, "b")
        cancelled = loop.call_later(0.001, seen.append, "never")
        cancelled.cancel()
        await last
        return seen

    assert run(backend, main) == ["a", "b", "c"]


def test_tasks_take_turns_round_robin(backend):
    timeline = Timeline()

    async def worker(steps):
        for _ in range(steps):
            await backend.sleep(0)

    async def main():
        await backend.gather(*(timeline.trace(name, worker(n)) for name, n in (("a", 2), ("b", 1), ("c", 2))))

    run(backend, main)
    assert timeline.order() == ["a", "b", "c", "a", "b", "c", "a", "c"]
    assert timeline.overlapping() == []


def test_gather_returns_results_in_argument_order_not_completion_order(backend):
    finished = []

    async def child(name, yields):
        for _ in range(yields):
            await backend.sleep(0)
        finished.append(name)
        return name.upper()

    async def main():
        return await backend.gather(child("slow", 3), child("medium", 2), child("fast", 0))

    assert run(backend, main) == ["SLOW", "MEDIUM", "FAST"]
    assert finished == ["fast", "medium", "slow"]


def test_gather_raises_the_first_exception_and_the_others_keep_running(backend):
    finished = []

    async def ok(yields):
        for _ in range(yields):
            await backend.sleep(0)
        finished.append(yields)
        return yields

    async def fails():
        await backend.sleep(0)
        raise ValueError("child failed")

    async def main():
        try:
            await backend.gather(ok(1), fails(), ok(4))
        except ValueError as error:
            caught = str(error)
        for _ in range(6):  # let the survivor finish: gather does not cancel it
            await backend.sleep(0)
        mixed = await backend.gather(ok(0), fails(), return_exceptions=True)
        return caught, [type(r).__name__ for r in mixed]

    caught, mixed = run(backend, main)
    assert caught == "child failed"
    assert finished[:2] == [1, 4]
    assert mixed == ["int", "ValueError"]


def test_cancellation_is_delivered_at_the_await(backend):
    log = []

    async def waiter():
        loop = backend.get_running_loop()
        log.append("waiting")
        try:
            await loop.create_future()  # nothing will ever complete this
        except backend.CancelledError:
            log.append("cancelled at the await")
            raise
        finally:
            log.append("finally ran")

    async def main():
        task = backend.create_task(waiter())
        await backend.sleep(0)  # let it reach its await
        assert task.cancel()
        try:
            await task
        except backend.CancelledError:
            log.append("main saw the cancellation")
        return task.cancelled()

    assert run(backend, main) is True
    assert log == ["waiting", "cancelled at the await", "finally ran", "main saw the cancellation"]


def test_a_task_cancelled_before_it_starts_never_runs(backend):
    ran = []

    async def body():
        ran.append(True)

    async def main():
        task = backend.create_task(body())
        task.cancel()
        try:
            await task
        except backend.CancelledError:
            return task.cancelled()

    assert run(backend, main) is True
    assert ran == []


def test_wait_for_times_out_and_cancels_the_inner_task(backend):
    log = []

    async def never_finishes():
        loop = backend.get_running_loop()
        try:
            await loop.create_future()
        finally:
            log.append("inner cleaned up")

    async def quick():
        await backend.sleep(0)
        return "done"

    async def main():
        try:
            await backend.wait_for(never_finishes(), 0.005)
        except TimeoutError:
            log.append("TimeoutError")
        log.append(await backend.wait_for(quick(), 30))

    run(backend, main)
    assert log == ["inner cleaned up", "TimeoutError", "done"]


def test_echo_round_trip_over_loopback(backend):
    messages = [b"hello", b"event loop", bytes(range(256)) * 300]  # the last one needs several recv()s
    replies = run(backend, lambda: echo_roundtrip(backend, messages, clients=3))
    assert replies == [messages] * 3
