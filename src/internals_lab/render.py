"""Renderers shared by every chapter: tables and figures built from plain data.

Design (after `Lib/dis.py`): lab functions return records; these classes only draw them.
Each renderer is a small object with the IPython display hooks, so a notebook cell that ends
with one shows a rich view, and the same object gives a readable `str()` in a terminal or a
test. Nothing here computes a fact about CPython.

- `Table(columns, rows)` renders as an HTML table in Jupyter and on the built site, and as
  aligned text elsewhere.
- `Figure(svg, alt)` inlines SVG with a text alternative (every picture in the book has
  one, for screen readers and for the accessibility checks). `svg(graph, alt)` lays out a
  `graphviz` graph or DOT text with the pip-installed Graphviz (see `internals_lab.graphs`).
"""
from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

__all__ = ["Table", "Figure", "svg", "picker", "slider", "live", "Live", "NEEDS_KERNEL"]


def _cell(value: object) -> str:
    return value if isinstance(value, str) else repr(value)


@dataclass
class Table:
    columns: Sequence[str]
    rows: Sequence[Sequence[object]]
    caption: str | None = None
    # Columns whose values are code: rendered in a monospace <code> element.
    code_columns: Iterable[str] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        self.columns = list(self.columns)
        self.rows = [list(row) for row in self.rows]
        for row in self.rows:
            if len(row) != len(self.columns):
                raise ValueError(
                    f"a row has {len(row)} values but the table has {len(self.columns)} columns: {row!r}"
                )
        unknown = set(self.code_columns) - set(self.columns)
        if unknown:
            raise ValueError(f"code_columns names columns the table does not have: {sorted(unknown)}")
        self.code_columns = tuple(self.code_columns)

    def __str__(self) -> str:
        cells = [[_cell(v) for v in row] for row in self.rows]
        widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(self.columns)]
        lines = []
        if self.caption:
            lines.append(self.caption)
        lines.append("  ".join(c.ljust(w) for c, w in zip(self.columns, widths)).rstrip())
        lines.append("  ".join("-" * w for w in widths))
        for row in cells:
            lines.append("  ".join(v.ljust(w) for v, w in zip(row, widths)).rstrip())
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        code = {i for i, c in enumerate(self.columns) if c in self.code_columns}
        parts = ['<table class="internals-lab-table">']
        if self.caption:
            parts.append(f"<caption>{html.escape(self.caption)}</caption>")
        parts.append("<thead><tr>" + "".join(f'<th scope="col">{html.escape(c)}</th>' for c in self.columns) + "</tr></thead>")
        parts.append("<tbody>")
        for row in self.rows:
            tds = []
            for i, value in enumerate(row):
                text = html.escape(_cell(value))
                tds.append(f"<td><code>{text}</code></td>" if i in code else f"<td>{text}</td>")
            parts.append("<tr>" + "".join(tds) + "</tr>")
        parts.append("</tbody></table>")
        return "".join(parts)


_PROLOG = re.compile(r"^\s*(<\?xml[^>]*\?>\s*)?(<!DOCTYPE[^>]*>\s*)?", re.S)
_GENERATOR_COMMENT = re.compile(r"<!--.*?-->\s*", re.S)


@dataclass(frozen=True)
class Figure:
    svg_text: str
    alt: str

    def __post_init__(self) -> None:
        if not self.alt.strip():
            raise ValueError("a figure needs alt text that says what it shows")

    def __str__(self) -> str:
        return f"[figure: {self.alt}]"

    __repr__ = __str__

    def _repr_html_(self) -> str:
        body = _GENERATOR_COMMENT.sub("", _PROLOG.sub("", self.svg_text, count=1))
        label = html.escape(self.alt, quote=True)
        return (
            f'<figure class="internals-lab-figure" role="img" aria-label="{label}">'
            f"{body}</figure>"
        )


def svg(graph: object, alt: str) -> Figure:
    """Lay out a `graphviz.Graph`/`Digraph` (or DOT source text) and return a `Figure`."""
    from .graphs import dot_svg

    source = graph if isinstance(graph, str) else getattr(graph, "source", None)
    if not isinstance(source, str):
        raise TypeError(f"svg() takes a graphviz graph or DOT text, not {type(graph).__name__}")
    return Figure(dot_svg(source), alt)


def picker(panels: dict[str, str], description: str = "Show:"):
    """A dropdown that switches between HTML panels, linked in the browser.

    The link is a client-side `jslink`, so the control keeps working on the static site
    (the page stores the widget state and the vendored embed manager renders it) and in a
    notebook whose kernel has stopped. Use it for views whose every state is known in advance;
    views computed from the learner's input need a kernel and a static rendering beside them.
    """
    import ipywidgets as widgets

    if not panels:
        raise ValueError("picker() needs at least one panel")
    names = list(panels)
    dropdown = widgets.Dropdown(options=names, value=names[0], description=description,
                                style={"description_width": "initial"})
    stack = widgets.Stack([widgets.HTML(value=panels[name]) for name in names], selected_index=0)
    widgets.jslink((dropdown, "index"), (stack, "selected_index"))
    return widgets.VBox([dropdown, stack])


def slider(panels: Sequence[str], description: str = "step"):
    """A slider that steps through HTML panels, linked in the browser (like `picker`).

    For recorded sequences (trace steps, snapshots): every panel is rendered in advance, so
    stepping works on the static site and without a kernel.
    """
    import ipywidgets as widgets

    if not panels:
        raise ValueError("slider() needs at least one panel")
    control = widgets.IntSlider(value=0, min=0, max=len(panels) - 1, description=description,
                                style={"description_width": "initial"})
    stack = widgets.Stack([widgets.HTML(value=p) for p in panels], selected_index=0)
    widgets.jslink((control, "value"), (stack, "selected_index"))
    return widgets.VBox([control, stack])


NEEDS_KERNEL = "internals_lab/needs-kernel"


class Live:
    """A widget that needs a running kernel, with a static rendering of the same view.

    In a live notebook the widget shows. Stored outputs keep only the static rendering
    (`make outputs` drops the widget view of outputs marked with NEEDS_KERNEL), so the built
    site shows a picture or table with a note, never a control that looks live but does nothing.
    """

    def __init__(self, widget, static, note: str = "This view is live when you run the lab (Binder, Colab or `make lab`)."):
        self.widget, self.static, self.note = widget, static, note

    def _static_html(self) -> str:
        body = self.static._repr_html_() if hasattr(self.static, "_repr_html_") else html.escape(str(self.static))
        # The note is written like the book's prose: `make lab` is code, not literal backticks.
        note = re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(self.note))
        return f'<div class="internals-lab-static"><p><em>{note}</em></p>{body}</div>'

    def _repr_mimebundle_(self, include=None, exclude=None):
        data = dict(self.widget._repr_mimebundle_(include=include, exclude=exclude) or {})
        data["text/html"] = self._static_html()
        data["text/plain"] = str(self.static)
        return data, {NEEDS_KERNEL: True}


def live(widget, static, note: str | None = None) -> Live:
    """Show `widget` when a kernel runs, and `static` (a Table, Figure or text) everywhere else."""
    return Live(widget, static) if note is None else Live(widget, static, note)
