"""Property tests: any source, generated or garbled, yields stage data or a clear message."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from internals_lab.pipeline import PipelineError, analyse, tokens

FAST = settings(max_examples=40, derandomize=True, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _check(result, source):
    if result.error is None:
        assert result.tokens is not None and result.bytecode is not None and result.cfg is not None
    else:
        assert result.error.message.strip()
        assert "Traceback" not in result.error.caret()
        # Stages after the failing one are cleared.
        assert result.cfg is None


@FAST
@given(st.text(max_size=200))
def test_any_text(source):
    _check(analyse(source), source)


@FAST
@given(st.binary(max_size=200))
def test_any_bytes(source):
    _check(analyse(source), source)


PYTHONISH = st.lists(st.sampled_from(["x", " ", "\n", "    ", "\t", "(", ")", ":", "if", "def", "'", '"', '"""',
                                      "f'{", "}", "1", "+", "=", "#", "\\", "\x00", "lambda", "return", ","]),
                     max_size=40).map("".join)


@FAST
@given(PYTHONISH)
def test_python_like_fragments(source):
    _check(analyse(source), source)


try:
    import hypothesmith
except ImportError:  # installed in the dev requirements; skip rather than fail elsewhere
    hypothesmith = None


@pytest.mark.skipif(hypothesmith is None, reason="hypothesmith is not installed")
@settings(max_examples=25, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])
@given(hypothesmith.from_grammar(auto_target=False) if hypothesmith else st.nothing())
def test_grammar_generated_sources(source):
    result = analyse(source)
    _check(result, source)
    try:
        compile(source, "<generated>", "exec")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        assert result.error is not None
    else:
        assert result.error is None
        # The CFG's blocks cover the bytecode once, in order, starting at offset 0.
        flat = [i.offset for b in result.cfg.blocks for i in b.instructions]
        assert flat == sorted(set(flat)) and flat[:1] == [0]
        assert [b.start for b in result.cfg.blocks] == [b.instructions[0].offset for b in result.cfg.blocks]


@FAST
@given(PYTHONISH)
def test_stage_functions_raise_only_pipeline_errors(source):
    try:
        tokens(source)
    except PipelineError as exc:
        assert str(exc)
