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
    with _locked(target.parent / (target.name + ".lock")):
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
    summary.append(f"- pyodide/{wheel.name}: built from this book's repository: MIT")
    (licences / "README.txt").write_text("\n".join(summary) + "\n", encoding="utf-8")
    return {"files": len(staged) + 2, "bytes": sum(staged.values()) + wheel.stat().st_size}


# --- Wheels for the labs in JupyterLite (tools/build_lite.py) ------------------------------------
# Pyodide's loadPackage() installs a wheel listed in the lock together with its `depends`, which we
# compute from the wheel's own Requires-Dist, evaluated for Pyodide's platform.
EMSCRIPTEN_MARKERS = {
    "sys_platform": "emscripten", "platform_system": "Emscripten", "platform_machine": "wasm32",
    "os_name": "posix", "implementation_name": "cpython", "platform_python_implementation": "CPython",
    "python_version": "3.14", "python_full_version": "3.14.2", "extra": "",
}


def _check_sha256(path: Path, expected: str, what: str) -> None:
    actual = hashlib.sha256(path.read_bytes()).hexdigest()
    if actual != expected:
        raise SystemExit(f"error: {what}: {path.name} has sha256 {actual}, but tools/runtime/runtime.toml "
                         f"pins {expected}; refusing to use it")


def pypi_wheel(name: str, spec: dict) -> Path:
    """The pure-Python wheel of `name` at the pinned version, downloaded once per machine."""
    target = cache_root() / "pypi" / f"{name}-{spec['version']}"
    done = target / ".verified"
    with _locked(target.parent / (target.name + ".lock")):
        if not done.is_file():
            shutil.rmtree(target, ignore_errors=True)
            target.mkdir(parents=True)
            print(f"vendor: downloading {name} {spec['version']} from PyPI", flush=True)
            # --platform any: only a py3-none-any wheel will do (pip would otherwise pick a Linux build).
            result = subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                                    "--only-binary", ":all:", "--platform", "any", "--implementation", "py",
                                    "--abi", "none", "--python-version", "3.14", "--dest", str(target),
                                    f"{name}=={spec['version']}"])
            if result.returncode != 0:
                raise SystemExit(f"error: could not download {name}=={spec['version']} from PyPI "
                                 "(a pure-Python wheel); the first `make book` on a machine needs PyPI")
            (wheel,) = target.glob("*.whl")
            _check_sha256(wheel, spec["sha256"], f"{name}=={spec['version']}")
            done.write_text(spec["sha256"] + "\n")
    (wheel,) = target.glob("*.whl")
    return wheel


def kernel_wheel(name: str, spec: dict) -> Path:
    """A wheel that the installed jupyterlite-pyodide-kernel carries in its lab extension."""
    folder = (Path(sys.prefix) / "share" / "jupyter" / "labextensions" / "@jupyterlite"
              / "pyodide-kernel-extension" / "static" / "pypi")
    found = sorted(folder.glob(f"{name.replace('-', '_')}-{spec['version']}-*.whl"))
    if not found:
        raise SystemExit(f"error: no {name} {spec['version']} wheel in {folder}: install requirements-dev.txt "
                         f"(jupyterlite-pyodide-kernel) into this environment")
    _check_sha256(found[0], spec["sha256"], f"{name}=={spec['version']}")
    return found[0]


def _wheel_metadata(wheel: Path):
    from email.parser import HeaderParser
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA") and n.count("/") == 1]
        return HeaderParser().parsestr(archive.read(name).decode("utf-8"))


def _emscripten_requirements(metadata) -> list[str]:
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name
    names = []
    for line in metadata.get_all("Requires-Dist") or []:
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate(EMSCRIPTEN_MARKERS):
            names.append(canonicalize_name(requirement.name))
    return sorted(set(names))


def stage_lite_wheels(site: Path) -> dict:
    """Add the PyPI wheels to the runtime that `stage(site)` wrote, and to its lock: graphviz,
    which the pages' explorer imports, and the JupyterLite kernel's wheels.

    Fails when a shipped wheel requires a package that is not shipped: the kernel would otherwise
    try to fetch it from PyPI at run time.
    """
    from packaging.utils import canonicalize_name
    spec = manifest()
    pyodide_dir = site / RUNTIME / spec["npm"]["pyodide"]["dest"]
    lock_path = pyodide_dir / "pyodide-lock.json"
    lock = json.loads(lock_path.read_text(encoding="utf-8"))
    wheels = {name: pypi_wheel(name, pin) for name, pin in spec["pypi"].items()}
    wheels |= {name: kernel_wheel(name, pin) for name, pin in spec["kernel_wheels"].items()}
    licences = []
    for name, wheel in wheels.items():
        metadata = _wheel_metadata(wheel)
        depends = _emscripten_requirements(metadata)
        missing = [d for d in depends if d not in wheels and d not in lock["packages"]]
        if missing:
            raise SystemExit(f"error: {wheel.name} requires {', '.join(missing)} on Pyodide, which "
                             f"tools/runtime/runtime.toml does not ship")
        shutil.copy2(wheel, pyodide_dir / wheel.name)
        entry = _lock_entry(pyodide_dir / wheel.name, canonicalize_name(name), _top_level_imports(wheel), depends)
        entry["version"] = metadata["Version"]
        lock["packages"][canonicalize_name(name)] = entry
        classifiers = [c.rsplit(" :: ", 1)[-1] for c in metadata.get_all("Classifier") or [] if c.startswith("License ::")]
        licence = (metadata.get("License-Expression") or ", ".join(classifiers)
                   or next(iter((metadata.get("License") or "").splitlines()), "") or "see the wheel's METADATA")
        origin = "from PyPI" if name in spec["pypi"] else "from PyPI, inside jupyterlite-pyodide-kernel (BSD-3-Clause)"
        licences.append(f"- pyodide/{wheel.name}: {origin}: {licence}")
    lock_path.write_text(json.dumps(lock, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    with open(site / RUNTIME / "LICENSES" / "README.txt", "a", encoding="utf-8") as readme:
        readme.write("\n".join(sorted(licences)) + "\n")
    return {"wheels": len(wheels), "bytes": sum(w.stat().st_size for w in wheels.values())}


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: vendor_runtime.py SITE_DIR")
    print(stage(Path(sys.argv[1])), stage_lite_wheels(Path(sys.argv[1])))
