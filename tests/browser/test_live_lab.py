"""The live labs: JupyterLab from .venv on 127.0.0.1, every notebook run in Chromium.

Each lab is opened in a real JupyterLab (a scratch copy of notebooks/, so autosave cannot touch
the repository), run top to bottom, checked for error outputs (only cells tagged
raises-exception may show one), and then one of its widgets is used as a learner would.
"""
from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from .conftest import ROOT, Visit

# Under `pytest -n 2 --dist loadgroup` (make test) every lab runs on one worker, so one
# JupyterLab server serves them all and no two kernels compete; the other worker takes pages.
pytestmark = pytest.mark.xdist_group("jupyterlab")

NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))


def expected_errors(name: str) -> int:
    cells = json.loads((ROOT / "notebooks" / name).read_text())["cells"]
    return sum(1 for c in cells if c["cell_type"] == "code" and "raises-exception" in c.get("metadata", {}).get("tags", []))


def run_all(page, timeout_s: float = 240) -> None:
    page.wait_for_function("() => window.jupyterapp && document.querySelector('.jp-Notebook .jp-Cell')", timeout=60000)
    page.wait_for_function(
        "() => { const w = window.jupyterapp.shell.currentWidget; return w && w.sessionContext && w.sessionContext.session"
        " && w.sessionContext.session.kernel && w.sessionContext.session.kernel.status === 'idle'; }",
        timeout=90000)
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    deadline = time.monotonic() + timeout_s
    # Right after run-all the kernel may not be busy yet and no cell marked pending: idle with
    # cells left to run means "a cell raised" only when it lasts (3 s of polls).
    idle_and_unfinished = 0
    while time.monotonic() < deadline:
        state = page.evaluate("""() => {
            const w = window.jupyterapp.shell.currentWidget;
            const cells = w.content.widgets.filter(c => c.model.type === 'code' && c.model.sharedModel.getSource().trim());
            const counts = cells.map(c => c.model.executionCount);
            return {pending: w.content.widgets.some(c => c.promptNode && c.promptNode.textContent.includes('*')),
                    done: counts.filter(n => n !== null).length, total: cells.length,
                    busy: w.sessionContext.session.kernel.status !== 'idle'};
        }""")
        if not state["pending"] and not state["busy"] and state["done"] == state["total"]:
            return
        if not state["pending"] and not state["busy"] and state["done"] < state["total"]:
            idle_and_unfinished += 1
            if idle_and_unfinished >= 6:
                return   # execution stopped early: a cell raised
        else:
            idle_and_unfinished = 0
        page.wait_for_timeout(500)
    pytest.fail(f"the notebook did not finish within {timeout_s:.0f} s: {state}")


def _changes(page, output_locator, act) -> bool:
    before = output_locator.inner_html()
    act()
    page.wait_for_timeout(1500)
    return output_locator.inner_html() != before


def drive_one_widget(page, name: str) -> bool:
    """Use the lab's main widget the way a learner would; True if what it shows changed."""
    out = page.locator(".jp-OutputArea-output")
    if name.startswith("01_"):
        area = page.locator(".widget-textarea textarea").first
        box = area.locator("xpath=ancestor::div[contains(@class,'jp-OutputArea')][1]")
        return _changes(page, box, lambda: (area.fill("def g(y):\n    return y - 1\n"), area.press("Tab")))
    for selector in (".widget-dropdown select", ".widget-slider .noUi-handle"):
        control = page.locator(selector).first
        if control.count():
            control.scroll_into_view_if_needed()
            box = control.locator("xpath=ancestor::div[contains(@class,'jp-OutputArea')][1]")
            if selector.endswith("select"):
                return _changes(page, box, lambda: control.select_option(index=1))
            return _changes(page, box, lambda: (control.focus(), page.keyboard.press("ArrowRight")))
    pytest.fail(f"{name}: no widget found to drive ({out.count()} outputs)")


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_lab_runs_live_and_its_widget_responds(name, jupyterlab, browser, screenshots):
    # A workspace of its own per lab: in the shared one, JupyterLab reopened the labs tested
    # before it, and their outputs (lab 7's deliberate error) were counted as this lab's.
    workspace = name.removesuffix(".ipynb")
    url = f"{jupyterlab['base']}lab/workspaces/{workspace}/tree/notebooks/{name}?token={jupyterlab['token']}"
    visit = Visit(browser, url, viewport=(1400, 1000))
    try:
        page = visit.page
        run_all(page)
        raised = page.locator(".jp-OutputArea-output").filter(has_text="Traceback (most recent call last)")
        if raised.count() > expected_errors(name):
            # The last lines of each traceback name the exception: a failure on a machine
            # nobody can log in to (CI) must say which cell raised and why.
            tails = ["\n".join(raised.nth(i).inner_text().strip().splitlines()[-6:]) for i in range(raised.count())]
            pytest.fail(f"{raised.count()} cells raised; {expected_errors(name)} are meant to:\n\n"
                        + "\n---\n".join(tails))
        assert drive_one_widget(page, name), "the widget did not change what it shows"
        page.screenshot(path=str(screenshots / f"live__{Path(name).stem}.png"))
    finally:
        # Leave no kernel behind for the next notebook.
        visit.page.evaluate("() => window.jupyterapp && window.jupyterapp.commands.execute('kernelmenu:shutdown')"
                            ".catch(() => null)")
        visit.close()
