"""Is the GIL on? Ask an interpreter under each of the switches that control it.

`sys._is_gil_enabled()` (3.13+) answers for the running process. A free-threaded build
starts with the GIL off unless `PYTHON_GIL=1` or `-X gil=1` turns it on; a GIL build cannot
turn it off and refuses to start if asked to. Versions before 3.13 have neither the function
nor the switches: the GIL is always on there.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

from . import remote
from .interpreters import describe

__all__ = ["GilStatus", "gil_status", "SETTINGS", "Immortalization", "immortalization", "Specialization", "specialization"]

# (label, extra environment, -X options)
SETTINGS = (
    ("default", {}, ()),
    ("PYTHON_GIL=0", {"PYTHON_GIL": "0"}, ()),
    ("PYTHON_GIL=1", {"PYTHON_GIL": "1"}, ()),
    ("-X gil=0", {}, ("gil=0",)),
    ("-X gil=1", {}, ("gil=1",)),
)

_PROBE = ("import sys, sysconfig; print(bool(sysconfig.get_config_var('Py_GIL_DISABLED')), "
          "getattr(sys, '_is_gil_enabled', lambda: True)(), sys.getswitchinterval())")


@dataclass(frozen=True)
class GilStatus:
    interpreter: str
    setting: str
    started: bool
    gil_enabled: Optional[bool]    # None when the interpreter refused to start
    switch_interval: Optional[float]
    message: str                   # the interpreter's own words when it refused


def gil_status(interpreter: Optional[str] = None, settings: Sequence[str] = tuple(s[0] for s in SETTINGS)) -> List[GilStatus]:
    """Start `interpreter` (default: this one) once per setting and report whether the GIL is on."""
    executable = interpreter or sys.executable
    known = {label: (env, xopts) for label, env, xopts in SETTINGS}
    unknown = [s for s in settings if s not in known]
    if unknown:
        raise ValueError(f"unknown settings {unknown}; choose from {list(known)}")
    base_env = {k: v for k, v in os.environ.items() if k not in ("PYTHON_GIL", "PYTHONPATH")}
    base_env["PYTHONPATH"] = str(remote.package_root())
    name = describe(executable).label
    rows = []
    for label in settings:
        env, xopts = known[label]
        argv = [executable, "-s"] + [a for x in xopts for a in ("-X", x)] + ["-c", _PROBE]
        try:
            done = subprocess.run(argv, capture_output=True, text=True, timeout=60, env={**base_env, **env})
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ValueError(f"cannot run {executable}: {exc}") from None
        if done.returncode == 0:
            _free, enabled, interval = done.stdout.split()
            rows.append(GilStatus(name, label, True, enabled == "True", float(interval), ""))
        else:
            lines = [line for line in done.stderr.strip().splitlines() if line.strip()]
            message = next((line for line in lines if "GIL" in line or "gil" in line), lines[-1] if lines else "")
            rows.append(GilStatus(name, label, False, None, None, message.strip()))
    return rows


_IMMORTAL_PROBE = """
import json, sys, threading
def module_level_function():
    pass
before = sys.getrefcount(module_level_function)
threading.Thread(target=lambda: None).start()
after = sys.getrefcount(module_level_function)
print(json.dumps([before, after]))
"""


@dataclass(frozen=True)
class Immortalization:
    interpreter: str
    refcount_before_thread: int
    refcount_after_thread: int

    @property
    def immortal(self) -> bool:
        # an immortal object's reference count is pinned far above anything real code reaches
        return self.refcount_after_thread > 2 ** 28


def immortalization(interpreter: Optional[str] = None) -> Immortalization:
    """sys.getrefcount of a module-level function before and after the first extra thread starts.

    The 3.13 free-threaded build makes module-level functions, code objects, classes and
    modules immortal (never freed) the first time a second thread starts, so that threads do
    not fight over their reference counts (Doc/howto/free-threading-python.rst, 3.13).
    """
    executable = interpreter or sys.executable
    done = subprocess.run([executable, "-s", "-c", _IMMORTAL_PROBE], capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        raise ValueError(f"{executable} failed: {(done.stderr.strip().splitlines() or [''])[-1]}")
    before, after = json.loads(done.stdout)
    return Immortalization(describe(executable).label, before, after)


_SPECIALIZATION_PROBE = """
import dis, json
class Point:
    def __init__(self, x):
        self.x = x
def hot(p, n):
    total = 0
    for i in range(n):
        total += p.x + i
    return total
for _ in range(3):
    hot(Point(1), 1000)
pairs = zip(dis.get_instructions(hot), dis.get_instructions(hot, adaptive=True))
print(json.dumps(sorted({(a.opname, b.opname) for a, b in pairs if a.opname != b.opname})))
"""


@dataclass(frozen=True)
class Specialization:
    interpreter: str
    # (instruction as compiled, instruction the warmed-up loop runs instead)
    replaced: Tuple[Tuple[str, str], ...]


def specialization(interpreter: Optional[str] = None) -> Specialization:
    """Warm a small loop up, then list the instructions the interpreter has specialized.

    `dis.get_instructions(f, adaptive=True)` shows the instructions as the interpreter now runs
    them. The 3.13 free-threaded build compiles the specializing interpreter out
    (ENABLE_SPECIALIZATION is 0 when Py_GIL_DISABLED, Include/internal/pycore_code.h), so its
    loop keeps running the generic instructions.
    """
    executable = interpreter or sys.executable
    done = subprocess.run([executable, "-s", "-c", _SPECIALIZATION_PROBE], capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        raise ValueError(f"{executable} failed: {(done.stderr.strip().splitlines() or [''])[-1]}")
    return Specialization(describe(executable).label, tuple(tuple(pair) for pair in json.loads(done.stdout)))
