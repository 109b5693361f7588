"""Stage 7, bytecode: `dis` output as records, with source positions.

Design: `instructions()` takes source (compiled here) or a code object or function, picks
one code object by qualified name, and returns `Instr` records from `dis.get_instructions`.
Cache entries are left out (as `dis` does by default); `adaptive=True` shows the
specialized instructions that PEP 659's adaptive interpreter has written in place.
`opnames()` is the short form used in exercises and version diffs.
"""
from __future__ import annotations

import dis
import types
from dataclasses import dataclass

from .code import walk_code
from .source import compile_source, unlimited_int_digits

__all__ = ["Instr", "instructions", "opnames", "code_for", "JUMP_OPCODES"]

# The jump instructions: `dis.hasjump` (3.13) or the older relative/absolute lists.
JUMP_OPCODES = frozenset(getattr(dis, "hasjump", ())) | frozenset(dis.hasjrel) | frozenset(dis.hasjabs)


@dataclass(frozen=True)
class Instr:
    offset: int
    opname: str
    arg: int | None
    argrepr: str
    line: int | None                      # source line (None for compiler-made instructions)
    positions: tuple[int | None, int | None, int | None, int | None]  # line, end_line, col, end_col
    jump_target: int | None               # offset this instruction may jump to
    is_jump_target: bool


def code_for(target, qualname: str | None = None) -> types.CodeType:
    """A code object from source text, a code object or a function; `qualname` picks a nested one."""
    if isinstance(target, (str, bytes, bytearray)):
        code = compile_source(target)
    elif isinstance(target, types.CodeType):
        code = target
    elif hasattr(target, "__code__"):
        code = target.__code__
    else:
        raise TypeError(f"expected source text, a code object or a function, not {type(target).__name__}")
    if qualname is None:
        return code
    for co in walk_code(code):
        if co.co_qualname == qualname:
            return co
    names = [co.co_qualname for co in walk_code(code)]
    raise KeyError(f"no code object named {qualname!r}; there are {names}")


def instructions(target, qualname: str | None = None, *, adaptive: bool = False) -> list[Instr]:
    code = code_for(target, qualname)
    out = []
    with unlimited_int_digits():  # dis computes a repr of every constant, however many digits it has
        found = list(dis.get_instructions(code, adaptive=adaptive))
    for ins in found:
        pos = ins.positions
        positions = (pos.lineno, pos.end_lineno, pos.col_offset, pos.end_col_offset) if pos else (None,) * 4
        jump = ins.argval if ins.opcode in JUMP_OPCODES and isinstance(ins.argval, int) else None
        line = pos.lineno if pos else None
        argrepr = ins.argrepr
        if isinstance(ins.argval, types.CodeType):  # dis's repr has a memory address; keep output stable
            argrepr = f"<code object {ins.argval.co_name}, line {ins.argval.co_firstlineno}>"
        out.append(Instr(ins.offset, ins.opname, ins.arg, argrepr, line, positions, jump, ins.is_jump_target))
    return out


def opnames(target, qualname: str | None = None, *, adaptive: bool = False) -> list[str]:
    return [i.opname for i in instructions(target, qualname, adaptive=adaptive)]
