"""Drive a lab in the site's JupyterLite app: open it, run every cell, read back what it printed.

Shared by tests/browser/test_lite.py and benchmarks/lite_labs.py (which measures the table on
"How to use this book"). One browser context per lab, in which every request that leaves the
local server is recorded and refused, so a lab that needs the network fails here.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

LITE = "lite/notebooks/index.html?path={name}"

# The notebook panel, once JupyterLite has opened it and its kernel has started.
_PANEL = """() => {
  const app = window.jupyterapp;
  const panel = app && app.shell.currentWidget;
  return !!(panel && panel.sessionContext && panel.sessionContext.session
            && panel.sessionContext.session.kernel);
}"""

# Run-all resolves when the last cell has run (or stopped at an error); then wait for idle.
# Started, not awaited: the command's promise can stay pending after the kernel has finished (a
# display it waits on), and page.evaluate has no timeout of its own. _FINISHED decides instead.
_RUN_ALL = """async () => {
  const app = window.jupyterapp;
  await app.shell.currentWidget.sessionContext.ready;
  app.commands.execute('notebook:run-all-cells');
}"""

# Run All has finished when the kernel is idle and either every code cell has run or one of them
# raised: JupyterLab stops Run All at the first error, even in a cell tagged raises-exception (a
# lab's deliberate error, which nbval expects).
_FINISHED = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  if (panel.sessionContext.session.kernel.status !== 'idle') return false;
  const cells = panel.content.model.toJSON().cells.filter(c => c.cell_type === 'code');
  return cells.every(c => c.execution_count !== null)
    || cells.some(c => (c.outputs || []).some(o => o.output_type === 'error'));
}"""

# The setup cell alone: select the first code cell, run it, wait for its execution count.
_RUN_FIRST = """async () => {
  const panel = window.jupyterapp.shell.currentWidget;
  await panel.sessionContext.ready;
  const cells = panel.content.model.toJSON().cells;
  panel.content.activeCellIndex = cells.findIndex(c => c.cell_type === 'code');
  await window.jupyterapp.commands.execute('notebook:run-cell');
}"""

_FIRST_RAN = """() => {
  const cells = window.jupyterapp.shell.currentWidget.content.model.toJSON().cells;
  return cells.find(c => c.cell_type === 'code').execution_count !== null;
}"""

_WIDGETS_DRAWN = """(views) =>
  document.querySelectorAll('.jupyter-widgets:not(.jupyter-widgets-error)').length >= views"""

_IDLE = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  return panel.sessionContext.session.kernel.status === 'idle';
}"""

_CELLS = """() => window.jupyterapp.shell.currentWidget.content.model.toJSON().cells
   .filter(c => c.cell_type === 'code')
   .map(c => ({source: Array.isArray(c.source) ? c.source.join('') : c.source,
               execution_count: c.execution_count, outputs: c.outputs,
               expects_error: ((c.metadata || {}).tags || []).includes('raises-exception')}))"""


@dataclass
class LabRun:
    name: str
    seconds_to_kernel: float = 0.0       # page load to a started kernel
    seconds_to_run: float = 0.0          # run-all to idle
    cells: list[dict] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    timed_out: bool = False
    widgets_drawn: int = 0
    widget_errors: int = 0

    @property
    def errors(self) -> list[str]:
        found = []
        for cell in self.cells:
            for out in cell["outputs"]:
                if out.get("output_type") == "error":
                    # A deliberate error (tagged raises-exception) is no failure of the lab, but
                    # Run All stops there all the same, which the unrun cells then show.
                    if not cell.get("expects_error"):
                        found.append(f"{out.get('ename')}: {out.get('evalue')} in cell: {cell['source'][:80]!r}")
        return found

    @property
    def widget_views(self) -> int:
        return sum(1 for cell in self.cells for out in cell["outputs"]
                   if "application/vnd.jupyter.widget-view+json" in out.get("data", {}))

    @property
    def unrun(self) -> int:
        return sum(1 for c in self.cells if c["source"].strip() and c["execution_count"] is None)

    @property
    def stopped_at(self) -> str:
        """Where Run All stopped: the first error, deliberate or not, or '' when it did not."""
        for cell in self.cells:
            for out in cell["outputs"]:
                if out.get("output_type") == "error":
                    kind = " (a deliberate error, tagged raises-exception: JupyterLab's Run All stops there too)" \
                        if cell.get("expects_error") else ""
                    return f"{out.get('ename')}: {out.get('evalue')}{kind} in cell: {cell['source'][:80]!r}"
        return ""

    @property
    def ran_to_the_end(self) -> bool:
        return bool(self.cells) and not self.timed_out and not self.errors and self.unrun == 0

    def text(self, index: int) -> str:
        """Everything code cell `index` printed or displayed, as text."""
        parts = []
        for out in self.cells[index]["outputs"]:
            if "text" in out:
                parts.append(out["text"] if isinstance(out["text"], str) else "".join(out["text"]))
            for mime in ("text/plain", "text/html"):
                value = out.get("data", {}).get(mime)
                if value:
                    parts.append(value if isinstance(value, str) else "".join(value))
        return "".join(parts)


def run_lab(browser, base: str, name: str, *, timeout: float = 300.0, run_all: bool = True) -> LabRun:
    """Open notebook `name` in the lite app served at `base`; run every cell when `run_all`,
    else only the first (the setup cell)."""
    host = urlsplit(base).netloc
    result = LabRun(name)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    try:
        def route(r):
            if urlsplit(r.request.url).netloc != host and urlsplit(r.request.url).scheme in ("http", "https", "ws", "wss"):
                result.foreign.append(r.request.url)
                r.abort()
            else:
                r.continue_()
        context.route("**/*", route)
        page = context.new_page()
        page.on("console", lambda m: m.type == "error" and result.console_errors.append(m.text))
        start = time.monotonic()
        page.goto(base + LITE.format(name=name), wait_until="load")
        page.wait_for_function(_PANEL, timeout=timeout * 1000, polling=250)
        result.seconds_to_kernel = time.monotonic() - start
        # Stored outputs and execution counts out of the way: what is read back is this run's.
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs')")
        start = time.monotonic()
        try:
            if run_all:
                page.evaluate(_RUN_ALL)
            else:
                page.evaluate(_RUN_FIRST)
                page.wait_for_function(_FIRST_RAN, timeout=timeout * 1000, polling=250)
            page.wait_for_function(_FINISHED if run_all else _IDLE, timeout=timeout * 1000, polling=250)
        except Exception as exc:     # playwright's TimeoutError: record it, read what did run
            if "Timeout" not in type(exc).__name__:
                raise
            result.timed_out = True
        result.seconds_to_run = time.monotonic() - start
        result.cells = page.evaluate(_CELLS)
        # Widget views drawn by ipywidgets' manager (they are drawn after their output arrives:
        # give a busy machine time), and the ones it could not draw.
        try:
            page.wait_for_function(_WIDGETS_DRAWN, arg=result.widget_views, timeout=30_000, polling=250)
        except Exception as exc:
            if "Timeout" not in type(exc).__name__:
                raise
        result.widgets_drawn = page.locator(".jupyter-widgets:not(.jupyter-widgets-error)").count()
        result.widget_errors = page.get_by_text("Error displaying widget").count()
    finally:
        context.close()
    return result
