"""Errors the VM itself raises (as opposed to the program's own exceptions, which propagate
unchanged with CPython's type and message).

They derive from `VMError`, which derives from `Exception` only so that callers can catch it;
the VM never lets the running program catch one of these with its own `except` clauses.
"""
from __future__ import annotations

__all__ = ["VMError", "UnimplementedOpcode", "StepLimitExceeded"]


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


class StepLimitExceeded(VMError):
    """The program ran more instructions than the step cap allows (a runaway loop?)."""

    def __init__(self, max_steps: int) -> None:
        self.max_steps = max_steps
        super().__init__(
            f"stopped after {max_steps:,} instructions: the step cap was reached "
            "(an endless loop? raise max_steps if the program really needs more)"
        )
