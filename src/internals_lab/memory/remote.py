"""Run a memory-lab probe in another interpreter and bring its result back as data.

Sizes, reference counts and collector counts differ between CPython releases and builds, so
the chapter asks each installed interpreter (3.11 to 3.15, 3.14t) the same question. A probe is
a plain function in this package that returns JSON-ready data; `call(executable,
"layout.core_sizes")` imports `internals_lab.memory.layout` in a fresh process of that
interpreter (from this source tree, so nothing needs installing there) and returns the
function's result. A child that overstays `timeout` is killed and reported, never left behind;
its failures come back as `ProbeError` with the other side's message. The mechanism is
`lab_calls.call_in_package`, shared with the GIL lab; the child also dies with the kernel.
"""
from __future__ import annotations

from typing import Any, Dict, Optional

from ..lab_calls import call_in_package, package_root

__all__ = ["ProbeError", "call", "package_root"]

# A clean environment: no PYTHON_GIL, PYTHONMALLOC or tracemalloc setting from the kernel leaks
# into a measurement.
_DROP = ("PYTHON_GIL", "PYTHONPATH", "PYTHONMALLOC", "PYTHONTRACEMALLOC")


class ProbeError(RuntimeError):
    """A probe failed, or could not start, in another interpreter."""


def call(executable: str, target: str, *, timeout: float = 120.0, env: Optional[Dict[str, str]] = None,
         **kwargs: Any) -> Any:
    """Call `internals_lab.memory.<target>(**kwargs)` in a fresh `executable` process."""
    return call_in_package("internals_lab.memory", executable, target, timeout=timeout,
                           env={"PYTHONHASHSEED": "0", **(env or {})}, drop=_DROP, error=ProbeError,
                           **kwargs)
