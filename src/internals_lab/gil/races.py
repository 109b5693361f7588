"""Lost updates: several threads add 1 to a shared counter, and some additions vanish.

`box.value += 1` is three steps in bytecode (load the attribute, add, store it back). If
another thread stores between this thread's load and store, one of the two additions is lost.
The GIL never made the three steps one: it only decides *where* a thread may be switched out.
Since 3.10 a GIL build switches threads only at a few checkpoints (function entry, backward
jumps, some calls), so a tight `+= 1` loop rarely loses anything there, and a call between the
load and the store loses plenty; before 3.10 almost any instruction was a checkpoint. A
free-threaded build runs the threads at the same time, so the plain loop loses too. A lock
makes the three steps one for every other thread that takes the same lock, on every build.

Styles:
- "plain":        box.value += 1
- "call-between": v = box.value; touch(); box.value = v + 1   (a Python call in between)
- "locked":       with lock: box.value += 1
"""
from __future__ import annotations

import sys
import threading
from dataclasses import asdict, dataclass
from typing import List, Optional

from . import remote
from .interpreters import current

__all__ = ["RaceResult", "race_counter", "loop_body", "STYLES"]

STYLES = ("plain", "call-between", "locked")


class _Box:
    def __init__(self) -> None:
        self.value = 0


def _touch() -> None:
    pass


def _plain(box: _Box, n: int, lock: threading.Lock) -> None:
    for _ in range(n):
        box.value += 1


def _call_between(box: _Box, n: int, lock: threading.Lock) -> None:
    for _ in range(n):
        value = box.value
        _touch()
        box.value = value + 1


def _locked(box: _Box, n: int, lock: threading.Lock) -> None:
    for _ in range(n):
        with lock:
            box.value += 1


_BODIES = {"plain": _plain, "call-between": _call_between, "locked": _locked}


@dataclass(frozen=True)
class RaceResult:
    style: str
    threads: int
    increments: int      # per thread
    expected: int
    observed: int
    interpreter: str

    @property
    def lost(self) -> int:
        return self.expected - self.observed

    @property
    def lost_fraction(self) -> float:
        return self.lost / self.expected


def race_counter(style: str = "plain", threads: int = 4, increments: int = 100_000, *,
                 switch_interval: Optional[float] = None, interpreter: Optional[str] = None,
                 timeout: float = 60.0) -> RaceResult:
    """Run `threads` threads that each add 1 `increments` times; report what was lost."""
    if style not in STYLES:
        raise ValueError(f"style must be one of {STYLES}, got {style!r}")
    if threads < 1 or increments < 1:
        raise ValueError("threads and increments must be at least 1")
    if remote.elsewhere(interpreter):
        data = remote.call(interpreter, "races._race_as_dict", timeout=timeout + 30, style=style,
                           threads=threads, increments=increments, switch_interval=switch_interval)
        return RaceResult(**data)
    from .workers import run_threads

    box, lock = _Box(), threading.Lock()
    previous = sys.getswitchinterval()
    try:
        if switch_interval is not None:
            sys.setswitchinterval(switch_interval)
        run_threads(_BODIES[style], [(box, increments, lock)] * threads, timeout=timeout)
    finally:
        sys.setswitchinterval(previous)
    label = current().label
    return RaceResult(style, threads, increments, threads * increments, box.value, label)


def _race_as_dict(**kwargs) -> dict:
    return asdict(race_counter(**kwargs))


def loop_body(style: str) -> List[str]:
    """The instructions one iteration of a style's loop runs, from FOR_ITER to JUMP_BACKWARD.

    This is where a GIL build can switch threads: at the JUMP_BACKWARD, and at the RESUME of
    a called Python function (a CALL into C checks after it returns).
    """
    import dis

    if style not in STYLES:
        raise ValueError(f"style must be one of {STYLES}, got {style!r}")
    names = [i.opname for i in dis.get_instructions(_BODIES[style])]
    start = names.index("FOR_ITER") + 1
    return names[start:names.index("JUMP_BACKWARD", start) + 1]
