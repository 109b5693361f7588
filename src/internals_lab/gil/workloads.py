"""The workloads the GIL chapter runs on threads, processes and interpreters.

Each workload is a plain function of one integer, `units`, that does `units` units of work
and returns a checksum (so no work can be skipped, and runs can be compared). The kinds:

- "cpu": pure Python bytecode; holds the GIL the whole time on a GIL build;
- "io": waits in a blocking call, which releases the GIL while it waits;
- "releases-gil": C code that drops the GIL around long loops (hashlib on large buffers,
  NumPy ufuncs on large arrays, a numba kernel compiled with nogil=True);
- "holds-gil": C code that keeps the GIL (hashlib on buffers too small to be worth releasing it).

Every workload but the NumPy and numba ones needs only the standard library, so it runs in a
free-threaded build that has nothing installed.
"""
from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import Callable, Dict

__all__ = ["Workload", "WORKLOADS", "get", "available"]


def python_loop(units: int) -> int:
    """Pure-Python arithmetic: 10,000 loop iterations per unit."""
    total = 0
    for i in range(units * 10_000):
        total += i & 7
    return total


def sleep_io(units: int) -> int:
    """Wait 1 ms per unit in time.sleep, the simplest blocking call that releases the GIL."""
    for _ in range(units):
        time.sleep(0.001)
    return units


_LARGE = bytes(range(256)) * 4096      # 1 MiB: hashlib releases the GIL above 2047 bytes
_SMALL = bytes(range(64))              # 64 bytes: too small, the GIL is kept


def hash_large(units: int) -> int:
    """SHA-256 of a 1 MiB buffer, once per unit."""
    digest = b""
    for _ in range(units):
        digest = hashlib.sha256(_LARGE).digest()
    return digest[0] + units


def hash_small(units: int) -> int:
    """SHA-256 of a 64-byte buffer, 2,000 times per unit: the same C code, but it keeps the GIL."""
    digest = b""
    for _ in range(units * 2000):
        digest = hashlib.sha256(_SMALL).digest()
    return digest[0] + units


def numpy_ufunc(units: int) -> int:
    """NumPy arithmetic on 1,000,000-element arrays (ufunc loops run without the GIL)."""
    import numpy as np

    a = np.arange(1_000_000, dtype=np.float64)
    total = 0.0
    for _ in range(units):
        total += float(np.sqrt(a * a + 1.0).sum())
    return int(total) % 1000


_NUMBA_KERNELS: Dict[bool, Callable] = {}


def _numba_kernel(nogil: bool):
    if nogil not in _NUMBA_KERNELS:
        import numba

        @numba.njit(nogil=nogil, cache=False)
        def kernel(n):
            total = 0
            for i in range(n):
                total += (i * i) % 7
            return total

        kernel(10)  # compile now, not inside a timed run
        _NUMBA_KERNELS[nogil] = kernel
    return _NUMBA_KERNELS[nogil]


def numba_nogil(units: int) -> int:
    """A numba-compiled loop (2,000,000 iterations per unit) that runs with the GIL released."""
    return int(_numba_kernel(True)(units * 2_000_000)) % 1000


def numba_with_gil(units: int) -> int:
    """The same compiled loop, compiled without nogil=True: it keeps the GIL while it runs."""
    return int(_numba_kernel(False)(units * 2_000_000)) % 1000


@dataclass(frozen=True)
class Workload:
    name: str
    kind: str            # "cpu", "io", "releases-gil", "holds-gil"
    function: Callable[[int], int]
    default_units: int   # about 0.1 s on one thread of the reference machine
    needs: str = ""      # a third-party package it imports, if any

    @property
    def description(self) -> str:
        return (self.function.__doc__ or "").strip()


WORKLOADS: Dict[str, Workload] = {w.name: w for w in (
    Workload("python_loop", "cpu", python_loop, 80),
    Workload("sleep_io", "io", sleep_io, 100),
    Workload("hash_large", "releases-gil", hash_large, 60),
    Workload("hash_small", "holds-gil", hash_small, 80),
    Workload("numpy_ufunc", "releases-gil", numpy_ufunc, 10, needs="numpy"),
    Workload("numba_nogil", "releases-gil", numba_nogil, 40, needs="numba"),
    Workload("numba_with_gil", "holds-gil", numba_with_gil, 40, needs="numba"),
)}


def get(name: str) -> Workload:
    try:
        return WORKLOADS[name]
    except KeyError:
        raise ValueError(f"unknown workload {name!r}; choose one of: {', '.join(WORKLOADS)}") from None


def available(name: str) -> bool:
    """Whether this interpreter can run the workload (its third-party package imports)."""
    workload = get(name)
    if not workload.needs:
        return True
    import importlib.util

    return importlib.util.find_spec(workload.needs) is not None
