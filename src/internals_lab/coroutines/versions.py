"""The same snippet on 3.11 to 3.15: `run_on_versions` runs it in a fresh interpreter of each
installed version (a subprocess, bounded by a timeout) and returns `VersionRun` records.

Part of `internals_lab.coroutines`; the package's docstring gives the design and the
global state it restores.
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import Iterable

from ..children import run_child

__all__ = ["VersionRun", "run_on_versions"]


@dataclass(frozen=True)
class VersionRun:
    version: str              # "3.11"
    found: bool               # was an interpreter for this version found?
    full_version: str | None  # "3.11.7"
    output: str               # stdout (and stderr, if it failed); empty when not found
    ok: bool


def _interpreter_for(version: str) -> str | None:
    from .. import interpreters   # the one place that finds interpreters

    found = interpreters.find(version)
    return found.executable if found else None


def _run_here(source: str) -> VersionRun:
    """The running interpreter's row where none can be started: the snippet runs here, in a
    namespace of its own. As for a child process, the record keeps what it printed, plus its
    error output when it failed (a traceback, or a `sys.exit` message)."""
    import contextlib
    import io
    import platform
    import traceback

    out, err = io.StringIO(), io.StringIO()
    ok = True
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            exec(compile(source, "<string>", "exec", dont_inherit=True), {"__name__": "__main__"})
        except SystemExit as exc:   # ends the snippet as it ends a script
            ok = exc.code is None or exc.code == 0
            if not ok and not isinstance(exc.code, int):
                print(exc.code, file=err)
        except BaseException:
            ok = False
            traceback.print_exc(file=err)
    output = out.getvalue() + ("" if ok else err.getvalue())
    return VersionRun("{}.{}".format(*sys.version_info[:2]), True, platform.python_version(),
                      output.rstrip("\n"), ok)


def run_on_versions(source: str, versions: Iterable[str] = ("3.11", "3.12", "3.13", "3.14", "3.15"),
                    *, timeout: float = 60.0) -> list[VersionRun]:
    """Run `source` in a fresh interpreter of each version that is installed (PYTHONHASHSEED=0)."""
    runs = []
    env = dict(os.environ, PYTHONHASHSEED="0")
    env.pop("PYTHONPATH", None)  # the snippet needs only the standard library
    for version in versions:
        if sys.platform == "emscripten":  # the browser (Pyodide): no interpreter can be started
            runs.append(_run_here(source) if version == "{}.{}".format(*sys.version_info[:2])
                        else VersionRun(version, False, None, "", False))
            continue
        exe = _interpreter_for(version)
        if exe is None:
            runs.append(VersionRun(version, False, None, "", False))
            continue
        probe = "import platform; print(platform.python_version())\n"
        done = run_child([exe, "-c", probe + source], capture_output=True, text=True,
                              timeout=timeout, env=env)
        first, _, rest = done.stdout.partition("\n")
        output = rest + (done.stderr if done.returncode else "")
        runs.append(VersionRun(version, True, first.strip() or None, output.rstrip("\n"), done.returncode == 0))
    return runs
