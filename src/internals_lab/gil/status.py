"""Is the GIL on? Ask an interpreter under each of the switches that control it.

`sys._is_gil_enabled()` (3.13+) answers for the running process. A free-threaded build
starts with the GIL off unless `PYTHON_GIL=1` or `-X gil=1` turns it on; a GIL build cannot
turn it off and refuses to start if asked to. Versions before 3.13 have neither the function
nor the switches: the GIL is always on there.

The other probes here ask a build what it does differently, each in a fresh process and each
answered by the interpreter itself rather than by its documentation: which instructions a
warmed-up loop specializes (`specialization`, `concatenation`), whether a function becomes
immortal once a second thread starts (`immortalization`), and which start method
multiprocessing uses by default (`start_method`).
"""
from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

from ..children import ChildTimeout, run_child
from . import remote
from .interpreters import describe

__all__ = ["GilStatus", "gil_status", "SETTINGS", "Immortalization", "immortalization", "Specialization",
           "specialization", "ConcatRow", "Concatenation", "concatenation", "StartMethod", "start_method"]

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
            done = run_child(argv, capture_output=True, text=True, timeout=60, env={**base_env, **env},
                             what=f"the GIL probe in {executable}")
        except (OSError, ChildTimeout) as exc:
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
import gc, json, sys, threading, weakref
def module_level_function():
    pass
before = sys.getrefcount(module_level_function)
threading.Thread(target=lambda: None).start()
after = sys.getrefcount(module_level_function)
freed = []
watch = weakref.ref(module_level_function, lambda _: freed.append(True))
del module_level_function
at_del = bool(freed)
gc.collect()
print(json.dumps([before, after, bool(freed), at_del]))
"""


def _run_probe(executable: str, code: str) -> str:
    """Run `code` in a fresh `executable` (no site-packages) and return its standard output."""
    try:
        done = run_child([executable, "-s", "-c", code], capture_output=True, text=True, timeout=60,
                         what=f"the probe in {executable}")
    except (OSError, ChildTimeout) as exc:
        raise ValueError(f"cannot run {executable}: {exc}") from None
    if done.returncode != 0:
        raise ValueError(f"{executable} failed: {(done.stderr.strip().splitlines() or [''])[-1]}")
    return done.stdout


@dataclass(frozen=True)
class Immortalization:
    interpreter: str
    refcount_before_thread: int    # sys.getrefcount of a module-level function
    refcount_after_thread: int     # the same, after a second thread has started
    freed_after_del: bool          # was it gone after its last name was deleted and gc.collect() ran?
    freed_at_del: bool = False     # was it gone at the `del` itself, before any collection?

    @property
    def immortal(self) -> bool:
        """Never freed. Decided by behaviour, not by the reported count: the free-threaded 3.14
        build reports about 2**60 for a function with a deferred reference count, yet frees it."""
        return not self.freed_after_del


def immortalization(interpreter: Optional[str] = None) -> Immortalization:
    """A module-level function's refcount before and after the first extra thread, and whether
    deleting it then frees it (a weak reference's callback says so, after a collection).

    The 3.13 free-threaded build made module-level functions, code objects, classes and modules
    immortal the first time a second thread started, so that threads would not fight over
    their reference counts (Doc/howto/free-threading-python.rst, 3.13): such a function is never
    freed. The 3.14 free-threaded build uses deferred reference counting for them instead
    (sys.getrefcount reports a huge number from the start): `del` does not free them, a
    collection does.
    """
    executable = interpreter or sys.executable
    before, after, freed, at_del = json.loads(_run_probe(executable, _IMMORTAL_PROBE))
    return Immortalization(describe(executable).label, before, after, freed, at_del)


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
    them. The 3.13 free-threaded build compiled the specializing interpreter out
    (ENABLE_SPECIALIZATION is 0 when Py_GIL_DISABLED in 3.13's Include/internal/pycore_code.h),
    so its loop kept running the generic instructions; the 3.14 free-threaded build specializes.
    """
    executable = interpreter or sys.executable
    pairs = json.loads(_run_probe(executable, _SPECIALIZATION_PROBE))
    return Specialization(describe(executable).label, tuple(tuple(pair) for pair in pairs))


# --- string concatenation: the loop that was quadratic on 3.13t ------------------------------

def _append_local(n: int) -> int:
    s = ""
    for _ in range(n):
        s += "x"       # BINARY_OP (+=) followed by STORE_FAST s: may grow s in place
    return len(s)


_shared = ""


def _append_global(n: int) -> int:
    global _shared
    _shared = ""
    for _ in range(n):
        _shared += "x"  # the result goes to a module global: a new string every time
    return len(_shared)


_APPENDERS = {"local": _append_local, "global": _append_global}


@dataclass(frozen=True)
class ConcatRow:
    variant: str           # "local" (s is a local variable) or "global"
    instruction: str       # what the += instruction runs as after warm-up
    seconds_n: float       # best time for n appends
    seconds_2n: float      # best time for 2n appends, measured in the same rounds

    @property
    def growth(self) -> float:
        """Time for 2n over time for n: about 2 when the work is linear, about 4 when quadratic."""
        return self.seconds_2n / self.seconds_n


@dataclass(frozen=True)
class Concatenation:
    interpreter: str
    n: int
    rows: Tuple[ConcatRow, ...]

    def row(self, variant: str) -> ConcatRow:
        return next(r for r in self.rows if r.variant == variant)


def _concatenation_as_dict(n: int, repeats: int) -> dict:
    import dis
    import math
    import time

    from .interpreters import current

    rows = []
    for variant, function in _APPENDERS.items():
        for _ in range(4):      # warm up: the adaptive interpreter specializes after a few runs
            function(200)
        ops = [i.opname for i in dis.get_instructions(function, adaptive=True) if i.opname.startswith("BINARY_OP")]
        best = {n: math.inf, 2 * n: math.inf}
        for _ in range(repeats):   # n and 2n alternate, so a busy moment falls on both
            for size in best:
                began = time.perf_counter()
                function(size)
                best[size] = min(best[size], time.perf_counter() - began)
        rows.append({"variant": variant, "instruction": ",".join(ops), "seconds_n": best[n],
                     "seconds_2n": best[2 * n]})
    return {"interpreter": current().label, "n": n, "rows": rows}


def concatenation(interpreter: Optional[str] = None, n: int = 40_000, repeats: int = 5) -> Concatenation:
    """Append one character n and 2n times to a local string and to a global one; report the
    instruction the += runs as, and the times.

    When `+=` on a local string is followed by STORE_FAST to the same name, the specializing
    interpreter runs it as BINARY_OP_INPLACE_ADD_UNICODE, which resizes the string in place when
    nothing else refers to it: linear work. Without that specialization (the 3.13 free-threaded
    build compiled specialization out) or with the result stored elsewhere (the global variant,
    BINARY_OP_ADD_UNICODE), every `+=` copies the whole string: quadratic work.
    """
    if n < 1 or repeats < 1:
        raise ValueError("n and repeats must be at least 1")
    from . import remote

    if remote.elsewhere(interpreter):
        data = remote.call(interpreter, "status._concatenation_as_dict", n=n, repeats=repeats)
    else:
        data = _concatenation_as_dict(n, repeats)
    return Concatenation(data["interpreter"], data["n"], tuple(ConcatRow(**r) for r in data["rows"]))


# --- multiprocessing's default start method ---------------------------------------------------

_START_METHOD_PROBE = ("import json, multiprocessing as m; "
                       "print(json.dumps([m.get_start_method(), m.get_all_start_methods()]))")


@dataclass(frozen=True)
class StartMethod:
    interpreter: str
    default: str                 # multiprocessing.get_start_method() in a fresh process
    available: Tuple[str, ...]   # multiprocessing.get_all_start_methods(), the default first


def start_method(interpreter: Optional[str] = None) -> StartMethod:
    """The start method a fresh process of `interpreter` uses when a program does not choose one."""
    executable = interpreter or sys.executable
    default, available = json.loads(_run_probe(executable, _START_METHOD_PROBE))
    return StartMethod(describe(executable).label, default, tuple(available))
