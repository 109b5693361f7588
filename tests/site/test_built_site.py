"""The built static site (_build/html): offline, with working links and money.

Launch buttons, menus, figures and widget loading: test_site_screens.py.

`make test` builds the book first and runs this afterwards; run `make book` before running it
alone. These read the HTML; the browser suite drives the same pages in Chromium.
"""
import html.parser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "_build" / "html"
# lite/ is the JupyterLite app, not a page of the book: tests/browser/test_lite.py drives it.
PAGES = sorted(p for p in SITE.rglob("*.html") if "_static" not in p.parts
               and p.relative_to(SITE).parts[0] != "lite") if SITE.is_dir() else []
LOADING = {("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src"), ("source", "src"),
           ("video", "src"), ("audio", "src"), ("embed", "src"), ("object", "data")}


class Page(html.parser.HTMLParser):
    def __init__(self, path: Path):
        super().__init__()
        self.loads, self.links, self.ids = [], [], set()
        self.feed(path.read_text(encoding="utf-8"))

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        for t, attr in LOADING:
            # <link rel="canonical"> or rel="prev" are navigation, not loads.
            if tag == t and attrs.get(attr) and not (tag == "link" and attrs.get("rel") not in
                                                     ("stylesheet", "preload", "icon", "modulepreload", "prefetch")):
                self.loads.append(attrs[attr])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])


@pytest.fixture(scope="module")
def parsed():
    if not (SITE / "index.html").is_file():
        pytest.fail("no built site: run `make book` (make test builds it before this stage)")
    return {p: Page(p) for p in PAGES}


def test_every_page_loads_only_local_resources(parsed):
    remote = [(p.relative_to(SITE).as_posix(), url) for p, page in parsed.items()
              for url in page.loads if urlsplit(url).scheme in ("http", "https") or url.startswith("//")]
    assert remote == []


def test_local_resources_exist(parsed):
    missing = []
    for path, page in parsed.items():
        for url in page.loads:
            if url.startswith("data:"):
                continue
            target = (path.parent / urlsplit(url).path).resolve()
            if not target.exists():
                missing.append((path.relative_to(SITE).as_posix(), url))
    assert missing == []


def test_internal_links_and_anchors_resolve(parsed):
    broken = []
    for path, page in parsed.items():
        for href in page.links:
            parts = urlsplit(href)
            if parts.scheme or href.startswith(("mailto:", "//")):
                continue
            target = (path.parent / parts.path).resolve() if parts.path else path
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append((path.relative_to(SITE).as_posix(), href))
            elif parts.fragment and target.suffix == ".html" and target in parsed and parts.fragment not in parsed[target].ids:
                broken.append((path.relative_to(SITE).as_posix(), href))
    assert broken == []


def test_claims_page_links_every_claim_to_its_cell(parsed):
    from internals_lab.claims import load_claims

    page = parsed[SITE / "book" / "claims.html"]
    for claim in load_claims(ROOT / "claims.toml"):
        assert any(href.endswith(f"#{claim.evidence_anchor}") for href in page.links), claim.id


def test_dollar_signs_are_money_not_math():
    text = (SITE / "book" / "00_shipping_fee.html").read_text(encoding="utf-8")
    assert "$5.00" in text and "$2.00" in text
    assert 'class="math' not in text and "mathjax" not in text.lower()


def test_widget_pages_embed_state_and_the_vendored_manager():
    text = (SITE / "notebooks" / "00_meet_your_interpreter.html").read_text(encoding="utf-8")
    assert "application/vnd.jupyter.widget-state+json" in text
    assert "_static/widgets/embed-amd.js" in text and "_static/widgets/require.js" in text
    plain = (SITE / "book" / "how_to_use.html").read_text(encoding="utf-8")
    assert "embed-amd.js" not in plain  # only pages with widgets pay for the manager
