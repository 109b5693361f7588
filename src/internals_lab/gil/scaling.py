"""How throughput grows with workers: threads, processes, or sub-interpreters with their own GIL.

Each worker does the same fixed amount of work (`units` of one workload), so perfect scaling
means N workers finish in the time one takes, and `speedup` (throughput with N workers over
throughput with one) equals N. Each worker count is measured `repeats` times after a warm-up
and the median kept; all counts are measured in the same run, so the ratios are comparable.

`measure_scaling(..., interpreter=path)` runs the whole measurement in that interpreter (for
example a free-threaded build) and returns the same data.
"""
from __future__ import annotations

import os
import statistics
import sys
import time
from dataclasses import asdict, dataclass
from typing import Optional, Sequence, Tuple

from . import remote
from .interpreters import current
from .workers import WorkerTimeout, run_processes, run_threads, warm_up
from .workloads import get

__all__ = ["ScalingPoint", "Scaling", "measure_scaling", "ProcessCosts", "process_costs", "MODES"]

MODES = ("threads", "processes", "interpreters")


@dataclass(frozen=True)
class ScalingPoint:
    workers: int
    seconds: float       # median wall time for all workers to finish
    speedup: float       # throughput relative to one worker; N means perfect scaling


@dataclass(frozen=True)
class Scaling:
    workload: str
    kind: str
    mode: str
    interpreter: str     # e.g. "3.14.7 free-threaded"
    free_threaded: bool
    gil_enabled: bool
    cores: int
    points: Tuple[ScalingPoint, ...]

    def speedup(self, workers: int) -> float:
        for point in self.points:
            if point.workers == workers:
                return point.speedup
        raise KeyError(f"{workers} workers were not measured")

    @classmethod
    def from_dict(cls, data: dict) -> "Scaling":
        data = dict(data)
        data["points"] = tuple(ScalingPoint(**p) for p in data["points"])
        return cls(**data)


def _run_interpreters(name: str, units: int, count: int, timeout: float) -> float:
    """Each worker thread runs the workload in its own sub-interpreter with its own GIL (PEP 684)."""
    try:
        import _interpreters  # private in 3.13; 3.14's public concurrent.interpreters is built on it
    except ImportError:
        raise ValueError("mode 'interpreters' needs CPython 3.13's _interpreters module "
                         f"(this is {sys.version.split()[0]})") from None
    code = (f"import sys; sys.path.insert(0, {str(remote.package_root())!r})\n"
            f"from internals_lab.gil.workloads import get\nget({name!r}).function({units})\n")
    ids = [_interpreters.create("isolated") for _ in range(count)]
    try:
        for interp in ids:  # warm-up: the imports happen here, not in the timed run
            _interpreters.exec(interp, code.replace(f"function({units})", "function(1)"))

        def run(interp):
            failure = _interpreters.exec(interp, code)
            if failure is not None:
                raise RuntimeError(f"sub-interpreter raised {failure.type.__name__}: {failure.msg}")

        return run_threads(run, [(i,) for i in ids], timeout=timeout)[0]
    finally:
        for interp in ids:
            _interpreters.destroy(interp)


def measure_scaling(workload: str, workers: Sequence[int] = (1, 2, 4), *, mode: str = "threads",
                    units: Optional[int] = None, repeats: int = 3, start_method: Optional[str] = None,
                    interpreter: Optional[str] = None, timeout: float = 60.0) -> Scaling:
    """Throughput of `workload` with each number of workers, as data."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    spec = get(workload)
    workers = tuple(int(n) for n in workers)
    if not workers or min(workers) < 1:
        raise ValueError("workers must be positive counts, for example (1, 2, 4)")
    if repeats < 1:
        raise ValueError("repeats must be at least 1")
    if remote.elsewhere(interpreter):
        data = remote.call(
            interpreter, "scaling._measure_as_dict", timeout=timeout * len(workers) * (repeats + 1) + 30,
            workload=workload, workers=list(workers), mode=mode, units=units, repeats=repeats,
            start_method=start_method, worker_timeout=timeout)
        return Scaling.from_dict(data)
    units = spec.default_units if units is None else int(units)
    if units < 1:
        raise ValueError("units must be at least 1")
    from .workloads import available

    if not available(workload):
        raise ValueError(f"workload {workload!r} needs {spec.needs}, which this interpreter cannot import")
    spec.function(1)  # warm-up: imports, compilation, caches

    def once(count: int) -> float:
        if mode == "threads":
            return run_threads(spec.function, [(units,)] * count, timeout=timeout)[0]
        if mode == "processes":
            return run_processes(spec.function, [(units,)] * count, start_method=start_method, timeout=timeout)[0]
        return _run_interpreters(workload, units, count, timeout)

    medians = {}
    for _ in range(repeats):  # rounds: every count once per round, so load bursts hit them all
        for count in workers:
            medians.setdefault(count, []).append(once(count))
    base_count = min(workers)
    base = statistics.median(medians[base_count]) / base_count
    points = []
    for count in workers:
        seconds = statistics.median(medians[count])
        points.append(ScalingPoint(count, seconds, (count / seconds) * base))
    here = current()
    return Scaling(workload, spec.kind, mode, here.label, here.free_threaded, here.gil_enabled,
                   os.cpu_count() or 1, tuple(points))


def _measure_as_dict(worker_timeout: float = 60.0, **kwargs) -> dict:
    return asdict(measure_scaling(timeout=worker_timeout, **kwargs))


@dataclass(frozen=True)
class ProcessCosts:
    start_method: str
    startup_seconds: float        # start a pool of `workers` processes and get one answer from each
    roundtrip_seconds: float      # send `payload_bytes` to a worker and get its length back
    payload_bytes: int
    workers: int


def process_costs(start_methods: Sequence[str] = ("fork", "forkserver", "spawn"), *, workers: int = 2,
                  payload_bytes: int = 10_000_000, repeats: int = 3, timeout: float = 60.0) -> list:
    """What a process costs before it does any work: start-up, and pickling data across."""
    import multiprocessing

    rows = []
    payload = b"x" * payload_bytes
    for method in start_methods:
        if method not in multiprocessing.get_all_start_methods():
            continue
        context = multiprocessing.get_context(method)
        startups, trips = [], []
        for _ in range(repeats):
            began = time.perf_counter()
            pool = context.Pool(workers)
            try:
                warm_up(pool, workers, timeout)
                startups.append(time.perf_counter() - began)
                began = time.perf_counter()
                try:
                    pool.apply_async(len, (payload,)).get(timeout)
                except multiprocessing.TimeoutError:
                    raise WorkerTimeout(f"sending {payload_bytes} bytes took longer than {timeout:g} s") from None
                trips.append(time.perf_counter() - began)
            finally:
                pool.terminate()
                pool.join()
        rows.append(ProcessCosts(method, statistics.median(startups), statistics.median(trips), payload_bytes, workers))
    return rows
