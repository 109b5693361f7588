"""Stage 7, across versions: the same source compiled by several CPython interpreters.

Design: bytecode is an implementation detail that changes in every minor release, and only
the interpreter of a version can compile for it. `find_interpreters()` asks
`internals_lab.interpreters`, the one place that finds interpreters and checks each by running
it. `compare()` sends the source to each one in a subprocess (stdin, no shell, a timeout,
PYTHONHASHSEED=0 so set constants come out in a fixed order) and collects opnames as JSON.
Missing interpreters are reported by name, never silently skipped.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from ..children import run_child
from .. import interpreters as registry
from .source import as_text

__all__ = ["Interpreter", "find_interpreters", "VersionResult", "compare", "compare_tokens", "WANTED"]

WANTED = ("3.11", "3.12", "3.13", "3.14", "3.15")

# Runs inside the other interpreter: stdlib only, and valid on 3.8 through 3.15.
_PROBE = r"""
import dis, io, json, platform, sys, tokenize, types
src = sys.stdin.buffer.read().decode("utf-8")
want = sys.argv[1] if len(sys.argv) > 1 else ""
if want == "--tokens":
    try:
        rows = [[tokenize.tok_name[t.type], t.string] for t in tokenize.generate_tokens(io.StringIO(src, newline=None).readline)]
    except (SyntaxError, tokenize.TokenError) as exc:
        print(json.dumps({"error": "the tokenize module failed: %s" % (exc,)})); sys.exit(0)
    print(json.dumps({"version": platform.python_version(), "instructions": rows})); sys.exit(0)
try:
    code = compile(src, "<lab>", "exec", dont_inherit=True)
except SyntaxError as exc:
    print(json.dumps({"error": "%s (line %s)" % (exc.msg, exc.lineno)})); sys.exit(0)
queue, found = [code], None
while queue:
    co = queue.pop(0)
    if getattr(co, "co_qualname", co.co_name) == want or (not want and co is code):
        found = co; break
    queue.extend(c for c in co.co_consts if isinstance(c, types.CodeType))
if found is None:
    print(json.dumps({"error": "no code object named %r" % want})); sys.exit(0)
def shown(i):
    if isinstance(i.argval, types.CodeType):
        return "<code object %s, line %d>" % (i.argval.co_name, i.argval.co_firstlineno)
    if not i.argrepr and i.opname == "LOAD_SMALL_INT":   # 3.14's dis prints the int but leaves argrepr empty
        return repr(i.argval)
    return i.argrepr
rows = [[i.opname, shown(i)] for i in dis.get_instructions(found)]
print(json.dumps({"version": platform.python_version(), "instructions": rows}))
"""


@dataclass(frozen=True)
class Interpreter:
    version: str          # "3.12" (what was asked for)
    full_version: str     # "3.12.1" (what the interpreter reports)
    path: str


def find_interpreters(versions=WANTED) -> dict[str, Interpreter | None]:
    """{"3.11": Interpreter or None, ...}, as `internals_lab.interpreters` finds them."""
    result: dict[str, Interpreter | None] = {}
    for version in versions:
        found = registry.find(version)
        result[version] = Interpreter(version, found.version, found.executable) if found else None
    return result


@dataclass(frozen=True)
class VersionResult:
    version: str
    full_version: str | None
    instructions: tuple[tuple[str, str], ...] | None   # (opname, argrepr); None when unavailable
    problem: str | None                                # why there is no bytecode ("not installed", a syntax error)

    @property
    def opnames(self) -> list[str]:
        return [op for op, _ in self.instructions or ()]


def compare(source: str | bytes, qualname: str | None = None, versions=WANTED,
            interpreters: dict[str, Interpreter | None] | None = None, timeout: float = 30.0) -> list[VersionResult]:
    """Compile `source` with each version's interpreter and return its instructions."""
    return _run_probe(source, qualname or "", versions, interpreters, timeout)


def compare_tokens(source: str | bytes, versions=WANTED, interpreters: dict[str, Interpreter | None] | None = None,
                   timeout: float = 30.0) -> list[VersionResult]:
    """Tokenize `source` with each version's `tokenize` module: rows of (token type, string)."""
    return _run_probe(source, "--tokens", versions, interpreters, timeout)


def _probe_here(text: str, argument: str) -> dict:
    """The probe's answer from this interpreter, without a process: its stdin, argv and stdout
    are stand-ins for the duration, restored even when it fails."""
    import contextlib
    import io

    printed = io.StringIO()
    saved = sys.stdin, sys.argv
    sys.stdin = io.TextIOWrapper(io.BytesIO(text.encode("utf-8")), encoding="utf-8")
    sys.argv = ["-c", argument]
    try:
        with contextlib.redirect_stdout(printed):
            try:
                exec(_PROBE, {"__name__": "__main__"})
            except SystemExit:
                pass
    finally:
        sys.stdin, sys.argv = saved
    return json.loads(printed.getvalue())


def _browser_result(version: str, text: str, argument: str) -> VersionResult:
    # In the browser (Pyodide) no interpreter can be started: the running one answers for its own
    # version, and every other version is reported as out of reach.
    if version != "{}.{}".format(*sys.version_info[:2]):
        return VersionResult(version, None, None, f"CPython {version} cannot run in this browser "
                             "(only the interpreter running this page can)")
    import platform

    data = _probe_here(text, argument)
    if "error" in data:
        return VersionResult(version, platform.python_version(), None, str(data["error"]))
    return VersionResult(version, data["version"], tuple((op, arg) for op, arg in data["instructions"]), None)


def _run_probe(source, argument: str, versions, interpreters, timeout: float) -> list[VersionResult]:
    text = as_text(source)
    found = ({} if sys.platform == "emscripten" else find_interpreters(versions)) if interpreters is None \
        else interpreters
    env = dict(os.environ, PYTHONHASHSEED="0", PYTHONDONTWRITEBYTECODE="1")
    env.pop("PYTHONPATH", None)  # the probe needs the stdlib only; another version's packages would not load
    results = []
    for version in versions:
        if sys.platform == "emscripten" and interpreters is None:
            results.append(_browser_result(version, text, argument))
            continue
        interp = found.get(version)
        if interp is None:
            results.append(VersionResult(version, None, None, f"CPython {version} is not installed on this machine"))
            continue
        try:
            # Bytes in, UTF-8 explicitly: the child's locale must not decide how the source is read.
            run = run_child([interp.path, "-I", "-c", _PROBE, argument], input=text.encode("utf-8"),
                            capture_output=True, timeout=timeout, env=env, what=f"CPython {version}")
            stderr = run.stderr.decode("utf-8", "replace").strip().splitlines()
            data = json.loads(run.stdout) if run.returncode == 0 else {"error": " ".join(stderr[-1:]) or "it crashed"}
        except (OSError, subprocess.SubprocessError, ValueError) as exc:
            data = {"error": f"could not run {Path(interp.path)}: {exc}"}
        if "error" in data:
            results.append(VersionResult(version, interp.full_version, None, str(data["error"])))
        else:
            rows = tuple((op, arg) for op, arg in data["instructions"])
            results.append(VersionResult(version, data["version"], rows, None))
    return results
