"""Post 6's fourteen optimization tips: the records, and the candidate code each tip times.

Design: the verdict of a tip never depends on a timing. Each verdict rests on a fact that is
the same on every run of the same interpreter (`evidence`: instruction counts, specialized
instructions, `__eq__` and call counts; peak memory), and comes from one place: the claims
registry, `claims.toml`, per version and build. The timings (`tip_comparison`) show how much
the fact matters on this machine; they are displayed, never asserted. `verdicts` puts facts and
verdicts in one table; `probes` runs the version-dependent measurements on other installed
interpreters (the script `version_probe.py`, in a subprocess).

The lab's cells import the candidates from here (`_loop_sum`, `concat_local`, ...), and the
evidence functions too, which this module re-exports from `evidence`.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from functools import lru_cache

from ..children import exit_when_parent_dies
from .evidence import eq_calls, executed_instructions, specialized_opnames

__all__ = ["Tip", "TIPS", "tip", "executed_instructions", "specialized_opnames", "eq_calls",
           "tip_candidates", "tip_comparison", "concat_module_level", "concat_local",
           "fib", "fib_cached", "cpu_work", "run_serial", "run_pool"]

@dataclass(frozen=True)
class Tip:
    number: int
    title: str
    claim: str  # its id in claims.toml, the one source of its verdict
    why: str  # the reason, in terms of bytecode, specialization, frames
    # True when the verdict is a fact of the running build, computed by `verdicts.build_verdict`
    # (tip 6: whether this build specializes a local += to the in-place instruction), not read.
    from_build: bool = False

    @property
    def verdict(self) -> str:
        """The verdict for the interpreter running this code (e.g. 3.14t): computed from the
        build for a `from_build` tip, else the claims registry's for this version and build."""
        if self.from_build:
            from .verdicts import build_verdict
            return build_verdict(self.number)
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
        "Where the interpreter specializes a local `+=` to BINARY_OP_INPLACE_ADD_UNICODE (GIL builds "
        "from 3.11, free-threaded builds from 3.14), it resizes the string in place (its only "
        "reference is the variable), so += is linear; a build without that specialization (3.13t "
        "compiles specialization out) copies every time: quadratic. At module level the name lives "
        "in a dict, the specializer picks BINARY_OP_ADD_UNICODE, and every += copies: quadratic "
        "from 3.11 (3.10's INPLACE_ADD resized module-level strings in place too). join is linear "
        "everywhere. The verdict here is computed from the instructions this build picks.",
        from_build=True),
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
