"""internals_lab.web, the one entry point of the in-browser tools, run natively.

The browser suite (tests/browser/) runs the same functions in Pyodide; here they run on the
interpreter under test, and every expected value comes from CPython itself (`compile`, `dis`,
`exec`), never from the lab package. `global_state_restored` gets one test per item it puts
back, each changing that item and then raising.
"""
from __future__ import annotations

import contextlib
import dis
import gc
import html
import io
import os
import re
import sys
import types
from html.parser import HTMLParser

import pytest

from internals_lab.global_state import global_state_restored
from internals_lab.web import MAX_OUTPUT, handle

TOOLS = ("explore", "step", "suspend", "run")


# -- handle() never raises ----------------------------------------------------------------

BAD_INPUTS = {
    "nul byte": "x = 1\0\n",
    "deep parentheses": "(" * 100_000 + ")" * 100_000,
    "deep unary minus": "x = " + "-" * 100_000 + "1\n",
    "deep lists": "x = " + "[" * 5_000 + "]" * 5_000 + "\n",
    "empty": "",
    "lone surrogate": "x = '\ud800'\n",
}


@pytest.mark.parametrize("tool", TOOLS)
@pytest.mark.parametrize("name", BAD_INPUTS)
def test_handle_replies_to_bad_input(tool, name):
    reply = handle(tool, BAD_INPUTS[name])
    assert set(reply) >= {"ok", "kind", "html", "message", "runtime"}
    assert isinstance(reply["message"], str) and reply["message"]


@pytest.mark.parametrize("source", [None, b"print(1)", 42, ["print(1)"]])
def test_source_that_is_not_text_is_refused(source):
    reply = handle("run", source)
    assert reply["ok"] is False and reply["kind"] == "error"
    assert "text" in reply["message"]


def test_unknown_tool_is_named_in_the_reply():
    reply = handle("no-such-tool", "print(1)")
    assert reply["ok"] is False
    assert "'no-such-tool'" in reply["message"]


@pytest.mark.parametrize("source", ["raise SystemExit(3)\n", "import sys\nsys.exit()\n",
                                    "raise KeyboardInterrupt\n", "raise GeneratorExit\n"])
@pytest.mark.parametrize("tool", ["run", "suspend"])
def test_base_exceptions_from_the_readers_code_become_replies(tool, source):
    reply = handle(tool, source)
    assert reply["ok"] is False and reply["kind"] == "error"


def test_deeply_nested_data_in_a_run_is_an_error_reply():
    reply = handle("run", "x = []\nfor _ in range(200_000):\n    x = [x]\nprint(repr(x)[:3])\n")
    assert reply["ok"] is False
    assert "RecursionError" in reply["message"]


# -- syntax errors: the position compile() reports ------------------------------------------

SYNTAX_ERRORS = [
    "def broken(:\n    return 1\n",
    "a = 1\nb = 2\nc = = 3\n",
    "if True:\nprint(1)\n",
    "s = 'abc\n",
    "x = (1,\n",
    "f(**)\n",
    "for x in range(3):\n    pass\n  else:\n    pass\n",
]


@pytest.mark.parametrize("tool", TOOLS)
@pytest.mark.parametrize("source", SYNTAX_ERRORS)
def test_syntax_error_position_is_what_compile_reports(tool, source):
    with pytest.raises(SyntaxError) as native:
        compile(source, "<native>", "exec")
    reply = handle(tool, source)
    assert reply["ok"] is False and reply["kind"] == "syntax", reply["message"]
    assert f"line {native.value.lineno}, column {native.value.offset}" in reply["message"], \
        (reply["message"], native.value.lineno, native.value.offset)


# -- caps -------------------------------------------------------------------------------------

def _printed(reply) -> str:
    found = re.findall(r"<pre>(.*?)</pre>", reply["html"], flags=re.S)
    return html.unescape(found[-1]) if found else ""


@pytest.mark.parametrize("source", ["print('x' * 100_000)\n",
                                    "for i in range(50_000):\n    print(i)\n"])
def test_run_caps_huge_output_with_a_note(source):
    reply = handle("run", source)
    shown = _printed(reply)
    assert shown.count("x") + sum(c.isdigit() for c in shown) <= MAX_OUTPUT + 100
    assert "more characters not shown" in shown
    assert "output capped" in reply["message"]


def test_suspend_caps_huge_output_with_a_note():
    reply = handle("suspend", "async def main():\n    print('y' * 100_000)\n    return 1\n")
    assert "more characters not shown" in _printed(reply)
    assert len(reply["html"]) < 100_000


def test_step_stops_huge_output():
    reply = handle("step", "while True:\n    print('z' * 10_000)\n")
    assert reply["ok"] is False and reply["kind"] == "limit"


def test_step_cap_stops_an_endless_loop():
    reply = handle("step", "n = 0\nwhile True:\n    n += 1\n")
    assert reply["ok"] is False and reply["kind"] == "limit"
    assert "step cap" in reply["message"]


# -- explore: the bytecode dis gives -----------------------------------------------------------

class _BytecodeTables(HTMLParser):
    """The opname column (third cell) of every table in the explorer's bytecode section."""

    def __init__(self):
        super().__init__()
        self.tables, self._cell, self._text = [], 0, None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self._cell = 0
        elif tag == "td":
            self._cell += 1
            self._text = [] if self._cell == 3 else None

    def handle_data(self, data):
        if self._text is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "td" and self._text is not None:
            self.tables[-1].append("".join(self._text).strip())
            self._text = None


def _code_objects(code):
    yield code
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _code_objects(const)


@pytest.mark.parametrize("source", [
    "def area(w, h):\n    if w < 0:\n        raise ValueError(w)\n    return w * h\n",
    "squares = [n * n for n in range(5) if n % 2]\nclass C:\n    def m(self):\n        return lambda: self\n",
    "async def f():\n    async with g() as x:\n        await x\n",
])
def test_explore_bytecode_lists_the_opnames_dis_gives(source):
    reply = handle("explore", source)
    assert reply["ok"], reply["message"]
    section = reply["html"].split("bytecode</summary>", 1)[1].split("</details>", 1)[0]
    parser = _BytecodeTables()
    parser.feed(section)
    expected = sorted([i.opname for i in dis.get_instructions(code)]
                      for code in _code_objects(compile(source, "<your code>", "exec", dont_inherit=True)))
    assert sorted(parser.tables) == expected


# -- run prints what exec prints -------------------------------------------------------------

PROGRAMS = [
    "print('hello', 3, sep='--', end='!\\n')\n",
    "import sys\nprint('to stderr', file=sys.stderr)\nprint('<b>&amp;</b>')\n",
    "def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\nprint([fib(i) for i in range(12)])\n",
    "print(sorted({'b': 1, 'a': 2}.items()))\nprint(1 / 0)\n",
]


def _native_output(source):
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        try:
            exec(compile(source, "<native>", "exec", dont_inherit=True), {"__name__": "__main__"})
        except Exception as exc:
            return out.getvalue(), type(exc).__name__
    return out.getvalue(), None


@pytest.mark.parametrize("source", PROGRAMS)
def test_run_output_is_what_exec_prints(source):
    printed, error = _native_output(source)
    reply = handle("run", source)
    assert _printed(reply) == printed
    assert reply["ok"] is (error is None)
    if error:
        assert error in reply["message"]


# -- global_state_restored: one test per item ---------------------------------------------------

class Boom(Exception):
    pass


def _raise_inside(change):
    with pytest.raises(Boom):
        with global_state_restored():
            change()
            raise Boom


def test_meta_path_is_restored():
    before = list(sys.meta_path)
    _raise_inside(lambda: sys.meta_path.insert(0, object()))
    assert sys.meta_path == before


def test_meta_path_rebound_is_restored():
    original = sys.meta_path
    before = list(original)

    def rebind():
        original.clear()
        sys.meta_path = []
    _raise_inside(rebind)
    assert sys.meta_path is original and sys.meta_path == before


def test_path_hooks_are_restored():
    before = list(sys.path_hooks)
    _raise_inside(lambda: sys.path_hooks.insert(0, lambda entry: None))
    assert sys.path_hooks == before


def test_path_is_restored():
    before = list(sys.path)
    _raise_inside(lambda: sys.path.insert(0, "/nowhere/at/all"))
    assert sys.path == before


def test_path_importer_cache_is_restored():
    before = dict(sys.path_importer_cache)
    _raise_inside(lambda: sys.path_importer_cache.__setitem__("/nowhere", None))
    assert sys.path_importer_cache == before


def test_modules_a_run_imported_are_removed(tmp_path):
    package = tmp_path / "web_state_pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "inner.py").write_text("VALUE = 1\n")
    sys.path.insert(0, str(tmp_path))
    try:
        import web_state_pkg
        _raise_inside(lambda: __import__("web_state_pkg.inner"))
        assert "web_state_pkg.inner" not in sys.modules
        assert not hasattr(web_state_pkg, "inner")     # no stale attribute on the kept parent
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("web_state_pkg", None)


def test_replaced_module_is_put_back():
    import json
    _raise_inside(lambda: sys.modules.__setitem__("json", types.ModuleType("json")))
    assert sys.modules["json"] is json


def test_removed_module_is_put_back():
    import colorsys
    _raise_inside(lambda: sys.modules.pop("colorsys"))
    assert sys.modules["colorsys"] is colorsys


def test_trace_function_is_restored():
    before = sys.gettrace()
    _raise_inside(lambda: sys.settrace(lambda *args: None))
    assert sys.gettrace() is before


def test_profile_function_is_restored():
    before = sys.getprofile()
    _raise_inside(lambda: sys.setprofile(lambda *args: None))
    assert sys.getprofile() is before


@pytest.mark.skipif(not hasattr(sys, "monitoring"), reason="sys.monitoring is 3.12+")
def test_monitoring_tool_id_a_run_claimed_is_released():
    monitoring = sys.monitoring
    tool = next(t for t in range(6) if monitoring.get_tool(t) is None)

    def claim():
        monitoring.use_tool_id(tool, "reader")
        monitoring.register_callback(tool, monitoring.events.PY_START, lambda *args: None)
        monitoring.set_events(tool, monitoring.events.PY_START)
    _raise_inside(claim)
    assert monitoring.get_tool(tool) is None
    monitoring.use_tool_id(tool, "check")
    try:
        assert monitoring.get_events(tool) == 0
        assert monitoring.register_callback(tool, monitoring.events.PY_START, None) is None
    finally:
        monitoring.free_tool_id(tool)


@pytest.mark.skipif(not hasattr(sys, "monitoring"), reason="sys.monitoring is 3.12+")
def test_monitoring_tool_id_a_run_freed_is_claimed_again():
    monitoring = sys.monitoring
    tool = next(t for t in range(6) if monitoring.get_tool(t) is None)
    monitoring.use_tool_id(tool, "the lab")
    monitoring.set_events(tool, monitoring.events.PY_RETURN)
    try:
        _raise_inside(lambda: monitoring.free_tool_id(tool))
        assert monitoring.get_tool(tool) == "the lab"
        assert monitoring.get_events(tool) == monitoring.events.PY_RETURN
    finally:
        monitoring.set_events(tool, 0)
        monitoring.free_tool_id(tool)


def test_gc_enabled_is_restored():
    assert gc.isenabled()
    _raise_inside(gc.disable)
    assert gc.isenabled()


def test_gc_thresholds_are_restored():
    before = gc.get_threshold()
    _raise_inside(lambda: gc.set_threshold(5, 6, 7))
    assert gc.get_threshold() == before


def test_gc_freeze_is_undone():
    if gc.get_freeze_count():
        pytest.skip("objects were frozen before the test: gc cannot unfreeze only some")
    _raise_inside(gc.freeze)
    assert gc.get_freeze_count() == 0


def test_tracemalloc_a_run_started_is_stopped():
    import tracemalloc
    if tracemalloc.is_tracing():
        pytest.skip("tracemalloc is already tracing (PYTHONTRACEMALLOC)")
    _raise_inside(tracemalloc.start)
    assert not tracemalloc.is_tracing()


def test_tracemalloc_a_run_stopped_is_restarted_with_its_frame_count():
    import tracemalloc
    if tracemalloc.is_tracing():
        pytest.skip("tracemalloc is already tracing (PYTHONTRACEMALLOC)")
    tracemalloc.start(7)
    try:
        _raise_inside(tracemalloc.stop)
        assert tracemalloc.is_tracing()
        assert tracemalloc.get_traceback_limit() == 7
    finally:
        tracemalloc.stop()


def test_recursion_limit_is_restored():
    before = sys.getrecursionlimit()
    _raise_inside(lambda: sys.setrecursionlimit(before + 123))
    assert sys.getrecursionlimit() == before


def test_current_directory_is_restored(tmp_path):
    before = os.getcwd()
    _raise_inside(lambda: os.chdir(tmp_path))
    assert os.getcwd() == before


def test_a_run_that_installs_a_finder_leaves_none_behind():
    """End to end: the meta-path logger of chapter 6 logs its import, then is gone."""
    source = ("import sys\nclass Logger:\n    def find_spec(self, name, path, target=None):\n"
              "        print('find_spec', name)\nsys.meta_path.insert(0, Logger())\n"
              "import this_module_does_not_exist_anywhere\n")
    handle("run", source)   # the lab's own first-use imports (traceback formatting, ...) happen here
    before = (list(sys.meta_path), set(sys.modules))
    reply = handle("run", source)
    assert "find_spec this_module_does_not_exist_anywhere" in _printed(reply)
    assert "ModuleNotFoundError" in reply["message"]
    assert (list(sys.meta_path), set(sys.modules)) == before


def test_step_puts_back_what_the_vm_changed():
    """The teaching VM calls the real sys.path.append and imports real modules: step undoes both."""
    source = "import sys\nsys.path.append('/nowhere/at/all')\nimport colorsys, wave\n"
    handle("step", source)      # the lab's own first-use imports (the player, graphviz) happen here
    before = (list(sys.path), set(sys.modules))
    reply = handle("step", source)
    assert reply["ok"], reply["message"]
    assert (list(sys.path), set(sys.modules)) == before


def test_suspend_puts_back_what_the_program_changed():
    assert gc.isenabled()
    reply = handle("suspend", "import gc\ngc.disable()\nasync def main():\n    return 1\n")
    assert reply["ok"], reply["message"]
    assert gc.isenabled()


def test_builtins_are_restored():
    import builtins
    original_print, original_sorted = builtins.print, builtins.sorted

    def change():
        builtins.print = None
        builtins.added_by_the_reader = 1
        del builtins.sorted
    try:
        _raise_inside(change)
    finally:
        restored = (builtins.print is original_print, hasattr(builtins, "added_by_the_reader"),
                    hasattr(builtins, "sorted"))
        builtins.print, builtins.sorted = original_print, original_sorted   # whatever happened
        vars(builtins).pop("added_by_the_reader", None)
    assert restored == (True, False, True)


@pytest.mark.parametrize("hook", ["excepthook", "displayhook", "unraisablehook", "breakpointhook"])
def test_sys_hooks_are_restored(hook):
    before = getattr(sys, hook)
    _raise_inside(lambda: setattr(sys, hook, lambda *args: None))
    assert getattr(sys, hook) is before


@pytest.mark.skipif(not hasattr(sys, "set_int_max_str_digits"), reason="3.11+ (and security releases)")
def test_int_max_str_digits_is_restored():
    before = sys.get_int_max_str_digits()
    _raise_inside(lambda: sys.set_int_max_str_digits(before + 1000 if before else 5000))
    assert sys.get_int_max_str_digits() == before


def test_environment_is_restored(monkeypatch):
    monkeypatch.setenv("WEB_STATE_KEPT", "1")

    def change():
        os.environ["WEB_STATE_ADDED"] = "x"
        os.environ["WEB_STATE_KEPT"] = "2"
    _raise_inside(change)
    assert "WEB_STATE_ADDED" not in os.environ and os.environ["WEB_STATE_KEPT"] == "1"
