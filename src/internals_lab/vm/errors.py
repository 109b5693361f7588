"""Errors the VM itself raises (as opposed to the program's own exceptions, which propagate
unchanged with CPython's type and message).

They derive from `VMError`, which derives from `Exception` only so that callers can catch it;
the VM never lets the running program catch one of these with its own `except` clauses.
`LimitExceeded` and its subclasses report a cap of `bounds.Bounds` (or of a trace's size);
`SourceRejected` is a source CPython's compiler refuses other than by a SyntaxError.
"""
from __future__ import annotations

__all__ = ["raise_unchained", "VMError", "UnimplementedOpcode", "LimitExceeded", "StepLimitExceeded",
           "TimeLimitExceeded", "OutputLimitExceeded", "TraceTooLarge", "SourceRejected"]


def raise_unchained(exc: BaseException):
    """Raise the program's exception `exc` from the VM's own Python code, as CPython's RERAISE
    and `raise` do inside the program: with the `__context__` the VM gave it, and no other.

    A plain `raise exc` here would be chained by CPython itself to the exception CPython code
    around the VM is handling (unittest's or contextlib's `except` block that called a VM
    function): `_PyErr_SetObject` overwrites `__context__` with it.
    """
    context = exc.__context__
    try:
        raise exc
    finally:
        exc.__context__ = context
        # The traceback keeps this frame: it must keep neither exception alive (a cycle that
        # only the garbage collector would break, too late for weakref and __del__).
        exc = context = None


class VMError(Exception):
    """A failure of the VM, not of the program it runs."""


class UnimplementedOpcode(VMError):
    """The program needs an instruction this VM does not implement."""

    def __init__(self, opname: str, version: str, detail: str = "") -> None:
        self.opname = opname
        self.version = version
        message = f"the teaching VM does not implement {opname} (Python {version})"
        if detail:
            message += f": {detail}"
        super().__init__(message)


class LimitExceeded(VMError):
    """A run reached one of its caps (steps, wall time, output, trace size)."""


class StepLimitExceeded(LimitExceeded):
    """The program ran more instructions than the step cap allows (a runaway loop?)."""

    def __init__(self, max_steps: int) -> None:
        self.max_steps = max_steps
        super().__init__(
            f"stopped after {max_steps:,} instructions: the step cap was reached "
            "(an endless loop? raise max_steps if the program really needs more)"
        )


class TimeLimitExceeded(LimitExceeded):
    """The program ran longer than the wall-time cap allows."""

    def __init__(self, max_seconds: float) -> None:
        self.max_seconds = max_seconds
        super().__init__(
            f"stopped after {max_seconds:g} s: the time cap was reached "
            "(an endless loop, or one very slow operation? raise max_seconds if the program "
            "really needs longer)"
        )


class OutputLimitExceeded(LimitExceeded):
    """The program printed more than the output cap allows."""

    def __init__(self, max_output: int) -> None:
        self.max_output = max_output
        super().__init__(
            f"stopped after {max_output:,} characters of output: the output cap was reached "
            "(raise max_output if the program really prints that much)"
        )


class TraceTooLarge(LimitExceeded):
    """The recorded trace grew past its size cap (each step keeps the stack and locals)."""

    def __init__(self, max_chars: int, steps: int) -> None:
        self.max_chars = max_chars
        super().__init__(
            f"stopped after {steps:,} instructions: the recording reached its size cap of "
            f"{max_chars:,} characters of stack and locals (raise max_trace_chars to keep more)"
        )


class SourceRejected(VMError):
    """CPython's compiler refused the source without a SyntaxError (the text says why)."""
