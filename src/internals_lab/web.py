"""The book's tools as a page runs them in the browser: one request in, one reply out.

Design: a chapter page's "Run in your browser" control (book/_assets/runtime/) starts a Web
Worker that hosts Pyodide, CPython 3.14 compiled to WebAssembly, and imports this package from
the wheel built from this repository. For every run it calls `handle(tool, source)`, which
returns a plain dict (JSON-ready): the HTML the page shows, made by the same renderers the
chapters and labs use, and a one-line `message`. It never raises: a syntax error comes back as
the caret view with its line and column, a program stopped by a bound says which bound, and
anything else as its exception's last line.

The tools, by chapter:

- `explore` (chapter 1): every stage of the pipeline for the reader's source (tokens, tree,
  symbols, code objects, bytecode, control-flow graph). Compiles, never runs, the source.
- `step` (chapter 2): the teaching VM runs the source and the trace player draws the run.
- `suspend` (chapter 3): the source defines `async def main()`; it runs as one asyncio Task and
  every suspension and resumption of its await chain is snapshotted.
- `run` (the other chapters): runs the source with CPython and shows what it printed.

`run`, `suspend` and `step` run the reader's code inside `global_state_restored()`: one
interpreter serves every run of a visit, so a finder, trace function, recursion limit or `gc`
setting the reader's program changes is put back when it ends, also when it raised.

Bounds: the VM's step, time and output caps (`internals_lab.vm.bounds`); at most `MAX_OUTPUT`
characters of printed output for `run` and `suspend`; the wall clock is bounded by the page,
which terminates the worker (there are no threads here for a watchdog). The same functions run
natively, which is how the unit tests compare them with CPython.
"""
from __future__ import annotations

import contextlib
import html
import io
import platform
import sys
import traceback

from .global_state import global_state_restored

__all__ = ["TOOLS", "MAX_OUTPUT", "handle", "runtime_facts"]

MAX_OUTPUT = 20_000


def runtime_facts() -> dict:
    """What runs the reader's code: the page states it next to the results."""
    from importlib.util import MAGIC_NUMBER

    threads = sys.platform not in ("emscripten", "wasi")
    return {
        # The .pyc magic number names the bytecode format: one value per format, kept fixed
        # across a minor version's releases once it is out (Lib/importlib/_bootstrap_external.py).
        "magic": int.from_bytes(MAGIC_NUMBER[:2], "little"),
        "version": platform.python_version(),
        "implementation": sys.implementation.name,
        "platform": sys.platform,
        "machine": platform.machine(),
        "threads": threads,
        "summary": f"CPython {platform.python_version()}, {platform.machine()}"
                   + ("" if threads else ", no threads"),
    }


def _reply(ok: bool, html_text: str, message: str, kind: str = "ok") -> dict:
    return {"ok": ok, "kind": kind, "html": html_text, "message": message}


def _html_of(view: object) -> str:
    render = getattr(view, "_repr_html_", None)
    return render() if render is not None else f"<pre>{html.escape(str(view))}</pre>"


def _syntax_reply(error) -> dict:
    from .pipeline.render import show_error

    where = (f"line {error.line}, column {error.column}" if error.line and error.column
             else f"line {error.line}" if error.line else "an unknown position")
    return _reply(False, show_error(error)._repr_html_(), f"{error.stage} error at {where}: {error.message}",
                  "syntax")


def explore(source: str) -> dict:
    from .pipeline.explorer import analyse, render_stages

    analysis = analyse(source)
    sections = []
    for index, (title, view) in enumerate(render_stages(analysis)):
        opened = " open" if title.endswith(("bytecode", "tokens")) or analysis.error is not None else ""
        sections.append(f'<details class="ilr-stage" data-stage="{index}"{opened}><summary>'
                        f"{html.escape(title)}</summary>{_html_of(view)}</details>")
    body = "".join(sections)
    if analysis.error is not None:
        reply = _syntax_reply(analysis.error)
        reply["html"] = body
        return reply
    count = sum(len(instrs) for instrs in analysis.bytecode.values())
    return _reply(True, body, f"{len(analysis.tokens)} tokens, {len(analysis.code)} code objects, "
                              f"{count} instructions")


def step(source: str) -> dict:
    from .evalloop.player import play
    from .pipeline.explorer import analyse

    analysis = analyse(source)      # a syntax error is reported with its caret, before any run
    if analysis.error is not None:
        return _syntax_reply(analysis.error)
    with global_state_restored():     # the VM calls real functions: sys.settrace, imports...
        player = play(source, "Your program in the teaching VM")
    outcome = player.data.outcome
    if outcome.startswith("Stopped:"):      # a step, output or time cap ended the run
        return _reply(False, player._repr_html_(), outcome, "limit")
    if outcome.startswith("Cannot trace"):
        return _reply(False, player._repr_html_(), outcome, "error")
    return _reply(True, player._repr_html_(), f"{len(player.data.steps)} instructions recorded. {outcome}")


class _CappedText(io.StringIO):
    """Keeps the first MAX_OUTPUT characters written and counts the rest."""

    def __init__(self) -> None:
        super().__init__()
        self.dropped = 0

    def write(self, text: str) -> int:
        room = MAX_OUTPUT - self.tell()
        if room < len(text):
            self.dropped += len(text) - max(room, 0)
            text = text[:max(room, 0)]
        return super().write(text) if text else 0

    def shown(self) -> str:
        note = f"\n... {self.dropped:,} more characters not shown (output is capped at {MAX_OUTPUT:,})" \
            if self.dropped else ""
        return self.getvalue() + note


def _compile_or_reply(source: str):
    from .pipeline.explorer import analyse

    try:
        return compile(source, "<your code>", "exec"), None
    except (SyntaxError, ValueError):
        analysis = analyse(source)
        if analysis.error is None:      # compile() and the explorer disagree: say what compile() said
            return None, _reply(False, "", traceback.format_exc(limit=0).strip(), "syntax")
        return None, _syntax_reply(analysis.error)


def _last_line(exc: BaseException) -> str:
    return traceback.format_exception_only(type(exc), exc)[-1].strip()


def run(source: str) -> dict:
    code, failure = _compile_or_reply(source)
    if failure is not None:
        return failure
    out = _CappedText()
    namespace = {"__name__": "__main__"}
    try:
        with global_state_restored(), contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            exec(code, namespace)
    except BaseException as exc:     # SystemExit and KeyboardInterrupt too: the page stays up
        text = out.shown()
        return _reply(False, f"<pre>{html.escape(text)}</pre>", f"your code raised {_last_line(exc)}", "error")
    text = out.shown()
    return _reply(True, f"<pre>{html.escape(text)}</pre>" if text else "<p>(nothing printed)</p>",
                  "finished" + ("; output capped" if out.dropped else ""))


def suspend(source: str) -> dict:
    from .coroutines import steps_view, trace_task

    code, failure = _compile_or_reply(source)
    if failure is not None:
        return failure
    namespace = {"__name__": "__main__"}
    out = _CappedText()
    try:
        with global_state_restored(), contextlib.redirect_stdout(out):
            exec(code, namespace)
            main = namespace.get("main")
            if main is None:
                return _reply(False, "", "define an async function named main: it runs as one asyncio Task", "error")
            trace = trace_task(main, max_steps=200)
    except BaseException as exc:     # SystemExit and KeyboardInterrupt too: the page stays up
        return _reply(False, f"<pre>{html.escape(out.shown())}</pre>", f"your code raised {_last_line(exc)}", "error")
    printed = out.shown()
    body = steps_view(trace, open_steps=[1])._repr_html_()
    if printed:
        body += f"<p>What the program printed:</p><pre>{html.escape(printed)}</pre>"
    outcome = f"raised {trace.error}" if trace.error else f"returned {trace.result}"
    return _reply(True, body, f"{len(trace.steps)} snapshots; main {outcome}")


TOOLS = {"explore": explore, "step": step, "suspend": suspend, "run": run}


def handle(tool: str, source: str) -> dict:
    """Run `tool` on the reader's `source`; always a reply, never an exception."""
    try:
        if tool not in TOOLS:
            reply = _reply(False, "", f"no tool named {tool!r}; the tools are {', '.join(TOOLS)}", "error")
        elif not isinstance(source, str):
            reply = _reply(False, "", "the program must be text", "error")
        else:
            reply = TOOLS[tool](source)
    except RecursionError:
        reply = _reply(False, "", "the program nests too deeply for this tool (RecursionError)", "limit")
    except MemoryError:
        reply = _reply(False, "", "the program needs more memory than this page has (MemoryError)", "limit")
    except BaseException as exc:      # a bug in this lab: say so plainly rather than show a traceback
        reply = _reply(False, "", f"the {tool} tool failed: {_last_line(exc)}", "error")
    reply["runtime"] = runtime_facts()
    return reply
