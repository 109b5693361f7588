"""Renderers: tables, a Graphviz figure, a static step view and a slider, drawn from the records
of `frames`, `traces` and `versions`. They hold no logic of their own; the table, SVG and
slider helpers are imported only when a renderer is called.

Part of `internals_lab.coroutines`; the package's docstring gives the design and the
global state it restores.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Iterable

from .frames import FrameSnapshot
from .traces import Step, Trace
from .versions import VersionRun

__all__ = ["show_timeline", "show_frame", "show_chain", "show_version_runs", "await_chain_graph",
           "StepsView", "steps_view", "stepper"]


def _chain_text(chain: Iterable[FrameSnapshot]) -> str:
    parts = []
    for snap in chain:
        if snap.kind == "iterator":
            parts.append(snap.name)
        elif snap.line is None:
            parts.append(f"{snap.name} ({snap.state})")
        else:
            parts.append(f"{snap.name}:{snap.line}")
    return " -> ".join(parts)


def show_timeline(trace: Trace):
    """One row per step: event, what went in or out, and where every frame of the chain stands."""
    from ..render import Table

    has_task = any(s.task_waiting_on is not None for s in trace.steps)
    columns = ["step", "event", "sent", "out", "state", "await chain (name:line)"]
    if has_task:
        columns.append("Task._fut_waiter")
    rows = []
    for s in trace.steps:
        row = [s.index, s.event, s.sent or "", s.value or "", s.outer.state, _chain_text(s.chain)]
        if has_task:
            row.append(s.task_waiting_on or "")
        rows.append(row)
    caption = f"Trace of {trace.name}: " + (f"returned {trace.result}" if trace.error is None else f"raised {trace.error}")
    return Table(columns, rows, caption=caption, code_columns=["await chain (name:line)"])


def show_frame(snapshot: FrameSnapshot):
    """The saved state of one frame: where it stopped and what it holds."""
    from ..render import Table

    rows = [
        ("state", snapshot.state),
        ("line (f_lineno)", "" if snapshot.line is None else str(snapshot.line)),
        ("offset (f_lasti)", "" if snapshot.offset is None else str(snapshot.offset)),
        ("instruction at f_lasti", snapshot.instruction or ""),
        ("awaiting (cr_await / gi_yieldfrom)", snapshot.awaiting or ""),
        ("f_back is set", "" if snapshot.has_f_back is None else ("yes" if snapshot.has_f_back else "no")),
    ]
    rows += [(f"local {name}", value) for name, value in snapshot.locals]
    return Table(["field", "value"], rows, caption=f"Saved state of {snapshot.name} ({snapshot.kind})")


def show_chain(chain: Iterable[FrameSnapshot]):
    """A row per link of an await chain."""
    from ..render import Table

    rows = [(s.name, s.kind, s.state, "" if s.line is None else s.line,
             "" if s.offset is None else s.offset, s.instruction or "",
             ", ".join(f"{k}={v}" for k, v in s.locals)) for s in chain]
    return Table(["name", "kind", "state", "line", "f_lasti", "instruction", "locals"], rows)


def show_version_runs(runs: Iterable[VersionRun]):
    from ..render import Table

    rows = []
    for run in runs:
        if not run.found:
            rows.append((run.version, "not installed here", "(not run)"))
        else:
            # one line per row reads well both as text and in an HTML table
            output = " | ".join(run.output.splitlines())
            rows.append((run.version, run.full_version or "?", output if run.ok else "FAILED: " + output))
    return Table(["version", "interpreter", "output (lines separated by |)"], rows,
                 code_columns=["output (lines separated by |)"])


def _dot_quote(text: str) -> str:
    # Labels may contain the DOT line break "\\n"; names and descriptions never hold backslashes.
    return '"' + text.replace('"', '\\"') + '"'


def await_chain_graph(step: Step, *, task_label: str | None = "Task"):
    """Graphviz figure of one step's await chain: cr_await links, the future, and the Task."""
    from ..render import svg

    lines = ["digraph await_chain {", "  rankdir=LR;", '  node [shape=box, fontname="Helvetica", fontsize=11];',
             '  edge [fontname="Helvetica", fontsize=10];']
    names = []
    for i, snap in enumerate(step.chain):
        node = f"n{i}"
        names.append(node)
        label = snap.name if snap.line is None else f"{snap.name}\\nline {snap.line}, f_lasti {snap.offset}"
        lines.append(f"  {node} [label={_dot_quote(label)}];")
    for a, b in zip(names, names[1:]):
        lines.append(f'  {a} -> {b} [label="cr_await"];')
    future = step.task_waiting_on
    if future is None:
        future = next((v for s in step.chain for k, v in s.locals if v.startswith("Future(")), None)
    if future is not None:
        lines.append(f"  fut [label={_dot_quote(future)}, shape=ellipse];")
        if step.chain and step.chain[-1].kind == "iterator":
            lines.append(f'  {names[-1]} -> fut [label="holds"];')
        for i, snap in enumerate(step.chain):
            for k, v in snap.locals:
                if v == future and snap.kind != "iterator":
                    lines.append(f'  n{i} -> fut [label="local {k}", style=dashed];')
    if task_label and step.task_waiting_on is not None:
        lines.append(f"  task [label={_dot_quote(task_label)}, shape=box3d];")
        if names:
            lines.append('  task -> n0 [label="coroutine"];')
        lines.append('  task -> fut [label="_fut_waiter", color="#b03030", fontcolor="#b03030"];')
    lines.append("}")
    alt = (f"Step {step.index} ({step.event}): the await chain " + " to ".join(s.name for s in step.chain)
           + ("" if future is None else f", ending at the future, {future}")
           + ("; the Task also points at that future through _fut_waiter" if step.task_waiting_on else ""))
    return svg("\n".join(lines), alt)


@dataclass
class StepsView:
    """A static, kernel-free rendering of every step: one collapsible block per step."""
    trace: Trace
    open_steps: tuple[int, ...] = field(default_factory=tuple)

    def __str__(self) -> str:
        out = []
        for s in self.trace.steps:
            out.append(f"step {s.index}: {s.event}" + (f" sent {s.sent}" if s.sent else "") + (f" -> {s.value}" if s.value else ""))
            for snap in s.chain:
                loc = ", ".join(f"{k}={v}" for k, v in snap.locals)
                where = "" if snap.line is None else f" line {snap.line} @{snap.offset} {snap.instruction}"
                out.append(f"    {snap.name} [{snap.state}]{where}" + (f" locals: {loc}" if loc else ""))
        return "\n".join(out)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        parts = [f'<div class="internals-lab-steps"><p>{html.escape(self.trace.name)}: '
                 f'{len(self.trace.steps)} steps (open one to see the saved frames)</p>']
        for s in self.trace.steps:
            summary = f"Step {s.index}: {s.event}" + (f", sent {s.sent}" if s.sent else "") + (f", out {s.value}" if s.value else "")
            opened = " open" if s.index in self.open_steps else ""
            parts.append(f"<details{opened}><summary>{html.escape(summary)}</summary>")
            parts.append(_step_table(s)._repr_html_())
            parts.append("</details>")
        parts.append("</div>")
        return "".join(parts)


def _step_table(step: Step):
    from ..render import Table

    rows = []
    for snap in step.chain:
        rows.append((snap.name, snap.state, "" if snap.line is None else snap.line,
                     "" if snap.offset is None else f"{snap.offset} {snap.instruction}",
                     ", ".join(f"{k}={v}" for k, v in snap.locals), snap.awaiting or ""))
    caption = None if step.task_waiting_on is None else f"Task._fut_waiter: {step.task_waiting_on}"
    return Table(["frame", "state", "line", "f_lasti", "locals", "awaiting"], rows, caption=caption)


def steps_view(trace: Trace, open_steps: Iterable[int] = ()) -> StepsView:
    return StepsView(trace, tuple(open_steps))


def stepper(trace: Trace):
    """A slider over the steps. Every step is rendered in advance and the slider is linked to
    them in the browser, so it also steps on the static site and without a kernel."""
    from ..render import slider

    panels = []
    for step in trace.steps:
        head = f"<p><b>Step {step.index}: {html.escape(step.event)}</b>"
        if step.sent:
            head += f", sent {html.escape(step.sent)}"
        if step.value:
            head += f", out {html.escape(step.value)}"
        panels.append(head + "</p>" + _step_table(step)._repr_html_())
    return slider(panels, description="step")
