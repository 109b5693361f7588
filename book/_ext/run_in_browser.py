"""The "Run in your browser" control: a chapter's tool on the reader's own code, with no server.

Usage in a chapter (MyST):

    ```{run-in-browser} explore
    def sign(x):
        return -1 if x < 0 else 1
    ```

The argument names a tool of `internals_lab.web` (explore, step, suspend, run); the content is
the example the editor starts with. `:unavailable:` with a one-line reason instead marks a page
whose experiments cannot run in a browser, and says why.

What is written into the page is inert: a container with the `hidden` attribute, the example
in a <textarea>, and one small script (this page only). With JavaScript off, or before the
reader clicks, the page shows what it showed without the control. The script un-hides the
control; only a click loads the runtime (book/_assets/runtime/: a Web Worker running Pyodide,
vendored by tools/vendor_runtime.py). The stored outputs around it come from native CPython;
`data-native` tells the control which, so it can say why the browser's results may differ.
"""
from __future__ import annotations

import html
import importlib.util
import platform
import sys

from docutils import nodes
from docutils.parsers.rst import Directive, directives

TOOLS = {
    "explore": "Explore your own code",
    "step": "Step through your own program in the teaching VM",
    "suspend": "Snapshot your own coroutine",
    "run": "Run your own code",
}
SCRIPT = "runtime/run-in-browser.js"


class RunInBrowser(Directive):
    required_arguments = 1
    has_content = True
    option_spec = {"unavailable": directives.unchanged_required, "label": directives.unchanged}

    def run(self):
        tool = self.arguments[0]
        env = self.state.document.settings.env
        if "unavailable" in self.options:
            reason = html.escape(self.options["unavailable"])
            text = (f'<p class="ilr-unavailable"><strong>In your browser:</strong> {reason}</p>')
            return [nodes.raw("", text, format="html")]
        if tool not in TOOLS:
            raise self.error(f"run-in-browser: unknown tool {tool!r}; the tools are {', '.join(TOOLS)}")
        env.metadata.setdefault(env.docname, {})["run-in-browser"] = True
        example = "\n".join(self.content) + "\n"
        label = html.escape(self.options.get("label", TOOLS[tool]))
        native = html.escape(f"{platform.python_version()} on {platform.machine()}"
                             f"{'' if sys._is_gil_enabled() else ' (free-threaded)'}"
                             if hasattr(sys, "_is_gil_enabled") else platform.python_version())
        magic = int.from_bytes(importlib.util.MAGIC_NUMBER[:2], "little")
        text = (
            f'<section class="ilr" data-tool="{tool}" data-native="{native}" data-native-magic="{magic}" hidden '
            f'aria-label="{label}, in your browser">'
            f'<p class="ilr-title"><strong>{label}, in your browser.</strong> '
            'CPython 3.14, compiled to WebAssembly, runs in this page: no server, nothing sent anywhere. '
            'It loads only when you press the button.</p>'
            f'<textarea class="ilr-source" spellcheck="false" aria-label="Your code" rows="{min(max(example.count(chr(10)) + 1, 4), 16)}">'
            f"{html.escape(example)}</textarea>"
            '<div class="ilr-buttons">'
            '<button type="button" class="ilr-run">Run in your browser</button> '
            '<button type="button" class="ilr-stop" disabled>Stop</button>'
            "</div>"
            '<p class="ilr-status" role="status" aria-live="polite"></p>'
            '<div class="ilr-output"></div>'
            "</section>"
        )
        return [nodes.raw("", text, format="html")]


def _add_script(app, pagename, templatename, context, doctree):
    if app.env.metadata.get(pagename, {}).get("run-in-browser"):
        app.add_js_file(SCRIPT, defer="defer")


def setup(app):
    app.add_directive("run-in-browser", RunInBrowser)
    app.connect("html-page-context", _add_script)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
