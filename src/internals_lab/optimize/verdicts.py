"""Post 6's tips with their verdicts and the deterministic facts behind them, as one table.

`evidence_facts()` measures the facts on the running interpreter; `verdict_table()` puts each
tip's verdict (from `Tip.verdict`) beside its facts and its reason. A tip whose verdict depends
on the build (`Tip.from_build`) gets it from `build_verdict`, computed from a deterministic fact
of the running interpreter; `concat_verdict` is the same rule, applied to the instructions any
interpreter reports (the version probe uses it for the other installed interpreters).
"""
from __future__ import annotations

import dis
import functools

from ..render import Table
from .evidence import eq_calls, executed_instructions, specialized_opnames
from .tips import (TIPS, _MODULE_CONCAT, _append_loop, _builtin_sum, _by_index, _comprehension, _direct,
                   _global_loop, _inlined, _loop_sum, _sum_generator, _sum_list, _with_calls, concat_local,
                   concat_module_level, fib, fib_cached)

__all__ = ["evidence_facts", "verdict_table", "build_verdict", "concat_verdict", "IN_PLACE_CONCAT"]


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


# The instructions that grow a string in place when the variable holds its only other
# reference: 3.11+'s specialized BINARY_OP_INPLACE_ADD_UNICODE (Python/bytecodes.c), and
# 3.10's INPLACE_ADD, whose unicode_concatenate in ceval.c did it for STORE_FAST and
# STORE_NAME alike. Anything else (a generic BINARY_OP, as on 3.13t where specialization is
# compiled out, or BINARY_OP_ADD_UNICODE) builds a new string and copies the old one.
IN_PLACE_CONCAT = ("BINARY_OP_INPLACE_ADD_UNICODE", "INPLACE_ADD")


def concat_verdict(local_op: str, module_op: str) -> str:
    """Post 6's "+= on strings is slow, use join()", given what local and module-level += run as.

    Both copy: the claim holds (true). Only module level copies: partly true. Neither: false.
    """
    local, module = local_op in IN_PLACE_CONCAT, module_op in IN_PLACE_CONCAT
    if local and module:
        return "false"
    if local:
        return "partly true"
    if not module:
        return "true"
    raise ValueError(f"module-level += runs in place ({module_op}) but a local one does not ({local_op})")


@functools.lru_cache(maxsize=None)
def build_verdict(number: int) -> str:
    """The verdict of a `from_build` tip on the running interpreter, from a deterministic fact."""
    if number == 6:
        return concat_verdict(_concat_op(concat_local, concat_local.__code__),
                              _concat_op(concat_module_level, _MODULE_CONCAT))
    raise ValueError(f"tip {number} takes its verdict from the claims registry, not from the build")
