"""Where a pure-Python VM spends its time, and what it costs next to CPython's own loop.

Design: `profile_vm` runs a program in the teaching VM under `cProfile` and returns one
`ProfileRow` per Python function (handler, loop, helper), with call counts (deterministic: the
same program makes the same calls) and times (not deterministic). `handler_counts` keeps the
`op_*` handlers and their counts, which the tests compare with the instruction counts of a
trace of the same program. `vm_vs_cpython` times the same compiled program in the VM and in
CPython, interleaved, after a warm-up, and returns the median ratio. `specialization_gain`
asks what the VM loses by not specializing: `QuickeningVM` rewrites each integer `BINARY_OP`
(+, -, *) into a handler that checks both operands are ints and computes inline, falling back
to the generic path otherwise (the shape of CPython's BINARY_OP_ADD_INT and friends, decided
at decode time instead of adaptively), and the same program is timed in both VMs. The profiler is always
switched off in `finally`, also when the program raises, so no hook outlives the call.
"""
from __future__ import annotations

import builtins
import contextlib
import cProfile
import pstats
import statistics
import sys
import time
from dataclasses import dataclass

__all__ = ["ProfileRow", "ProfileError", "profile_vm", "handler_counts", "profile_table", "SpeedRatio", "vm_vs_cpython",
           "quickening_vm_class", "SpecializationGain", "specialization_gain"]


@dataclass(frozen=True)
class ProfileRow:
    function: str        # e.g. "op_LOAD_FAST" or "run_frame"
    module: str          # the file's name, e.g. "interpreter.py"
    calls: int           # primitive + recursive calls (deterministic)
    tottime: float       # seconds inside the function itself (not deterministic)
    cumtime: float       # seconds including what it called (not deterministic)


class ProfileError(RuntimeError):
    """The profiling process failed, or the program raised an error that cannot be rebuilt here."""


def profile_vm(source: str, repeat: int = 1, isolated: bool = True, *,
               timeout: float | None = 60.0) -> list[ProfileRow]:
    """Run `source` in the VM `repeat` times under cProfile; rows sorted by own time.

    `isolated` (the default) profiles in a fresh interpreter process. From 3.12 cProfile sits on
    sys.monitoring, whose events come from every thread, and a notebook kernel's own threads
    would then disturb the call counts; a process with one thread keeps them exact. The
    program's own output is discarded (the rows come back through a file of their own), a
    `sys.exit()` ends that run as it would end a script, and `timeout` bounds the wall time
    (TimeoutError with a message; None for no bound). The process dies with its parent.
    """
    if not isinstance(source, str):
        raise TypeError(f"profile_vm() needs the program's source as a str, not {type(source).__name__}")
    if not isinstance(repeat, int) or repeat < 1:
        raise ValueError(f"repeat must be a positive int, got {repeat!r}")
    # A syntax error surfaces here, with its own message (dont_inherit: as `vm.run` compiles).
    compile(source, "<profiled>", "exec", dont_inherit=True)
    # In the browser (Pyodide) no process can start, and none is needed: it has no other threads.
    if isolated and sys.platform != "emscripten":
        return _profile_in_subprocess(source, repeat, timeout)
    from ..deadline import time_limit

    with time_limit(timeout, what="the profiled program"):
        return _profile_here(source, repeat)


def _profile_here(source: str, repeat: int) -> list[ProfileRow]:
    from ..vm import run

    profiler = cProfile.Profile()
    profiler.enable()
    try:
        for _ in range(repeat):
            try:
                run(source, "<profiled>")
            except SystemExit:
                break  # the program exited, as a script may: its profile so far is the answer
    finally:
        profiler.disable()
    stats = pstats.Stats(profiler)
    rows = []
    for (filename, _line, name), (_cc, ncalls, tottime, cumtime, _callers) in stats.stats.items():
        module = filename.replace("\\", "/").rsplit("/", 1)[-1]
        rows.append(ProfileRow(name, module, ncalls, tottime, cumtime))
    rows.sort(key=lambda r: (-r.tottime, r.function))
    return rows


def _rebuild_error(name: str, message: str) -> Exception:
    """The program's own exception type when it is a builtin that takes a message, else ProfileError."""
    kind = getattr(builtins, name, None)
    if isinstance(kind, type) and issubclass(kind, Exception):
        try:
            return kind(message)
        except Exception:  # UnicodeDecodeError and friends need more than a message
            pass
    return ProfileError(f"the program raised {name}: {message}")


def _profile_in_subprocess(source: str, repeat: int, timeout: float | None) -> list[ProfileRow]:
    import json
    import os
    import subprocess
    import sys
    import tempfile
    from pathlib import Path

    from ..children import run_child

    package_root = str(Path(__file__).resolve().parents[2])
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")])))
    with tempfile.TemporaryDirectory(prefix="internals-lab-profile-") as tmp:
        answer_path, errors_path = Path(tmp, "answer.json"), Path(tmp, "stderr.txt")
        # The program's stdout is not ours: the answer travels in a file of its own.
        with open(errors_path, "wb") as errors:
            done = run_child([sys.executable, "-m", "internals_lab.evalloop.profile", str(answer_path)],
                             input=json.dumps({"source": source, "repeat": repeat}).encode("utf-8"),
                             stdout=subprocess.DEVNULL, stderr=errors, env=env, timeout=timeout,
                             what="the profiled program")
        text = answer_path.read_text(encoding="utf-8") if answer_path.exists() else ""
        if not text:
            with open(errors_path, "rb") as errors:
                errors.seek(max(0, errors_path.stat().st_size - 2000))
                tail = errors.read().decode("utf-8", "replace").strip().splitlines()
            raise ProfileError(f"the profiling process exited with status {done.returncode} before answering"
                               + (f": {tail[-1]}" if tail else ""))
    answer = json.loads(text)
    if "error" in answer:
        raise _rebuild_error(*answer["error"])
    return [ProfileRow(*row) for row in answer["rows"]]


def _main() -> None:
    """Child side of `profile_vm(isolated=True)`: JSON request on stdin, JSON answer in argv[1]."""
    import json
    import sys

    answer_path = sys.argv[1]
    request = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    try:
        answer = {"rows": [[r.function, r.module, r.calls, r.tottime, r.cumtime]
                           for r in _profile_here(request["source"], request["repeat"])]}
    except Exception as exc:
        answer = {"error": [type(exc).__name__, str(exc)]}
    except BaseException as exc:  # KeyboardInterrupt raised by the program itself, say
        answer = {"error": [type(exc).__name__, str(exc) or "(no message)"]}
    with open(answer_path, "w", encoding="utf-8") as out:
        json.dump(answer, out)


# The VM's modules that define opcode handlers: one per instruction family (vm/interpreter.py
# lists them), and what 3.14 and 3.15 changed in ops_314/ops_315.
_HANDLER_FILES = ("ops_loads.py", "ops_operators.py", "ops_calls.py", "ops_control.py", "ops_exceptions.py",
                  "ops_generators.py", "ops_classes.py", "ops_intrinsics.py", "ops_314.py", "ops_315.py")


def handler_counts(rows: list[ProfileRow]) -> dict[str, int]:
    """Calls of each opcode handler (`op_NAME` functions of the VM), by handler name."""
    return {r.function: r.calls for r in rows if r.function.startswith("op_") and r.module in _HANDLER_FILES}


_VM_FILES = (*_HANDLER_FILES, "interpreter.py", "frame_builtins.py", "frame.py", "functions.py", "tracing.py", "__init__.py")


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


def vm_vs_cpython(source: str, repeats: int = 7, warmup: int = 2, *, bounds=None) -> SpeedRatio:
    """Median time of the program in the VM over its median time in CPython, same run.

    The first (untimed) warm-up run in the VM is bounded (`bounds`, default `vm.RUN_BOUNDS`:
    steps, wall time, output) and raises its `LimitExceeded`; the timed runs are unbounded (a
    guard would be timed too) and repeat a program already seen to finish within the bounds.
    """
    from ..vm import RUN_BOUNDS, VirtualMachine, bounded
    from ..vm.interpreter import recursion_room

    # dont_inherit: the program must not inherit this module's `from __future__ import annotations`.
    code = compile(source, "<timed>", "exec", dont_inherit=True)

    def in_vm(limits=None):
        vm = VirtualMachine()
        with (bounded(vm, limits) if limits is not None else contextlib.nullcontext()), recursion_room(vm):
            vm.run_code(code, {"__name__": "__main__", "__builtins__": builtins})

    def in_cpython():
        exec(code, {"__name__": "__main__", "__builtins__": builtins})

    # The first warm-up run in the VM is the bounded one (one more run only when warmup=0).
    for i in range(max(warmup, 1)):
        in_vm((bounds if bounds is not None else RUN_BOUNDS) if i == 0 else None)
        if i < warmup:
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


# -- what specializing would buy the VM ---------------------------------------------------------
def _build_fast_paths():
    import operator

    # Inline the operation in each handler (a call to _add would cost what we try to save).
    def add(f, a):
        s = f.stack
        right = s.pop()
        left = s[-1]
        s[-1] = left + right if type(left) is int and type(right) is int else a(left, right)

    def sub(f, a):
        s = f.stack
        right = s.pop()
        left = s[-1]
        s[-1] = left - right if type(left) is int and type(right) is int else a(left, right)

    def mul(f, a):
        s = f.stack
        right = s.pop()
        left = s[-1]
        s[-1] = left * right if type(left) is int and type(right) is int else a(left, right)

    add.__name__, sub.__name__, mul.__name__ = "op_BINARY_OP_ADD_INT", "op_BINARY_OP_SUBTRACT_INT", "op_BINARY_OP_MULTIPLY_INT"
    return {operator.add: add, operator.iadd: add, operator.sub: sub, operator.isub: sub,
            operator.mul: mul, operator.imul: mul}


def quickening_vm_class():
    """The VM class with integer fast paths (built on first use: the VM imports lazily here)."""
    from ..vm import HANDLERS, VirtualMachine

    fast = _build_fast_paths()
    generic = HANDLERS["BINARY_OP"]

    class QuickeningVM(VirtualMachine):
        """The teaching VM with integer BINARY_OPs rewritten to guarded fast paths at decode time."""

        def __init__(self) -> None:
            super().__init__()
            self.quickened = 0
            self._done: set[int] = set()

        def decoded(self, code):
            d = super().decoded(code)
            if id(d) not in self._done:
                self._done.add(id(d))
                for i, (handler, arg) in enumerate(d.ops):
                    if handler is generic and arg in fast:
                        d.ops[i] = (fast[arg], arg)
                        self.quickened += 1
            return d

    return QuickeningVM


@dataclass(frozen=True)
class SpecializationGain:
    generic_seconds: float      # median, the VM as it is
    specialized_seconds: float  # median, with the integer fast paths
    repeats: int
    quickened: int              # BINARY_OP instructions rewritten (deterministic)
    same_result: bool           # both VMs left the same globals (deterministic)

    @property
    def ratio(self) -> float:
        return self.generic_seconds / self.specialized_seconds


def specialization_gain(source: str, repeats: int = 7, warmup: int = 2, *,
                        timeout: float | None = 120.0) -> SpecializationGain:
    """Time `source` in the VM and in the quickening VM, interleaved; medians and their ratio.

    `timeout` bounds all the runs together (TimeLimitExceeded; None: no bound): the program
    runs 2 * (1 + warmup + repeats) times.
    """
    from ..deadline import time_limit

    code = compile(source, "<timed>", "exec", dont_inherit=True)  # no future flags of ours
    with time_limit(timeout, what="specialization_gain()'s runs of the program"):
        return _specialization_gain(code, repeats, warmup)


def _specialization_gain(code, repeats: int, warmup: int) -> SpecializationGain:
    from ..vm import VirtualMachine
    from ..vm.interpreter import recursion_room

    QuickeningVM = quickening_vm_class()

    def once(cls):
        vm = cls()
        namespace = {"__name__": "__main__", "__builtins__": builtins}
        with recursion_room(vm):
            vm.run_code(code, namespace)
        return vm, namespace

    _, plain = once(VirtualMachine)
    quick_vm, quick = once(QuickeningVM)
    same = {k: v for k, v in plain.items() if k != "__builtins__" and not callable(v)} == \
           {k: v for k, v in quick.items() if k != "__builtins__" and not callable(v)}
    for _ in range(warmup):
        once(VirtualMachine)
        once(QuickeningVM)
    generic, special = [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        once(VirtualMachine)
        t1 = time.perf_counter()
        once(QuickeningVM)
        t2 = time.perf_counter()
        generic.append(t1 - t0)
        special.append(t2 - t1)
    return SpecializationGain(statistics.median(generic), statistics.median(special), repeats,
                              quick_vm.quickened, same)


if __name__ == "__main__":
    _main()
