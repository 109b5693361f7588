"""The shared renderers: tables and figures draw exactly the data they are given."""
import html.parser

import pytest

from internals_lab.render import Figure, Table, picker, svg


class _Cells(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.cells, self._in = [], False

    def handle_starttag(self, tag, attrs):
        self._in = tag in ("td", "th")

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self._in = False

    def handle_data(self, data):
        if self._in:
            self.cells.append(data)


def test_table_html_escapes_and_keeps_every_cell():
    table = Table(["name", "value"], [("<b>", 1), ("a & b", "x")])
    parser = _Cells()
    parser.feed(table._repr_html_())
    assert parser.cells == ["name", "value", "<b>", "1", "a & b", "x"]
    assert "&lt;b&gt;" in table._repr_html_() and "<td><b>" not in table._repr_html_()


def test_table_text_is_aligned():
    lines = str(Table(["a", "long name"], [("xyz", 1)])).splitlines()
    assert lines[0].index("long name") == lines[2].index("1")


def test_table_rejects_ragged_rows_with_a_clear_message():
    with pytest.raises(ValueError, match="2 values but the table has 3 columns"):
        Table(["a", "b", "c"], [(1, 2)])


def test_figure_requires_alt_text():
    with pytest.raises(ValueError, match="alt text"):
        Figure("<svg></svg>", "  ")


def test_svg_lays_out_dot_and_labels_it():
    pytest.importorskip("graphviz")
    figure = svg("digraph { source -> bytecode }", alt="two boxes")
    rendered = figure._repr_html_()
    assert 'aria-label="two boxes"' in rendered
    assert "<svg" in rendered and "<?xml" not in rendered
    assert ">source<" in rendered and ">bytecode<" in rendered


def test_svg_is_byte_identical_across_runs():
    pytest.importorskip("graphviz")
    dot = "digraph { rankdir=LR; a -> b -> c; a -> c }"
    assert svg(dot, "x").svg_text == svg(dot, "x").svg_text


def test_svg_reports_bad_dot_plainly():
    with pytest.raises(ValueError, match="Graphviz could not lay out"):
        svg("digraph { a -> }", alt="broken")


def test_picker_links_the_menu_to_the_panels_in_the_browser():
    pytest.importorskip("ipywidgets")
    from ipywidgets.widgets import widget as widget_module
    from ipywidgets.widgets.widget_link import Link

    box = picker({"one": "<p>1</p>", "two": "<p>2</p>"})
    dropdown, stack = box.children
    assert list(dropdown.options) == ["one", "two"]
    assert [child.value for child in stack.children] == ["<p>1</p>", "<p>2</p>"]
    # The link lives in the browser (a jslink widget), not in a Python observer, so the
    # control keeps working on the static site.
    links = [w for w in widget_module._instances.values()
             if isinstance(w, Link) and w.source == (dropdown, "index")]
    assert [link.target for link in links] == [(stack, "selected_index")]


def test_picker_refuses_an_empty_menu():
    pytest.importorskip("ipywidgets")
    with pytest.raises(ValueError, match="at least one panel"):
        picker({})


def test_live_bundles_the_widget_with_a_static_rendering():
    widgets = pytest.importorskip("ipywidgets")
    from internals_lab.render import NEEDS_KERNEL, live

    view = live(widgets.Textarea(value="x = 1"), Table(["stage"], [("tokens",)]))
    data, metadata = view._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in data
    assert "live when you run the lab" in data["text/html"] and "<td>tokens</td>" in data["text/html"]
    assert data["text/plain"] == str(Table(["stage"], [("tokens",)]))
    assert metadata == {NEEDS_KERNEL: True}
    # The note's command is code, as in the prose, not text between literal backticks.
    assert "<code>make lab</code>" in data["text/html"] and "`" not in data["text/html"]


def test_stored_outputs_drop_the_view_of_kernel_only_widgets():
    import importlib.util
    import sys
    from pathlib import Path

    nbformat = pytest.importorskip("nbformat")
    pytest.importorskip("nbclient")
    spec = importlib.util.spec_from_file_location(
        "regenerate_outputs", Path(__file__).resolve().parents[1] / "tools" / "regenerate_outputs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    from internals_lab.render import NEEDS_KERNEL

    view = {"application/vnd.jupyter.widget-view+json": {"model_id": "m"}, "text/html": "<p>static</p>"}
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x", outputs=[
        nbformat.v4.new_output("display_data", data=dict(view), metadata={NEEDS_KERNEL: True}),
        nbformat.v4.new_output("display_data", data=dict(view)),
    ])])
    module.drop_kernel_only_views(nb)
    kept = [sorted(out["data"]) for out in nb.cells[0].outputs]
    assert kept == [["text/html"], sorted(view)]
