"""The built site: offline, usable on a phone and in dark mode, with launch buttons that work.

Design: every fix here acts on the pages Sphinx writes, never on the sources or the stored
notebook outputs, so the labs stay byte-identical to what nbval checks.

- Templates (templates/layout.html): drop pydata-sphinx-theme's extra top bar, whose dead copies
  of the sidebar toggles kept both menus shut.
- Thebe: Jupyter Book 1 always loads sphinx-thebe, which puts a configuration script naming a
  CDN copy of thebe on every page with code cells, once per build pass, so a page can declare
  the same constant twice and log a console error. This book offers no thebe button, so the
  scripts go.
- Launch buttons: Binder and Colab open notebooks, not MyST pages (Colab cannot read a .md file
  and Binder shows it as text), so a prose page offers a link to its chapter's lab instead.
  JupyterHub appears only when _config.yml names a hub (launch_buttons.jupyterhub_url).
- Widgets: myst-nb loads the widget manager (about 0.9 MB compressed) on every page whose
  notebook stores widget state, even when no output shows a widget (labs 1 and 2 did). A page
  loads it only when its body holds a widget view.
- Figures: readable_svg gives every inline SVG a viewBox and a readable minimum width.
- Icon fonts (icon_fonts.py): cut to the icons the site shows, and the widget manager's
  Font Awesome 5 kept off the theme's buttons.
- Accessible names: the search buttons' aria-label ("Search") missed their visible text
  ("Search Ctrl+K"), and so did myst-nb's output toggles ("Toggle hidden content" on "Show code
  cell output"); WCAG 2.5.3 (label in name) asks for it. Without the label, the name is the
  visible text.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from icon_fonts import cut_icon_fonts
from readable_svg import readable_svgs

HERE = Path(__file__).resolve().parent
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
LAUNCH_GROUP = "launch-buttons"


def _add_templates(app, config):
    # Ahead of the theme's templates, so {% extends "!layout.html" %} reaches the theme's.
    config.templates_path = [str(HERE / "templates")] + list(config.templates_path)


def _script_name(script) -> str:
    return str(getattr(script, "filename", script) or "")


def _script_attrs(script) -> dict:
    return getattr(script, "attributes", {}) or {}


def _drop_thebe(context):
    kept = []
    for script in context.get("script_files") or []:
        name, body = _script_name(script), str(_script_attrs(script).get("body", ""))
        if "sphinx-thebe" in name or "THEBE_JS_URL" in body or "thebe@" in name:
            continue
        kept.append(script)
    if "script_files" in context:
        context["script_files"] = kept


def chapter_lab(docname: str, docs) -> str | None:
    """The lab notebook of a prose chapter: book/NN_x -> the notebooks/NN_* in the book."""
    m = re.fullmatch(r"book/(\d\d)_[^/]+", docname)
    if not m:
        return None
    labs = sorted(d for d in docs if d.startswith(f"notebooks/{m.group(1)}_"))
    return labs[0] if labs else None


def _launch_buttons(app, pagename, context):
    buttons = context.get("header_buttons")
    if not buttons or context.get("page_source_suffix") == ".ipynb":
        return
    kept = [b for b in buttons if b.get("label") != LAUNCH_GROUP]
    lab = chapter_lab(pagename, app.env.found_docs)
    if lab is not None:
        kept.insert(0, {
            "type": "link",
            "url": context["pathto"](lab),
            "tooltip": "Open this chapter's lab (launch it on Binder or Colab from there)",
            "icon": "fas fa-flask",
            "text": "Lab",
            "label": "chapter-lab",
        })
    context["header_buttons"] = kept


def _widgets_only_where_shown(app, context):
    scripts = context.get("script_files") or []
    if WIDGET_VIEW in context.get("body", ""):
        return
    manager = {str(path) for path in (app.config.nb_ipywidgets_js or {})}
    # Sphinx files them under _static/ (html_static_path holds book/_vendor/widgets/).
    context["script_files"] = [s for s in scripts if _script_name(s).removeprefix("_static/") not in manager
                               and _script_attrs(s).get("type") != WIDGET_STATE]


def _svg_in_state(value):
    if isinstance(value, str):
        return readable_svgs(value)
    if isinstance(value, list):
        return [_svg_in_state(v) for v in value]
    if isinstance(value, dict):
        return {k: _svg_in_state(v) for k, v in value.items()}
    return value


def _readable_figures(context):
    if "body" in context:
        context["body"] = readable_svgs(context["body"])
    for script in context.get("script_files") or []:
        attrs = _script_attrs(script)
        if attrs.get("type") == WIDGET_STATE and "<svg" in attrs.get("body", ""):
            state = json.loads(attrs["body"].replace("<\\/script>", "</script>"))
            attrs["body"] = json.dumps(_svg_in_state(state)).replace("</script>", "<\\/script>")


def _page_context(app, pagename, templatename, context, doctree):
    _drop_thebe(context)
    _launch_buttons(app, pagename, context)
    _widgets_only_where_shown(app, context)
    _readable_figures(context)


_SEARCH_LABEL = re.compile(r'(<button class="btn search-button-field[^"]*"[^>]*?) aria-label="Search"')
_SUMMARY_LABEL = re.compile(r'<summary aria-label="Toggle hidden content">')


def _names_match_visible_text(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        new = _SEARCH_LABEL.sub(r"\1", text)
        # myst-nb's "Show code cell output" toggles: the visible text is the better name.
        new = _SUMMARY_LABEL.sub("<summary>", new)
        if new != text:
            page.write_text(new, encoding="utf-8")


def setup(app):
    app.connect("config-inited", _add_templates)
    # After every other html-page-context handler has added its scripts and buttons.
    app.connect("html-page-context", _page_context, priority=900)
    app.connect("build-finished", _names_match_visible_text)
    app.connect("build-finished", cut_icon_fonts, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
