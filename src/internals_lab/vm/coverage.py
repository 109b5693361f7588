"""Which opcodes of `dis.opmap` the differential corpus makes the VM execute.

Design: `measure(corpus_dir)` runs every snippet in the VM with a counting hook and returns an
`OpcodeCoverage` record (plain data, JSON-ready). Each name in `dis.opmap` gets one status:
"executed", "handled" (the VM has a handler the corpus never reached), "missing" (a real
opcode without a handler), or "not in compiled code" (instrumented, specialized-only and pseudo
instructions, which `dis.get_instructions` never shows for freshly compiled code).
The stored reports (`data/opcode_coverage-3.1x.json`) are what the chapter shows; regenerate
one with `python -m internals_lab.vm.coverage tests/vm_corpus --write` under each interpreter.
"""
from __future__ import annotations

import contextlib
import dis
import gc
import io
import json
import pathlib
import sys
from dataclasses import asdict, dataclass

from .corpus import load_corpus
from .interpreter import HANDLERS, VirtualMachine, recursion_room

__all__ = ["VERSIONS", "OpcodeCoverage", "measure", "stored_report", "report_path", "comparison",
           "comparison_table"]

DATA = pathlib.Path(__file__).parent / "data"
# Never produced by the compiler: placeholders, and the instructions the JIT/tier-2 inserts
# (TRACE_RECORD, 3.15: recording a trace for the JIT).
_NOT_COMPILED = {"CACHE", "RESERVED", "ENTER_EXECUTOR", "INTERPRETER_EXIT", "INSTRUMENTED_LINE",
                 "INSTRUMENTED_INSTRUCTION", "TRACE_RECORD"}


@dataclass
class OpcodeCoverage:
    python: str
    snippets: int
    executed: dict[str, int]          # opname -> times executed over the whole corpus
    status: dict[str, str]            # every name in dis.opmap -> one of the four statuses

    def to_dict(self) -> dict:
        return asdict(self)

    def names_with(self, status: str) -> list[str]:
        return sorted(name for name, s in self.status.items() if s == status)


def _status(name: str, opcode: int, executed: dict[str, int]) -> str:
    if name in executed:
        return "executed"
    pseudo = opcode >= 256 or name.startswith("INSTRUMENTED_") or name in _NOT_COMPILED
    if pseudo:
        return "not in compiled code"
    return "handled" if name in HANDLERS else "missing"


def measure(corpus_dir) -> OpcodeCoverage:
    snippets = [s for s in load_corpus(corpus_dir) if s.min_version <= sys.version_info[:2]]
    executed: dict[str, int] = {}

    def count(frame, phase):
        if phase == 0:
            name = frame.decoded.opnames[frame.ip]
            executed[name] = executed.get(name, 0) + 1

    for snippet in snippets:
        vm = VirtualMachine()
        vm.hook = count
        namespace = {"__name__": "__main__"}
        # recursion_room: the VM's own depth limit, not the caller's Python stack, ends a
        # runaway recursion, so the counts do not depend on who calls measure().
        with contextlib.redirect_stdout(io.StringIO()), recursion_room(vm):
            try:
                vm.run_code(compile(snippet.source, "<vm>", "exec", dont_inherit=True), namespace)
            except Exception:  # snippets that end in an exception are part of the corpus
                pass
            namespace.clear()
    # Generators caught in reference cycles are finalized (closed, running VM code) whenever
    # the collector runs; collect now, so that work is counted every time, not sometimes.
    gc.collect()
    status = {name: _status(name, op, executed) for name, op in sorted(dis.opmap.items())}
    return OpcodeCoverage(f"{sys.version_info.major}.{sys.version_info.minor}", len(snippets),
                          dict(sorted(executed.items())), status)


def report_path(version: str | None = None) -> pathlib.Path:
    version = version or f"{sys.version_info.major}.{sys.version_info.minor}"
    return DATA / f"opcode_coverage-{version}.json"


def stored_report(version: str | None = None) -> OpcodeCoverage:
    """The committed report for `version` ("3.11" ... "3.15"; default: the running one)."""
    path = report_path(version)
    if not path.exists():
        raise FileNotFoundError(f"no stored opcode coverage report for Python {version}: {path}")
    return OpcodeCoverage(**json.loads(path.read_text()))


# Every interpreter the book covers, each with a stored report.
VERSIONS = ("3.11", "3.12", "3.13", "3.14", "3.15")


def comparison(versions=VERSIONS) -> list[dict]:
    """One row per opcode name that compiled code can contain in any of `versions`: its
    status and execution count per version (None where the version has no such opcode)."""
    reports = {v: stored_report(v) for v in versions}
    names = sorted({n for r in reports.values() for n, st in r.status.items()
                    if st != "not in compiled code"})
    rows = []
    for name in names:
        row = {"opname": name}
        for v, r in reports.items():
            row[v] = r.status.get(name)
            row[f"{v} count"] = r.executed.get(name, 0) if name in r.status else None
        rows.append(row)
    return rows


def comparison_table(versions=VERSIONS):
    """`comparison` drawn as an `internals_lab.render.Table` (– where the opcode does not exist)."""
    from ..render import Table
    rows = comparison(versions)
    return Table(["opcode", *versions],
                 [[r["opname"], *("–" if r[v] is None else
                                  f"{r[v + ' count']:,}" if r[v] == "executed" else r[v]
                                  for v in versions)] for r in rows],
                 caption="Opcodes the VM's differential corpus executes (times executed)",
                 code_columns=["opcode"])


def main(argv: list[str]) -> None:
    if not argv:
        raise SystemExit("usage: python -m internals_lab.vm.coverage CORPUS_DIR [--write]")
    report = measure(argv[0])
    for status in ("executed", "handled", "missing", "not in compiled code"):
        names = report.names_with(status)
        print(f"{status} ({len(names)}): {' '.join(names)}")
    if "--write" in argv:
        DATA.mkdir(exist_ok=True)
        report_path().write_text(json.dumps(report.to_dict(), indent=1, sort_keys=True) + "\n")
        print(f"wrote {report_path()}")


if __name__ == "__main__":
    main(sys.argv[1:])
