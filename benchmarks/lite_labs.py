"""Which labs run top to bottom in the site's JupyterLite, and how long they take.

    python benchmarks/lite_labs.py [--site _build/html] [--write]      # after `make book`

Serves the built site on 127.0.0.1, opens every lab in the lite app in Debian's chromium (one
browser, a fresh context per lab, every request off 127.0.0.1 refused and recorded), runs all its
cells and records: whether it ran to the end (no error, every cell run), the first error if not,
what its setup cell printed in the browser (its one-sentence note), the seconds from opening to a
started kernel and from Run All to idle, and the machine's load. --write stores the result in
benchmarks/results/lite_labs.json: "How to use this book" draws its table from that file, and
tests/browser/test_lite.py runs every lab it marks as running to the end.
"""
from __future__ import annotations

import argparse
import datetime
import functools
import http.server
import json
import os
import platform
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "lite_labs.json"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def measure(site: Path, names: list[str]) -> dict:
    from playwright.sync_api import sync_playwright
    sys.path.insert(0, str(ROOT / "tests"))
    from browser.conftest import CHROMIUM, CHROMIUM_ARGS
    from browser.lite import run_lab

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/"
    load_before = os.getloadavg()[0]
    labs = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            version = browser.version
            for name in names:
                run = run_lab(browser, base, name)
                first_error = run.stopped_at or ("timed out" if run.timed_out else "")
                labs.append({
                    "notebook": name,
                    "runs_to_the_end": run.ran_to_the_end and not run.foreign,
                    "browser_note": run.text(0).strip() if run.cells else "",
                    "first_error": first_error,
                    "cells_run": sum(1 for c in run.cells if c["execution_count"] is not None),
                    "code_cells": len(run.cells),
                    "seconds_to_kernel": round(run.seconds_to_kernel, 1),
                    "seconds_to_run": round(run.seconds_to_run, 1),
                    "requests_off_127": run.foreign,
                })
                print(f"{name}: {'runs to the end' if labs[-1]['runs_to_the_end'] else 'stops: ' + first_error[:100]} "
                      f"(kernel {run.seconds_to_kernel:.1f} s, run {run.seconds_to_run:.1f} s)", flush=True)
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    pyodide = json.loads((site / "_static" / "runtime" / "pyodide" / "package.json").read_text())["version"]
    return {
        "measured_on": {
            "date": datetime.date.today().isoformat(), "chromium": version, "pyodide": pyodide,
            "cores": os.cpu_count(), "load_before": round(load_before, 2), "load_after": round(os.getloadavg()[0], 2),
            "machine": platform.machine(),
        },
        "labs": labs,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--write", action="store_true", help=f"store the result in {RESULTS.relative_to(ROOT)}")
    parser.add_argument("notebooks", nargs="*", help="lab file names (default: every lab)")
    args = parser.parse_args()
    if not (args.site / "lite" / "index.html").is_file():
        sys.exit(f"no JupyterLite app in {args.site / 'lite'}: run `make book` first")
    names = args.notebooks or sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    result = measure(args.site, names)
    if args.write:
        RESULTS.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
