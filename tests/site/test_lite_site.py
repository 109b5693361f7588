"""The built site's JupyterLite app and the Pyodide it runs on: everything its kernel loads is on the site.

tests/browser/test_lite.py runs the labs in Chromium with the network off; these read the files
and name the one at fault.
"""
import hashlib
import json
from pathlib import Path
from urllib.parse import urljoin

import pytest

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "_build" / "html"
RUNTIME = SITE / "_static" / "runtime" / "pyodide"
KERNEL = "@jupyterlite/pyodide-kernel-extension:kernel"


@pytest.fixture(scope="module")
def lock():
    if not (SITE / "lite" / "jupyter-lite.json").is_file():
        pytest.fail("no lite/ in the built site: run `make book` (tools/build_lite.py builds it)")
    return json.loads((RUNTIME / "pyodide-lock.json").read_text(encoding="utf-8"))["packages"]


@pytest.fixture(scope="module")
def kernel_settings():
    config = json.loads((SITE / "lite" / "jupyter-lite.json").read_text(encoding="utf-8"))
    return config["jupyter-config-data"]["litePluginSettings"][KERNEL]


def test_every_wheel_in_the_lock_is_on_the_site_with_its_hash(lock):
    wrong = []
    for name, entry in lock.items():
        wheel = RUNTIME / entry["file_name"]
        if not wheel.is_file():
            wrong.append(f"{name}: {entry['file_name']} missing")
        elif hashlib.sha256(wheel.read_bytes()).hexdigest() != entry["sha256"]:
            wrong.append(f"{name}: sha256 differs")
    assert wrong == []


def test_the_lock_is_closed_under_its_dependencies(lock):
    # A dependency outside the lock would send Pyodide (or micropip) to a CDN or to PyPI.
    assert [(name, dep) for name, entry in lock.items() for dep in entry["depends"] if dep not in lock] == []


def test_the_kernel_uses_the_sites_pyodide_and_never_pypi(lock, kernel_settings):
    # jupyter-lite.json's "./" URLs are relative to the lite/ folder (JupyterLite's config-utils.js).
    url = kernel_settings["pyodideUrl"]
    assert url.startswith("./")
    resolved = urljoin("http://127.0.0.1/lite/", url[2:])
    assert resolved == "http://127.0.0.1/_static/runtime/pyodide/pyodide.mjs"
    assert (RUNTIME / "pyodide.mjs").is_file()
    assert kernel_settings["disablePyPIFallback"] is True
    # What the kernel loads at start: its own packages (pyodide-kernel's worker skips installing
    # those listed here), micropip (always loaded from the lock), ipywidgets, graphviz, the labs.
    wanted = kernel_settings["loadPyodideOptions"]["packages"] + ["micropip"]
    assert [name for name in wanted if name not in lock] == []
    assert {"piplite", "ipykernel", "comm", "pyodide-kernel", "jedi", "ipython", "internals-lab"} <= set(wanted)


def test_every_lab_is_in_the_app():
    labs = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert sorted(p.name for p in (SITE / "lite" / "files").glob("*.ipynb")) == labs
