"""Fixtures for the browser suite: the built site on a loopback server, Chromium, JupyterLab.

Real components only: Debian's chromium driven by Playwright (never a downloaded browser), the
site from _build/html as `make test` built it, and a JupyterLab server from .venv. Everything
started here is stopped here.
"""
from __future__ import annotations

import functools
import http.server
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("BROWSER_SITE_DIR", ROOT / "_build" / "html"))
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Without the background-networking flags Chromium phones home at start; this machine refuses.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = ROOT / "screenshots"
DESKTOP = (1280, 900)
PHONE = (390, 844)  # a common phone's CSS viewport


def site_pages(site: Path = SITE) -> list[str]:
    pages = []
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site).as_posix()
        # index.html is a redirect; lite/ is the JupyterLite app (test_lite.py), not a page of the book.
        if rel.startswith(("_static/", "_sources/", "lite/")) or rel == "index.html":
            continue
        pages.append(rel)
    return pages


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def serve():
    """serve(directory) -> base URL of a loopback HTTP server for that directory."""
    servers = []

    def start(directory: Path) -> str:
        if not (directory / "index.html").is_file():
            pytest.fail(f"no built site in {directory}: run `make book` first (make test builds it)")
        handler = functools.partial(_QuietHandler, directory=str(directory))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        servers.append((server, thread))
        return f"http://127.0.0.1:{server.server_port}/"

    yield start
    for server, thread in servers:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def site_url(serve) -> str:
    return serve(SITE)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: run `make test-browser`, which installs Debian's chromium")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Visit:
    """One page load with everything the page asked the network for and complained about."""

    def __init__(self, browser, url: str, viewport=DESKTOP, color_scheme: str = "light"):
        # The book's theme follows the reader's system setting (default_mode: auto).
        self.context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]},
                                           color_scheme=color_scheme)
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.failed: list[str] = []
        self.console_errors: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        # WebSockets are not "request" events: without this, a ws:// connection went unseen.
        self.page.on("websocket", lambda ws: self.requests.append(ws.url))
        self.page.on("requestfailed", lambda r: self.failed.append(f"{r.url} ({r.failure})"))
        self.page.on("response", lambda r: r.status >= 400 and self.failed.append(f"{r.url} (HTTP {r.status})"))
        self.page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))
        self.page.on("pageerror", lambda e: self.console_errors.append(str(e)))
        self.page.goto(url, wait_until="load")
        # Widgets render after load, from the stored state.
        self.page.wait_for_load_state("networkidle")

    def foreign_requests(self, origin: str) -> list[str]:
        host = urlsplit(origin).netloc
        return [u for u in self.requests if urlsplit(u).scheme in ("http", "https", "ws", "wss")
                and urlsplit(u).netloc != host]

    def close(self):
        self.context.close()


@pytest.fixture
def visit(browser):
    opened = []

    def open_(url: str, **kwargs) -> Visit:
        v = Visit(browser, url, **kwargs)
        opened.append(v)
        return v

    yield open_
    for v in opened:
        v.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    found = sorted((ROOT / ".cache" / "axe-core").glob("*/axe.min.js"))
    if not found:
        pytest.fail("axe-core is missing: run `make test-browser` (tools/browser_deps.sh fetches it from npm)")
    return found[-1].read_text(encoding="utf-8")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def jupyterlab(tmp_path_factory):
    """A JupyterLab server on 127.0.0.1 over a scratch copy of the notebooks (autosave can't touch ours)."""
    workdir = tmp_path_factory.mktemp("lab")
    shutil.copytree(ROOT / "notebooks", workdir / "notebooks")
    token = secrets.token_hex(16)
    port = _free_port()
    jupyter = Path(sys.executable).parent / "jupyter"
    cmd = [str(jupyter), "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
           f"--ServerApp.token={token}", f"--ServerApp.root_dir={workdir}",
           "--LabApp.expose_app_in_browser=True", "--ServerApp.disable_check_xsrf=True"]
    if hasattr(os, "getuid") and os.getuid() == 0:
        cmd.append("--allow-root")
    env = dict(os.environ, PYTHONHASHSEED="0", JUPYTER_CONFIG_DIR=str(workdir / ".jupyter"))
    log = open(workdir / "jupyterlab.log", "w")
    server = subprocess.Popen(cmd, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}api/status?token={token}", timeout=2) as r:
                    json.load(r)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("JupyterLab did not start:\n" + (workdir / "jupyterlab.log").read_text()[-3000:])
                time.sleep(0.5)
        yield {"base": base, "token": token, "workdir": workdir}
    finally:
        # Shut kernels down through the API, then the server itself.
        try:
            req = urllib.request.Request(f"{base}api/shutdown?token={token}", method="POST")
            urllib.request.urlopen(req, timeout=10)
            server.wait(timeout=20)
        except Exception:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
        log.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS
