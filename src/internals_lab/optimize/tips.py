"""Post 6's fourteen optimization tips, each with deterministic evidence and a measurement.

Design: the verdict of a tip never depends on a timing. Each verdict rests on a fact that is
the same on every run of the same interpreter: how many bytecode instructions a version
executes (`executed_instructions`, counted with a line-and-opcode trace hook), which
specialized instruction the adaptive interpreter chose (`specialized_opnames`, PEP 659), how
many times `__eq__` or a function is called, how many bytes tracemalloc saw at the peak. The
timings (`tip_comparison`) show how much the fact matters on this machine; they are displayed,
never asserted. Version-dependent tips are also probed on other installed interpreters
(`probe_versions`), in a subprocess running a self-contained script.
"""
from __future__ import annotations

import dis
import json
import os
import sys
import threading
from collections.abc import Callable
import functools
from dataclasses import dataclass
from functools import lru_cache

from ..children import exit_when_parent_dies, run_child
from ..render import Table

__all__ = ["Tip", "TIPS", "tip", "executed_instructions", "specialized_opnames", "eq_calls",
           "tip_candidates", "tip_comparison", "concat_module_level", "concat_local",
           "installed_interpreters", "probe_versions", "VersionProbe", "verdict_table",
           "evidence_facts", "fib", "fib_cached", "cpu_work", "run_serial", "run_pool"]

@dataclass(frozen=True)
class Tip:
    number: int
    title: str
    claim: str  # its id in claims.toml, the one source of its verdict
    why: str  # the reason, in terms of bytecode, specialization, frames

    @property
    def verdict(self) -> str:
        """The claims registry's verdict for the interpreter running this code (e.g. 3.14t)."""
        return _verdict_here(self.claim)


@functools.lru_cache(maxsize=None)
def _verdict_here(claim_id: str) -> str:
    from ..claims import load_claims
    from ..interpreters import current

    try:
        claims = {c.id: c for c in load_claims()}
    except (OSError, ValueError):
        return "see the book's claims page"   # an installed package without the repository
    return claims[claim_id].verdict_on(current().feature)


TIPS = [
    Tip(1, "Use built-ins such as sum()", "post6-builtins",
        "A Python loop runs several bytecode instructions per element (FOR_ITER, STORE_FAST, "
        "LOAD_FAST, BINARY_OP, ...); sum(range(n)) is one CALL whose loop runs in C."),
    Tip(2, "Use a set, not a list, for membership", "post6-set-membership",
        "`x in list` compares with up to every element (O(n) __eq__ calls); `x in set` hashes "
        "once and compares with the few entries in one bucket (O(1) on average)."),
    Tip(3, "Comprehensions instead of append loops", "post6-comprehensions",
        "The loop looks up and calls `append` per element (LOAD_ATTR + CALL); a comprehension "
        "uses one LIST_APPEND instruction. Up to 3.11 a comprehension is also a hidden function "
        "(MAKE_FUNCTION + CALL, a new frame); 3.12 inlines it (PEP 709), which matters for short lists."),
    Tip(4, "Generators for large data", "post6-generators",
        "A generator keeps one frame and one item alive instead of the whole list, so the peak "
        "memory is constant; it is not faster (each item resumes the generator's frame)."),
    Tip(5, "Optimize loops: iterate directly, hoist repeated work", "post6-loops",
        "`for i in range(len(xs)): xs[i]` adds a range iterator, a LOAD and a subscript (BINARY_SUBSCR; BINARY_OP [] from 3.14) per "
        "element to what `for x in xs` does; a calculation repeated inside the loop runs n times."),
    Tip(6, "join() instead of += on strings", "post6-join",
        "For a local variable CPython's BINARY_OP_INPLACE_ADD_UNICODE resizes the string in place "
        "(its only reference is the variable), so += stays linear. At module level the name lives "
        "in a dict, the specializer picks BINARY_OP_ADD_UNICODE, and every += copies: quadratic "
        "from 3.11 (3.10 and earlier also resized module-level strings in place). join is linear everywhere."),
    Tip(7, "Caching with lru_cache", "post6-lru-cache",
        "Naive recursive fib(n) makes an exponential number of calls (each a new frame); the "
        "cache answers repeats from a dict, so fib(n) makes n + 1 real calls."),
    Tip(8, "Profile first", "post6-profile-first",
        "cProfile's exact call counts point to the function that runs most; the hotspot is "
        "rarely where one guesses, so measuring first picks the right thing to fix."),
    Tip(9, "Use NumPy for numeric work", "post6-numpy",
        "A whole-array expression runs one C loop per operation over unboxed numbers; the "
        "interpreter runs a few instructions per call instead of per element. (Indexing a NumPy "
        "array element by element in a Python loop is slower than a list: each item is boxed.)"),
    Tip(10, "Avoid global variables", "post6-globals",
        "Since 3.11 LOAD_GLOBAL specializes to LOAD_GLOBAL_MODULE / LOAD_GLOBAL_BUILTIN, which "
        "check a dict-keys version and load by index, so a global read costs little more than "
        "LOAD_FAST; the large gap of 3.10 and earlier is mostly gone."),
    Tip(11, "Multiprocessing for CPU-bound work", "post6-multiprocessing",
        "With the GIL, threads run Python bytecode one at a time; processes each have their own "
        "interpreter. It pays only when the work per task outweighs starting workers and pickling "
        "arguments and results (and on a free-threaded build threads can do it too)."),
    Tip(12, "JIT compilation with numba", "post6-numba",
        "numba compiles a typed nopython function to machine code through LLVM: no bytecode "
        "dispatch, no boxed numbers. It costs a compile at the first call (cache=True stores it)."),
    Tip(13, "Reduce function calls in hot paths", "post6-function-calls",
        "Each Python call pushes a frame (cheaper since 3.11, which no longer recurses in C for "
        "Python-to-Python calls) and runs the callee's RESUME/LOAD/RETURN instructions; CPython's "
        "interpreter (3.11 to 3.15) does not inline calls, so inlining by hand removes them."),
    Tip(14, "Choose the right algorithm", "post6-algorithm",
        "Growth beats constants: an O(n^2) algorithm loses to an O(n log n) one at some size, "
        "whatever the interpreter; the fitted exponent on a log-log plot shows which you have."),
]


def tip(number: int) -> Tip:
    for t in TIPS:
        if t.number == number:
            return t
    raise ValueError(f"post 6 has tips 1 to 14; there is no tip {number!r}")


# --- deterministic evidence -------------------------------------------------------------------

def executed_instructions(fn: Callable[..., object], *args: object) -> int:
    """How many bytecode instructions run in Python frames during `fn(*args)` (C code is free).

    3.12 and later: a sys.monitoring INSTRUCTION callback (PEP 669). 3.11: a trace hook with
    `f_trace_opcodes`. The hook is removed, and the previous state restored, even if `fn` raises.
    The few instructions of the measuring code itself are subtracted (measured on a no-op).
    """
    return max(0, _count_instructions(fn, args) - _count_instructions(_noop, ()))


def _noop(*args):
    return None


def _count_instructions(fn, args) -> int:
    count = 0
    monitoring = getattr(sys, "monitoring", None)
    if monitoring is not None:
        # sys.monitoring events fire in every thread (a Jupyter kernel has several busy ones);
        # count only this thread's instructions.
        me = threading.get_ident()

        def on_instruction(code, offset):
            nonlocal count
            if threading.get_ident() == me:
                count += 1

        tool = next((i for i in range(6) if monitoring.get_tool(i) is None), None)
        if tool is None:
            raise RuntimeError("every sys.monitoring tool id is in use; stop a debugger or profiler first")
        monitoring.use_tool_id(tool, "internals_lab.instruction_count")
        try:
            monitoring.register_callback(tool, monitoring.events.INSTRUCTION, on_instruction)
            monitoring.set_events(tool, monitoring.events.INSTRUCTION)
            fn(*args)
        finally:
            monitoring.set_events(tool, 0)
            monitoring.register_callback(tool, monitoring.events.INSTRUCTION, None)
            monitoring.free_tool_id(tool)
        return count

    def local(frame, event, arg):
        nonlocal count
        if event == "opcode":
            count += 1
        return local

    def on_call(frame, event, arg):
        frame.f_trace_opcodes = True
        return local

    previous = sys.gettrace()
    sys.settrace(on_call)
    try:
        fn(*args)
    finally:
        sys.settrace(previous)
    return count


def specialized_opnames(code_or_fn, run: Callable[[], object], warmups: int = 3) -> list[str]:
    """Run `run()` a few times, then the adaptive (specialized) opnames of the code object."""
    for _ in range(warmups):
        run()
    return [i.opname for i in dis.get_instructions(code_or_fn, adaptive=True)]


class _Counted:
    """An int-like value that counts how often it is compared for equality."""
    eq_calls = 0

    def __init__(self, value: int) -> None:
        self.value = value

    def __eq__(self, other: object) -> bool:
        _Counted.eq_calls += 1
        return isinstance(other, _Counted) and other.value == self.value

    def __hash__(self) -> int:
        return hash(self.value)


def eq_calls(container_type: type, n: int, probe: int) -> int:
    """__eq__ calls for `probe in container_type(range(n))` (values wrapped to count)."""
    container = container_type(_Counted(i) for i in range(n))
    needle = _Counted(probe)
    _Counted.eq_calls = 0
    _ = needle in container
    return _Counted.eq_calls


# --- the candidates for each tip ---------------------------------------------------------------

def _loop_sum(n):
    total = 0
    for i in range(n):
        total += i
    return total


def _builtin_sum(n):
    return sum(range(n))


def _append_loop(n):
    squares = []
    for x in range(n):
        squares.append(x * x)
    return squares


def _comprehension(n):
    return [x * x for x in range(n)]


def _sum_list(n):
    return sum([x * x for x in range(n)])


def _sum_generator(n):
    return sum(x * x for x in range(n))


def _by_index(xs):
    total = 0
    for i in range(len(xs)):
        total += xs[i] * 2
    return total


def _direct(xs):
    total = 0
    for x in xs:
        total += x * 2
    return total


def _join(words):
    return "".join(words)


def concat_local(words):
    result = ""
    for word in words:
        result += word
    return result


_MODULE_CONCAT = compile("result = ''\nfor word in words:\n    result += word\n", "<module-level +=>", "exec")


def concat_module_level(words):
    """The same += loop, run as module-level code (names in a dict, STORE_NAME)."""
    namespace = {"words": words}
    exec(_MODULE_CONCAT, namespace)
    return namespace["result"]


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


@lru_cache(maxsize=None)
def _fib_cached_inner(n):
    return n if n < 2 else _fib_cached_inner(n - 1) + _fib_cached_inner(n - 2)


def fib_cached(n):
    _fib_cached_inner.cache_clear()  # every run starts cold, so runs are comparable
    return _fib_cached_inner(n)


def _list_in(data):
    haystack, needles = data
    return sum(1 for x in needles if x in haystack)


def _set_in(data):
    haystack, needles = data
    as_set = set(haystack)
    return sum(1 for x in needles if x in as_set)


_SCALE = 3


def _global_loop(n):
    total = 0
    for i in range(n):
        total += i * _SCALE
    return total


def _local_loop(n):
    scale = _SCALE
    total = 0
    for i in range(n):
        total += i * scale
    return total


def _square(x):
    return x * x


def _with_calls(n):
    total = 0
    for i in range(n):
        total += _square(i)
    return total


def _inlined(n):
    total = 0
    for i in range(n):
        total += i * i
    return total


def _numpy_sum_squares(n):
    import numpy as np
    xs = np.arange(n, dtype=np.int64)
    return int((xs * xs).sum())


def _python_sum_squares(n):
    return sum(x * x for x in range(n))


def cpu_work(n: int) -> int:
    """CPU-bound work for the multiprocessing tip (module level, so workers can import it)."""
    return sum(i * i % 7 for i in range(n))


def run_serial(tasks):
    return [cpu_work(n) for n in tasks]


def run_pool(tasks, workers: int = 2):
    import multiprocessing

    # spawn: a fresh interpreter per worker; fork from a process with threads (a Jupyter
    # kernel has several) is unsafe and warns from 3.12, and 3.14 changes the default.
    with multiprocessing.get_context("spawn").Pool(workers, initializer=exit_when_parent_dies) as pool:
        return pool.map(cpu_work, tasks)


def tip_candidates(number: int):
    """(candidates, argument) for the timed part of a tip, or None for tips measured elsewhere."""
    words = ["word"] * 20_000
    table = {
        1: ({"for loop": _loop_sum, "sum(range(n))": _builtin_sum}, 100_000),
        2: ({"list": _list_in, "set": _set_in}, (list(range(2_000)), list(range(0, 4_000, 4)))),
        3: ({"append loop": _append_loop, "comprehension": _comprehension}, 50_000),
        4: ({"list": _sum_list, "generator": _sum_generator}, 100_000),
        5: ({"range(len) + index": _by_index, "for x in xs": _direct}, list(range(50_000))),
        6: ({"module-level +=": concat_module_level, "local +=": concat_local, "join": _join}, words),
        7: ({"fib": fib, "lru_cache fib": fib_cached}, 20),
        9: ({"pure Python": _python_sum_squares, "NumPy": _numpy_sum_squares}, 100_000),
        10: ({"global": _global_loop, "local": _local_loop}, 100_000),
        11: ({"serial": run_serial, "2 processes": run_pool}, [600_000] * 4),
        13: ({"call per item": _with_calls, "inlined": _inlined}, 100_000),
        14: ({"list membership": _list_in, "set membership": _set_in}, (list(range(2_000)), list(range(0, 4_000, 4)))),
    }
    return table.get(number)


def tip_comparison(number: int, budget: float = 0.3):
    from .measure import compare

    found = tip_candidates(number)
    if found is None:
        raise ValueError(f"tip {number} is measured elsewhere in the lab (profiling: tip 8, numba: tip 12)")
    candidates, argument = found
    return compare(candidates, argument, budget=budget, title=f"Tip {number}: {tip(number).title}")


def evidence_facts() -> dict[str, object]:
    """The deterministic facts the verdicts rest on, measured on this interpreter."""
    from .profilers import call_counts, peak_memory

    n = 1_000
    facts: dict[str, object] = {}
    facts["1 loop instructions"] = executed_instructions(_loop_sum, n)
    facts["1 sum instructions"] = executed_instructions(_builtin_sum, n)
    facts["2 list __eq__ calls"] = eq_calls(list, n, n - 1)
    facts["2 set __eq__ calls"] = eq_calls(set, n, n - 1)
    facts["3 append-loop instructions"] = executed_instructions(_append_loop, n)
    facts["3 comprehension instructions"] = executed_instructions(_comprehension, n)
    facts["3 comprehension makes a function"] = "MAKE_FUNCTION" in {i.opname for i in dis.get_instructions(_comprehension)}
    facts["4 list peak"] = _kib(peak_memory(_sum_list, 100_000))
    facts["4 generator peak"] = _kib(peak_memory(_sum_generator, 100_000))
    facts["4 list instructions"] = executed_instructions(_sum_list, n)
    facts["4 generator instructions"] = executed_instructions(_sum_generator, n)
    facts["5 index-loop instructions"] = executed_instructions(_by_index, list(range(n)))
    facts["5 direct-loop instructions"] = executed_instructions(_direct, list(range(n)))
    facts["6 local += specializes to"] = _concat_op(concat_local, concat_local.__code__)
    facts["6 module += specializes to"] = _concat_op(concat_module_level, _MODULE_CONCAT)
    facts["7 fib(20) calls"] = call_counts(fib, 20)["fib"]
    facts["7 cached fib(20) calls"] = call_counts(fib_cached, 20)["_fib_cached_inner"]
    facts["10 global read specializes to"] = _global_op()
    facts["13 call-per-item instructions"] = executed_instructions(_with_calls, n)
    facts["13 inlined instructions"] = executed_instructions(_inlined, n)
    facts["14 list __eq__ calls (n=1000, 2000)"] = (eq_calls(list, 1000, 999), eq_calls(list, 2000, 1999))
    facts["14 set __eq__ calls (n=1000, 2000)"] = (eq_calls(set, 1000, 999), eq_calls(set, 2000, 1999))
    return facts


def _kib(size: int) -> str:
    """Peak memory, coarsely: tracemalloc also sees other threads' allocations (a Jupyter
    kernel has several), which move the exact count by a few KiB."""
    return "under 64 KiB" if size < 64 * 1024 else f"about {size / 1e6:.1f} MB"


def _concat_op(fn, code) -> str:
    names = specialized_opnames(code, lambda: fn(["ab"] * 100))
    found = [name for name in names if name.startswith("BINARY_OP")]
    return found[0] if found else "BINARY_OP"


def _global_op() -> str:
    names = specialized_opnames(_global_loop, lambda: _global_loop(100))
    return next((n for n in names if n.startswith("LOAD_GLOBAL") and "BUILTIN" not in n), "LOAD_GLOBAL")


def verdict_table(facts: dict[str, object] | None = None) -> Table:
    """Every tip with its verdict, the deterministic fact behind it, and the reason."""
    facts = evidence_facts() if facts is None else facts
    by_tip: dict[int, list[str]] = {}
    for key, value in facts.items():
        number, _, label = key.partition(" ")
        by_tip.setdefault(int(number), []).append(f"{label}: {value}")
    rows = [[t.number, t.title, t.verdict, "; ".join(by_tip.get(t.number, ["see the measurement"])), t.why]
            for t in TIPS]
    return Table(["tip", "advice", "verdict", "evidence (deterministic)", "why"], rows)


# --- other interpreters ------------------------------------------------------------------------

def installed_interpreters(versions=("3.10", "3.11", "3.12", "3.13", "3.14", "3.15")) -> dict[str, str | None]:
    """Path of an interpreter per minor version (as `internals_lab.interpreters` finds it), or None."""
    from .. import interpreters

    found = {version: interpreters.find(version) for version in versions}
    return {version: (i.executable if i else None) for version, i in found.items()}


_PROBE = r'''
import dis, json, math, statistics, sys, time

def best(fn, arg, repeats=5):
    fn(arg)
    samples = []
    for _ in range(repeats):
        t = time.perf_counter(); fn(arg); samples.append(time.perf_counter() - t)
    return min(samples)  # other processes only add time

def slope(xs, ys):
    lx = [math.log(x) for x in xs]; ly = [math.log(y) for y in ys]
    mx = sum(lx) / len(lx); my = sum(ly) / len(ly)
    return sum((a - mx) * (b - my) for a, b in zip(lx, ly)) / sum((a - mx) ** 2 for a in lx)

def append_loop(n):
    out = []
    for x in range(n):
        out.append(x * x)
    return out

def comprehension(n):
    return [x * x for x in range(n)]

def local_concat(words):
    s = ""
    for w in words:
        s += w
    return s

MODULE = compile("s = ''\nfor w in words:\n    s += w\n", "<module>", "exec")
def module_concat(words):
    ns = {"words": words}
    exec(MODULE, ns)
    return ns["s"]

K = 3
def global_loop(n):
    t = 0
    for i in range(n):
        t += i * K
    return t

def local_loop(n):
    k = K
    t = 0
    for i in range(n):
        t += i * k
    return t

def concat_op(run, code):
    """The instruction += ran as, after warm-up (adaptive names exist from 3.11)."""
    for _ in range(3):
        run(["ab"] * 100)
    try:
        names = [i.opname for i in dis.get_instructions(code, adaptive=True)]
    except TypeError:  # 3.10: no specializing interpreter
        names = [i.opname for i in dis.get_instructions(code)]
    return next(n for n in names if n.startswith(("BINARY_OP", "INPLACE_ADD", "BINARY_ADD")))

sizes = [1000, 2000, 4000, 8000]
words = lambda n: ["x" * 8] * n  # strings stay under 64 KiB: past that the allocator adds its own growth
out = {
    "version": "%d.%d.%d" % sys.version_info[:3],
    "comprehension makes a function": "MAKE_FUNCTION" in {i.opname for i in dis.get_instructions(comprehension)},
    "local += runs as": concat_op(local_concat, local_concat.__code__),
    "module += runs as": concat_op(module_concat, MODULE),
    "append/comprehension, n=10": best(append_loop, 10, 200) / best(comprehension, 10, 200),
    "append/comprehension, n=10000": best(append_loop, 10000) / best(comprehension, 10000),
    "module += exponent": slope(sizes, [best(module_concat, words(n), 3) for n in sizes]),
    "local += exponent": slope(sizes, [best(local_concat, words(n), 9) for n in sizes]),
    "global/local loop": best(global_loop, 100000) / best(local_loop, 100000),
}
print(json.dumps(out))
'''


@dataclass(frozen=True)
class VersionProbe:
    version: str  # minor version asked for
    found: bool
    results: dict  # empty when the interpreter is missing or failed
    note: str = ""


def probe_versions(versions=("3.10", "3.11", "3.12", "3.13", "3.14", "3.15")) -> list[VersionProbe]:
    """Run the version-dependent measurements on each installed interpreter (subprocess)."""
    probes = []
    for version, path in installed_interpreters(versions).items():
        if path is None:
            probes.append(VersionProbe(version, False, {}, f"CPython {version} is not installed here"))
            continue
        done = run_child([path, "-c", _PROBE], capture_output=True, text=True, timeout=300,
                              env=dict(os.environ, PYTHONHASHSEED="0"))
        if done.returncode != 0:
            probes.append(VersionProbe(version, True, {}, f"the probe failed: {done.stderr.strip()[-200:]}"))
        else:
            probes.append(VersionProbe(version, True, json.loads(done.stdout)))
    return probes


def probe_table(probes: list[VersionProbe]) -> Table:
    keys = ["comprehension makes a function", "append/comprehension, n=10", "append/comprehension, n=10000",
            "module += exponent", "local += exponent", "global/local loop"]
    rows = []
    for p in probes:
        if not p.results:
            rows.append([p.version, *(["-"] * len(keys)), p.note])
            continue
        cells = [p.results[k] if isinstance(p.results[k], bool) else f"{p.results[k]:.2f}" for k in keys]
        rows.append([p.results["version"], *cells, ""])
    return Table(["CPython", *keys, "note"], rows)


__all__.append("probe_table")
