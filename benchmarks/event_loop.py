"""Our teaching event loop against asyncio's default loop (and uvloop, if installed).

    PYTHONPATH=src python benchmarks/event_loop.py [--repeats 5] [--tasks 10000] [--chain 10]

Workloads, each run on every loop in the same process, interleaved, after one warm-up:
  (a) N tasks, each awaiting a chain of `sleep(0)` (pure scheduling: ready queue and task steps);
  (b) M echo round trips over loopback (the selector path: sockets, readers, writers).
Prints the median and spread of the repeats, and ends with `ratio: <ours / asyncio, workload a>`.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))

from internals_lab.eventloop.bench import loops, measure, workload_a, workload_b  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--chain", type=int, default=10)
    parser.add_argument("--round-trips", type=int, default=2_000)
    args = parser.parse_args(argv)

    workloads = {}
    for name, backend, factory in loops():
        workloads[("a", name)] = (backend, factory, workload_a(backend, args.tasks, args.chain))
        workloads[("b", name)] = (backend, factory, workload_b(backend, args.round_trips))
    times = measure(workloads, args.repeats)

    print(f"CPython {sys.version.split()[0]}; {args.repeats} repeats after a warm-up; median (min-max) seconds")
    print(f"(a) {args.tasks} tasks x {args.chain} sleep(0); (b) {args.round_trips} echo round trips, 4 clients")
    print(f"{'workload':10} {'loop':8} {'median':>8} {'min':>8} {'max':>8} {'vs asyncio':>10}")
    for (workload, name), samples in times.items():
        base = statistics.median(times[(workload, "asyncio")])
        med = statistics.median(samples)
        print(f"{workload:10} {name:8} {med:8.4f} {min(samples):8.4f} {max(samples):8.4f} {med / base:10.2f}")
    ratio = statistics.median(times[("a", "ours")]) / statistics.median(times[("a", "asyncio")])
    print(f"ratio: {ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
