"""Call a lab function in another interpreter, in a fresh process, and get its result as data.

The GIL and memory chapters compare interpreters and builds: a measurement meant for another
interpreter runs there. `call_in_package("internals_lab.gil", executable, "races.race_counter",
style="plain")` imports `internals_lab.gil.races` in `executable` (from this source tree, put on
its PYTHONPATH, so nothing needs installing there), calls the function with JSON-ready keyword
arguments and returns its JSON-ready result, which the child prints as the last marked line.
The child dies with this process (`children.run_child`); a run that overstays `timeout` is
killed, and every failure is raised as the caller's error type with the other side's message.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Dict, Optional

from .children import ChildTimeout, run_child

__all__ = ["call_in_package", "package_root"]

_MARKER = "@@internals_lab.result@@"

# The child imports only the module it needs; its result (or error) is the last marked line.
_BOOTSTRAP = f"""
import importlib, json, sys, traceback
module, function, kwargs = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
try:
    result = getattr(importlib.import_module(module), function)(**kwargs)
    print({_MARKER!r} + json.dumps({{"ok": result}}), flush=True)
except BaseException as exc:
    print({_MARKER!r} + json.dumps({{"error": type(exc).__name__ + ": " + str(exc),
                                   "traceback": traceback.format_exc()}}), flush=True)
"""


def package_root() -> Path:
    """The directory that holds the `internals_lab` package (put on the child's PYTHONPATH)."""
    return Path(__file__).resolve().parents[1]


def call_in_package(package: str, executable: str, target: str, *, timeout: float = 120.0,
                    env: Optional[Dict[str, str]] = None, xoptions: tuple = (),
                    drop: tuple = ("PYTHON_GIL", "PYTHONPATH"), error: type = RuntimeError,
                    **kwargs: Any) -> Any:
    """Call `<package>.<target>(**kwargs)` in a fresh `executable` process (any lab's probes).

    The child's environment is this one's without the variables in `drop`, with this source
    tree on PYTHONPATH, then `env`; failures are raised as `error` with the other side's message.
    """
    module, _, function = target.rpartition(".")
    if not module or not function:
        raise ValueError(f"target must look like 'module.function', got {target!r}")
    child_env = {k: v for k, v in os.environ.items() if k not in drop}
    child_env["PYTHONPATH"] = str(package_root())
    child_env.update(env or {})
    argv = [str(executable), "-s"]
    for option in xoptions:
        argv += ["-X", option]
    argv += ["-c", _BOOTSTRAP, f"{package}.{module}", function, json.dumps(kwargs)]
    try:
        done = run_child(argv, capture_output=True, text=True, timeout=timeout, env=child_env)
    except FileNotFoundError:
        raise error(f"no interpreter at {executable}") from None
    except ChildTimeout:
        raise error(f"{target} did not finish within {timeout:g} s in {executable}; the process was killed") from None
    for line in reversed(done.stdout.splitlines()):
        if line.startswith(_MARKER):
            answer = json.loads(line[len(_MARKER):])
            if "error" in answer:
                raise error(f"{target} failed in {executable}: {answer['error']}")
            return answer["ok"]
    message = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
    raise error(f"{executable} exited with status {done.returncode} before {target} returned: {message}")
