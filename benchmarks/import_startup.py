"""Chapter 06 measurements: start-up cost of imports, and post 8's set-up placement.

    PYTHONPATH=src python benchmarks/import_startup.py [--repeats 7]

1. Interpreter start-up with and without `import json` (fresh `python -S -E -c` runs,
   alternating, after one warm-up run of each), median and spread, and the ratio.
2. The tiny asyncio server: median request latency with the set-up per request and at
   start-up, over several repeats in the same run, and the ratio of medians.
Nothing here is asserted; the numbers vary by machine and load.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

from internals_lab.imports import compare_setup_placement


def start_up(code: str) -> float:
    begin = time.perf_counter()
    subprocess.run([sys.executable, "-S", "-E", "-c", code], check=True)
    return time.perf_counter() - begin


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")

    start_up("pass"), start_up("import json")  # warm the OS file cache
    bare, with_json = [], []
    for _ in range(args.repeats):
        bare.append(start_up("pass"))
        with_json.append(start_up("import json"))
    print(f"python {sys.version.split()[0]}, {args.repeats} repeats")
    for label, runs in (("start-up, nothing imported", bare), ("start-up + import json", with_json)):
        print(f"  {label:28} median {statistics.median(runs) * 1e3:7.2f} ms  "
              f"(min {min(runs) * 1e3:.2f}, max {max(runs) * 1e3:.2f})")
    print(f"  ratio: {statistics.median(with_json) / statistics.median(bare):.2f}")

    ratios = []
    for _ in range(args.repeats):
        per_request, at_startup, ratio = compare_setup_placement(requests=20, warmup=2)
        ratios.append(ratio)
    print("server with expensive set-up (20 requests per run, 2 warm-up):")
    print(f"  median latency ratio, per request / at start-up: median {statistics.median(ratios):.0f}x "
          f"(min {min(ratios):.0f}x, max {max(ratios):.0f}x over {args.repeats} runs)")
    print(f"  set-up calls in the last run: per request {per_request.setup_calls}, at start-up {at_startup.setup_calls}")


if __name__ == "__main__":
    main()
