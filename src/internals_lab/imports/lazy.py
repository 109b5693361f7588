"""3.15's explicit lazy imports (PEP 810), observed in a 3.15 interpreter run as a subprocess.

The book's kernel is 3.14, whose parser rejects `lazy import`, so every experiment here runs
in a fresh 3.15 interpreter found by `internals_lab.interpreters.find("3.15")`. When this
machine has none, `run_315` and `compare_startup` return None and the caller says so.

- `run_315(code)`: run `code` with `-S -E` (no site, no PYTHON* variables), PYTHONHASHSEED=0.
- `compare_startup(modules)`: start-up of a script that imports `modules` eagerly, against the
  same script with `lazy import`, neither using them. Interleaved rounds after a warm-up, so a
  burst of load hits both; the ratio of medians is taken from the same run. The number of
  modules loaded at exit is counted too: that part is deterministic.

Nothing in this module changes the calling process: each run is a subprocess with a timeout.
"""
from __future__ import annotations

import os
import statistics
import subprocess
import time
from dataclasses import dataclass
from typing import Iterable, Optional, Tuple

from ..children import run_child
from .. import interpreters

__all__ = ["python_315", "run_315", "StartupComparison", "startup_sources", "compare_startup",
           "DEFAULT_MODULES"]

# Standard-library modules that are slow to import and need nothing from `site`.
DEFAULT_MODULES = ("asyncio", "decimal", "email.message", "http.client", "json", "typing")

FLAGS = ("-S", "-E")


def python_315() -> Optional[str]:
    """The executable of a CPython 3.15 on this machine, or None."""
    found = interpreters.find("3.15")
    return found.executable if found else None


def _env() -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONHASHSEED"] = "0"   # read only without -E; harmless with it
    return env


def run_315(code: str, *, flags: Tuple[str, ...] = FLAGS, timeout: float = 60.0,
            executable: Optional[str] = None) -> Optional[subprocess.CompletedProcess]:
    """Run `code` in a fresh 3.15 interpreter; None when there is no 3.15 here."""
    exe = executable or python_315()
    if exe is None:
        return None
    return run_child([exe, *flags, "-c", code], capture_output=True, text=True,
                     timeout=timeout, env=_env(), what="the start-up script")


def startup_sources(modules: Iterable[str]) -> Tuple[str, str]:
    """(eager, lazy): two scripts that import `modules` and print len(sys.modules) at the end."""
    modules = tuple(modules)
    tail = "import sys\nprint(len(sys.modules))\n"
    eager = "".join(f"import {m}\n" for m in modules) + tail
    lazy = "".join(f"lazy import {m}\n" for m in modules) + tail
    return eager, lazy


@dataclass(frozen=True)
class StartupComparison:
    modules: Tuple[str, ...]
    python: str                         # e.g. "3.15.0rc1"
    eager_seconds: Tuple[float, ...]    # wall time of each eager run, process start to exit
    lazy_seconds: Tuple[float, ...]
    eager_loaded: int                   # len(sys.modules) at the end of the eager script
    lazy_loaded: int                    # ... of the lazy one

    @property
    def eager_median(self) -> float:
        return statistics.median(self.eager_seconds)

    @property
    def lazy_median(self) -> float:
        return statistics.median(self.lazy_seconds)

    @property
    def ratio(self) -> float:
        """Median lazy start-up over median eager start-up (below 1: lazy starts faster)."""
        return self.lazy_median / self.eager_median


def _timed(exe: str, code: str, timeout: float) -> Tuple[float, int]:
    start = time.perf_counter()
    done = run_child([exe, *FLAGS, "-c", code], capture_output=True, text=True,
                     timeout=timeout, env=_env(), what="the start-up script")
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"the start-up script failed:\n{done.stderr[-2000:]}")
    return elapsed, int(done.stdout.split()[-1])


def compare_startup(modules: Iterable[str] = DEFAULT_MODULES, *, repeats: int = 15, warmup: int = 2,
                    timeout: float = 60.0, executable: Optional[str] = None) -> Optional[StartupComparison]:
    """Eager against lazy start-up in 3.15, interleaved; None when there is no 3.15 here."""
    if repeats < 3:
        raise ValueError("compare_startup() needs repeats >= 3 for a median to mean something")
    exe = executable or python_315()
    if exe is None:
        return None
    modules = tuple(modules)
    eager, lazy = startup_sources(modules)
    for _ in range(warmup):          # fills the OS page cache and any missing .pyc
        _timed(exe, eager, timeout)
        _timed(exe, lazy, timeout)
    eager_times, lazy_times = [], []
    eager_loaded = lazy_loaded = 0
    for i in range(repeats):
        order = ((eager, eager_times), (lazy, lazy_times))
        for code, times in (order if i % 2 == 0 else order[::-1]):
            seconds, loaded = _timed(exe, code, timeout)
            times.append(seconds)
            if code is eager:
                eager_loaded = loaded
            else:
                lazy_loaded = loaded
    version = interpreters.describe(exe).version
    return StartupComparison(modules, version, tuple(eager_times), tuple(lazy_times),
                             eager_loaded, lazy_loaded)
