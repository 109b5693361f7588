"""CPU-bound threads, two against one, on the GIL build and on the free-threaded build.

    PYTHONPATH=src .venv/bin/python benchmarks/gil_scaling.py [--repeats 5]

Runs the lab's pure-Python loop (internals_lab.gil.workloads.python_loop) on 1 and 2 threads
in the free-threaded build that internals_lab.gil.find_builds picks (3.14t beside the book's 3.14
kernel, from the per-machine cache `make python` fills, ~/.cache/internals-lab/cpython) and in
its GIL twin (the same tarball built with the same flags, without --disable-gil; this kernel if
no twin is found), in the same run, with a warm-up and `repeats` rounds, and prints throughput
with 2 threads relative to 1 thread for each. The last line is `freethreaded_speedup: <float>`
(the free-threaded build's ratio). On a machine with at least two idle cores, expect close to 2
for free-threaded and close to 1 (or a little less) for the GIL build; on a busy machine the
free-threaded figure falls towards 1, so note the load average (printed first) with the result.
"""
from __future__ import annotations

import argparse
import os
import sys

from internals_lab.gil import find_builds, measure_scaling


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--units", type=int, default=None, help="work per thread (default: the workload's)")
    args = parser.parse_args()
    builds = find_builds()
    if builds.free_threaded is None:
        print("\n".join(builds.notes), file=sys.stderr)
        return 2
    gil = builds.gil_twin.executable if builds.gil_twin else sys.executable
    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.2f}")
    results = {}
    for name, path in (("gil", gil), ("freethreaded", builds.free_threaded.executable)):
        scaling = measure_scaling("python_loop", (1, 2), units=args.units, repeats=args.repeats, interpreter=path)
        results[name] = scaling.speedup(2)
        one, two = scaling.points
        print(f"{scaling.interpreter:22} 1 thread {one.seconds * 1000:7.1f} ms, 2 threads {two.seconds * 1000:7.1f} ms "
              f"-> throughput x{results[name]:.2f}")
    print(f"gil_speedup: {results['gil']:.2f}")
    print(f"freethreaded_speedup: {results['freethreaded']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
