"""Fresh-interpreter experiments: import experiments that must not touch the reader's session.

Design: `run_fresh(files, code)` writes `files` into a new temporary directory, runs `code` with
`python -c` there (so the current directory is the first entry of `sys.path`, as in an
interactive session) and returns what it printed. `trace_fresh(files, code)` does the same
under `ImportTracer` and returns the `ImportTrace`.

By default the child runs with `-S -E`: no `site` (so no .pth file can add finders or paths:
setuptools' adds one to `sys.meta_path` on some installs) and no PYTHON* variables. Every
absolute path in the results is replaced by a label (`<tmp>`, `<stdlib>`, `<site-packages>`,
`<prefix>`), so stored outputs are the same on every machine with the same CPython version.

The child dies with the reader's kernel (PR_SET_PDEATHSIG on Linux, its own process group killed
at a timeout), and a timeout is a plain `TimeoutError`. Temporary folders are named
`imports-lab-XXXXXXXX`, each with a sibling `imports-lab-XXXXXXXX.pid` naming the process that
made it (beside it, not in it: the experiment sees its directory as it is, and the folder's name
keeps its length, which a .pyc's recorded path depends on). Each call removes its own folder, and
removes those left by a process that no longer exists (a kernel killed outright cannot clean up).
"""
from __future__ import annotations

import ast
import contextlib
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..children import die_with_parent_preexec
from ..pipeline.isolate import kill_group
from .tracer import ImportTrace

__all__ = ["FreshRun", "run_fresh", "trace_fresh", "label_paths"]

_HERE = Path(__file__).resolve().parent
_MARKER = "@@internals_lab trace@@"

# Loads tracer.py and pyc.py as a private package (not `internals_lab`, whose __init__ would
# import more), then forgets every module that loading pulled in, so the traced import meets
# an interpreter as fresh as `python -c` gives (the tracer keeps its own references).
_BOOTSTRAP = """
import sys
_before = set(sys.modules)
_first = sys.path.pop(0)  # the learner's directory must not shadow what the tracer imports
_pkg = type(sys)("_internals_lab_imports")
_pkg.__path__ = [{here!r}]
sys.modules["_internals_lab_imports"] = _pkg
from _internals_lab_imports.tracer import ImportTracer as _ImportTracer
for _name in set(sys.modules) - _before:
    del sys.modules[_name]
sys.path.insert(0, _first)
sys.path_importer_cache.clear()
_tracer = _ImportTracer()
try:
    with _tracer:
        exec(compile({code!r}, "<experiment>", "exec"), {{"__name__": "__main__"}})
except BaseException:
    pass
sys.stdout.write({marker!r} + repr(_tracer.trace.to_dict()) + "\\n")
"""


@dataclass(frozen=True)
class FreshRun:
    stdout: str
    stderr: str
    returncode: int


def _labels(tmp: str) -> list[tuple[str, str]]:
    paths = sysconfig.get_paths()
    pairs = [(os.path.realpath(tmp), "<tmp>"), (tmp, "<tmp>")]
    for key, label in (("purelib", "<site-packages>"), ("platlib", "<site-packages>"),
                       ("stdlib", "<stdlib>"), ("platstdlib", "<stdlib>")):
        pairs.append((paths[key], label))
    pairs += [(sys.prefix, "<prefix>"), (sys.base_prefix, "<prefix>")]
    return sorted(set(pairs), key=lambda pair: -len(pair[0]))  # longest first


def label_paths(text: str, tmp: str) -> str:
    for path, label in _labels(tmp):
        text = text.replace(path, label)
    return text


def _check_files(files: dict[str, str]) -> None:
    if not isinstance(files, dict):
        raise TypeError("files is a dict of relative path -> file text, e.g. {'json.py': 'x = 1'}")
    for name in files:
        if os.path.isabs(name) or ".." in Path(name).parts:
            raise ValueError(f"file names are relative to the experiment's directory: {name!r}")


def run_fresh(files: dict[str, str], code: str, *, flags: tuple[str, ...] = ("-S", "-E"),
              timeout: float = 30.0, setup: str | None = None) -> FreshRun:
    """Run `code` in a new interpreter inside a temporary directory holding `files`.

    `setup`, if given, runs first in its own interpreter in the same directory (to create a
    .pyc, say), so the experiment starts with a fresh sys.modules but the same files.
    """
    _check_files(files)
    _remove_stale_folders()
    with tempfile.TemporaryDirectory(prefix="imports-lab-") as tmp, _owner_mark(tmp):
        for name, text in files.items():
            target = Path(tmp, name)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        env = {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")}
        env["PYTHONHASHSEED"] = "0"  # read only without -E; harmless with it
        runs = [setup, code] if setup is not None else [code]
        for source in runs:
            result = _run_child([sys.executable, *flags, "-c", source], tmp, env, timeout)
        return FreshRun(label_paths(result.stdout, tmp), label_paths(result.stderr, tmp),
                        result.returncode)


def _run_child(argv: list[str], cwd: str, env: dict[str, str], timeout: float) -> subprocess.CompletedProcess:
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True,
                            preexec_fn=die_with_parent_preexec())
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_group(proc)
        proc.communicate()
        raise TimeoutError(f"the experiment did not finish within {timeout:g} s and was stopped; "
                           "pass a larger timeout= if it needs longer") from None
    except BaseException:
        kill_group(proc)
        proc.wait()
        raise
    return subprocess.CompletedProcess(argv, proc.returncode, out, err)


@contextlib.contextmanager
def _owner_mark(folder: str):
    mark = Path(folder + ".pid")
    mark.write_text(str(os.getpid()))
    try:
        yield
    finally:
        mark.unlink(missing_ok=True)


def _remove_stale_folders() -> None:
    """Remove imports-lab-* folders whose owning process is gone (a kernel killed mid-experiment)."""
    root = Path(tempfile.gettempdir())
    for mark in root.glob("imports-lab-*.pid"):
        try:
            pid = int(mark.read_text())
        except (OSError, ValueError):
            continue
        if pid == os.getpid():
            continue
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            shutil.rmtree(mark.with_suffix(""), ignore_errors=True)
            mark.unlink(missing_ok=True)
        except OSError:
            pass  # another user's process, alive


def trace_fresh(files: dict[str, str], code: str, *, flags: tuple[str, ...] = ("-S", "-E"),
                setup: str | None = None, timeout: float = 30.0) -> tuple[ImportTrace, str]:
    """Trace `code` (e.g. "import json") in a fresh interpreter; return (trace, its other output)."""
    script = _BOOTSTRAP.format(here=str(_HERE), code=code, marker=_MARKER)
    run = run_fresh(files, script, flags=flags, setup=setup, timeout=timeout)
    lines = run.stdout.splitlines()
    data = [line for line in lines if line.startswith(_MARKER)]
    if not data:
        raise RuntimeError(f"the experiment's interpreter stopped before reporting:\n{run.stderr}")
    printed = "\n".join(line for line in lines if not line.startswith(_MARKER))
    return ImportTrace.from_dict(ast.literal_eval(data[-1][len(_MARKER):])), printed
