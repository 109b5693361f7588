"""Vendor the in-browser runtime into the built site: Pyodide, Viz.js and this repository's wheel.

`make book` calls `stage(site)` after Sphinx has written the site. It

- downloads each npm package pinned in `tools/runtime/runtime.toml` once per machine into
  `$XDG_CACHE_HOME/internals-lab/vendor/` (never into the clone), and refuses a tarball whose
  sha512 differs from the pinned integrity;
- builds `internals_lab` as a wheel from this checkout, so the browser runs the code the tests run;
- writes `_static/runtime/pyodide/pyodide-lock.json`, a lock of exactly the wheels shipped beside
  Pyodide. The npm package's own lock names 357 packages that it does not contain, which Pyodide
  would fetch from a CDN; ours names none that are not on the site;
- copies the licences.

Run alone (`python tools/vendor_runtime.py SITE_DIR`) it stages into SITE_DIR.
"""
from __future__ import annotations

import base64
import contextlib
import fcntl
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
import tomllib
import urllib.request
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = ROOT / "tools" / "runtime" / "runtime.toml"
LICENSES = ROOT / "tools" / "runtime" / "licenses"
REGISTRY = "https://registry.npmjs.org"
RUNTIME = Path("_static") / "runtime"      # inside the site


def cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "internals-lab" / "vendor"


def manifest() -> dict:
    return tomllib.loads(MANIFEST.read_text(encoding="utf-8"))


@contextlib.contextmanager
def _locked(path: Path):
    """One download per package at a time, across clones and parallel runs on this machine."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _check_integrity(data: bytes, integrity: str, what: str) -> None:
    algorithm, _, expected = integrity.partition("-")
    if algorithm != "sha512":
        raise SystemExit(f"error: {what}: only sha512 integrities are pinned, not {algorithm!r}")
    actual = base64.b64encode(hashlib.sha512(data).digest()).decode()
    if actual != expected:
        raise SystemExit(f"error: {what}: the downloaded tarball's sha512 is {actual}, "
                         f"but tools/runtime/runtime.toml pins {expected}; refusing to use it")


def npm_package(name: str, spec: dict) -> Path:
    """The extracted `package/` directory of npm package `name` at the pinned version."""
    version = spec["version"]
    target = cache_root() / "npm" / f"{name.replace('/', '+')}-{version}"
    done = target / ".verified"
    if done.is_file():
        return target / "package"
    with _locked(target.with_suffix(".lock")):
        if done.is_file():
            return target / "package"
        basename = name.rsplit("/", 1)[-1]
        url = f"{REGISTRY}/{name}/-/{basename}-{version}.tgz"
        print(f"vendor: downloading {name} {version} from the npm registry", flush=True)
        try:
            with urllib.request.urlopen(url, timeout=120) as response:
                data = response.read()
        except OSError as exc:
            raise SystemExit(f"error: could not download {url}: {exc}") from None
        _check_integrity(data, spec["integrity"], f"{name}@{version}")
        shutil.rmtree(target, ignore_errors=True)
        scratch = Path(tempfile.mkdtemp(dir=target.parent))
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
            archive.extractall(scratch, filter="data")
        scratch.rename(target)
        done.write_text(spec["integrity"] + "\n")
    return target / "package"


def pypi_wheel(name: str, spec: dict) -> Path:
    """The pure-Python wheel of `name` at the pinned version, checked against its pinned sha256."""
    target = cache_root() / "pypi" / f"{name}-{spec['version']}"
    found = sorted(target.glob("*.whl"))
    if found and hashlib.sha256(found[0].read_bytes()).hexdigest() == spec["sha256"]:
        return found[0]
    with _locked(target.with_suffix(".lock")):
        shutil.rmtree(target, ignore_errors=True)
        scratch = Path(tempfile.mkdtemp(dir=target.parent))
        print(f"vendor: downloading {name} {spec['version']} from PyPI", flush=True)
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary", ":all:",
                        "--dest", str(scratch), f"{name}=={spec['version']}"], check=True)
        (wheel,) = scratch.glob("*.whl")
        actual = hashlib.sha256(wheel.read_bytes()).hexdigest()
        if actual != spec["sha256"]:
            raise SystemExit(f"error: {wheel.name}: sha256 {actual}, but tools/runtime/runtime.toml pins "
                             f"{spec['sha256']}; refusing to use it")
        scratch.rename(target)
    return target / wheel.name


def build_wheel(out_dir: Path) -> Path:
    """internals_lab as a pure-Python wheel, built from this checkout."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        # Built from a copy of what the wheel needs, so setuptools writes no build/ or
        # *.egg-info into the checkout.
        tree = Path(scratch) / "tree"
        tree.mkdir()
        for name in ("pyproject.toml", "README.md", "LICENSE"):
            shutil.copy2(ROOT / name, tree / name)
        shutil.copytree(ROOT / "src", tree / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        env = dict(os.environ, SOURCE_DATE_EPOCH="315532800")   # the same bytes for the same source
        subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
             "--wheel-dir", scratch, str(tree)],
            check=True, env=env, cwd=scratch,
        )
        (wheel,) = Path(scratch).glob("internals_lab-*.whl")
        return Path(shutil.copy2(wheel, out_dir / wheel.name))


def _lock_entry(wheel: Path, name: str, imports: list[str], depends: list[str] | None = None) -> dict:
    version = wheel.name.split("-")[1]
    return {
        "name": name,
        "version": version,
        "file_name": wheel.name,
        "install_dir": "site",
        "sha256": hashlib.sha256(wheel.read_bytes()).hexdigest(),
        "package_type": "package",
        "imports": imports,
        "depends": depends or [],
        "unvendored_tests": False,
        "shared_library": False,
    }


def _top_level_imports(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        names = {n.split("/", 1)[0] for n in archive.namelist() if "/" in n}
    return sorted(n for n in names if not n.endswith((".dist-info", ".data")))


def stage(site: Path) -> dict:
    """Copy the runtime into `site`; return what was staged (for the build's summary line)."""
    spec = manifest()
    runtime = site / RUNTIME
    staged: dict[str, int] = {}
    npm_dirs = {}
    for name, pkg in spec.get("npm", {}).items():
        source = npm_package(name, pkg)
        npm_dirs[name] = source
        dest = runtime / pkg["dest"]
        dest.mkdir(parents=True, exist_ok=True)
        for relative in pkg["files"]:
            target = dest / Path(relative).name
            shutil.copy2(source / relative, target)
            staged[str(target.relative_to(site))] = target.stat().st_size
    pyodide_dir = runtime / spec["npm"]["pyodide"]["dest"]
    wheel = build_wheel(pyodide_dir)
    upstream_lock = json.loads((npm_dirs["pyodide"] / "pyodide-lock.json").read_text(encoding="utf-8"))
    packages = {"internals-lab": _lock_entry(wheel, "internals-lab", _top_level_imports(wheel))}
    for name, pin in spec.get("pypi", {}).items():
        shipped = Path(shutil.copy2(pypi_wheel(name, pin), pyodide_dir))
        packages[name] = _lock_entry(shipped, name, _top_level_imports(shipped))
        staged[str(shipped.relative_to(site))] = shipped.stat().st_size
    lock = {"info": upstream_lock["info"], "packages": packages}
    (pyodide_dir / "pyodide-lock.json").write_text(json.dumps(lock, indent=1, sort_keys=True) + "\n",
                                                    encoding="utf-8")
    # The site's figure rules, applied by the worker to the SVG it draws (book/_ext/readable_svg.py).
    shutil.copy2(ROOT / "book" / "_ext" / "readable_svg.py", runtime / "readable_svg.py")
    licences = runtime / "LICENSES"
    licences.mkdir(parents=True, exist_ok=True)
    for text in LICENSES.glob("*.txt"):
        shutil.copy2(text, licences / text.name)
    cpython_licence = Path(sysconfig.get_path("stdlib")) / "LICENSE.txt"
    if cpython_licence.is_file():
        shutil.copy2(cpython_licence, licences / "LICENSE-CPython.txt")
    summary = ["What this folder holds, where it comes from, and under which licence:", ""]
    for name, pkg in spec.get("npm", {}).items():
        summary.append(f"- {pkg['dest']}/: npm package {name} {pkg['version']} ({pkg['integrity'][:20]}...): {pkg['license']}")
    for name, pin in spec.get("pypi", {}).items():
        summary.append(f"- pyodide/{name}-{pin['version']}-*.whl: PyPI (sha256 {pin['sha256'][:12]}...), its own licence inside the wheel")
    summary.append(f"- pyodide/{wheel.name}: built from this book's repository: MIT")
    (licences / "README.txt").write_text("\n".join(summary) + "\n", encoding="utf-8")
    return {"files": len(staged) + 2, "bytes": sum(staged.values()) + wheel.stat().st_size}


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: vendor_runtime.py SITE_DIR")
    print(stage(Path(sys.argv[1])))
