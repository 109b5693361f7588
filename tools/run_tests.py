"""Every test of the book, in stages, with the wall time of each (`make test`).

Stages, in order: the free-threaded CPython build and its GIL twin (`make python-ft`,
skipped when already built); the lab package's unit tests on the reference interpreter (3.13), then on
3.12 and 3.11 when those interpreters exist (each in its own .venv-3.x); the GIL lab's tests under the free-threaded build (test tools in .cache/ft-test-deps);
the toolchain tests
(notebook conventions, requirements, the nbgrader round trip of every assignment); every lab
notebook under strict nbval (in parallel by file, except the timing-sensitive labs, which run
alone); the book build (warnings are errors); the built site's checks; and the browser suite
when it exists. Every stage runs even if an earlier one failed, so one run shows every problem;
the exit status is non-zero if any stage failed.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
OTHER_VERSIONS = ("3.12", "3.11")
# Labs whose cells measure time or threads: never beside another notebook.
SERIAL_NOTEBOOKS = ("gil", "event_loop", "optimization")
UNIT = ["tests", "--ignore=tests/toolchain", "--ignore=tests/site", "--ignore=tests/browser"]


def pytest(python: str, *args: str) -> list[str]:
    return [python, "-m", "pytest", "-p", "no:cacheprovider", *args]


def notebooks() -> tuple[list[str], list[str]]:
    paths = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "notebooks").glob("*.ipynb"))
    serial = [p for p in paths if any(key in Path(p).stem for key in SERIAL_NOTEBOOKS)]
    return [p for p in paths if p not in serial], serial


def nbval(paths: list[str], parallel: bool) -> list[str]:
    args = ["--nbval", "--nbval-current-env", "--nbval-sanitize-with", "tests/nbval_sanitize.cfg", *paths]
    return pytest(PY, *(["-n", "2", "--dist", "loadfile"] if parallel else []), *args)


FT_PYTHON = ROOT / ".cache" / "cpython" / "ft" / "bin" / "python3.13t"
FT_DEPS = ROOT / ".cache" / "ft-test-deps"
# The GIL lab's own tests, which must also pass where threads really run in parallel.
FT_TESTS = ["tests/test_gil.py"]


def stages() -> list[tuple[str, list[list[str]]]]:
    plan: list[tuple[str, list[list[str]]]] = [
        # First, so that the unit tests, nbval and the book build all find both builds.
        ("free-threaded CPython 3.13 and its GIL twin", [["bash", "tools/build_python_ft.sh"]]),
        ("unit tests, CPython 3.13", [pytest(PY, "-n", "2", *UNIT)]),
    ]
    for version in OTHER_VERSIONS:
        venv = ROOT / f".venv-{version}"
        plan.append((f"unit tests, CPython {version}", [
            ["env", "OPTIONAL=1", "bash", "tools/venv.sh", version, str(venv), "requirements-unit.txt"],
            pytest(str(venv / "bin" / "python"), "-n", "2", *UNIT),
        ]))
    plan.append(("GIL lab tests, free-threaded CPython 3.13", [
        ["bash", "tools/ft_test_deps.sh", PY, str(FT_DEPS)],
        ["env", f"PYTHONPATH=src:{FT_DEPS}", *pytest(str(FT_PYTHON), *FT_TESTS)],
    ]))
    plan.append(("toolchain: notebooks, requirements, assignments", [pytest(PY, "-n", "2", "tests/toolchain")]))
    parallel, serial = notebooks()
    nb_cmds = ([nbval(parallel, True)] if parallel else []) + ([nbval(serial, False)] if serial else [])
    plan.append(("notebooks under strict nbval", nb_cmds))
    plan.append(("book build (warnings are errors)", [[PY, "tools/build_book.py"]]))
    plan.append(("built site", [pytest(PY, "tests/site")]))
    if (ROOT / "tests" / "browser").is_dir():
        plan.append(("browser: the site and the live labs in Chromium",
                     [["bash", "tools/browser_deps.sh"], pytest(PY, "tests/browser")]))
    return plan


def run_stage(commands: list[list[str]], env: dict[str, str]) -> str:
    for cmd in commands:
        print("$ " + " ".join(cmd), flush=True)
        code = subprocess.run(cmd, cwd=ROOT, env=env).returncode
        if code == 3 and cmd[:3] == ["env", "OPTIONAL=1", "bash"]:
            return "skipped (interpreter not installed)"
        if code != 0:
            return f"FAILED (exit {code})"
    return "passed"


def main() -> int:
    env = dict(os.environ, PYTHONHASHSEED="0")
    env["PATH"] = os.pathsep.join([str(Path(PY).parent), env.get("PATH", "")])
    results = []
    total = time.perf_counter()
    for name, commands in stages():
        print(f"\n=== {name} ===", flush=True)
        start = time.perf_counter()
        outcome = run_stage(commands, env)
        results.append((name, outcome, time.perf_counter() - start))
        print(f"=== {name}: {outcome} in {results[-1][2]:.0f} s", flush=True)
    print("\nstage" + " " * 47 + "result      time")
    for name, outcome, seconds in results:
        print(f"{name:52} {outcome.split(' (')[0]:10} {seconds:5.0f} s")
    print(f"{'total':52} {'':10} {time.perf_counter() - total:5.0f} s")
    failed = sum(outcome.startswith("FAILED") for _, outcome, _ in results)
    passed = sum(outcome == "passed" for _, outcome, _ in results)
    skipped = len(results) - failed - passed
    print(f"stages: {passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
