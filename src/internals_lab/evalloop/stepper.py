"""A live stepper for code the learner types (needs a kernel), with a static twin.

Design: the widget is a text area, a dropdown of starting programs and an integer slider; each
edit re-traces the program in the VM (`internals_lab.vm.trace`) and each slider move redraws
one step with `player.step_panel_html`, in Python, so this view needs a running kernel. It is
wrapped with `internals_lab.render.live`, whose static rendering is a self-contained
`TracePlayer` of the starting program: stored outputs and the built site show a player that
steps without a kernel instead of a dead control. Bad input (a syntax error, an instruction
the VM lacks, a runaway loop, text CPython cannot compile) is shown as a sentence in the panel,
never a traceback; the program's own exceptions (SystemExit and other BaseExceptions included)
are its outcome. A KeyboardInterrupt from the reader (Ctrl-C, the notebook's stop button) still
stops: `vm.trace` re-raises it and so does this module.
"""
from __future__ import annotations

import html

from .player import PlayerData, TracePlayer, player_data, step_panel_html

__all__ = ["StepperState", "trace_for_stepper", "stepper"]

DEFAULT_PROGRAMS = {
    "a loop": "total = 0\nfor n in range(3):\n    total += n\nprint(total)\n",
    "a call": "def square(x):\n    return x * x\n\nprint(square(4) + 1)\n",
    "an exception": "try:\n    1 / 0\nexcept ZeroDivisionError:\n    print('caught')\n",
}


class StepperState:
    """What the stepper shows for one program: its player data, or why there is none."""

    def __init__(self, data: PlayerData | None, error: str | None) -> None:
        self.data, self.error = data, error

    @property
    def steps(self) -> int:
        return len(self.data.steps) if self.data else 0

    def panel(self, index: int) -> str:
        if self.error:
            return f'<p class="internals-lab-error"><strong>Cannot trace this program:</strong> {html.escape(self.error)}</p>'
        return (f'<div class="internals-lab-stepper">{step_panel_html(self.data, index)}'
                f"<p><em>{html.escape(self.data.outcome)}</em></p></div>")


def trace_for_stepper(source: str, max_steps: int = 2000, **caps) -> StepperState:
    """Trace `source`; a syntax error or a VM limit becomes a message, not an exception.

    `caps` (max_seconds, max_output, max_trace_chars, bounds) go to `vm.trace`.
    """
    from ..vm import VMError, trace

    try:
        return StepperState(player_data(trace(source, max_steps=max_steps, **caps).to_dict()), None)
    except SyntaxError as exc:
        where = f" (line {exc.lineno})" if exc.lineno else ""
        return StepperState(None, f"syntax error{where}: {exc.msg}")
    except VMError as exc:
        return StepperState(None, str(exc))
    except MemoryError:
        return StepperState(None, "the program needs more memory than this kernel has")
    except RecursionError:
        return StepperState(None, "the program is nested too deeply to draw")


def stepper(source: str | None = None, max_steps: int = 2000):
    """The live stepper (kernel needed), shown as a static TracePlayer where there is none."""
    import ipywidgets as widgets

    from ..render import live

    programs = dict(DEFAULT_PROGRAMS)
    if source is not None:
        programs = {"your program": source, **programs}
    first = next(iter(programs.values()))
    choose = widgets.Dropdown(options=list(programs), description="start from:",
                              style={"description_width": "initial"})
    text = widgets.Textarea(value=first, continuous_update=False,
                            layout=widgets.Layout(width="100%", height="9em"))
    step = widgets.IntSlider(value=0, min=0, max=0, description="step",
                             style={"description_width": "initial"}, continuous_update=True)
    view = widgets.HTML()
    initial = trace_for_stepper(first, max_steps)
    state = {"s": initial}

    def show(_change=None):
        view.value = state["s"].panel(step.value)

    def retrace(_change=None):
        state["s"] = trace_for_stepper(text.value, max_steps)
        step.value = 0
        step.max = max(state["s"].steps - 1, 0)
        show()

    def pick(change):
        text.value = programs[change["new"]]  # fires retrace through the text area

    choose.observe(pick, names="value")
    text.observe(retrace, names="value")
    step.observe(show, names="value")
    retrace()
    widget = widgets.VBox([choose, text, step, view])
    static = TracePlayer(initial.data, "The stepper's first program, recorded") if initial.data else initial.error
    return live(widget, static)
