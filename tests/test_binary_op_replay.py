"""The binary-operator replay's answers that are not equal to themselves, and a replay that cannot
agree (issue 22; the timeline's bounds are in test_pipeline_reliability.py)."""
import math

import pytest

from internals_lab.pipeline import binary_op_steps


def test_binary_op_steps_accepts_nan_results():
    steps = binary_op_steps(float("nan"), "+", 1.0)
    assert steps[-1].result == "nan"
    steps = binary_op_steps(1, "*", float("nan"))
    assert [s.call for s in steps] == ["int.__mul__(1, nan)", "float.__rmul__(nan, 1)"]
    assert steps[-1].result == "nan"
    assert binary_op_steps(complex(math.nan, 0), "+", 1)[-1].result == "(nan+0j)"


class Fresh:
    """Each addition makes a new object; objects compare by identity."""

    def __add__(self, other):
        return Fresh()

    def __repr__(self):
        return "Fresh()"


def test_binary_op_steps_accepts_results_compared_by_identity():
    steps = binary_op_steps(Fresh(), "+", 1)
    assert [(s.call, s.result) for s in steps] == [("Fresh.__add__(Fresh(), 1)", "Fresh()")]


class Fickle:
    """Answers differently on every call: the replay cannot agree with the real operator."""

    calls = 0

    def __add__(self, other):
        Fickle.calls += 1
        return Fickle.calls

    def __repr__(self):
        return "Fickle()"


def test_binary_op_steps_reports_a_disagreement_as_a_message():
    with pytest.raises(RuntimeError, match="do not answer the same way twice"):
        binary_op_steps(Fickle(), "+", 1)
