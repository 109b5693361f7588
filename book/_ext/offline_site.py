"""Keep the built site offline: drop sphinx-thebe's page scripts.

Jupyter Book 1 always loads sphinx-thebe, which puts a configuration script naming a CDN copy
of thebe (and a loader) on every page with code cells, once per build pass, so a page can
declare the same constant twice and log a console error. This book offers no thebe button
(launch buttons open Binder, Colab or a JupyterHub only when clicked), so the scripts are
removed from every page.
"""


def _drop_thebe(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    kept = []
    for script in scripts:
        name = str(getattr(script, "filename", script) or "")
        body = str(getattr(script, "attributes", {}).get("body", ""))
        if "sphinx-thebe" in name or "THEBE_JS_URL" in body or "thebe@" in name:
            continue
        kept.append(script)
    context["script_files"] = kept


def setup(app):
    # After every other html-page-context handler has added its scripts.
    app.connect("html-page-context", _drop_thebe, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
