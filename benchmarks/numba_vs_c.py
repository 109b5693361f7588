"""One non-foldable numeric kernel in pure Python, NumPy, numba and C, timed in the same run.

The kernel (internals_lab.optimize.kernels) sums x*x*(3 - 2x) over a float64 array read from
memory, so neither LLVM (numba) nor the C compiler can replace the loop by a closed form; both
keep the additions in order (no fast-math). `compare` checks every version returns the same
sum (to a relative 1e-9) before timing: warm-up (numba compiles at its first call, outside the
timing), then alternating rounds, median and interquartile range. Pure Python is timed in a
separate, short comparison against numba, so the compiled versions get many rounds. C is compiled at -O2 and at
-O3 -march=native with the system compiler and called through ctypes; without a compiler the
C rows are skipped and said so.

The last line, `numba_over_c: <float>`, is numba's median over C -O2's (target: <= 1.3).

Run: PYTHONPATH=src python benchmarks/numba_vs_c.py [--quick]
"""
from __future__ import annotations

import math
import sys

from internals_lab.optimize import compare
from internals_lab.optimize.kernels import (C_UNAVAILABLE, c_kernel, kernel_input, numba_kernel, numpy_kernel,
                                            python_kernel)


def main(argv: list[str]) -> None:
    quick = "--quick" in argv
    xs = kernel_input(200_000 if quick else 1_000_000)
    candidates = {"numba": numba_kernel(), "NumPy": numpy_kernel}
    for flags in (("-O2",), ("-O3", "-march=native")):
        compiled = c_kernel(flags)
        if compiled is None:
            print(f"C {' '.join(flags)} skipped: {C_UNAVAILABLE[flags]}")
        else:
            candidates["C " + " ".join(flags)] = compiled
    same = lambda a, b: math.isclose(a, b, rel_tol=1e-9)
    # Pure Python takes hundreds of times longer than the rest: timed in its own, shorter run,
    # so that the compiled candidates get many alternating rounds within the budget.
    slow = compare({"numba": candidates["numba"], "pure Python": python_kernel}, xs, budget=0.0,
                   min_runs=3, equal=same, title="pure Python against numba")
    result = compare(candidates, xs, budget=1.0 if quick else 4.0, equal=same, min_runs=20,
                     max_runs=1000, title=f"smoothstep sum over {len(xs):,} floats")
    print(slow)
    print()
    print(result)
    if "C -O2" not in candidates:
        print("numba_over_c: nan  (no C compiler)")
        return
    print(f"numba_over_c: {result.timing('numba').median / result.timing('C -O2').median:.2f}")


if __name__ == "__main__":
    main(sys.argv[1:])
