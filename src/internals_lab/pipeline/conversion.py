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
    elif not _same_outcome(answer, real(left, right)):
        raise RuntimeError(f"the replay of {lt.__name__} {op} {rt.__name__} disagrees with the real operator: "
                           "the operands' methods may give different answers on each call")
    return steps


def _same_outcome(replayed: object, real: object) -> bool:
    """Did the replay get what the operator got? NaN is not equal to itself and a fresh object
    compared by identity never equals another, so equal reprs of one type also count."""
    if replayed is real:
        return True
    try:
        if replayed == real:
            return True
    except Exception:  # a type whose == raises (NumPy arrays of several elements, say)
        pass
    if type(replayed) is not type(real):
        return False
    if type(replayed).__eq__ is object.__eq__:
        return True  # identity equality: any fresh result of the same type is the same outcome
    return repr(replayed) == repr(real)  # nan, complex(nan, 0), ...
