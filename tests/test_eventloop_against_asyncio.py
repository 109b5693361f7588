"""Differential tests: the timer heap's housekeeping and gather's cancellation, ours against asyncio.

Each program is written once against a module-like namespace (`run`, `sleep`, `gather`,
`get_running_loop`, `CancelledError`) and run twice: with `internals_lab.eventloop`, and with
the standard library's `asyncio` module itself. The reference side goes through nothing of the
lab's (no backends, no run_isolated), so a bug shared by the lab's helpers cannot hide on both
sides. Nothing here waits on a clock: every timer is an hour or more away, and the programs
step the loops with sleep(0).
"""
import asyncio

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import internals_lab.eventloop as ours

BOTH = pytest.mark.parametrize("aio", [ours, asyncio], ids=["ours", "asyncio"])


def timer_heap(loop):
    """The loop's heap of timer handles, cancelled ones included: ours `_timers`, asyncio's `_scheduled`."""
    return loop._timers if isinstance(loop, ours.EventLoop) else loop._scheduled


# -- the timer heap: cancelled handles are dropped at the head, or all at once -----------

def heap_sizes(aio, operations):
    """Run `operations` on `aio`'s loop; the heap's size (cancelled handles counted) after each.

    ("add", n): schedule n timers, each at its own instant an hour or more away, in a scrambled
    order (so the earliest is not always the first scheduled); ("cancel", start, n): cancel n
    handles from position `start` of the scheduling order, wrapping around (cancelling one twice
    is allowed and must count once); ("step",): one sleep(0), one iteration of the loop.
    """
    async def main():
        loop = aio.get_running_loop()
        base = loop.time() + 3600
        handles, sizes = [], []
        for operation in operations:
            if operation[0] == "add":
                for _ in range(operation[1]):
                    # 7919 and 10007 are prime: distinct offsets for the first 10,007 timers, so
                    # no two share an instant and both heaps agree on which handle is at the head.
                    offset = len(handles) * 7919 % 10007
                    handles.append(loop.call_at(base + offset, sizes.append, "fired"))
            elif operation[0] == "cancel" and handles:
                _, start, count = operation
                for k in range(count):
                    handles[(start + k) % len(handles)].cancel()
            elif operation[0] == "step":
                await aio.sleep(0)
            sizes.append(len(timer_heap(loop)))
        for handle in handles:  # leave no timer behind: run() would otherwise wait an hour
            handle.cancel()
        return sizes

    return aio.run(main())


operations = st.lists(
    st.one_of(
        st.tuples(st.just("add"), st.integers(1, 80)),
        st.tuples(st.just("cancel"), st.integers(0, 10_000), st.integers(1, 80)),
        st.tuples(st.just("step")),
    ),
    max_size=25,
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(operations)
def test_timer_heap_sizes_match_asyncio_after_any_schedule_and_cancel_sequence(operations):
    assert heap_sizes(ours, operations) == heap_sizes(asyncio, operations)


@BOTH
def test_a_thousand_cancelled_timers_behind_a_live_one_are_compacted_away(aio):
    # The case that kept 1,000 cancelled handles in the lab's heap: none of them ever reaches
    # the head, so only the rebuild (more than half of over 100 handles cancelled) drops them.
    program = [("add", 1001), ("cancel", 1, 1000), ("step",), ("step",)]
    assert heap_sizes(aio, program) == [1001, 1001, 1, 1]


@BOTH
def test_the_rebuild_thresholds_are_asyncios(aio):
    # Exactly 100 handles, all but one cancelled: not over 100, so no rebuild; the live one is
    # at the head (offset 0), so nothing is popped either.
    assert heap_sizes(aio, [("add", 100), ("cancel", 1, 99), ("step",)])[-1] == 100
    # 101 handles, 50 cancelled: under half, kept; 51 cancelled: over half, rebuilt.
    assert heap_sizes(aio, [("add", 101), ("cancel", 1, 50), ("step",)])[-1] == 101
    assert heap_sizes(aio, [("add", 101), ("cancel", 1, 51), ("step",)])[-1] == 50


@BOTH
def test_cancelled_handles_at_the_head_are_popped_one_iteration_later(aio):
    # Three timers; the earliest (offset 0) is cancelled: below the rebuild threshold, so only
    # the head pop removes it, and only when the loop next iterates.
    assert heap_sizes(aio, [("add", 3), ("cancel", 0, 1), ("step",)]) == [3, 3, 2]


def test_the_comparison_sees_a_loop_that_never_drops_cancelled_timers(monkeypatch):
    # Guard against a vacuous differential test: with the rebuild switched off, our heap keeps
    # the thousand cancelled handles and the sizes differ from asyncio's.
    monkeypatch.setattr("internals_lab.eventloop.loop.MIN_SCHEDULED_TIMER_HANDLES", 10**9)
    program = [("add", 1001), ("cancel", 1, 1000), ("step",)]
    assert heap_sizes(ours, program) != heap_sizes(asyncio, program)


# -- gather: a cancelled child, and a cancelled gather -----------------------------------

def outcome(aio, future):
    """What a finished future holds, in terms both loops share: names and arguments."""
    if future.cancelled():
        return "cancelled"
    error = future.exception()
    if error is not None:
        return ("raised", type(error).__name__, error.args)
    return ("result", [(type(r).__name__, r.args) if isinstance(r, BaseException) else r
                       for r in future.result()])


def gather_scenario(aio, who_cancels, return_exceptions, message=None):
    """Gather a sleeper that never finishes and one that finishes at once; then cancel.

    who_cancels: "child" cancels the first child from outside; "outer" cancels the future
    gather returned. The answer: the outer future's outcome, what awaiting it raised, and the
    state of both children.
    """
    async def main():
        loop = aio.get_running_loop()
        forever = loop.create_task(aio.sleep(3600))
        quick = loop.create_task(aio.sleep(0, "quick"))
        outer = aio.gather(forever, quick, return_exceptions=return_exceptions)
        await aio.sleep(0)  # both children have started; quick has finished
        target = forever if who_cancels == "child" else outer
        accepted = target.cancel(message) if message is not None else target.cancel()
        try:
            awaited = ("returned", await outer)
        except aio.CancelledError as error:
            awaited = ("CancelledError", error.args)
        awaited = (awaited[0], outcome(aio, outer)[1] if awaited[0] == "returned" else awaited[1])
        return (accepted, outcome(aio, outer), awaited,
                forever.cancelled(), quick.done() and not quick.cancelled() and quick.result())

    return aio.run(main())


# A known difference that is the Task's, not gather's: asyncio's Task.cancel(msg) hands the
# message to the future it waits on and keeps the CancelledError that comes back out of the
# coroutine, not the message (its `_cancel_message` stays None). So gather's in-place error for
# that child reads CancelledError(''), where ours, whose Task keeps the message, reads
# CancelledError('enough'). strict: the day the Tasks agree, this marker must go.
TASK_KEEPS_NO_MESSAGE = pytest.mark.xfail(
    strict=True, reason="asyncio's Task does not keep a cancel message in _cancel_message")
SCENARIOS = [pytest.param(who, flag, message, marks=TASK_KEEPS_NO_MESSAGE)
             if (who, flag, message) == ("child", True, "enough") else (who, flag, message)
             for who in ("child", "outer") for flag in (False, True) for message in (None, "enough")]


@pytest.mark.parametrize("who_cancels, return_exceptions, message", SCENARIOS)
def test_gather_handles_cancellation_as_asyncio_does(who_cancels, return_exceptions, message):
    assert (gather_scenario(ours, who_cancels, return_exceptions, message)
            == gather_scenario(asyncio, who_cancels, return_exceptions, message))


@BOTH
def test_a_cancelled_child_sets_cancelled_error_on_gather_instead_of_cancelling_it(aio):
    accepted, held, awaited, child_cancelled, sibling = gather_scenario(aio, "child", False)
    assert accepted and child_cancelled and sibling == "quick"
    assert held == ("raised", "CancelledError", ())  # an exception, not a cancelled future
    assert awaited == ("CancelledError", ())


@BOTH
def test_cancelling_gather_raises_even_with_return_exceptions(aio):
    # bpo-32684: the awaiter asked for a cancellation and gets one, not a list of errors.
    _, held, awaited, child_cancelled, _ = gather_scenario(aio, "outer", True, "enough")
    assert child_cancelled
    assert held == ("raised", "CancelledError", ("enough",))
    assert awaited == ("CancelledError", ("enough",))
