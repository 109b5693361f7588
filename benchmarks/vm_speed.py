"""How much slower the teaching VM runs than CPython itself, on three small workloads.

Each workload is a module source with a function `work(n)`. CPython runs it with `exec`; the VM
runs the same source with `internals_lab.vm.run` (tracing off) and `internals_lab.vm.trace`
(tracing on, which records every instruction). Each timing is the best of several repeats
after a warm-up run, all in this one process, and is reported as a ratio VM / CPython.
The last line, `slowdown: <float>`, is the arithmetic loop with tracing off (target: <= 100).

Run: PYTHONPATH=src python benchmarks/vm_speed.py [--quick]
"""
from __future__ import annotations

import sys
import time

from internals_lab.render import Table
from internals_lab.vm import run, trace

WORKLOADS = {
    "arithmetic loop": """
def work(n):
    total = 0
    for i in range(n):
        total += i * i % 7
    return total
""",
    "function calls": """
def add(a, b):
    return a + b
def work(n):
    total = 0
    for i in range(n):
        total = add(total, i)
    return total
""",
    "attribute access": """
class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y
def work(n):
    p = Point(1, 2)
    total = 0
    for i in range(n):
        p.x = i
        total += p.x + p.y
    return total
""",
}


def best_time(action, repeats: int) -> float:
    action()  # warm-up: imports, decoding, caches
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - start)
    return best


def measure(n_plain: int, n_traced: int, repeats: int) -> list[dict]:
    rows = []
    for name, source in WORKLOADS.items():
        plain = source + f"result = work({n_plain})\n"
        traced = source + f"result = work({n_traced})\n"
        cpython_code = compile(plain, "<bench>", "exec")
        cpython_traced_code = compile(traced, "<bench>", "exec")
        expected = {}
        exec(cpython_code, expected)
        assert run(plain)["result"] == expected["result"], f"{name}: the VM computed another result"
        cpython = best_time(lambda: exec(cpython_code, {}), repeats)
        vm_off = best_time(lambda: run(plain), repeats)
        cpython_small = best_time(lambda: exec(cpython_traced_code, {}), repeats)
        steps = []
        vm_on = best_time(lambda: steps.append(len(trace(traced, max_steps=10**7).steps)), repeats)
        rows.append({"workload": name, "cpython_s": cpython, "vm_s": vm_off,
                     "slowdown_off": vm_off / cpython, "slowdown_on": vm_on / cpython_small,
                     "traced_steps": steps[-1], "trace_us_per_step": vm_on / steps[-1] * 1e6})
    return rows


def main(argv: list[str]) -> None:
    quick = "--quick" in argv
    rows = measure(n_plain=20_000 if quick else 100_000, n_traced=500 if quick else 2_000,
                   repeats=3 if quick else 5)
    print(f"CPython {sys.version.split()[0]}; best of repeats after a warm-up, same process")
    print(Table(["workload", "slowdown, tracing off", "slowdown, tracing on", "trace: µs per step"],
                [[r["workload"], f"{r['slowdown_off']:.1f}x", f"{r['slowdown_on']:.0f}x",
                  f"{r['trace_us_per_step']:.1f}"] for r in rows]))
    ten_thousand = best_time(lambda: trace(WORKLOADS["arithmetic loop"] + "work(10**6)\n",
                                           max_steps=10_000), 3)
    print(f"a 10,000-step trace records in {ten_thousand:.2f} s")
    print(f"slowdown: {rows[0]['slowdown_off']:.1f}")


if __name__ == "__main__":
    main(sys.argv[1:])
