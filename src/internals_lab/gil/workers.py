"""Start workers, wait for them with a deadline, and never leave one behind.

`run_threads` and `run_processes` run the same function on N workers, released together,
and return the wall time from release to the last finish. A worker's exception is re-raised
in the caller as `WorkerError` naming the worker; a worker still running at the deadline is
reported as `WorkerTimeout`. Threads cannot be killed, so every workload in this lab also
stops by itself: threads are daemons and the deadline is a bound on the wait. Processes are
terminated in a `finally`, whatever happened.
"""
from __future__ import annotations

import multiprocessing
import threading
import time
from typing import Any, Callable, List, Optional, Sequence

from ..children import exit_when_parent_dies

__all__ = ["WorkerError", "WorkerTimeout", "run_threads", "run_processes", "start_methods", "warm_up"]


class WorkerError(RuntimeError):
    """A workload raised inside a worker."""


class WorkerTimeout(RuntimeError):
    """A worker was still running when the deadline passed."""


def run_threads(function: Callable[..., Any], args_per_worker: Sequence[tuple], *,
                timeout: float = 60.0, start_timeout: float = 60.0) -> tuple:
    """Run function(*args) on one thread per args tuple; returns (seconds, results).

    `start_timeout` bounds the wait for every thread to reach the start line (a busy machine
    may start a thread late), `timeout` the run from the release to the last finish.
    """
    count = len(args_per_worker)
    if count < 1:
        raise ValueError("need at least one worker")
    start = threading.Barrier(count + 1)
    results: List[Any] = [None] * count
    errors: List[Optional[BaseException]] = [None] * count

    def work(index: int, args: tuple) -> None:
        try:
            start.wait()
            results[index] = function(*args)
        except threading.BrokenBarrierError:
            return
        except BaseException as exc:  # reported to the caller below
            errors[index] = exc

    threads = [threading.Thread(target=work, args=(i, a), name=f"lab-worker-{i}", daemon=True)
               for i, a in enumerate(args_per_worker)]
    started = []
    try:
        for thread in threads:
            thread.start()
            started.append(thread)
        start.wait(timeout=start_timeout)
    except threading.BrokenBarrierError:
        _release(start, started)
        raise WorkerTimeout("the workers did not all start") from None
    except BaseException:
        # Interrupted (KeyboardInterrupt) or a thread could not start: the workers already
        # waiting at the barrier would wait forever. Breaking it sends each one home.
        _release(start, started)
        raise
    began = time.perf_counter()
    deadline = began + timeout
    for thread in threads:
        thread.join(max(0.0, deadline - time.perf_counter()))
    elapsed = time.perf_counter() - began
    late = [t.name for t in threads if t.is_alive()]
    if late:
        raise WorkerTimeout(f"{', '.join(late)} still running after {timeout:g} s")
    for index, error in enumerate(errors):
        if error is not None:
            raise WorkerError(f"worker {index} raised {type(error).__name__}: {error}") from error
    return elapsed, results


def _release(barrier: threading.Barrier, started: List[threading.Thread]) -> None:
    barrier.abort()
    for thread in started:
        thread.join(5.0)  # they return at once from the broken barrier


def start_methods() -> List[str]:
    return multiprocessing.get_all_start_methods()


def run_processes(function: Callable[..., Any], args_per_worker: Sequence[tuple], *,
                  start_method: Optional[str] = None, timeout: float = 60.0) -> tuple:
    """Run function(*args) in a pool of one process per args tuple; returns (seconds, results).

    The pool is started and warmed (every process has answered once) before the clock starts,
    so the time is the work alone; `process_costs` measures the start-up separately.
    """
    count = len(args_per_worker)
    if count < 1:
        raise ValueError("need at least one worker")
    if start_method is not None and start_method not in start_methods():
        raise ValueError(f"start method {start_method!r} is not available here; choose from {start_methods()}")
    context = multiprocessing.get_context(start_method)
    pool = context.Pool(count, initializer=exit_when_parent_dies)  # none outlives a killed kernel
    try:
        warm_up(pool, count, timeout)
        began = time.perf_counter()
        pending = [pool.apply_async(function, args) for args in args_per_worker]
        results = []
        for index, job in enumerate(pending):
            try:
                results.append(job.get(max(0.0, began + timeout - time.perf_counter())))
            except multiprocessing.TimeoutError:
                raise WorkerTimeout(f"process worker {index} still running after {timeout:g} s") from None
            except Exception as exc:
                raise WorkerError(f"process worker {index} raised {type(exc).__name__}: {exc}") from exc
        return time.perf_counter() - began, results
    finally:
        pool.terminate()
        pool.join()


def _identity(value):
    return value


def warm_up(pool, count: int, timeout: float) -> None:
    """Wait until each of the pool's processes has answered once (they start lazily)."""
    try:
        pool.map_async(_identity, range(count), chunksize=1).get(timeout)
    except multiprocessing.TimeoutError:
        raise WorkerTimeout(f"the pool's {count} processes did not all start within {timeout:g} s; with the "
                            "'spawn' or 'forkserver' start method a script must guard its main code with "
                            "if __name__ == '__main__':") from None
