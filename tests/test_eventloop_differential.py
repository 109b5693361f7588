"""Differential test: random programs of tasks, yields and gathers run identically on both loops.

Programs use only `sleep(0)` and `gather`, so the order of steps is fixed by the ready queue
alone (no timer races the clock), and it must be the same on our loop and on asyncio's.
"""
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from internals_lab.eventloop.backends import ASYNCIO, OURS, run_isolated

# A program is a list of operations: "y" (await sleep(0)), or a list of sub-programs to gather.
programs = st.recursive(
    st.lists(st.just("y"), max_size=3),
    lambda children: st.lists(st.one_of(st.just("y"), st.lists(children, min_size=1, max_size=3)), max_size=4),
    max_leaves=12,
)


def execute(backend, program):
    log = []

    async def run_task(name, ops):
        for index, op in enumerate(ops):
            log.append(f"{name}.{index}")
            if op == "y":
                await backend.sleep(0)
            else:
                results = await backend.gather(*(run_task(f"{name}/{k}", sub) for k, sub in enumerate(op)))
                assert results == [f"{name}/{k}" for k in range(len(op))]
        log.append(f"{name} done")
        return name

    async def main():
        return await run_task("main", program)

    assert run_isolated(backend, main) == "main"
    return log


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs)
def test_random_programs_step_in_the_same_order_on_both_loops(program):
    assert execute(OURS, program) == execute(ASYNCIO, program)


def test_the_comparison_can_tell_orders_apart():
    # Guard against a vacuous differential test: different programs give different logs.
    assert execute(OURS, [[["y"], []]]) != execute(OURS, [[[], ["y"]]])
