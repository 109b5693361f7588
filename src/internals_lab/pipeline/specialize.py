"""Stage 7, at run time: PEP 659's specializing adaptive interpreter, observed.

Design: `specialization_timeline()` defines a fresh function from source (so no earlier
call has warmed it), then runs phases of calls, each a (label, args, times) triple, and
snapshots `dis.get_instructions(..., adaptive=True)` after each phase. The result is a list
of `Snapshot` records, deterministic because CPython's warm-up and back-off counters are
fixed constants: from 3.12 through 3.15 an instruction specializes on its second execution
(ADAPTIVE_WARMUP_VALUE 1) and, after specializing, tolerates 52 misses before it falls
back and re-specializes on the 53rd (ADAPTIVE_COOLDOWN_VALUE 52), see
`Include/internal/pycore_code.h`. 3.11 first waits 8 calls before quickening the code
object at all, and shows the fallback as a separate *_ADAPTIVE instruction.
This runs the chapter's own example functions, never a learner's explorer input.
"""
from __future__ import annotations

import dis
from dataclasses import dataclass

__all__ = ["Snapshot", "specialization_timeline", "SPECIALIZATION_CONSTANTS"]

# Read from Include/internal/pycore_code.h at v3.12.0 and v3.13.0 (3.11: QUICKENING_WARMUP_DELAY 8
# in the same header, plus the per-instruction counters of Python/specialize.c).
SPECIALIZATION_CONSTANTS = {"ADAPTIVE_WARMUP_VALUE": 1, "ADAPTIVE_COOLDOWN_VALUE": 52}


@dataclass(frozen=True)
class Snapshot:
    label: str                    # what the phase did, e.g. "2 calls with ints"
    calls_so_far: int
    instructions: tuple[tuple[str, str], ...]   # (opname, argrepr) with adaptive=True
    results: tuple[object, ...]   # the distinct values the phase returned (shows it still computes)

    def opnames(self) -> list[str]:
        return [op for op, _ in self.instructions]


def specialization_timeline(source: str, function: str, phases, *,
                            timeout: float | None = 60.0) -> list[Snapshot]:
    """Define `function` from `source` afresh, run `phases` of calls, snapshot after each.

    `timeout` bounds the wall time of defining and calling it (TimeLimitExceeded; None: none).
    """
    from ..deadline import time_limit

    with time_limit(timeout, what="specialization_timeline()"):
        return _timeline(source, function, phases)


def _timeline(source: str, function: str, phases) -> list[Snapshot]:
    namespace: dict[str, object] = {}
    exec(compile(source, "<specialize>", "exec", dont_inherit=True), namespace)
    fn = namespace.get(function)
    if not callable(fn):
        defined = sorted(name for name, value in namespace.items()
                         if callable(value) and not name.startswith("__"))
        raise ValueError(f"the source defines no function named {function!r}"
                         + (f"; it defines {', '.join(defined)}" if defined else ""))

    def snap(label: str, calls: int, results: tuple) -> Snapshot:
        rows = tuple((i.opname, i.argrepr) for i in dis.get_instructions(fn, adaptive=True))
        # A code-object constant's argrepr has an address; none of the chapter's examples nests one.
        return Snapshot(label, calls, rows, results)

    out = [snap("defined, never called", 0, ())]
    calls = 0
    for label, args, times in phases:
        results = []
        for _ in range(times):
            value = fn(*args)
            if value not in results:
                results.append(value)
        calls += times
        out.append(snap(label, calls, tuple(results)))
    return out
