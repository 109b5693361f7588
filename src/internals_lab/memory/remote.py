"""Run a memory-lab probe in another interpreter and bring its result back as data.

Sizes, reference counts and collector counts differ between CPython releases and builds, so
the chapter asks each installed interpreter (3.11 to 3.15, 3.14t) the same question. A probe is
a plain function in this package that returns JSON-ready data; `call(executable,
"layout.core_sizes")` imports `internals_lab.memory.layout` in a fresh process of that
interpreter (from this source tree, so nothing needs installing there) and returns the
function's result. A child that overstays `timeout` is killed and reported, never left behind;
its failures come back as `ProbeError` with the other side's message.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, Optional

__all__ = ["ProbeError", "call", "package_root"]

_MARKER = "@@internals_lab.memory@@"
_BOOTSTRAP = f"""
import importlib, json, sys, traceback
module, function, kwargs = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
try:
    result = getattr(importlib.import_module("internals_lab.memory." + module), function)(**kwargs)
    print({_MARKER!r} + json.dumps({{"ok": result}}), flush=True)
except BaseException as exc:
    print({_MARKER!r} + json.dumps({{"error": type(exc).__name__ + ": " + str(exc)}}), flush=True)
"""


class ProbeError(RuntimeError):
    """A probe failed, or could not start, in another interpreter."""


def package_root() -> Path:
    return Path(__file__).resolve().parents[2]


def call(executable: str, target: str, *, timeout: float = 120.0, env: Optional[Dict[str, str]] = None,
         **kwargs: Any) -> Any:
    """Call `internals_lab.memory.<target>(**kwargs)` in a fresh `executable` process."""
    module, _, function = target.rpartition(".")
    if not module or not function:
        raise ValueError(f"target must look like 'module.function', got {target!r}")
    # A clean environment: no PYTHON_GIL or PYTHONMALLOC from the kernel leaks into a measurement.
    child_env = {k: v for k, v in os.environ.items()
                 if k not in ("PYTHON_GIL", "PYTHONPATH", "PYTHONMALLOC", "PYTHONTRACEMALLOC")}
    child_env.update(PYTHONPATH=str(package_root()), PYTHONHASHSEED="0")
    child_env.update(env or {})
    argv = [str(executable), "-s", "-c", _BOOTSTRAP, module, function, json.dumps(kwargs)]
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=child_env)
    except FileNotFoundError:
        raise ProbeError(f"no interpreter at {executable}") from None
    except subprocess.TimeoutExpired:
        raise ProbeError(f"{target} did not finish within {timeout:g} s in {executable}; the process was killed") from None
    for line in reversed(done.stdout.splitlines()):
        if line.startswith(_MARKER):
            answer = json.loads(line[len(_MARKER):])
            if "error" in answer:
                raise ProbeError(f"{target} failed in {executable}: {answer['error']}")
            return answer["ok"]
    message = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
    raise ProbeError(f"{executable} exited with status {done.returncode} before {target} returned: {message}")


def this_interpreter() -> str:
    return sys.executable
