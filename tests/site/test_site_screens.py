"""The built site's menus, launch buttons, figures and weight, read from the HTML (issue 21).

The browser suite (tests/browser/test_screens.py) drives the same pages on a phone and in dark
mode; these checks need no browser and name the page at fault.
"""
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "_build" / "html"
# lite/ is the JupyterLite app, not a page of the book: tests/browser/test_lite.py drives it.
PAGES = sorted(p for p in SITE.rglob("*.html") if "_static" not in p.parts
               and p.relative_to(SITE).parts[0] != "lite") if SITE.is_dir() else []
CONFIG = (ROOT / "_config.yml").read_text(encoding="utf-8")
REPO = urlsplit(re.search(r"(?m)^repository:\s*\n\s+url:\s*(\S+)", CONFIG).group(1)).path.strip("/")
BRANCH = re.search(r"(?m)^repository:\s*\n(?:\s+\S.*\n)*?\s+branch:\s*(\S+)", CONFIG).group(1)
HUB = re.search(r"(?m)^\s*jupyterhub_url:\s*(\S*)", CONFIG).group(1).strip("\"'")
# Binder opens a notebook in JupyterLab; Colab opens a notebook from GitHub. Nothing else works.
BINDER = re.compile(rf"https://mybinder\.org/v2/gh/{re.escape(REPO)}/{re.escape(BRANCH)}\?urlpath=lab/tree/(.+)")
COLAB = re.compile(rf"https://colab\.research\.google\.com/github/{re.escape(REPO)}/blob/{re.escape(BRANCH)}/(.+)")


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _rel(path: Path) -> str:
    return path.relative_to(SITE).as_posix()


@pytest.fixture(scope="module", autouse=True)
def built():
    if not (SITE / "index.html").is_file():
        pytest.fail("no built site: run `make book` (make test builds it before this stage)")


def test_no_page_has_the_theme_top_bar_or_a_second_copy_of_a_toggle():
    wrong = []
    for path in PAGES:
        text = _text(path)
        header = re.search(r'<header id="pst-header"[^>]*>(.*?)</header>', text, re.S)
        if header and header.group(1).strip():
            wrong.append((_rel(path), "a theme top bar with content"))
        for toggle in ("primary-toggle", "secondary-toggle"):
            count = len(re.findall(rf'<button class="[^"]*\b{toggle}\b', text))
            if count > 1:
                wrong.append((_rel(path), f"{count} x {toggle}"))
    assert wrong == []


def test_launch_links_take_only_the_forms_that_work():
    wrong = []
    for path in PAGES:
        for href in re.findall(r'href="([^"]+)"', _text(path)):
            href = href.replace("&amp;", "&")
            if "mybinder.org" in href or "colab.research.google.com" in href:
                m = BINDER.fullmatch(href) or COLAB.fullmatch(href)
                if not m or not m.group(1).endswith(".ipynb") or not (ROOT / m.group(1)).is_file():
                    wrong.append((_rel(path), href))
            elif "git-pull" in href and not (HUB and href.startswith(HUB.rstrip("/") + "/")):
                wrong.append((_rel(path), href))
    assert wrong == []


def test_every_lab_page_launches_its_own_notebook():
    for path in sorted((SITE / "notebooks").glob("*.html")):
        notebook = f"notebooks/{path.stem}.ipynb"
        hrefs = [h.replace("&amp;", "&") for h in re.findall(r'href="([^"]+)"', _text(path))]
        assert any((m := BINDER.fullmatch(h)) and m.group(1) == notebook for h in hrefs), path.name
        assert any((m := COLAB.fullmatch(h)) and m.group(1) == notebook for h in hrefs), path.name
        assert any("git-pull" in h for h in hrefs) == bool(HUB), path.name


@pytest.mark.parametrize("number", ["01", "02", "03", "04", "05", "06", "07", "08"])
def test_a_chapter_links_its_lab_in_the_header_and_its_opening(number):
    chapter = next((SITE / "book").glob(f"{number}_*.html"))
    lab = next((SITE / "notebooks").glob(f"{number}_*.html")).name
    text = _text(chapter)
    assert re.search(rf'<a href="\.\./notebooks/{re.escape(lab)}"[^>]*class="btn btn-sm btn-chapter-lab"', text)
    article = text[text.index('<article class="bd-article">'):]
    opening = article[:article.index("<h2")] if "<h2" in article else article
    assert f'href="../notebooks/{lab}' in opening, "the lab is not linked before the first section"


def test_the_widget_manager_loads_only_where_a_widget_shows():
    wrong = []
    for path in PAGES:
        text = _text(path)
        shows = "application/vnd.jupyter.widget-view+json" in text
        loads = "_static/widgets/embed-amd.js" in text
        stores = "application/vnd.jupyter.widget-state+json" in text
        if loads != shows or stores != shows:
            wrong.append((_rel(path), f"widget shown: {shows}, manager loaded: {loads}, state stored: {stores}"))
    assert wrong == []


def test_every_svg_has_a_viewbox_even_inside_stored_widget_state():
    missing = []
    for path in PAGES:
        # Widget state holds SVG inside JSON strings, where quotes are escaped.
        text = _text(path).replace('\\"', '"')
        missing += [(_rel(path), tag[:80]) for tag in re.findall(r"<svg\b[^>]*>", text) if "viewBox=" not in tag]
    assert missing == []


def test_svg_text_has_a_floor_at_its_smallest_width():
    """A figure never shrinks below the width at which its smallest text is 10 px."""
    small = []
    for path in PAGES:
        text = _text(path).replace('\\"', '"')
        for m in re.finditer(r"<svg\b([^>]*)>(.*?)</svg>", text, re.S):
            attrs, body = m.groups()
            if "<text" not in body:
                continue
            vb_width = float(re.search(r'viewBox="([^"]+)"', attrs).group(1).replace(",", " ").split()[2])
            floor = re.search(r"min-width:\s*([\d.]+)px", attrs)
            sizes = [float(s) for s in re.findall(r'font-size[=:]\s*"?([\d.]+)', attrs + body)] or [16.0]
            shown = min(sizes) * float(floor.group(1)) / vb_width if floor else 0.0
            if shown < 10:
                small.append((_rel(path), attrs[:60], round(shown, 1)))
    assert small == []


def test_accessible_names_of_search_buttons_and_toggles_contain_their_text():
    wrong = []
    for path in PAGES:
        text = _text(path)
        if re.search(r'<button class="btn search-button-field[^>]*aria-label="Search"', text):
            wrong.append((_rel(path), "search button"))
        if '<summary aria-label="Toggle hidden content">' in text:
            wrong.append((_rel(path), "output toggle"))
    assert wrong == []


def test_no_empty_general_index():
    index = SITE / "genindex.html"
    if index.exists():
        jumpbox = re.search(r'<div class="genindex-jumpbox">(.*?)</div>', _text(index), re.S)
        assert jumpbox and "<a " in jumpbox.group(1), "genindex.html has no entries"
    assert not any('href="genindex.html"' in _text(p) or 'href="../genindex.html"' in _text(p) for p in PAGES)


def test_readable_svg_adds_a_viewbox_that_draws_the_chart_unchanged():
    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    try:
        from readable_svg import readable_svgs
    finally:
        sys.path.remove(str(ROOT / "book" / "_ext"))
    chart = '<svg width="520" height="90" font-size="12"><text x="1" y="2">a</text></svg>'
    out = readable_svgs(chart)
    assert 'viewBox="0 0 520 90"' in out
    floor = float(re.search(r"min-width:([\d.]+)px", out).group(1))
    assert 10 <= 12 * floor / 520 and floor <= 520  # readable, and no wider than it needs to be
    # Graphviz: sizes in pt, a viewBox in pt; text too small even at natural size gets larger.
    graph = '<svg width="75pt" height="20pt" viewBox="0.00 0.00 75.00 20.00"><text font-size="6.00">x</text></svg>'
    floor = float(re.search(r"min-width:([\d.]+)px", readable_svgs(graph)).group(1))
    assert 6 * floor / 75 >= 10 and floor > 75 * 4 / 3
    assert readable_svgs("<p>no figure</p>") == "<p>no figure</p>"


def test_no_page_shows_the_test_harness():
    """nbval's markers are cell tags, which the site does not show; a `# NBVAL_...` comment in a
    cell would be read as part of the lesson. The setup cell of each lab is collapsed."""
    shown = [(_rel(p), m) for p in PAGES for m in re.findall(r"NBVAL_\w*", _text(p))]
    assert shown == []
    for path in sorted((SITE / "notebooks").glob("*.html")):
        text = _text(path)
        setup = text.index("# Setup: makes")
        toggles = [m.end() for m in re.finditer(r'<details class="[^"]*\bhide above-input">', text[:setup])]
        assert toggles and "</details>" not in text[toggles[-1]:setup], f"{path.name}: setup cell shown open"


@pytest.mark.parametrize("number", ["01", "02", "03", "04", "05", "06", "07", "08"])
def test_a_chapter_has_exercises_with_hidden_answers_and_links_its_assignment(number):
    """Predict, run (a cell whose output opens on request), then the answer in a dropdown, for
    every exercise; and a link to where the graded assignment is described, which resolves."""
    text = _text(next((SITE / "book").glob(f"{number}_*.html")))
    section = re.search(r'<section id="exercises">(.*?)</section>', text, re.S)
    assert section, "no Exercises section"
    block = section.group(1)
    runs = [m.start() for m in re.finditer(r'<div class="cell tag_hide-output\b', block)]
    answers = [m.start() for m in re.finditer(r'<div class="dropdown admonition\b', block)]
    assert runs and len(runs) == len(answers), (len(runs), len(answers))
    assert all(run < answer for run, answer in zip(runs, answers)), "an answer comes before its cell"
    assert all("<details" in block[run:answer] for run, answer in zip(runs, answers)), "an output is not hidden"
    links = re.findall(r'<a class="reference internal" href="instructors\.html#([\w-]+)"', block)
    assert links, "no link to the graded assignment"
    instructors = _text(SITE / "book" / "instructors.html")
    assert all(f'id="{anchor}"' in instructors for anchor in links)


def test_site_weight_says_met_only_when_the_printed_figure_is_under_the_target():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from site_weight import table
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    borderline = table([("a.html", 30, 499_600), ("b.html", 30, 499_600), ("lab.html", 37, 1_199_000)])
    assert "**0.50 MB** (target under 0.5 MB: **not met**)" in borderline
    assert "**1.20 MB**, `lab.html` (target under 1.2 MB: **not met**)" in borderline
    under = table([("a.html", 30, 230_000), ("b.html", 30, 240_000), ("lab.html", 37, 1_150_000)])
    assert "(target under 0.5 MB: met)" in under and "(target under 1.2 MB: met)" in under


def test_icon_fonts_hold_every_icon_a_page_names_and_widget_css_claims_none():
    """The theme's icon fonts are cut to the icons the site shows (book/_ext/icon_fonts.py): each
    icon a page names keeps its glyph; no page uses the Font Awesome 5 names (fas, fab, far) that
    the widget manager's CSS would fill from its own 155 kB of fonts."""
    from fontTools.ttLib import TTFont

    css = _text(SITE / "_static" / "styles" / "pydata-sphinx-theme.css")
    faces = re.findall(r"src:url\(\.\./vendor/fontawesome/webfonts/([\w.-]+)\)", css)
    assert faces and all(f.endswith(".icons.woff") for f in faces), faces
    glyphs = set()
    for face in faces:
        glyphs |= set(TTFont(SITE / "_static" / "vendor" / "fontawesome" / "webfonts" / face).getBestCmap())
    # Icon names and code points from the theme as installed, before the build cut its CSS.
    import pydata_sphinx_theme
    theme_css = (Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static"
                 / "styles" / "pydata-sphinx-theme.css").read_text(encoding="utf-8")
    rules = dict((name, int(code, 16)) for selectors, code in
                 re.findall(r'((?:\.fa-[a-z0-9-]+:before,?)+)\{content:"\\([0-9a-f]+)"\}', theme_css)
                 for name in re.findall(r"\.(fa-[a-z0-9-]+):before", selectors))
    assert len(rules) > 1000
    wrong = []
    for path in PAGES:
        text = _text(path)
        for classes in re.findall(r'<i class="([^"]*)"', text):
            names = classes.split()
            if {"fas", "fab", "far"} & set(names):
                wrong.append((_rel(path), classes, "Font Awesome 5 name"))
            for icon in (n for n in names if n in rules):  # fa-solid, fa-lg... are not icons
                if rules[icon] not in glyphs or f".{icon}:before" not in css:
                    wrong.append((_rel(path), icon, "no glyph"))
    assert wrong == []
