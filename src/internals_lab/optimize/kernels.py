"""One numeric kernel four ways: pure Python, NumPy, numba and C (through ctypes).

The kernel sums the smoothstep polynomial x*x*(3 - 2x) over an array of floats. It reads its
input from memory, so no compiler can replace the loop by a closed form, and it keeps the sum
in order (no -ffast-math, no `fastmath=True`), so numba and C do the same floating-point work.
Compare a naive `sum(range(n))` loop: LLVM's scalar-evolution pass recognises the induction
variable and rewrites the whole loop as n*(n-1)/2, so timing it measures nothing
(`folded_sum` below shows it).

numba is imported lazily (it takes about a second and is optional); the C kernel is compiled
with the system compiler into a cache directory under the temporary directory (outside the
repository), keyed by a hash of the source and flags. Without a compiler, `c_kernel` returns
`None` with the reason in `C_UNAVAILABLE`.
"""
from __future__ import annotations

import ctypes
import hashlib
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from ..children import run_child

__all__ = ["python_kernel", "numpy_kernel", "numba_kernel", "numba_parallel_kernel", "c_kernel",
           "C_SOURCE", "compiler", "kernel_input", "folded_sum", "compile_cost_in_subprocess",
           "C_UNAVAILABLE"]

C_SOURCE = """
#include <stddef.h>
double smoothstep_sum(const double *xs, size_t n) {
    double total = 0.0;
    for (size_t i = 0; i < n; i++) {
        double x = xs[i];
        total += x * x * (3.0 - 2.0 * x);
    }
    return total;
}
"""

C_UNAVAILABLE: dict[tuple[str, ...], str] = {}


def kernel_input(n: int, seed: int = 41):
    """n floats in [0, 1), the same for every run with the same seed."""
    import numpy as np

    return np.random.default_rng(seed).random(n)


def python_kernel(xs) -> float:
    total = 0.0
    for x in xs:
        total += x * x * (3.0 - 2.0 * x)
    return total


def numpy_kernel(xs) -> float:
    # Three temporary arrays and a pairwise sum: vectorized, but not fused into one pass.
    return float((xs * xs * (3.0 - 2.0 * xs)).sum())


_NUMBA: dict[str, Callable] = {}


def _numba():
    try:
        import numba
    except ImportError as exc:
        raise RuntimeError("numba is not installed in this environment: pip install numba") from exc
    return numba


def numba_kernel(nogil: bool = False) -> Callable:
    """The kernel compiled by numba in nopython mode (compiled lazily, at the first call)."""
    key = f"serial-nogil={nogil}"
    if key not in _NUMBA:
        numba = _numba()

        def smoothstep_sum(xs):
            total = 0.0
            for i in range(xs.shape[0]):
                x = xs[i]
                total += x * x * (3.0 - 2.0 * x)
            return total

        _NUMBA[key] = numba.njit(nogil=nogil)(smoothstep_sum)
    return _NUMBA[key]


def numba_parallel_kernel() -> Callable:
    """The kernel with `parallel=True` and `prange`: numba splits the loop across threads and
    combines the partial sums (a reduction), so the order of additions, and the last bits of
    the result, may differ from the serial kernel."""
    if "parallel" not in _NUMBA:
        numba = _numba()

        def smoothstep_sum_parallel(xs):
            total = 0.0
            for i in numba.prange(xs.shape[0]):
                x = xs[i]
                total += x * x * (3.0 - 2.0 * x)
            return total

        _NUMBA["parallel"] = numba.njit(parallel=True)(smoothstep_sum_parallel)
    return _NUMBA["parallel"]


def folded_sum() -> Callable:
    """`sum(range(n))` as a numba loop: LLVM turns it into a closed form, so its run time does
    not grow with n."""
    if "folded" not in _NUMBA:
        numba = _numba()

        def naive_sum(n):
            total = 0
            for i in range(n):
                total += i
            return total

        _NUMBA["folded"] = numba.njit(naive_sum)
    return _NUMBA["folded"]


def compiler() -> str | None:
    """The system C compiler (`$CC`, cc, gcc or clang), or None."""
    for name in (os.environ.get("CC"), "cc", "gcc", "clang"):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


def _cache_dir() -> Path:
    path = Path(tempfile.gettempdir()) / "internals_lab_kernels"
    path.mkdir(exist_ok=True)
    return path


def c_kernel(flags: tuple[str, ...] = ("-O2",)) -> Callable | None:
    """Compile C_SOURCE with `flags` and return a Python callable taking a float64 array.

    Returns None when there is no compiler or the compile fails; the reason is stored in
    `C_UNAVAILABLE[flags]`.
    """
    cc = compiler()
    if cc is None:
        C_UNAVAILABLE[flags] = "no C compiler found (looked for $CC, cc, gcc, clang)"
        return None
    digest = hashlib.sha256((C_SOURCE + " ".join(flags) + cc + sys.platform).encode()).hexdigest()[:16]
    library = _cache_dir() / f"smoothstep_{digest}.so"
    if not library.exists():
        source = _cache_dir() / f"smoothstep_{digest}.c"
        source.write_text(C_SOURCE)
        partial = library.with_suffix(f".{os.getpid()}.tmp")
        done = run_child([cc, *flags, "-shared", "-fPIC", "-o", str(partial), str(source)],
                              capture_output=True, text=True, timeout=300)
        if done.returncode != 0:
            C_UNAVAILABLE[flags] = f"{Path(cc).name} {' '.join(flags)} failed: {done.stderr.strip()[:200]}"
            return None
        os.replace(partial, library)  # atomic: a concurrent run never loads a half-written file
    lib = ctypes.CDLL(str(library))
    function = lib.smoothstep_sum
    function.restype = ctypes.c_double
    function.argtypes = [ctypes.POINTER(ctypes.c_double), ctypes.c_size_t]

    def smoothstep_sum_c(xs) -> float:
        import numpy as np

        if not (isinstance(xs, np.ndarray) and xs.dtype == np.float64 and xs.flags.c_contiguous):
            raise TypeError("the C kernel takes a contiguous float64 NumPy array")
        return function(xs.ctypes.data_as(ctypes.POINTER(ctypes.c_double)), xs.shape[0])

    smoothstep_sum_c.__name__ = f"smoothstep_sum_c[{' '.join(flags)}]"
    return smoothstep_sum_c


_COMPILE_PROBE = r"""
import json, sys, time
t0 = time.perf_counter()
import numba, numpy as np
t1 = time.perf_counter()
@numba.njit(cache=True)
def smoothstep_sum(xs):
    total = 0.0
    for i in range(xs.shape[0]):
        x = xs[i]
        total += x * x * (3.0 - 2.0 * x)
    return total
xs = np.linspace(0.0, 1.0, 1000)
t2 = time.perf_counter(); smoothstep_sum(xs); t3 = time.perf_counter(); smoothstep_sum(xs); t4 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "first_call": t3 - t2, "second_call": t4 - t3,
                  "from_cache": bool(smoothstep_sum.stats.cache_hits)}))
"""


def compile_cost_in_subprocess(cache_dir: str, python: str | None = None) -> dict:
    """Run a fresh interpreter with NUMBA_CACHE_DIR=cache_dir; time the first and second call of
    a `cache=True` kernel. Run it twice with the same directory: the second run loads the
    machine code from the cache instead of compiling."""
    import json

    env = dict(os.environ, NUMBA_CACHE_DIR=cache_dir)
    # numba caches only functions defined in a file, keyed by the file's path: keep the script
    # at a fixed place inside the cache directory so the second run finds the first run's cache.
    script = Path(cache_dir) / "numba_cache_probe.py"
    script.parent.mkdir(parents=True, exist_ok=True)
    if not script.exists():
        script.write_text(_COMPILE_PROBE)
    done = run_child([python or sys.executable, str(script)], capture_output=True, text=True,
                          env=env, timeout=300)
    if done.returncode != 0:
        raise RuntimeError(f"the numba probe failed: {done.stderr.strip()[-300:]}")
    return json.loads(done.stdout)
