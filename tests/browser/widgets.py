"""Find the controls a page shows and check each one drives something (shared by the tests).

A control "works" when using it changes what its output area shows: a dropdown switches a
panel, a slider moves a view. One that changes nothing looks live but is dead, which is the
defect the suite exists to catch on the static site.
"""
from __future__ import annotations

CONTROLS = {
    "dropdown": ".widget-dropdown select",
    "select": ".widget-select select",
    "slider": ".widget-slider .noUi-handle, .widget-slider input[type=range]",
    "toggle": ".widget-toggle-buttons button",
    "button": "button.widget-button, .jupyter-widgets button.jupyter-button",
    "textarea": ".widget-textarea textarea",
    "text": ".widget-text input",
    "checkbox": ".widget-checkbox input",
}


def _output_area(control):
    return control.locator("xpath=ancestor::*[contains(@class,'cell_output') or contains(@class,'jp-OutputArea')][1]")


def _use(page, kind: str, control) -> None:
    control.scroll_into_view_if_needed()
    if kind in ("dropdown", "select"):
        options = control.locator("option")
        current = control.evaluate("e => e.selectedIndex")
        control.select_option(index=(current + 1) % max(options.count(), 1))
    elif kind == "slider":
        control.focus()
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
    elif kind in ("textarea", "text"):
        control.fill("x = 1 + 2\n")
        control.press("Tab")
    else:
        control.click()


def dead_controls(page, wait_ms: int = 400) -> list[str]:
    """Use every widget control on the page; return a description of each that changed nothing."""
    dead = []
    for kind, selector in CONTROLS.items():
        controls = page.locator(selector)
        for i in range(controls.count()):
            control = controls.nth(i)
            if not control.is_visible():
                continue
            area = _output_area(control)
            before = area.inner_html()
            _use(page, kind, control)
            page.wait_for_timeout(wait_ms)
            if area.inner_html() == before:
                dead.append(f"{kind} #{i}")
    return dead


def widget_views_unrendered(page) -> int:
    """How many stored widget views the embed manager failed to draw."""
    return page.evaluate("""() => [...document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]')]
        .filter(s => !s.parentElement.querySelector('.jupyter-widgets')).length""")
