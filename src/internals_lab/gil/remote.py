"""Run a lab function in another interpreter and bring its result back as data.

The GIL chapter compares builds: the kernel's own interpreter, a free-threaded build and its
GIL twin. A measurement meant for another interpreter runs there in a fresh process:
`call(executable, "races.race_counter", style="plain")` imports
`internals_lab.gil.races` in that interpreter (from this package's own source directory, so
nothing needs installing there), calls the function with JSON-ready keyword arguments, and
returns its JSON-ready result. Failures come back as `RemoteError` with the other side's
message; a run that overstays `timeout` is killed and reported, never left behind, and the
child dies with this process if the kernel is killed (`children.run_child`).
"""
from __future__ import annotations

import os
import sys
from typing import Any, Dict, Optional

from ..lab_calls import call_in_package, package_root

__all__ = ["RemoteError", "call", "elsewhere", "package_root"]


class RemoteError(RuntimeError):
    """A lab function failed, or could not start, in another interpreter."""


def elsewhere(interpreter: Optional[str]) -> bool:
    """True when `interpreter` names a Python other than the one running this code."""
    return interpreter is not None and os.path.realpath(interpreter) != os.path.realpath(sys.executable)


def call(executable: str, target: str, *, timeout: float = 120.0, env: Optional[Dict[str, str]] = None,
         xoptions: tuple = (), **kwargs: Any) -> Any:
    """Call `internals_lab.gil.<target>` (for example "races.race_counter") in `executable`.

    `env` entries are added to a clean copy of this process's environment, from which
    PYTHON_GIL is removed unless `env` sets it, so a setting in the kernel never leaks into a
    measurement. `xoptions` are passed as `-X` options (for example "gil=1").
    """
    return call_in_package("internals_lab.gil", executable, target, timeout=timeout, env=env,
                           xoptions=xoptions, error=RemoteError, **kwargs)
