"""The labs in the site's JupyterLite, in Chromium, with the network off.

benchmarks/results/lite_labs.json (written by benchmarks/lite_labs.py, and drawn as the table on
"How to use this book") says which labs run to the end in the browser. Every lab it marks so is
run here top to bottom; every other lab is run too, and must print from its first cell the
sentence the table publishes and stop at the error the table recorded. Requests that leave
127.0.0.1 are refused and recorded, and there must be none.

All in one xdist group, so one worker runs them in one browser, one lab after another.
"""
from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import pytest

from .conftest import ROOT, SITE
from .lite import run_lab

pytestmark = pytest.mark.xdist_group("lite")

MEASURED = json.loads((ROOT / "benchmarks" / "results" / "lite_labs.json").read_text(encoding="utf-8"))["labs"]
READY = [lab["notebook"] for lab in MEASURED if lab["runs_to_the_end"]]
NOT_READY = {lab["notebook"]: lab["browser_note"] for lab in MEASURED if not lab["runs_to_the_end"]}
FIRST_ERROR = {lab["notebook"]: lab["first_error"] for lab in MEASURED}


def stored_code_cells(name: str) -> list[dict]:
    nb = json.loads((ROOT / "notebooks" / name).read_text(encoding="utf-8"))
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


@pytest.fixture(scope="module")
def lite_url(site_url) -> str:
    if not (SITE / "lite" / "index.html").is_file():
        pytest.fail("the built site has no lite/ app: make book builds it (tools/build_lite.py)")
    return site_url


def test_the_table_covers_every_lab():
    assert sorted(lab["notebook"] for lab in MEASURED) == sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("name", READY)
def test_a_browser_ready_lab_runs_to_the_end_offline(browser, lite_url, name):
    run = run_lab(browser, lite_url, name)
    assert run.foreign == []
    assert not run.timed_out
    assert run.errors == []
    assert run.unrun == 0
    assert len(run.cells) == len(stored_code_cells(name))
    # Its widgets are widgets here too, drawn by the app's ipywidgets manager: at least the stored
    # run's (a `live()` view is stored in its static form, so a kernel may show more).
    stored_views = sum(1 for c in stored_code_cells(name) for out in c["outputs"]
                       if "application/vnd.jupyter.widget-view+json" in out.get("data", {}))
    assert run.widget_views >= stored_views
    assert run.widget_errors == 0 and run.widgets_drawn >= run.widget_views
    # The last cell showed something, as it does in the stored native run.
    if stored_code_cells(name)[-1]["outputs"]:
        assert run.cells[-1]["outputs"]


@pytest.mark.parametrize("name", sorted(NOT_READY))
def test_a_lab_that_cannot_run_to_the_end_says_so_first_and_stops_where_measured(browser, lite_url, name):
    run = run_lab(browser, lite_url, name)
    assert run.foreign == []
    assert NOT_READY[name], f"{name} does not run to its end in JupyterLite, but its first cell says nothing there"
    assert "browser" in NOT_READY[name]
    assert run.text(0).strip() == NOT_READY[name]
    # Still stops, and where the table says: a lab that now runs further needs re-measuring
    # (benchmarks/lite_labs.py --write) and, most likely, a new sentence in its first cell.
    assert not run.ran_to_the_end
    assert run.stopped_at == FIRST_ERROR[name]


def _launch_links(name: str) -> list[str]:
    page = (SITE / "notebooks" / name.replace(".ipynb", ".html")).read_text(encoding="utf-8")
    return [h.replace("&amp;", "&") for h in re.findall(r'href="([^"]*lite/notebooks/index\.html[^"]*)"', page)]


@pytest.mark.parametrize("name", sorted(lab["notebook"] for lab in MEASURED))
def test_a_lab_page_offers_jupyterlite_only_when_the_lab_runs_there(lite_url, name):
    expected = [f"../lite/notebooks/index.html?path={name}"] if name in READY else []
    assert _launch_links(name) == expected


@pytest.mark.parametrize("app", ["lab", "tree"])
def test_the_apps_entry_pages_load_offline(browser, lite_url, app):
    """How to use this book links lite/lab/; the file list is the way to the labs with no launch entry."""
    context = browser.new_context(service_workers="block")
    foreign = []

    def route(r):
        if urlsplit(r.request.url).netloc != urlsplit(lite_url).netloc and r.request.url.startswith(("http", "ws")):
            foreign.append(r.request.url)
            r.abort()
        else:
            r.continue_()
    try:
        context.route("**/*", route)
        page = context.new_page()
        page.goto(f"{lite_url}lite/{app}/index.html", wait_until="load")
        page.wait_for_function("() => !!window.jupyterapp", timeout=60_000)
        # Its file list shows every lab.
        page.get_by_text("00_meet_your_interpreter.ipynb").first.wait_for(timeout=60_000)
        page.wait_for_load_state("networkidle")
    finally:
        context.close()
    assert foreign == []
