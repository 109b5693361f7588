"""Post 10's first rule made concrete: draw the dependency graph, then run what is independent.

Design: a workflow is a dict of `Step`s, each naming the steps whose output it needs.
`waves()` groups the steps that can run at the same time (graphlib's topological sorter,
batch by batch); `critical_path()` is the longest chain of costs, the best any schedule can
do. `run_workflow()` runs the steps on asyncio one at a time, then each as soon as its inputs
are ready, and reports measured times beside those predictions. I/O steps wait with
`asyncio.sleep`; CPU steps really compute, so they cannot overlap anything.
"""
from __future__ import annotations

import asyncio
import graphlib
import time
from dataclasses import dataclass

from .backends import ASYNCIO, run_isolated
from .timeline import Timeline

__all__ = ["Step", "PIPELINE", "waves", "critical_path", "dependency_graph", "WorkflowRun", "run_workflow"]


@dataclass(frozen=True)
class Step:
    needs: tuple[str, ...]
    kind: str      # "io" (waits) or "cpu" (computes)
    cost: float    # seconds


# Post 10's pipeline (intake, classify, transform, store), with the lookups such a pipeline does.
PIPELINE = {
    "intake": Step((), "io", 0.04),
    "classify (LLM call)": Step(("intake",), "io", 0.08),
    "enrich (API call)": Step(("intake",), "io", 0.06),
    "load policy (DB read)": Step((), "io", 0.05),
    "transform": Step(("classify (LLM call)", "enrich (API call)", "load policy (DB read)"), "cpu", 0.03),
    "store (DB write)": Step(("transform",), "io", 0.04),
}


def _check(steps: dict[str, Step]) -> None:
    for name, step in steps.items():
        missing = [n for n in step.needs if n not in steps]
        if missing:
            raise ValueError(f"step {name!r} needs {missing}, which the workflow does not define")
        if step.kind not in ("io", "cpu") or step.cost < 0:
            raise ValueError(f"step {name!r}: kind must be 'io' or 'cpu' and cost non-negative")


def waves(steps: dict[str, Step] = PIPELINE) -> list[list[str]]:
    """Steps grouped into waves; every step in a wave has all its inputs from earlier waves."""
    _check(steps)
    sorter = graphlib.TopologicalSorter({name: step.needs for name, step in steps.items()})
    try:
        sorter.prepare()
    except graphlib.CycleError as error:
        raise ValueError(f"the workflow has a cycle: {' -> '.join(error.args[1])}") from None
    result = []
    while sorter.is_active():
        ready = sorted(sorter.get_ready())
        result.append(ready)
        sorter.done(*ready)
    return result


def critical_path(steps: dict[str, Step] = PIPELINE) -> tuple[list[str], float]:
    """The chain of steps with the largest total cost: no schedule finishes sooner."""
    finish: dict[str, tuple[float, list[str]]] = {}
    for wave in waves(steps):
        for name in wave:
            before = max((finish[n] for n in steps[name].needs), default=(0.0, []))
            finish[name] = (before[0] + steps[name].cost, before[1] + [name])
    total, path = max(finish.values())
    return path, total


def dependency_graph(steps: dict[str, Step] = PIPELINE):
    """A graphviz Digraph: arrows from a step to the steps that need it; CPU steps boxed."""
    import graphviz

    _check(steps)
    path = set(critical_path(steps)[0])
    graph = graphviz.Digraph("workflow", graph_attr={"rankdir": "LR"},
                             node_attr={"fontname": "Helvetica", "fontsize": "11"})
    for name, step in steps.items():
        label = f"{name}\\n{step.kind}, {step.cost * 1000:.0f} ms"
        graph.node(name, label, shape="box" if step.kind == "cpu" else "ellipse",
                   penwidth="2.5" if name in path else "1")
    for name, step in steps.items():
        for need in step.needs:
            graph.edge(need, name, penwidth="2.5" if name in path and need in path else "1")
    return graph


@dataclass(frozen=True)
class WorkflowRun:
    sequential_s: float
    concurrent_s: float
    predicted_sequential_s: float
    predicted_concurrent_s: float
    sequential: Timeline
    concurrent: Timeline


def _work(step: Step):
    async def run():
        if step.kind == "io":
            await asyncio.sleep(step.cost)
        else:
            end = time.perf_counter() + step.cost
            while time.perf_counter() < end:  # real computation would hold the thread like this
                pass
    return run()


def run_workflow(steps: dict[str, Step] = PIPELINE) -> WorkflowRun:
    """Run the workflow one step at a time, then as a dependency-driven concurrent schedule."""
    order = [name for wave in waves(steps) for name in wave]
    seq_tl, con_tl = Timeline(), Timeline()

    async def sequential():
        start = time.perf_counter()
        for name in order:
            await seq_tl.trace(name, _work(steps[name]))
        return time.perf_counter() - start

    async def concurrent():
        start = time.perf_counter()
        tasks: dict[str, asyncio.Task] = {}

        async def step_when_ready(name):
            await asyncio.gather(*(tasks[n] for n in steps[name].needs))  # wait for its inputs
            await con_tl.trace(name, _work(steps[name]))

        for name in order:  # waves order: every input's task exists before its consumer's
            tasks[name] = asyncio.create_task(step_when_ready(name), name=name)
        await asyncio.gather(*tasks.values())
        return time.perf_counter() - start

    seq_s = run_isolated(ASYNCIO, sequential)
    con_s = run_isolated(ASYNCIO, concurrent)
    return WorkflowRun(seq_s, con_s, sum(s.cost for s in steps.values()), critical_path(steps)[1],
                       seq_tl, con_tl)
