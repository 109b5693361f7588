"""Graphviz comes from pip: the graphviz package is pointed at graphviz-pure."""
import pytest

from internals_lab.graphs import configure_graphviz, find_dot

graphviz = pytest.importorskip("graphviz")


def test_pip_graphviz_is_preferred_when_installed():
    program = find_dot()
    assert program is not None
    pytest.importorskip("importlib.metadata").distribution("graphviz-pure")  # installed by requirements.txt
    assert program.kind == "graphviz-pure"


def test_graphviz_package_renders_through_the_configured_program():
    program = configure_graphviz()
    import graphviz.backend.dot_command as dot_command

    assert dot_command.DOT_BINARY == program.path
    out = graphviz.Digraph(body=["a -> b"]).pipe(format="svg").decode()
    assert "<svg" in out and "graphviz-pure" in out
