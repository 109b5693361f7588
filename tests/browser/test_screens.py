"""Every page on a phone and in dark mode, the menus, and the launch buttons (issue 21).

Debian's chromium, driven by Playwright (see conftest.py). A phone is 390x844 CSS pixels; dark
mode is the reader's system setting, which the theme follows.
"""
from __future__ import annotations

import json
import re

import pytest

from .conftest import DESKTOP, PHONE, ROOT, site_pages
from .screens import contrast_of_code_in_players, cut_off_code, horizontal_overflow, svg_problems

PAGES = site_pages()
CHAPTER = "book/02_eval_loop.html"  # a chapter with a lab, a trace player and a long page TOC
LAPTOP = (1366, 768)  # the most common laptop screen: the article is about 750 px wide


@pytest.mark.parametrize("mode", ["light", "dark"])
@pytest.mark.parametrize("page_path", PAGES)
def test_axe_finds_no_serious_violations(page_path, mode, site_url, visit, axe_source):
    page = visit(site_url + page_path, color_scheme=mode).page
    assert page.evaluate("() => document.documentElement.dataset.theme") == mode
    page.add_script_tag(content=axe_source)
    violations = page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']})).violations
        .filter(v => v.impact === 'critical' || v.impact === 'serious')
        .map(v => `${v.id} (${v.impact}, ${v.nodes.length}x): ${v.nodes[0].target.join(' ')}`)""")
    assert violations == []


@pytest.mark.parametrize("page_path", PAGES)
def test_phone_page_fits_and_its_figures_are_readable(page_path, site_url, visit):
    page = visit(site_url + page_path, viewport=PHONE).page
    assert horizontal_overflow(page) is None, "the page is wider than the phone"
    assert svg_problems(page) == []


def _visible_links(page, container: str) -> list[str]:
    return page.evaluate("""(sel) => [...document.querySelectorAll(sel + ' a[href]')]
        .filter(a => { const r = a.getBoundingClientRect(); return r.width > 0 && r.height > 0
                       && getComputedStyle(a).visibility !== 'hidden'; })
        .map(a => a.getAttribute('href'))""", container)


def test_phone_menus_open_and_close(site_url, visit):
    page = visit(site_url + CHAPTER, viewport=PHONE).page
    # One copy of each toggle: a second, unwired copy is what kept the menus shut.
    assert page.locator(".primary-toggle").count() == 1
    assert page.locator(".secondary-toggle").count() == 1
    assert _visible_links(page, "#pst-primary-sidebar") == []  # closed to begin with

    page.locator(".primary-toggle").click()
    sidebar = page.locator("dialog#pst-primary-sidebar-modal")
    sidebar.wait_for(state="visible", timeout=5000)
    links = _visible_links(page, "dialog#pst-primary-sidebar-modal")
    assert any(h.endswith("02_eval_loop_lab.html") for h in links), links
    assert any(h.endswith("06_import_system.html") for h in links), links
    page.keyboard.press("Escape")
    sidebar.wait_for(state="hidden", timeout=5000)

    page.locator(".secondary-toggle").click()
    contents = page.locator("dialog#pst-secondary-sidebar-modal")
    contents.wait_for(state="visible", timeout=5000)
    headings = [h for h in _visible_links(page, "dialog#pst-secondary-sidebar-modal") if h.startswith("#")]
    assert len(headings) >= 3, headings
    page.keyboard.press("Escape")
    contents.wait_for(state="hidden", timeout=5000)


def test_desktop_sidebar_toggle_hides_and_shows_it(site_url, visit):
    page = visit(site_url + CHAPTER, viewport=DESKTOP).page
    sidebar = page.locator("#pst-primary-sidebar")
    assert sidebar.is_visible() and _visible_links(page, "#pst-primary-sidebar")
    page.locator(".primary-toggle").click()
    sidebar.wait_for(state="hidden", timeout=5000)
    page.locator(".primary-toggle").click()
    sidebar.wait_for(state="visible", timeout=5000)


def _launch_hrefs(page) -> list[str]:
    return page.eval_on_selector_all(".dropdown-launch-buttons a[href]", "els => els.map(e => e.href)")


def test_launch_menu_of_a_lab_opens_where_the_lab_runs(site_url, visit):
    page = visit(site_url + "notebooks/02_eval_loop_lab.html", viewport=PHONE).page
    page.locator(".dropdown-launch-buttons button.dropdown-toggle").click()
    items = page.locator(".dropdown-launch-buttons .dropdown-menu a")
    items.first.wait_for(state="visible", timeout=5000)
    texts = sorted(items.nth(i).inner_text().strip() for i in range(items.count()))
    hub = re.search(r"(?m)^\s*jupyterhub_url:\s*(\S*)", (ROOT / "_config.yml").read_text()).group(1).strip("\"'")
    # JupyterLite is offered for a lab the measured table says runs there to its end.
    measured = json.loads((ROOT / "benchmarks" / "results" / "lite_labs.json").read_text(encoding="utf-8"))
    in_lite = any(lab["notebook"] == "02_eval_loop_lab.ipynb" and lab["runs_to_the_end"] for lab in measured["labs"])
    assert texts == sorted(["Binder", "Colab"] + (["JupyterHub"] if hub else []) + (["JupyterLite"] if in_lite else []))
    for href in _launch_hrefs(page):
        if "/lite/" in href:
            assert href.endswith("?path=02_eval_loop_lab.ipynb"), href
        else:
            assert href.endswith("notebooks/02_eval_loop_lab.ipynb"), href


def test_a_chapter_offers_its_lab_instead_of_launch_buttons(site_url, visit):
    page = visit(site_url + CHAPTER, viewport=PHONE).page
    assert _launch_hrefs(page) == []
    lab = page.locator("a.btn-chapter-lab")
    assert lab.is_visible()
    assert lab.evaluate("a => a.href") == site_url + "notebooks/02_eval_loop_lab.html"


def test_trace_player_code_is_legible_in_dark_mode(site_url, visit):
    page = visit(site_url + CHAPTER, color_scheme="dark").page
    assert page.locator(".internals-lab-player").count() > 0
    assert contrast_of_code_in_players(page) == []


def test_search_page_icon_does_not_cover_the_query(site_url, visit):
    page = visit(site_url + "search.html?q=bytecode", viewport=PHONE).page
    form = page.locator(".bd-search-container form.bd-search")
    icon = form.locator(".fa-magnifying-glass").bounding_box()
    text_starts = form.locator("input").evaluate(
        "i => i.getBoundingClientRect().left + parseFloat(getComputedStyle(i).paddingLeft)")
    assert icon["x"] + icon["width"] <= text_starts


@pytest.mark.parametrize("page_path", PAGES)
def test_code_is_not_cut_off_on_a_laptop(page_path, site_url, visit):
    """A long comment or call wraps inside its cell instead of running past its edge (issue 21)."""
    page = visit(site_url + page_path, viewport=LAPTOP).page
    assert cut_off_code(page) == []



def test_a_widget_page_fetches_only_the_cut_icon_fonts(site_url, visit):
    """The widget manager's Font Awesome 5 (155 kB) stays unloaded: its CSS claims the class names
    fas/fab, which the site no longer uses. Whether each icon keeps its glyph is checked in the
    fonts themselves (tests/site/test_site_screens.py)."""
    v = visit(site_url + "notebooks/05_gil_lab.html")
    assert any("embed-amd.js" in u for u in v.requests), "not a widget page any more"
    fonts = [u for u in v.requests if re.search(r"\.(woff2?|ttf|eot)(\?|$)", u)]
    assert fonts and all(u.split("?")[0].endswith(".icons.woff") for u in fonts), fonts
