"""Renderers for the event-loop lab: Gantt charts and tables drawn from recorded data.

Design: these functions only draw; the data comes from `Timeline` and the demo functions.
Matplotlib is imported inside `gantt`, so the data layer works without it. The SVG is made
reproducible (no date, fixed ids) so a chart of a deterministic timeline is the same bytes
on every run; charts of measured times still differ and are shown as such.
"""
from __future__ import annotations

import io

from ..render import Figure, Table
from .timeline import Timeline

__all__ = ["gantt", "timeline_table"]


def _describe(timeline: Timeline, title: str) -> str:
    steps = timeline.steps()
    parts = ", ".join(f"{task} ran in {n} slice{'s' if n != 1 else ''}" for task, n in steps.items())
    overlap = "no two slices overlap" if not timeline.overlapping() else "some slices overlap"
    return (f"Gantt chart, {title}: one row per task, time in seconds across; thick bars are steps "
            f"that ran, thin bars time spent suspended at an await. {parts}; {overlap}.")


def gantt(timelines: dict[str, Timeline] | Timeline, title: str = "which task ran when",
          alt: str | None = None) -> Figure:
    """One panel per timeline, one row per task, a bar for each step it ran."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    if isinstance(timelines, Timeline):
        timelines = {title: timelines}
    if not timelines:
        raise ValueError("gantt() needs at least one timeline")
    for name, tl in timelines.items():
        if not tl.slices:
            raise ValueError(f"the timeline {name!r} recorded no steps: were the coroutines traced?")
    rows = max(len(tl.tasks()) for tl in timelines.values())
    with plt.rc_context({"svg.hashsalt": "internals-lab", "svg.fonttype": "none"}):
        fig, axes = plt.subplots(len(timelines), 1, squeeze=False, sharex=True,
                                 figsize=(7.5, 0.6 + 0.45 * rows * len(timelines) + 0.4 * len(timelines)))
        try:
            colours = plt.get_cmap("tab10")
            for ax, (name, tl) in zip(axes[:, 0], timelines.items()):
                tasks = tl.tasks()
                for row, task in enumerate(tasks):
                    mine = [s for s in tl.slices if s.task == task]
                    # Suspended (awaiting) between two steps: a thin pale bar. Running: a full bar,
                    # at least a sliver wide so a microsecond step is still visible.
                    waits = [(a.end, b.start - a.end) for a, b in zip(mine, mine[1:]) if b.start > a.end]
                    ax.broken_barh(waits, (row - 0.08, 0.16), color=colours(row % 10), alpha=0.3)
                    bars = [(s.start, max(s.duration, tl.span() / 300)) for s in mine]
                    ax.broken_barh(bars, (row - 0.35, 0.7), color=colours(row % 10))
                ax.set_yticks(range(len(tasks)), tasks)
                ax.set_ylim(len(tasks) - 0.5, -0.5)
                ax.set_title(name, fontsize=10, loc="left")
                ax.grid(axis="x", alpha=0.3)
            axes[-1, 0].set_xlabel("seconds since start")
            fig.tight_layout()
            buffer = io.StringIO()
            fig.savefig(buffer, format="svg", metadata={"Date": None})
        finally:
            plt.close(fig)
    if alt is None:
        alt = " ".join(_describe(tl, name) for name, tl in timelines.items())
    return Figure(buffer.getvalue(), alt)


def timeline_table(timeline: Timeline, *, times: bool = False) -> Table:
    """The slices as rows; with times=False only the order, which is reproducible."""
    if times:
        rows = [[s.order, s.task, f"{s.start * 1000:.1f}", f"{s.duration * 1000:.2f}"] for s in timeline.slices]
        return Table(["step", "task", "start (ms)", "ran for (ms)"], rows)
    return Table(["step", "task"], [[s.order, s.task] for s in timeline.slices])
