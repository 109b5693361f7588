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

import json
import os
import sys
from pathlib import Path
from typing import Any, Dict, Optional

from ..children import ChildTimeout, run_child

__all__ = ["RemoteError", "call", "elsewhere", "package_root"]

_MARKER = "@@internals_lab.result@@"

# The child imports only the module it needs; its result (or error) is the last marked line.
_BOOTSTRAP = f"""
import importlib, json, sys, traceback
module, function, kwargs = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
try:
    result = getattr(importlib.import_module("internals_lab.gil." + module), function)(**kwargs)
    print({_MARKER!r} + json.dumps({{"ok": result}}), flush=True)
except BaseException as exc:
    print({_MARKER!r} + json.dumps({{"error": type(exc).__name__ + ": " + str(exc),
                                   "traceback": traceback.format_exc()}}), flush=True)
"""


class RemoteError(RuntimeError):
    """A lab function failed, or could not start, in another interpreter."""


def elsewhere(interpreter: Optional[str]) -> bool:
    """True when `interpreter` names a Python other than the one running this code."""
    return interpreter is not None and os.path.realpath(interpreter) != os.path.realpath(sys.executable)


def package_root() -> Path:
    """The directory that holds the `internals_lab` package (put on the child's PYTHONPATH)."""
    return Path(__file__).resolve().parents[2]


def call(executable: str, target: str, *, timeout: float = 120.0, env: Optional[Dict[str, str]] = None,
         xoptions: tuple = (), **kwargs: Any) -> Any:
    """Call `internals_lab.gil.<target>` (for example "races.race_counter") in `executable`.

    `env` entries are added to a clean copy of this process's environment, from which
    PYTHON_GIL is removed unless `env` sets it, so a setting in the kernel never leaks into a
    measurement. `xoptions` are passed as `-X` options (for example "gil=1").
    """
    module, _, function = target.rpartition(".")
    if not module or not function:
        raise ValueError(f"target must look like 'module.function', got {target!r}")
    child_env = {k: v for k, v in os.environ.items() if k not in ("PYTHON_GIL", "PYTHONPATH")}
    child_env["PYTHONPATH"] = str(package_root())
    child_env.update(env or {})
    argv = [str(executable), "-s"]
    for option in xoptions:
        argv += ["-X", option]
    argv += ["-c", _BOOTSTRAP, module, function, json.dumps(kwargs)]
    try:
        done = run_child(argv, capture_output=True, text=True, timeout=timeout, env=child_env)
    except FileNotFoundError:
        raise RemoteError(f"no interpreter at {executable}") from None
    except ChildTimeout:
        raise RemoteError(f"{target} did not finish within {timeout:g} s in {executable}; the process was killed") from None
    for line in reversed(done.stdout.splitlines()):
        if line.startswith(_MARKER):
            answer = json.loads(line[len(_MARKER):])
            if "error" in answer:
                raise RemoteError(f"{target} failed in {executable}: {answer['error']}")
            return answer["ok"]
    message = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
    raise RemoteError(f"{executable} exited with status {done.returncode} before {target} returned: {message}")
