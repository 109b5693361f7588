"""What a Binder launch would cost, emulated on this machine.

    python benchmarks/binder_proxy.py [--write]

Binder builds an image from requirements.txt and runtime.txt, which this machine cannot do, so
this does the nearest thing: a fresh virtual environment of the reference interpreter with
requirements.txt alone (plus nbclient, which Binder's own Jupyter provides), then every lab
notebook executed headless in a scratch copy, each in its own process. It records the install
time, each notebook's run-all time and its peak memory (the largest resident set of the kernel
and anything it started). Binder gives about 2 GB: each lab should stay under 1.5 GB and under a
minute (two for the GIL and optimization labs). --write stores the table in
benchmarks/results/binder_proxy.md, which the book's "How to use this book" page includes.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "binder_proxy.md"
LONG_LABS = ("gil", "optimization")

RUNNER = r"""
import json, resource, sys, time
import nbformat
from nbclient import NotebookClient
path = sys.argv[1]
nb = nbformat.read(path, as_version=4)
start = time.perf_counter()
NotebookClient(nb, timeout=600, kernel_name="python3",
               resources={"metadata": {"path": sys.argv[2]}}).execute()
elapsed = time.perf_counter() - start
peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss   # kernels are our children
print(json.dumps({"seconds": elapsed, "peak_mib": peak_kib / 1024}))
"""


def reference_python() -> str:
    """The interpreter behind the running one (run this with .venv/bin/python), checked against
    .python-version, so the scratch environment is built from the reference interpreter itself."""
    want = (ROOT / ".python-version").read_text().strip()
    base = getattr(sys, "_base_executable", sys.executable)
    have = "%d.%d" % sys.version_info[:2]
    if have != want:
        sys.exit(f"error: run this with CPython {want} (for example .venv/bin/python), not {have}")
    return base


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help=f"also write {RESULTS.relative_to(ROOT)}")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="binder-proxy-") as tmp:
        tmp = Path(tmp)
        venv = tmp / "venv"
        python = reference_python()
        start = time.perf_counter()
        subprocess.run([python, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
                        "-r", "requirements.txt", "nbclient"], cwd=ROOT, check=True)
        install_s = time.perf_counter() - start
        shutil.copytree(ROOT / "notebooks", tmp / "notebooks")
        env = dict(os.environ, PYTHONHASHSEED="0", PATH=f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}")
        env.pop("PYTHONPATH", None)
        rows = []
        for nb in sorted((tmp / "notebooks").glob("*.ipynb")):
            out = subprocess.run([str(venv / "bin" / "python"), "-c", RUNNER, str(nb), str(nb.parent)],
                                 env=env, capture_output=True, text=True)
            if out.returncode != 0:
                rows.append((nb.name, None, None, out.stderr.strip().splitlines()[-1:]))
                continue
            data = json.loads(out.stdout.strip().splitlines()[-1])
            rows.append((nb.name, data["seconds"], data["peak_mib"], None))
    lines = [f"Install from `requirements.txt` into a fresh environment: **{install_s:.0f} s**.", "",
             "| lab | run-all | peak memory | within budget |", "| --- | ---: | ---: | --- |"]
    for name, seconds, peak, error in rows:
        if error is not None:
            lines.append(f"| `{name}` | failed: {error} | | no |")
            continue
        limit = 120 if any(key in name for key in LONG_LABS) else 60
        ok = seconds < limit and peak < 1536
        lines.append(f"| `{name}` | {seconds:.1f} s | {peak:.0f} MiB | {'yes' if ok else 'NO'} (under {limit} s, 1.5 GB) |")
    lines += ["", "Measured with `python benchmarks/binder_proxy.py --write` on this project's 2-core machine."]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.write:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
