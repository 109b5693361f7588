"""Where a pure-Python VM spends its time, and what it costs next to CPython's own loop.

Design: `profile_vm` runs a program in the teaching VM under `cProfile` and returns one
`ProfileRow` per Python function (handler, loop, helper), with call counts (deterministic: the
same program makes the same calls) and times (not deterministic). `handler_counts` keeps the
`op_*` handlers and their counts, which the tests compare with the instruction counts of a
trace of the same program. `vm_vs_cpython` times the same compiled program in the VM and in
CPython, interleaved, after a warm-up, and returns the median ratio. The profiler is always
switched off in `finally`, also when the program raises, so no hook outlives the call.
"""
from __future__ import annotations

import builtins
import cProfile
import pstats
import statistics
import time
from dataclasses import dataclass

__all__ = ["ProfileRow", "profile_vm", "handler_counts", "profile_table", "SpeedRatio", "vm_vs_cpython"]


@dataclass(frozen=True)
class ProfileRow:
    function: str        # e.g. "op_LOAD_FAST" or "run_frame"
    module: str          # the file's name, e.g. "interpreter.py"
    calls: int           # primitive + recursive calls (deterministic)
    tottime: float       # seconds inside the function itself (not deterministic)
    cumtime: float       # seconds including what it called (not deterministic)


def profile_vm(source: str, repeat: int = 1) -> list[ProfileRow]:
    """Run `source` in the VM `repeat` times under cProfile; rows sorted by own time."""
    from ..vm import run

    if not isinstance(source, str):
        raise TypeError(f"profile_vm() needs the program's source as a str, not {type(source).__name__}")
    code = compile(source, "<profiled>", "exec")  # a syntax error surfaces before profiling starts
    del code
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        for _ in range(repeat):
            run(source, "<profiled>")
    finally:
        profiler.disable()
    stats = pstats.Stats(profiler)
    rows = []
    for (filename, _line, name), (_cc, ncalls, tottime, cumtime, _callers) in stats.stats.items():
        module = filename.replace("\\", "/").rsplit("/", 1)[-1]
        rows.append(ProfileRow(name, module, ncalls, tottime, cumtime))
    rows.sort(key=lambda r: (-r.tottime, r.function))
    return rows


def handler_counts(rows: list[ProfileRow]) -> dict[str, int]:
    """Calls of each opcode handler (`op_NAME` functions of the VM), by handler name."""
    return {r.function: r.calls for r in rows if r.function.startswith("op_") and r.module == "interpreter.py"}


_VM_FILES = ("interpreter.py", "frame.py", "functions.py", "tracing.py", "__init__.py")


def profile_table(rows: list[ProfileRow], top: int = 10, times: bool = True, vm_only: bool = True):
    """The top rows as a `Table`; `times=False` leaves out the columns that vary between runs.

    `vm_only` keeps the VM's own Python functions: from 3.12 cProfile is built on
    sys.monitoring, which sees every thread, so a notebook's kernel threads show up too.
    """
    from ..render import Table

    if vm_only:
        rows = [r for r in rows if r.module in _VM_FILES]
    if times:
        total = sum(r.tottime for r in rows) or 1.0
        return Table(["function", "file", "calls", "own time (share)", "cumulative (ms)"],
                     [[r.function, r.module, r.calls, f"{r.tottime / total:.0%}", f"{r.cumtime * 1e3:.1f}"]
                      for r in rows[:top]], code_columns=["function"])
    ordered = sorted(rows, key=lambda r: (-r.calls, r.function))[:top]
    return Table(["function", "file", "calls"], [[r.function, r.module, r.calls] for r in ordered],
                 code_columns=["function"])


@dataclass(frozen=True)
class SpeedRatio:
    vm_seconds: float        # median of one run in the VM
    cpython_seconds: float   # median of one run of the same code object in CPython
    repeats: int

    @property
    def ratio(self) -> float:
        return self.vm_seconds / self.cpython_seconds


def vm_vs_cpython(source: str, repeats: int = 7, warmup: int = 2) -> SpeedRatio:
    """Median time of the program in the VM over its median time in CPython, same run."""
    from ..vm import VirtualMachine
    from ..vm.interpreter import recursion_room

    code = compile(source, "<timed>", "exec")

    def in_vm():
        vm = VirtualMachine()
        with recursion_room(vm):
            vm.run_code(code, {"__name__": "__main__", "__builtins__": builtins})

    def in_cpython():
        exec(code, {"__name__": "__main__", "__builtins__": builtins})

    for _ in range(warmup):
        in_vm()
        in_cpython()
    vm_times, py_times = [], []
    for _ in range(repeats):  # interleaved, so a slow moment of the machine hits both
        t0 = time.perf_counter()
        in_vm()
        t1 = time.perf_counter()
        in_cpython()
        t2 = time.perf_counter()
        vm_times.append(t1 - t0)
        py_times.append(t2 - t1)
    return SpeedRatio(statistics.median(vm_times), statistics.median(py_times), repeats)
