"""The built static site, page by page, in headless Chromium (Debian's, driven by Playwright)."""
from __future__ import annotations

import re
import shutil

import pytest

from .conftest import ROOT, SITE, Visit, site_pages
from .screens import svg_problems
from .widgets import dead_controls, widget_views_unrendered

PAGES = site_pages()


def _config_repository() -> str:
    return re.search(r"(?m)^repository:\s*\n\s+url:\s*(\S+)", (ROOT / "_config.yml").read_text()).group(1)


def _config_hub() -> str:
    return re.search(r"(?m)^\s*jupyterhub_url:\s*(\S*)", (ROOT / "_config.yml").read_text()).group(1).strip("\"'")


def test_the_site_has_pages():
    assert "book/index.html" in PAGES and "notebooks/00_meet_your_interpreter.html" in PAGES


@pytest.mark.parametrize("page_path", PAGES)
def test_page_loads_offline_and_clean(page_path, site_url, visit, screenshots):
    v: Visit = visit(site_url + page_path)
    assert v.foreign_requests(site_url) == [], "the page asked another host for something"
    assert v.failed == []
    assert v.console_errors == []
    v.page.screenshot(path=str(screenshots / (page_path.replace("/", "__") + ".png")))


@pytest.mark.parametrize("page_path", PAGES)
def test_figures_are_visible_and_described(page_path, site_url, visit):
    page = visit(site_url + page_path).page
    for selector in ("main figure.internals-lab-figure svg", "main img", "main .cell_output svg"):
        items = page.locator(selector)
        for i in range(items.count()):
            item = items.nth(i)
            if not item.is_visible():  # inside a collapsed dropdown (a solution, say)
                continue
            item.scroll_into_view_if_needed()
            box = item.bounding_box()
            assert box and box["width"] > 0 and box["height"] > 0, f"{selector} #{i} has no size"
    missing_alt = page.evaluate("""() => [...document.querySelectorAll('main img')]
        .filter(i => !(i.getAttribute('alt') || '').trim()).map(i => i.src)""")
    assert missing_alt == []
    assert svg_problems(page) == []  # every SVG has a viewBox, and readable text at desktop width
    unlabelled = page.evaluate("""() => [...document.querySelectorAll('figure.internals-lab-figure')]
        .filter(f => !(f.getAttribute('aria-label') || '').trim()).length""")
    assert unlabelled == 0


@pytest.mark.parametrize("page_path", PAGES)
def test_widgets_work_without_a_kernel(page_path, site_url, visit):
    page = visit(site_url + page_path).page
    assert widget_views_unrendered(page) == 0
    assert dead_controls(page) == []


@pytest.mark.parametrize("page_path", PAGES)
def test_headings_do_not_skip_levels(page_path, site_url, visit):
    page = visit(site_url + page_path).page
    levels = page.evaluate("() => [...document.querySelectorAll('main h1, main h2, main h3, main h4, main h5, main h6')]"
                           ".map(h => Number(h.tagName[1]))")
    assert levels and levels[0] == 1
    skips = [(a, b) for a, b in zip(levels, levels[1:]) if b > a + 1]
    assert skips == []


def test_lab_pages_have_launch_buttons(site_url, visit):
    repo = _config_repository().removeprefix("https://github.com/")
    for page_path in (p for p in PAGES if p.startswith("notebooks/")):
        page = visit(site_url + page_path).page
        hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        assert any(h.startswith(f"https://mybinder.org/v2/gh/{repo}/") for h in hrefs), page_path
        assert any(h.startswith(f"https://colab.research.google.com/github/{repo}/") for h in hrefs), page_path
        # JupyterHub only when _config.yml names a hub (test_screens checks the menu's items).
        assert any("git-pull" in h for h in hrefs) == bool(_config_hub()), page_path


def test_search_finds_bytecode(site_url, visit):
    page = visit(site_url + "search.html?q=bytecode").page
    page.wait_for_selector("#search-results ul li, ul.search li", timeout=20000)
    assert page.locator("ul.search li").count() > 0


def test_the_suite_catches_a_dead_widget(tmp_path, serve, browser):
    """Remove the vendored widget manager from a copy of the site: the widget must be reported."""
    broken = tmp_path / "html"
    shutil.copytree(SITE, broken)
    (broken / "_static" / "widgets" / "embed-amd.js").unlink()
    url = serve(broken) + "notebooks/00_meet_your_interpreter.html"
    v = Visit(browser, url)
    try:
        assert v.failed, "the missing script should fail to load"
        assert widget_views_unrendered(v.page) > 0
    finally:
        v.close()


def _player_state(player):
    return (player.locator(".step-counter").inner_text(), player.locator(".current-span").inner_text())


def _spans_seen(page, player, press) -> set[str]:
    seen = set()
    for _ in range(6):
        press()
        page.wait_for_timeout(50)
        seen.add(player.locator(".current-span").inner_text())
    return seen


@pytest.mark.parametrize("page_path", PAGES)
def test_trace_players_step_with_buttons_keyboard_and_slider(page_path, site_url, visit):
    page = visit(site_url + page_path).page
    players = page.locator(".internals-lab-player")
    for i in range(players.count()):
        player = players.nth(i)
        if not player.is_visible():
            continue
        player.scroll_into_view_if_needed()
        start = _player_state(player)
        forward = player.locator('[data-action="forward"]')
        # The first step can be RESUME, which has no source span: step until the span moves.
        assert len(_spans_seen(page, player, forward.click)) > 1, f"player #{i}: forward never moved the span"
        after_forward = _player_state(player)
        assert after_forward != start
        player.locator('[data-action="back"]').click()
        assert _player_state(player) != after_forward, f"player #{i}: back did nothing"
        player.locator('[data-action="last"]').click()
        last = _player_state(player)
        player.locator('[data-action="first"]').click()
        assert _player_state(player) == start and last != start
        player.focus()
        assert len(_spans_seen(page, player, lambda: page.keyboard.press("ArrowRight"))) > 1, \
            f"player #{i}: the arrow key never moved the span"
        counter = player.locator(".step-counter").inner_text()
        page.keyboard.press("ArrowLeft")
        assert player.locator(".step-counter").inner_text() != counter
        slider = player.locator("input[type=range]")
        slider.fill(slider.get_attribute("max"))
        assert _player_state(player) == last, f"player #{i}: the slider did not reach the last step"


def test_the_book_has_trace_players(site_url, visit):
    counts = {p: visit(site_url + p).page.locator(".internals-lab-player").count()
              for p in ("book/02_eval_loop.html", "notebooks/02_eval_loop_lab.html")}
    assert sum(counts.values()) >= 3, counts


LIST_GROWTH_LAB = "notebooks/08_objects_memory_lab.html"
POINTER_BYTES = 8  # one slot of a list's array on a 64-bit build, which made the stored outputs


def _list_state(output) -> dict:
    """What the list-growth widget shows: its readout, and the one list figure on display."""
    shown = output.locator("figure").filter(visible=True)
    assert shown.count() == 1, f"{shown.count()} list figures shown at once"
    caption = re.fullmatch(r"length (\d+), capacity (\d+), getsizeof (\d+) bytes",
                           shown.locator("svg text").text_content().strip())
    assert caption, shown.locator("svg text").text_content()
    length, capacity, size = map(int, caption.groups())
    slots = shown.locator("svg rect")
    return {"readout": int(output.locator(".widget-readout").inner_text()), "length": length,
            "capacity": capacity, "size": size, "slots": slots.count(),
            "used": slots.evaluate_all("rs => rs.filter(r => r.getAttribute('fill') !== 'none').length")}


def test_list_growth_slider_shows_the_list_it_names(site_url, visit):
    """Chapter 8's lab: the slider over precomputed list states, moved on the static site.

    dead_controls only sees that something changed; this checks that what is shown is the state the
    readout names: that many slots filled, the capacity CPython's list_resize gives, and getsizeof
    growing by one pointer per slot."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
    from playwright.sync_api import expect  # waits for the embed manager to redraw, however busy the machine

    page = visit(site_url + LIST_GROWTH_LAB).page
    handle = page.locator('.widget-slider .noUi-handle[aria-label="items appended"]')
    # The embed manager draws the slider after load, and internals-lab.js names its handle after
    # that (debounced): on a busy machine both can come well after the load event.
    try:
        handle.first.wait_for(state="attached", timeout=30_000)
    except PlaywrightTimeoutError:
        pass
    assert handle.count() == 1, "the lab no longer shows the list-growth slider"
    output = handle.locator("xpath=ancestor::*[contains(@class,'cell_output')][1]")
    readout = output.locator(".widget-readout")
    handle.scroll_into_view_if_needed()
    empty = _list_state(output)
    assert empty == {"readout": 0, "length": 0, "capacity": 0, "size": empty["size"], "slots": 0, "used": 0}

    handle.focus()
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    expect(readout).to_have_text("5")
    five = _list_state(output)
    # Objects/listobject.c, list_resize: (n + (n >> 3) + 6) & ~3 gives 4 slots at the first append
    # and 8 at the fifth.
    assert (five["length"], five["used"], five["capacity"], five["slots"]) == (5, 5, 8, 8), five
    assert five["size"] - empty["size"] == 8 * POINTER_BYTES, five

    page.keyboard.press("End")
    last = int(handle.get_attribute("aria-valuemax").split(".")[0])
    expect(readout).to_have_text(str(last))
    full = _list_state(output)
    assert full["length"] == full["used"] == last and full["slots"] == full["capacity"] >= last, full
    assert full["size"] - empty["size"] == full["capacity"] * POINTER_BYTES, full

    page.keyboard.press("Home")
    expect(readout).to_have_text("0")
    assert _list_state(output) == empty
