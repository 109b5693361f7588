"""The chapters' "Run in your browser" tools, in Debian's chromium, from a local server, offline.

Each test loads a chapter page, starts the runtime (CPython 3.14 compiled to WebAssembly, in a
Web Worker), types a program, runs it and compares what the page shows with what native CPython
computes for the same program in this process: `dis`, `tokenize` and plain execution, none of
which goes through the lab package that produced the page's HTML. Every request the page makes
is recorded; none may leave 127.0.0.1.

Nothing here depends on timing: waits are for states the page announces (`data-state`), with
generous ceilings. How long the first result takes is measured by benchmarks/site_weight.py,
not asserted.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import dis
import io
import contextlib
import tokenize

import pytest

pytestmark = [pytest.mark.xdist_group("run-in-browser")]

FIRST_RUN_CEILING_MS = 180_000   # a cold start on two busy cores; the idle figure is in README


def _open(visit, site_url, page):
    v = visit(site_url + page)
    control = v.page.locator("section.ilr").first
    control.wait_for(state="visible")
    return v, control


def _run(v, control, source=None):
    if source is not None:
        control.locator("textarea.ilr-source").fill(source)
    control.locator("button.ilr-run").click()
    v.page.wait_for_function(
        "el => el.getAttribute('data-state') && el.getAttribute('data-state') !== 'running'",
        arg=control.element_handle(), timeout=FIRST_RUN_CEILING_MS)
    return control.get_attribute("data-state"), control.locator(".ilr-status").inner_text()


def _offline(v, site_url):
    assert v.foreign_requests(site_url) == [], "the runtime fetched something from outside the site"
    assert not v.failed, v.failed


def test_hidden_until_scripts_run(browser, site_url):
    """With JavaScript off the page shows what it showed before: no control, no runtime."""
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    requested = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(site_url + "book/01_pipeline.html")
    assert page.locator("section.ilr").count() == 1
    assert not page.locator("section.ilr").is_visible()
    context.close()
    assert not [u for u in requested if "/_static/runtime/" in u]


def test_page_loads_no_runtime_before_the_click(visit, site_url):
    v, control = _open(visit, site_url, "book/02_eval_loop.html")
    loaded = [u for u in v.requests if "/_static/runtime/" in u]
    assert loaded and all(u.split("?")[0].endswith("run-in-browser.js") for u in loaded), loaded


EXPLORE = "def area(w, h):\n    if w < 0:\n        raise ValueError(w)\n    return w * h\n"


def test_explorer_shows_cpython_314_tokens_tree_and_bytecode(visit, site_url):
    v, control = _open(visit, site_url, "book/01_pipeline.html")
    state, status = _run(v, control, EXPLORE)
    assert state == "done", status
    output = control.locator(".ilr-output")
    # Bytecode: the opnames CPython's own dis gives for the function, in order.
    namespace = {}
    exec(compile(EXPLORE, "<explore>", "exec"), namespace)
    expected = [i.opname for i in dis.get_instructions(namespace["area"])]
    shown = output.locator("details.ilr-stage").nth(4).inner_text()
    positions = [shown.find(op) for op in dict.fromkeys(expected)]
    assert -1 not in positions, (expected, shown[:2000])
    # Tokens: every token string tokenize reports appears in the tokens table.
    tokens_text = output.locator("details.ilr-stage").nth(0).inner_text()
    for tok in tokenize.generate_tokens(io.StringIO(EXPLORE).readline):
        if tok.string.strip():
            assert tok.string in tokens_text, tok
    # The tree and the control-flow graph are drawn (Graphviz in WebAssembly) as SVG figures.
    assert output.locator("details.ilr-stage").nth(1).locator("svg").count() == 1
    assert output.locator("details.ilr-stage").nth(5).locator("svg").count() == 1
    assert "3.14" in control.locator(".ilr-runtime").inner_text()
    assert "wasm32" in control.locator(".ilr-runtime").inner_text()
    _offline(v, site_url)


def test_explorer_reports_a_syntax_error_with_its_position(visit, site_url):
    v, control = _open(visit, site_url, "book/01_pipeline.html")
    source = "def broken(:\n    return 1\n"
    state, status = _run(v, control, source)
    with pytest.raises(SyntaxError) as native:
        compile(source, "<x>", "exec")
    assert state == "syntax"
    assert f"line {native.value.lineno}, column {native.value.offset}" in status, status


STEP = "total = 0\nfor n in range(4):\n    total += n * n\nprint('total', total)\n"


def _native_output(source):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(source, "<native>", "exec"), {})
    return out.getvalue()


def test_stepper_traces_the_readers_program(visit, site_url):
    v, control = _open(visit, site_url, "book/02_eval_loop.html")
    state, status = _run(v, control, STEP)
    assert state == "done", status
    player = control.locator(".internals-lab-player")
    assert player.count() == 1
    # The player's own script ran: stepping to the end shows what native CPython printed.
    player.locator("[data-action=last]").click()
    assert _native_output(STEP).strip() in player.inner_text()
    # Its listing holds the instructions dis gives for the module code.
    listing = player.inner_text()
    for op in {i.opname for i in dis.get_instructions(compile(STEP, "<m>", "exec"))}:
        assert op in listing, op
    _offline(v, site_url)


def test_step_cap_stops_an_endless_loop(visit, site_url):
    v, control = _open(visit, site_url, "book/02_eval_loop.html")
    state, status = _run(v, control, "n = 0\nwhile True:\n    n += 1\n")
    assert state == "limit", status
    assert "step cap" in status


def test_stop_button_stops_a_long_run_and_the_next_run_works(visit, site_url):
    v, control = _open(visit, site_url, "book/03_coroutine_frames.html")
    # Plain CPython code at the top level: no step cap applies, only the Stop button or the
    # page's time bound.
    control.locator("textarea.ilr-source").fill("while True:\n    pass\n")
    control.locator("button.ilr-run").click()
    v.page.wait_for_function("el => el.querySelector('.ilr-status').textContent.startsWith('Running')",
                             arg=control.element_handle(), timeout=FIRST_RUN_CEILING_MS)
    control.locator("button.ilr-stop").click()
    v.page.wait_for_function("el => el.getAttribute('data-state') === 'stopped'", arg=control.element_handle(),
                             timeout=10_000)
    assert "Stopped" in control.locator(".ilr-status").inner_text()
    state, status = _run(v, control, "import asyncio\nasync def main():\n    await asyncio.sleep(0)\n    return 7\n")
    assert state == "done", status
    assert "main returned 7" in status


def test_coroutine_snapshots(visit, site_url):
    v, control = _open(visit, site_url, "book/03_coroutine_frames.html")
    example = control.locator("textarea.ilr-source").input_value()
    state, status = _run(v, control)           # the page's own example
    assert state == "done", status
    namespace = {}
    exec(compile(example, "<example>", "exec"), namespace)
    # Playwright's sync API runs an event loop in this thread: native asyncio runs in another.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        native = pool.submit(asyncio.run, namespace["main"]()).result()
    assert f"main returned {native!r}" in status
    steps = control.locator(".internals-lab-steps details")
    assert steps.count() >= 4                  # two sleeps: at least two suspensions, two resumptions
    text = control.locator(".ilr-output").text_content()     # closed steps included
    assert "fetch" in text and "sleep" in text
    _offline(v, site_url)


def test_a_program_too_deep_for_the_workers_stack_gets_a_message_and_a_fresh_runtime(visit, site_url):
    v, control = _open(visit, site_url, "book/01_pipeline.html")
    deep = "x = " + "-" * 100_000 + "1\n"
    with pytest.raises((MemoryError, RecursionError, SyntaxError)):
        compile(deep, "<native>", "exec")       # native CPython refuses it too, with an exception
    state, status = _run(v, control, deep)
    # Either the interpreter reports the error itself, or the worker's stack runs out first and
    # the page says so; never a dead page.
    assert state in ("syntax", "failed"), status
    if state == "failed":
        assert "nests too deeply" in status and "restarts on the next run" in status
    state, status = _run(v, control, "def ok():\n    return 1\n")
    assert state == "done", status


@pytest.mark.parametrize("page_path", ["book/01_pipeline.html", "book/02_eval_loop.html",
                                       "book/03_coroutine_frames.html"])
@pytest.mark.parametrize("mode", ["light", "dark"])
def test_results_are_accessible_and_fit_a_phone(page_path, mode, site_url, visit, axe_source):
    """What a run adds to the page (tables, graphs, the player, the snapshots) passes axe in
    both colour schemes, fits a phone's width, and its figures keep readable text."""
    from .conftest import PHONE
    from .screens import horizontal_overflow, svg_problems

    v = visit(site_url + page_path, viewport=PHONE, color_scheme=mode)
    control = v.page.locator("section.ilr").first
    state, status = _run(v, control)
    assert state == "done", status
    v.page.evaluate("() => document.querySelectorAll('section.ilr details').forEach(d => d.open = true)")
    v.page.add_script_tag(content=axe_source)
    violations = v.page.evaluate("""async () => (await axe.run('section.ilr', {resultTypes: ['violations']})).violations
        .filter(v => v.impact === 'critical' || v.impact === 'serious')
        .map(v => `${v.id} (${v.impact}, ${v.nodes.length}x): ${v.nodes[0].target.join(' ')}`)""")
    assert violations == []
    assert horizontal_overflow(v.page) is None, "the results make the page wider than the phone"
    assert svg_problems(v.page) == []


# -- chapters 0 and 4 to 8: the `run` tool on each chapter's own example ------------------------

def _example_and_output(v, control):
    """Run the page's own example; return it and the text the page shows for what it printed."""
    example = control.locator("textarea.ilr-source").input_value()
    state, status = _run(v, control)
    assert state == "done", status
    return example, control.locator(".ilr-output pre").inner_text()


def test_event_loop_callback_order_is_asyncios(visit, site_url):
    """Chapter 4: the lab's loop in the browser runs callbacks in the order native asyncio does."""
    v, control = _open(visit, site_url, "book/04_event_loop.html")
    example, shown = _example_and_output(v, control)
    assert "from internals_lab.eventloop import" in example
    on_asyncio = example.replace("from internals_lab.eventloop import", "from asyncio import")
    namespace = {}
    # Playwright's sync API runs an event loop in this thread: native asyncio runs in another.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(exec, compile(on_asyncio, "<asyncio>", "exec", dont_inherit=True), namespace).result()
    assert shown.strip() == " -> ".join(namespace["order"])
    _offline(v, site_url)


def test_logging_finder_sees_what_native_import_asks_and_is_gone_after_the_run(visit, site_url):
    """Chapter 6: the finder logs the same requests as in a fresh native interpreter, and each
    run starts from the import system as it was (a second run logs the same again)."""
    import subprocess
    import sys

    v, control = _open(visit, site_url, "book/06_import_system.html")
    example, first = _example_and_output(v, control)
    native = subprocess.run([sys.executable, "-I", "-S", "-c", example], capture_output=True, text=True,
                            check=True, timeout=120).stdout

    def asked(text):
        return [line for line in text.splitlines() if line.startswith("find_spec(")]
    assert asked(first) == asked(native) and asked(first)
    assert "['LoggingFinder', 'BuiltinImporter', 'FrozenImporter', 'PathFinder'" in first
    state, status = _run(v, control)
    assert state == "done", status
    assert control.locator(".ilr-output pre").inner_text() == first
    _offline(v, site_url)


def test_cprofile_counts_equal_native(visit, site_url):
    """Chapter 7: call counts do not depend on the machine."""
    v, control = _open(visit, site_url, "book/07_optimization.html")
    example, shown = _example_and_output(v, control)
    assert shown.strip() == _native_output(example).strip()
    _offline(v, site_url)


def test_sizes_shrink_on_wasm32_and_refcounts_do_not_change(visit, site_url):
    """Chapter 8: the page says a pointer is 4 bytes in the browser and every size differs."""
    import struct

    v, control = _open(visit, site_url, "book/08_objects_memory.html")
    example, shown = _example_and_output(v, control)
    native = _native_output(example)
    browser_lines, native_lines = shown.strip().splitlines(), native.strip().splitlines()
    assert browser_lines[0] == "a pointer is 4 bytes"
    assert native_lines[0] == f"a pointer is {struct.calcsize('P')} bytes"
    assert len(browser_lines) == len(native_lines)
    for here, there in zip(browser_lines[1:-1], native_lines[1:-1]):
        *label, size, _ = here.split()
        *native_label, native_size, _ = there.split()
        assert label == native_label
        assert int(size) < int(native_size), (here, there)
    assert browser_lines[-1] == native_lines[-1]          # the reference counts
    _offline(v, site_url)


def test_shipping_fee_arithmetic_equals_native(visit, site_url):
    v, control = _open(visit, site_url, "book/00_shipping_fee.html")
    example, shown = _example_and_output(v, control)
    assert shown.strip() == _native_output(example).strip()
    _offline(v, site_url)


def _unavailable_reasons(chapter):
    from pathlib import Path

    source = (Path(__file__).parents[2] / "book" / f"{chapter}.md").read_text()
    return [line.split(":unavailable:", 1)[1].strip() for line in source.splitlines()
            if line.startswith(":unavailable:")]


@pytest.mark.parametrize("chapter, has_control", [("05_gil", False), ("06_import_system", True),
                                                   ("07_optimization", True)])
def test_unavailable_parts_say_why_and_load_nothing(visit, site_url, chapter, has_control):
    reasons = _unavailable_reasons(chapter)
    assert len(reasons) == 1
    v = visit(site_url + f"book/{chapter}.html")
    shown = v.page.locator("p.ilr-unavailable")
    assert shown.count() == 1
    assert shown.inner_text() == "In your browser: " + reasons[0]
    # A page with no control loads no runtime at all; one with a control only its small script.
    assert v.page.locator("section.ilr").count() == (1 if has_control else 0)
    loaded = [u for u in v.requests if "/_static/runtime/" in u]
    if has_control:
        assert loaded and all(u.split("?")[0].endswith("run-in-browser.js") for u in loaded), loaded
    else:
        assert loaded == []
    _offline(v, site_url)


NETWORK = """import socket
try:
    sock = socket.socket()
    sock.connect(("192.0.2.1", 80))        # 192.0.2.0/24: reserved for documentation (RFC 5737)
    sock.send(b"hello")
    print("socket: connected")
except OSError as error:
    print("socket: refused", error.errno)
import js
try:
    request = js.XMLHttpRequest.new()
    request.open("GET", "http://192.0.2.1/", False)
    print("XMLHttpRequest: opened")
except Exception as error:
    print("XMLHttpRequest: refused")
js.fetch("http://192.0.2.1/")
print("done")
"""


def test_the_readers_code_cannot_reach_the_network(visit, site_url):
    """Pyodide's socket.connect opens a WebSocket to the named host, and js gives fetch and
    XMLHttpRequest: the worker refuses all of them once the runtime is loaded, so the page's
    "nothing sent anywhere" holds for the reader's own code too. (Without the worker's guard this
    program printed "socket: connected" and "XMLHttpRequest: opened", and the page recorded
    ws://192.0.2.1/ and http://192.0.2.1/.)"""
    v, control = _open(visit, site_url, "book/04_event_loop.html")
    state, status = _run(v, control, NETWORK)
    assert state == "done", status
    shown = control.locator(".ilr-output pre").inner_text()
    assert "socket: refused" in shown and "XMLHttpRequest: refused" in shown and "done" in shown, shown
    # The runtime itself was fetched (this page sees the worker's requests), from this site only.
    assert any(u.endswith("pyodide.asm.wasm") for u in v.requests), v.requests
    _offline(v, site_url)
