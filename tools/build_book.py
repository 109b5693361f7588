"""Build the static site with Jupyter Book 1, strictly, and say where it is.

`make book` runs this with the reference interpreter's .venv. Warnings are errors (-W -n
--keep-going), a cell error fails the build (nb_execution_raise_on_error), and a build that
exits 0 without writing _build/html/index.html still fails: Jupyter Book 2.x does exactly
that with a 1.x configuration, and we refuse to publish an empty site.

--execute force re-executes the lab notebooks as well as the prose pages, through a copy of
_config.yml without the notebooks' execution exclusion.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "_build"
INDEX = BUILD / "html" / "index.html"


def jupyter_book() -> Path:
    exe = Path(sys.executable).parent / "jupyter-book"
    if not exe.exists():
        sys.exit("error: jupyter-book is not installed in this environment; run `make book`, which installs it")
    out = subprocess.run([str(exe), "--version"], capture_output=True, text=True).stdout
    match = re.search(r"Jupyter Book\s*:\s*(\S+)", out)
    version = match.group(1) if match else out.strip()
    if not version.startswith("1."):
        sys.exit(f"error: this book needs Jupyter Book 1.x (requirements-dev.txt pins 1.0.4.post1), found {version!r}")
    return exe


def forced_config() -> Path:
    """A copy of _config.yml whose execute.exclude_patterns is empty."""
    text = (ROOT / "_config.yml").read_text(encoding="utf-8")
    new, count = re.subn(r"(?m)^(\s+exclude_patterns:\s*)\[.*\]\s*$", r"\1[]", text, count=1)
    if count != 1:
        sys.exit("error: could not find execute.exclude_patterns in _config.yml to override")
    path = ROOT / "_config_force.yml"
    path.write_text(new, encoding="utf-8")
    return path


# pydata-sphinx-theme hard-codes Font Awesome's SVG-with-JavaScript build (about 0.5 MB compressed)
# in a template macro, "so that users can add custom icons". This book adds none, and the theme's
# stylesheet already draws every icon it uses from Font Awesome's web fonts, so the script only
# doubles each page's weight (benchmarks/site_weight.py measures it).
_ICON_SCRIPT = re.compile(r'\s*<script defer src="[^"]*_static/scripts/fontawesome\.js[^"]*"></script>')


def drop_icon_script(site: Path) -> int:
    count = 0
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        new, n = _ICON_SCRIPT.subn("", text)
        if n:
            page.write_text(new, encoding="utf-8")
            count += 1
    return count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--execute", choices=["force"], help="re-execute the lab notebooks too")
    args = parser.parse_args()

    exe = jupyter_book()
    env = dict(os.environ, PYTHONHASHSEED="0")
    # The build's kernels must import this checkout's package, whatever is installed.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")]))
    # Prose pages record their claims' measurements here (internals_lab.measured_claims); the
    # claims page, read after the chapters, prints a measured verdict only beside data that meet
    # its predicate. Emptied first, so no earlier build's numbers can confirm anything.
    measurements = ROOT / "_build" / "measurements"
    shutil.rmtree(measurements, ignore_errors=True)
    env["INTERNALS_LAB_MEASUREMENTS"] = str(measurements)
    # --all: an incremental Sphinx build can keep stale static files and pages.
    cmd = [str(exe), "build", str(ROOT), "--all", "--builder", "html", "-W", "-n", "--keep-going"]
    config = None
    if args.execute == "force":
        config = forced_config()
        cmd += ["--config", str(config)]
    # Start from an empty site: pages of files that left the book must not linger.
    shutil.rmtree(INDEX.parent, ignore_errors=True)
    start = time.perf_counter()
    try:
        result = subprocess.run(cmd, cwd=ROOT, env=env)
    finally:
        if config is not None:
            config.unlink(missing_ok=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        print(f"book: FAILED after {elapsed:.0f} s (jupyter-book exit {result.returncode}); see the warnings above",
              file=sys.stderr)
        return result.returncode
    if not INDEX.is_file():
        print(f"book: FAILED: jupyter-book exited 0 but wrote no {INDEX.relative_to(ROOT)}", file=sys.stderr)
        return 1
    slimmed = drop_icon_script(INDEX.parent)
    # The in-browser runtime (Pyodide, Viz.js, this checkout's wheel): loaded by a page only
    # when its reader presses "Run in your browser".
    import vendor_runtime
    runtime = vendor_runtime.stage(INDEX.parent)
    print(f"book: in-browser runtime staged ({runtime['files']} files, {runtime['bytes'] / 1e6:.1f} MB before compression)")
    # The labs in JupyterLite (lite/), on the Pyodide just staged: tools/build_lite.py.
    import build_lite
    lite = build_lite.build(INDEX.parent)
    print(f"book: JupyterLite app built in {lite['seconds']:.0f} s ({lite['files']} files, "
          f"{lite['bytes'] / 1e6:.1f} MB, {lite['wheels']} kernel wheels); open {INDEX.parent / build_lite.LITE}")
    print(f"book: built in {elapsed:.0f} s ({slimmed} pages without the 0.5 MB icon script). Open {INDEX} in a browser "
          f"(or serve it: python3 -m http.server -d {INDEX.parent} 8000)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
