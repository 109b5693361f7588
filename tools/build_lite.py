"""Build the labs' JupyterLite app into the built site (`<site>/lite/`), for reading offline.

`make book` calls `build(site)` after `vendor_runtime.stage(site)`. The app comes from the PyPI
packages jupyterlite-core and jupyterlite-pyodide-kernel (pinned in requirements-dev.txt); its
kernel is the Pyodide that `stage` copied to `<site>/_static/runtime/pyodide/` (one copy on the
site: `tools/lite/jupyter-lite.json` points the kernel's `pyodideUrl` there). The kernel's own
Python packages (micropip, piplite, IPython, ipywidgets ...) come from PyPI as pure-Python wheels,
pinned in `tools/runtime/runtime.toml`; `vendor_runtime.stage_lite_wheels` ships them beside
Pyodide and lists them in its lock, and the config loads them at kernel start with PyPI fallback
off, so nothing is fetched from a CDN or PyPI when a reader runs a lab.

Only two lab extensions go in (the kernel and ipywidgets' manager), not everything installed in
.venv: nbgrader's and Notebook's extensions expect a Jupyter server.

Run alone (`python tools/build_lite.py SITE_DIR`) it builds into SITE_DIR/lite, on a site where
`vendor_runtime.stage` has run.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "tools" / "lite"
LITE = "lite"                                  # the app's folder inside the site
APPS = ["lab", "notebooks", "tree"]
EXTENSIONS = ["@jupyterlite/pyodide-kernel-extension", "@jupyter-widgets/jupyterlab-manager"]

sys.path.insert(0, str(Path(__file__).resolve().parent))
import vendor_runtime  # noqa: E402


def lab_extensions() -> list[Path]:
    share = Path(sys.prefix) / "share" / "jupyter" / "labextensions"
    found = [share / name for name in EXTENSIONS]
    missing = [str(p) for p in found if not (p / "package.json").is_file()]
    if missing:
        raise SystemExit(f"error: lab extensions missing: {', '.join(missing)}; install requirements-dev.txt")
    return found


def build(site: Path) -> dict:
    """Write `<site>/lite/` and the kernel's wheels; return what was built (for the summary line)."""
    start = time.perf_counter()
    wheels = vendor_runtime.stage_lite_wheels(site)
    jupyter = Path(sys.executable).parent / "jupyter"
    out = site / LITE
    shutil.rmtree(out, ignore_errors=True)
    with tempfile.TemporaryDirectory() as scratch:
        # A scratch lite dir: jupyter lite writes its doit database and cache there, never into the clone.
        work = Path(scratch)
        shutil.copy2(CONFIG / "jupyter-lite.json", work / "jupyter-lite.json")
        contents = work / "contents"
        contents.mkdir()
        for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
            shutil.copy2(notebook, contents / notebook.name)
        config = {"LiteBuildConfig": {
            "apps": APPS, "contents": [str(contents)], "output_dir": str(out),
            "federated_extensions": [str(p) for p in lab_extensions()],
            "ignore_sys_prefix": True, "no_sourcemaps": True, "no_unused_shared_packages": True,
            "source_date_epoch": 315532800,            # the same bytes for the same sources
        }}
        (work / "jupyter_lite_config.json").write_text(json.dumps(config, indent=1), encoding="utf-8")
        cmd = [str(jupyter), "lite", "build", "--lite-dir", str(work)]
        result = subprocess.run(cmd, cwd=work, capture_output=True, text=True)
        if result.returncode != 0:
            raise SystemExit(f"error: jupyter lite build failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    files = [p for p in out.rglob("*") if p.is_file()]
    return {"files": len(files), "bytes": sum(p.stat().st_size for p in files),
            "wheels": wheels["wheels"], "seconds": time.perf_counter() - start}


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: build_lite.py SITE_DIR")
    print(build(Path(sys.argv[1])))
