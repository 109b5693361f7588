"""The differential corpus of the VM: loading snippets and running one in CPython or the VM.

Each file in `tests/vm_corpus/` holds snippets separated by lines `# %% name`. A snippet is a
small program; what is compared is its printed output, the repr of its `result` global (if it
sets one) and the type and message of the exception it ends with (if any).

The reference side (`reference_outcome`) shares nothing with the code under test: the snippet
runs in a fresh interpreter process (the same executable, isolated mode `-I`), compiled as a
reader's script would be, and only its outcome comes back, as JSON.
"""
from __future__ import annotations

import contextlib
import io
import json
import pathlib
import subprocess
import sys
from dataclasses import dataclass

__all__ = ["Snippet", "Outcome", "load_corpus", "outcome_of", "reference_outcome", "run_in_cpython"]


@dataclass(frozen=True)
class Snippet:
    file: str
    name: str
    source: str
    min_version: tuple[int, int] = (3, 11)  # header "# %% name (3.12+)": newer syntax

    @property
    def id(self) -> str:
        return f"{self.file}::{self.name}"


def _header(line: str) -> tuple[str, tuple[int, int]]:
    text = line[5:].strip()
    if text.endswith("+)") and "(" in text:
        text, version = text[:-2].rsplit("(", 1)
        major, minor = version.split(".")
        return text.strip(), (int(major), int(minor))
    return text, (3, 11)


def load_corpus(directory) -> list[Snippet]:
    snippets = []
    for path in sorted(pathlib.Path(directory).glob("*.py")):
        header, lines = None, []
        for line in path.read_text().splitlines() + ["# %% <end>"]:
            if line.startswith("# %% "):
                if header is not None:
                    snippets.append(Snippet(path.stem, header[0], "\n".join(lines) + "\n", header[1]))
                header, lines = _header(line), []
            else:
                lines.append(line)
    return snippets


@dataclass
class Outcome:
    output: str
    result: str | None
    exception: tuple[str, str] | None


def outcome_of(execute, source: str) -> Outcome:
    """Run `execute(source) -> namespace`, capturing stdout, `result` and the exception.

    The namespace is cleared before returning (and the traceback dropped), which breaks the
    generator -> frame -> globals -> generator cycle: generators left suspended are finalized
    here, their output counted, not later during some unrelated garbage collection.
    """
    out = io.StringIO()
    result = None
    exception = None
    with contextlib.redirect_stdout(out):
        try:
            namespace = execute(source)
            if "result" in namespace:
                result = repr(namespace["result"])
            namespace.clear()
        except Exception as exc:  # the program's own exception is part of the outcome
            exception = (type(exc).__name__, str(exc))
            exc.__traceback__ = None
    return Outcome(out.getvalue(), result, exception)


def run_in_cpython(source: str) -> dict:
    """Run `source` in this process (for callers that need the namespace itself)."""
    namespace = {"__name__": "__main__"}
    # dont_inherit, as in `vm.run`: the snippet gets no future flags from this module.
    exec(compile(source, "<vm>", "exec", dont_inherit=True), namespace)
    return namespace


# The whole reference runner: it imports nothing of internals_lab. The source arrives on stdin;
# the outcome leaves on the real stdout after the program's own output (captured) is done.
_REFERENCE_RUNNER = r"""
import contextlib, io, json, sys
source = sys.stdin.read()
namespace = {"__name__": "__main__"}
out = io.StringIO()
result = exception = None
with contextlib.redirect_stdout(out):
    try:
        exec(compile(source, "<vm>", "exec", dont_inherit=True), namespace)
        if "result" in namespace:
            result = repr(namespace["result"])
        namespace.clear()
    except Exception as exc:
        exception = [type(exc).__name__, str(exc)]
        exc.__traceback__ = None
sys.__stdout__.write("\n" + json.dumps([out.getvalue(), result, exception]))
"""


def reference_outcome(source: str, python: str = sys.executable, timeout: float = 60) -> Outcome:
    """The snippet's outcome in a separate CPython process (the same interpreter by default)."""
    proc = subprocess.run([python, "-I", "-c", _REFERENCE_RUNNER], input=source, capture_output=True,
                          text=True, encoding="utf-8", timeout=timeout,
                          env={"PYTHONHASHSEED": "0", "PYTHONIOENCODING": "utf-8"})
    if proc.returncode != 0 or not proc.stdout:
        raise RuntimeError(f"the reference run failed (exit {proc.returncode}): {proc.stderr[-500:]}")
    output, result, exception = json.loads(proc.stdout.rsplit("\n", 1)[1])
    return Outcome(output, result, tuple(exception) if exception else None)
