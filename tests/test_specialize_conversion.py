"""Raw errors and bounds of the binary-operator replay and the specialization timeline (issue 22)."""
import math

import pytest

from internals_lab.deadline import TimeLimitExceeded
from internals_lab.pipeline import binary_op_steps, specialization_timeline


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
    with pytest.raises(RuntimeError, match="disagrees with the real operator"):
        binary_op_steps(Fickle(), "+", 1)


def test_specialization_timeline_names_a_missing_function():
    with pytest.raises(ValueError, match=r"no function named 'g'; it defines f"):
        specialization_timeline("def f(x):\n    return x\n", "g", [])
    with pytest.raises(ValueError, match=r"no function named 'g'$"):
        specialization_timeline("x = 1\n", "g", [])


def test_specialization_timeline_bounds_an_endless_function():
    source = "def f():\n    while True:\n        pass\n"
    with pytest.raises(TimeLimitExceeded, match="specialization_timeline"):
        specialization_timeline(source, "f", [("once", (), 1)], timeout=0.3)
