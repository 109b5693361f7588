"""An "Open in JupyterLite" entry in the launch menu of each lab page that runs there to its end.

Design: tools/build_lite.py puts a JupyterLite app with every lab at lite/ in the built site, and
benchmarks/results/lite_labs.json (measured by benchmarks/lite_labs.py) says which labs run to the
end in it. Only those get the entry, beside Binder and Colab, so the site never offers a browser
run that stops halfway; the others still open from the app's file list, where their first cell
says where Run All stops. The URL is relative, so the site works from any folder or host.
"""
from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MEASURED = ROOT / "benchmarks" / "results" / "lite_labs.json"
LAUNCH_GROUP = "launch-buttons"


def browser_ready() -> set[str]:
    labs = json.loads(MEASURED.read_text(encoding="utf-8"))["labs"]
    return {lab["notebook"] for lab in labs if lab["runs_to_the_end"]}


def _add_lite_button(app, pagename, templatename, context, doctree):
    if not pagename.startswith("notebooks/") or context.get("page_source_suffix") != ".ipynb":
        return
    notebook = pagename.removeprefix("notebooks/") + ".ipynb"
    if notebook not in browser_ready():
        return
    for group in context.get("header_buttons") or []:
        if group.get("label") == LAUNCH_GROUP:
            group["buttons"].append({
                "type": "link",
                "text": "JupyterLite",
                "tooltip": "Open in JupyterLite: run this lab in your browser, offline",
                "icon": "_static/images/logo_jupyterlite.svg",
                "url": context["pathto"]("lite/notebooks/index.html", 1) + f"?path={notebook}",
                "label": "launch-jupyterlite",
            })


def setup(app):
    # After sphinx-book-theme has built the launch menu (and offline_site has trimmed it).
    app.connect("html-page-context", _add_lite_button, priority=950)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
