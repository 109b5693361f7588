"""The compiler's middle stages as CPython itself produces them: codegen, then the CFG optimizer.

Design: since 3.12 the code generator does not write basic blocks. It emits one flat
*instruction sequence* (`Python/instruction_sequence.c` from 3.13), with jumps aimed at
labels and pseudo-instructions such as `JUMP` or `SETUP_FINALLY` still in it.
`Python/flowgraph.c` then cuts that sequence into basic blocks, optimizes the graph, and turns
it back into a sequence for `Python/assemble.c`. CPython's test-only module `_testinternalcapi`
(present in CPython's own builds, 3.13 and later with this interface) runs exactly those two
stages on an AST: `compiler_codegen` and `optimize_cfg`. This module calls them and returns
plain records; `side_by_side` renders the two listings as text. Where the hooks are missing
(other builds, Pyodide, 3.12 and earlier), `codegen_stages` raises `PipelineError` saying so.
"""
from __future__ import annotations

import ast
import opcode
import sys
from dataclasses import dataclass

from .source import PipelineError, SourceError, as_text, error_from

__all__ = ["SequenceInstr", "CodegenStages", "codegen_stages", "side_by_side"]


@dataclass(frozen=True)
class SequenceInstr:
    index: int
    opname: str
    arg: int | None
    line: int
    pseudo: bool            # a pseudo-instruction: the assembler replaces or removes it
    jump_target: int | None  # for a jump: the index of the instruction it goes to


@dataclass(frozen=True)
class CodegenStages:
    codegen: tuple[SequenceInstr, ...]    # what the code generator emitted
    optimized: tuple[SequenceInstr, ...]  # after flowgraph.c's optimizations, before assembly


def _records(sequence) -> tuple[SequenceInstr, ...]:
    names = {number: name for name, number in opcode.opmap.items()}
    pseudo = {number for name, number in opcode.opmap.items() if number >= 256}
    jumps = set(opcode.hasjump) | {opcode.opmap[n] for n in ("JUMP", "JUMP_NO_INTERRUPT", "JUMP_IF_FALSE", "JUMP_IF_TRUE")
                                   if n in opcode.opmap}  # the last two are 3.14's
    out = []
    # get_instructions() resolves each label to the index of the instruction it marks.
    for index, (op, arg, line, *_) in enumerate(sequence.get_instructions()):
        out.append(SequenceInstr(index, names.get(op, f"<{op}>"), arg, line, op in pseudo,
                                 arg if op in jumps else None))
    return tuple(out)


def codegen_stages(source: str | bytes) -> CodegenStages:
    """The module-level code of `source` as codegen emits it and as the CFG optimizer leaves it."""
    if sys.version_info < (3, 13):
        raise _unavailable("the codegen and CFG hooks used here have this interface from CPython 3.13; "
                           f"this is {sys.version.split()[0]}")
    try:
        import _testinternalcapi as hooks
    except ImportError:
        raise _unavailable("this interpreter was built without CPython's test-only module "
                           "_testinternalcapi, which exposes the compiler's middle stages") from None
    text = as_text(source)
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError) as exc:
        raise PipelineError(error_from(exc, "parse", text)) from None
    sequence, metadata = hooks.compiler_codegen(tree, "<codegen>", 0, 0)
    before = _records(sequence)
    # optimize_cfg works on the sequence in place of the compiler's own later call.
    optimized = hooks.optimize_cfg(sequence, metadata["consts"], len(metadata.get("varnames", ())))
    return CodegenStages(before, _records(optimized))


def _unavailable(message: str) -> PipelineError:
    return PipelineError(SourceError("codegen", message, None, None, None))


def _line(instr: SequenceInstr) -> str:
    arg = "" if instr.arg is None else (f"to {instr.jump_target}" if instr.jump_target is not None else str(instr.arg))
    mark = " (pseudo)" if instr.pseudo else ""
    return f"{instr.index:>3} {instr.opname} {arg}{mark}".rstrip()


def side_by_side(stages: CodegenStages) -> str:
    """The two listings in two columns: codegen's output, then the optimized sequence."""
    left = ["codegen (flat, labels resolved)"] + [_line(i) for i in stages.codegen]
    right = ["after flowgraph.c"] + [_line(i) for i in stages.optimized]
    width = max(map(len, left)) + 3
    rows = max(len(left), len(right))
    left += [""] * (rows - len(left))
    right += [""] * (rows - len(right))
    return "\n".join(f"{a:<{width}}{b}".rstrip() for a, b in zip(left, right))
