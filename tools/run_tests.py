"""Every test of the book, in stages, with the wall time of each (`make test`).

Stages, in order: the interpreters (`make python`: CPython 3.14, 3.14t, 3.15 and 3.15t, each
found on the machine or built once per machine from Debian's archive); the lab package's unit
tests on the reference interpreter (3.14), then on 3.15, 3.13, 3.12 and 3.11 when those
interpreters exist (each in its own .venv-3.x); the GIL lab's tests under the free-threaded
builds 3.14t and 3.15t (with the memory lab's); CPython's own `Lib/test` modules run in the teaching VM and compared
with CPython (tools/vm_libtest.py, against tests/vm_libtest/expected_failures.toml); the fuzz stage
(tests/fuzz, a seeded sample on 3.14); the toolchain tests
(notebook conventions, requirements, the nbgrader round trip of every assignment); a whole
course on a real JupyterHub (tests/hub: release, fetch, submit, collect, autograde, feedback); every lab
notebook under strict nbval (in parallel by file, except the timing-sensitive labs, which run
alone); the book build (warnings are errors); the built site's checks; and the browser suite
when it exists. Every stage runs even if an earlier one failed, so one run shows every problem;
the exit status is non-zero if any stage failed.
"""
from __future__ import annotations

import collections
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
# Every interpreter the book compares; tools/provision_python.py builds the missing ones.
PROVISION = ["3.14", "3.14t", "3.15", "3.15t"]
# Unit tests beside the reference (3.14, in .venv): each in its own .venv-<name>.
OTHER_VERSIONS = ("3.15", "3.13", "3.12", "3.11")
FREE_THREADED = ("3.14t", "3.15t")
# The GIL and memory labs' tests, which must also pass where threads really run in parallel.
FT_TESTS = ["tests/test_gil.py", "tests/test_memory.py"]
# Labs whose cells measure time or threads: never beside another notebook.
SERIAL_NOTEBOOKS = ("gil", "event_loop", "optimization")
UNIT = ["tests", "--ignore=tests/toolchain", "--ignore=tests/hub", "--ignore=tests/site", "--ignore=tests/browser",
        "--ignore=tests/fuzz"]
# Any python3 runs the provisioning tool (it needs only the standard library).
BOOT = next((p for p in ("/usr/bin/python3", "/usr/local/bin/python3") if os.access(p, os.X_OK)), PY)


def pytest(python: str, *args: str) -> list[str]:
    return [python, "-m", "pytest", "-p", "no:cacheprovider", *args]


def notebooks() -> tuple[list[str], list[str]]:
    paths = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "notebooks").glob("*.ipynb"))
    serial = [p for p in paths if any(key in Path(p).stem for key in SERIAL_NOTEBOOKS)]
    return [p for p in paths if p not in serial], serial


def nbval(paths: list[str], parallel: bool) -> list[str]:
    args = ["--nbval", "--nbval-current-env", "--nbval-sanitize-with", "tests/nbval_sanitize.cfg", *paths]
    return pytest(PY, *(["-n", "2", "--dist", "loadfile"] if parallel else []), *args)


def stages() -> list[tuple[str, list[list[str]]]]:
    plan: list[tuple[str, list[list[str]]]] = [
        # First, so that the unit tests, nbval and the book build all find every interpreter.
        ("interpreters: CPython " + ", ".join(PROVISION), [[BOOT, "tools/provision_python.py", *PROVISION]]),
        # Every other interpreter's venv at once: pip spends most of its time waiting on the
        # network and unpacking, so six in parallel take little longer than one.
        ("venvs of the other interpreters, in parallel", [["PARALLEL", *(
            " ".join(["env", "OPTIONAL=1", "bash", "tools/venv.sh", v, str(ROOT / f".venv-{v}"), reqs])
            for v, reqs in [(v, "requirements-unit.txt") for v in OTHER_VERSIONS]
            + [(v, "requirements-ft.txt") for v in FREE_THREADED])]]),
        ("unit tests, CPython 3.14 (reference)", [pytest(PY, "-n", "2", *UNIT)]),
    ]
    for version in OTHER_VERSIONS:
        venv = ROOT / f".venv-{version}"
        plan.append((f"unit tests, CPython {version}", [
            ["env", "OPTIONAL=1", "bash", "tools/venv.sh", version, str(venv), "requirements-unit.txt"],
            pytest(str(venv / "bin" / "python"), "-n", "2", *UNIT),
        ]))
    for version in FREE_THREADED:
        venv = ROOT / f".venv-{version}"
        plan.append((f"GIL and memory lab tests, free-threaded CPython {version}", [
            ["env", "OPTIONAL=1", "bash", "tools/venv.sh", version, str(venv), "requirements-ft.txt"],
            ["env", "PYTHONPATH=src", *pytest(str(venv / "bin" / "python"), *FT_TESTS)],
        ]))
    # CPython's own Lib/test modules, in the teaching VM and in CPython, on every version present.
    plan.append(("CPython's Lib/test in the teaching VM, 3.11-3.15", [[PY, "tools/vm_libtest.py"]]))
    # Issue 22: a seeded sample of generated and hostile inputs through the pipeline, the VM and the
    # player, each input watched for 10 s in a worker process (about 2.5 minutes on two busy cores).
    plan.append(("fuzz: pipeline, VM and player (seeded)", [pytest(PY, "-rxX", "tests/fuzz")]))
    plan.append(("toolchain: notebooks, requirements, assignments", [pytest(PY, "-n", "2", "tests/toolchain")]))
    # A whole nbgrader course on a real JupyterHub on 127.0.0.1 (its proxy from npm).
    plan.append(("JupyterHub course: release to feedback", [["bash", "tools/hub_deps.sh"], pytest(PY, "tests/hub")]))
    parallel, serial = notebooks()
    nb_cmds = ([nbval(parallel, True)] if parallel else []) + ([nbval(serial, False)] if serial else [])
    plan.append(("notebooks under strict nbval", nb_cmds))
    plan.append(("book build (warnings are errors)", [[PY, "tools/build_book.py"]]))
    plan.append(("built site", [pytest(PY, "tests/site")]))
    if (ROOT / "tests" / "browser").is_dir():
        plan.append(("browser: the site and the live labs in Chromium",
                     [["bash", "tools/browser_deps.sh"],
                      pytest(PY, "-n", "2", "--dist", "loadgroup", "tests/browser")]))
    return plan


# How much of a failed stage's output the summary repeats.
TAIL_LINES = 12


def run_parallel(commands: list[str], env: dict[str, str]) -> str:
    """Run shell-free commands (space-separated words) at once; each one's output after it ends."""
    running = []
    for line in commands:
        print("$ " + line + " &", flush=True)
        running.append((line, subprocess.Popen(line.split(), cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                               stderr=subprocess.STDOUT, text=True)))
    failed = []
    for line, proc in running:
        output, _ = proc.communicate()
        print(output, end="", flush=True)
        if proc.returncode not in (0, 3):   # 3: that interpreter is not installed (a notice)
            failed.append(f"{line.split()[4]} (exit {proc.returncode})")
    return f"FAILED ({', '.join(failed)})" if failed else "passed"


def run_streamed(cmd: list[str], env: dict[str, str], tail: collections.deque) -> int:
    """Run `cmd`, passing its output through as it comes and keeping its last lines in `tail`."""
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, errors="replace", bufsize=1)

    def relay():
        for line in proc.stdout:
            print(line, end="", flush=True)
            tail.append(line.rstrip("\n"))

    # A reader thread, not a loop here: a server the stage left behind may hold the pipe open
    # after the stage itself has ended, and the stage's end is what counts.
    reader = threading.Thread(target=relay, daemon=True)
    reader.start()
    code = proc.wait()
    reader.join(timeout=10)
    return code


def run_stage(commands: list[list[str]], env: dict[str, str], tail: collections.deque) -> str:
    if commands and commands[0][0] == "PARALLEL":
        return run_parallel(commands[0][1:], env)
    for cmd in commands:
        print("$ " + " ".join(cmd), flush=True)
        code = run_streamed(cmd, env, tail)
        if code == 3 and cmd[:3] == ["env", "OPTIONAL=1", "bash"]:
            return "skipped (interpreter not installed)"
        if code != 0:
            return f"FAILED (exit {code})"
    return "passed"


def main() -> int:
    env = dict(os.environ, PYTHONHASHSEED="0")
    env["PATH"] = os.pathsep.join([str(Path(PY).parent), env.get("PATH", "")])
    results = []
    tails: dict[str, list[str]] = {}
    total = time.perf_counter()
    for name, commands in stages():
        print(f"\n=== {name} ===", flush=True)
        start = time.perf_counter()
        tail: collections.deque = collections.deque(maxlen=TAIL_LINES)
        outcome = run_stage(commands, env, tail)
        results.append((name, outcome, time.perf_counter() - start))
        if outcome.startswith("FAILED"):
            tails[name] = list(tail)
        print(f"=== {name}: {outcome} in {results[-1][2]:.0f} s", flush=True)
    # A CI log may keep only the end of the output: repeat why each failed stage failed there.
    for name, lines in tails.items():
        print(f"\n--- the last lines of the failed stage: {name}")
        print("\n".join(lines))
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
