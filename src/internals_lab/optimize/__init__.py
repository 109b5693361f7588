"""Optimization, measured (chapter 7): timing, profiling, post 6's tips, numba, C, post 5.

- `measure`: `compare(...)` (equal results first, then warm-up, repeats, median, spread,
  ratios) and `scaling(...)` (time against size, fitted log-log exponent);
- `profilers`: cProfile and pyinstrument top entries as records, tracemalloc peak memory;
- `tips`: post 6's fourteen tips, their candidate code and timings; `evidence`: the
  deterministic facts (instruction counts, specialized instructions, `__eq__` calls);
  `verdicts`: facts and verdicts in one table; `probes`: the version-dependent tips on every
  installed interpreter (the script `version_probe.py`, run in a subprocess);
- `kernels`: one non-foldable kernel in pure Python, NumPy, numba and C (ctypes);
- `cyclic41`: post 5's sequence, its cycle, collisions and constant;
- `charts`: the renderers (tables and SVG charts).
numba and NumPy are imported only by the functions that need them.
"""
from .charts import comparison_chart, comparison_table, scaling_chart, seconds
from .cyclic41 import brent, birthday_median, birthday_probability, first_repeat, floyd, sequence, stabilizer
from .kernels import c_kernel, compiler, kernel_input, numba_kernel, numpy_kernel, python_kernel
from .measure import Comparison, ResultMismatch, Scaling, Timing, compare, fit_exponent, scaling
from .profilers import call_counts, cprofile_top, peak_memory, profile_table, pyinstrument_top
from .evidence import executed_instructions
from .probes import probe_table, probe_versions
from .tips import TIPS, Tip
from .verdicts import evidence_facts, verdict_table

__all__ = [
    "compare", "Comparison", "Timing", "ResultMismatch", "scaling", "Scaling", "fit_exponent",
    "cprofile_top", "call_counts", "pyinstrument_top", "peak_memory", "profile_table",
    "TIPS", "Tip", "evidence_facts", "executed_instructions", "verdict_table", "probe_versions", "probe_table",
    "python_kernel", "numpy_kernel", "numba_kernel", "c_kernel", "compiler", "kernel_input",
    "sequence", "brent", "floyd", "first_repeat", "birthday_probability", "birthday_median", "stabilizer",
    "comparison_table", "comparison_chart", "scaling_chart", "seconds",
]
