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
                first_error = (run.errors or ["timed out" if run.timed_out else ""])[0]
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


def summary(result: dict | None = None) -> str:
    """One sentence computed from the stored measurement, for the page that shows the table."""
    result = result or json.loads(RESULTS.read_text(encoding="utf-8"))
    ready = [lab["notebook"].split("_")[0] for lab in result["labs"] if lab["runs_to_the_end"]]
    total = len(result["labs"])
    if not ready:
        return f"None of the {total} labs runs to its end in JupyterLite yet."
    verb = "runs to its" if len(ready) == 1 else "run to their"
    return (f"{len(ready)} of the {total} labs {verb} end in JupyterLite (lab {', '.join(ready)}); "
            "the others print, in their first cell, where Run All stops and what it needs.")


def table(result: dict | None = None):
    """The stored measurement as the table "How to use this book" shows."""
    sys.path.insert(0, str(ROOT / "src"))
    from internals_lab.render import Table

    result = result or json.loads(RESULTS.read_text(encoding="utf-8"))
    on = result["measured_on"]
    rows = []
    for lab in result["labs"]:
        rows.append([
            lab["notebook"].removesuffix(".ipynb"),
            "yes" if lab["runs_to_the_end"] else f"no: {lab['browser_note']}",
            f"{lab['cells_run']} of {lab['code_cells']}",
            f"{lab['seconds_to_kernel']:.1f} + {lab['seconds_to_run']:.1f}",
        ])
    caption = (f"Measured on {on['date']}: Chromium {on['chromium']}, Pyodide {on['pyodide']} (CPython 3.14), "
               f"{on['cores']} cores, load average {on['load_before']} before and {on['load_after']} after "
               "(benchmarks/lite_labs.py). Time: seconds from opening the lab to a started kernel, "
               "plus seconds for Run All.")
    return Table(["lab", "runs to the end in JupyterLite", "code cells run", "time (s)"], rows, caption=caption)


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
