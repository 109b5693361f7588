"""Post 11's "implicit conversion", as the VM performs it: the binary-operator protocol.

Design: `binary_op_steps(a, "+", b)` replays, in plain Python, what BINARY_OP does in
`Objects/abstract.c` (`binary_op1`): try the left operand's method, and if it returns
NotImplemented try the right operand's reflected method (first when the right operand's
type is a subclass of the left's). Each attempt is a `Step` record; the final result is
checked against the real operator so the replay cannot drift from CPython.
"""
from __future__ import annotations

import operator
from dataclasses import dataclass

__all__ = ["Step", "binary_op_steps", "OPERATORS"]

OPERATORS = {"+": ("__add__", "__radd__", operator.add), "-": ("__sub__", "__rsub__", operator.sub),
             "*": ("__mul__", "__rmul__", operator.mul), "/": ("__truediv__", "__rtruediv__", operator.truediv)}


@dataclass(frozen=True)
class Step:
    call: str      # "int.__add__(5, 2.5)"
    result: str    # "NotImplemented", "7.5", ...


def binary_op_steps(left: object, op: str, right: object) -> list[Step]:
    if op not in OPERATORS:
        raise ValueError(f"operator {op!r} is not one of {sorted(OPERATORS)}")
    forward, reflected, real = OPERATORS[op]
    lt, rt = type(left), type(right)
    order = [(lt, forward, left, right), (rt, reflected, right, left)]
    if rt is not lt and issubclass(rt, lt) and getattr(rt, reflected, None) is not getattr(lt, reflected, None):
        order.reverse()
    steps, answer = [], NotImplemented
    for cls, name, first, second in order:
        method = getattr(cls, name, None)
        if method is None or (name == reflected and rt is lt):
            continue
        call = f"{cls.__name__}.{name}({first!r}, {second!r})"
        try:
            answer = method(first, second)
        except TypeError as exc:  # some types (str, list) raise instead of returning NotImplemented
            steps.append(Step(call, f"TypeError: {exc}"))
            return steps
        steps.append(Step(call, repr(answer)))
        if answer is not NotImplemented:
            break
    if answer is NotImplemented:
        steps.append(Step("no method answered", f"TypeError: unsupported operand type(s) for {op}"))
    else:
        expected = real(left, right)
        if not _agrees(answer, expected):
            raise RuntimeError(f"the replay gave {answer!r} but {left!r} {op} {right!r} gives {expected!r}: "
                               "the operands' methods do not answer the same way twice")
    return steps


def _agrees(replayed: object, real: object) -> bool:
    """Whether the replay's answer is the operator's: equal values, both NaN, or, for a type that
    compares by identity (each call makes a new object), the same type."""
    if replayed is real:
        return True
    if type(replayed) is not type(real):
        return False
    if isinstance(real, (float, complex)) and replayed != replayed and real != real:
        return True  # NaN is unequal to itself, yet both sides computed NaN
    if type(real).__eq__ is object.__eq__:
        return True
    try:
        return bool(replayed == real)
    except Exception:  # an __eq__ that raises, or an array's ambiguous truth value: not ours to judge
        return True
