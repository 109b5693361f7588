"""Graphviz for every lab, from pip rather than from the operating system.

Design: the `graphviz` Python package runs a program called `dot` found on PATH. We want
the same bytes on Binder, Colab and a laptop (strict nbval compares SVG text), so
`configure_graphviz()` points that package at `graphviz-pure`, a self-contained build of
Graphviz installed by pip next to the interpreter, and falls back to a system `dot` only
when graphviz-pure is absent. `dot_svg()` renders DOT source to SVG text; chapters build
their graphs with `graphviz.Digraph` and hand them to `internals_lab.render.svg`.

In the browser (Pyodide) there is no program to run: `dot_svg` lays the graph out with Viz.js
(Graphviz compiled to WebAssembly, vendored from the npm registry; see `_browser_dot_svg`).
Same dot layout engine, same SVG structure, so the site's figure styles apply to it unchanged.
"""
from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from .children import run_child

__all__ = ["DotProgram", "find_dot", "configure_graphviz", "dot_svg", "GraphvizMissing"]


class GraphvizMissing(RuntimeError):
    """Neither graphviz-pure nor a system `dot` is installed."""


@dataclass(frozen=True)
class DotProgram:
    path: Path
    kind: str  # "graphviz-pure" or "system dot"


def find_dot() -> DotProgram | None:
    # Next to the interpreter first: a venv's bin/ is not always on PATH in a kernel.
    here = Path(sys.executable).parent
    for candidate in (here / "graphviz-pure", here / "graphviz-pure.exe"):
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return DotProgram(candidate, "graphviz-pure")
    found = shutil.which("graphviz-pure")
    if found:
        return DotProgram(Path(found), "graphviz-pure")
    found = shutil.which("dot")
    if found:
        return DotProgram(Path(found), "system dot")
    return None


def _require_dot() -> DotProgram:
    program = find_dot()
    if program is None:
        raise GraphvizMissing(
            "No Graphviz program found: install it with `pip install graphviz-pure` "
            "(it is in requirements.txt), or install the system package that provides `dot`."
        )
    return program


def configure_graphviz() -> DotProgram:
    """Point the `graphviz` package at graphviz-pure (or a system dot); return what it uses."""
    program = _require_dot()
    import graphviz.backend.dot_command as dot_command

    dot_command.DOT_BINARY = program.path
    return program


def dot_svg(source: str, *, timeout: float = 60.0) -> str:
    """Lay out DOT `source` with the dot engine and return the SVG text."""
    if sys.platform == "emscripten":
        return _browser_dot_svg(source)
    program = _require_dot()
    result = run_child(
        [str(program.path), "-Kdot", "-Tsvg"],
        input=source.encode("utf-8"),
        capture_output=True,
        timeout=timeout,
        what="Graphviz's dot",
    )
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip()
        raise ValueError(f"Graphviz could not lay out this graph: {message}")
    return result.stdout.decode("utf-8")


# In the browser (Pyodide) no program can start. Graphviz compiled to WebAssembly (Viz.js, which
# `make book` vendors beside Pyodide in _static/runtime/viz/) lays the graph out instead; its SVG
# differs from graphviz-pure's in version comments and font metrics only. A page's Web Worker
# loads Viz.js itself and exposes `internalsLabDot`; a JupyterLite kernel has no such hook, so
# there it is imported on first use, which waits on a JavaScript promise from synchronous Python
# and so needs JavaScript Promise Integration (JSPI, in current Chromium-based browsers).
_viz = None


def _browser_dot_svg(source: str) -> str:
    global _viz
    import js
    from pyodide.ffi import JsException

    try:
        if hasattr(js, "internalsLabDot"):
            return str(js.internalsLabDot(source))
        if _viz is None:
            import pyodide_js
            from pyodide.ffi import can_run_sync, run_sync

            if not can_run_sync():
                raise GraphvizMissing("This browser cannot lay out graphs here: it lacks WebAssembly "
                                      "JavaScript Promise Integration (JSPI); try a recent Chromium.")
            url = js.URL.new("../viz/viz.js", pyodide_js._api.config.indexURL).href
            module = run_sync(js.Function.new("url", "return import(url)")(url))
            _viz = run_sync(module.instance())
        return str(_viz.renderString(source, js.Object.fromEntries([["format", "svg"], ["engine", "dot"]])))
    except JsException as exc:     # Viz.js's own message names the DOT error
        raise ValueError(f"Graphviz could not lay out this graph: {exc}") from None
