"""Stage 6, the control-flow graph: a code object's bytecode cut into basic blocks.

Design: CPython builds a CFG while compiling (`Python/flowgraph.c`, split out of
`compile.c` in 3.12) and optimizes it before emitting the flat bytecode; that graph is not
exposed to Python. `cfg()` rebuilds an equivalent one from the finished bytecode, the way a
disassembler would: a block starts at offset 0, at every jump target and exception handler,
and after every jump, return or raise. Edges are typed: "next" (fall through), "jump",
"branch" (the taken side of a conditional), and "exception" (from the exception table).
"""
from __future__ import annotations

from dataclasses import dataclass

from .bytecode import Instr, code_for, instructions
from .code import exception_entries

__all__ = ["BasicBlock", "Edge", "ControlFlowGraph", "cfg"]

_UNCONDITIONAL = {"JUMP_FORWARD", "JUMP_BACKWARD", "JUMP_BACKWARD_NO_INTERRUPT", "JUMP_ABSOLUTE", "JUMP"}
_NO_FALLTHROUGH = _UNCONDITIONAL | {"RETURN_VALUE", "RETURN_CONST", "RAISE_VARARGS", "RERAISE"}


@dataclass(frozen=True)
class BasicBlock:
    id: int                       # 0, 1, 2 ... in offset order
    start: int                    # offset of the first instruction
    instructions: tuple[Instr, ...]
    is_handler: bool              # an exception handler (the target of an exception-table entry)


@dataclass(frozen=True)
class Edge:
    source: int
    target: int
    kind: str    # "next", "jump", "branch" or "exception"


@dataclass(frozen=True)
class ControlFlowGraph:
    name: str
    blocks: tuple[BasicBlock, ...]
    edges: tuple[Edge, ...]


def cfg(target, qualname: str | None = None) -> ControlFlowGraph:
    code = code_for(target, qualname)
    instrs = instructions(code)
    if not instrs:
        return ControlFlowGraph(code.co_qualname, (), ())
    handlers = exception_entries(code)
    leaders = {instrs[0].offset} | {h.target for h in handlers}
    for i, ins in enumerate(instrs):
        if ins.jump_target is not None:
            leaders.add(ins.jump_target)
        if (ins.jump_target is not None or ins.opname in _NO_FALLTHROUGH) and i + 1 < len(instrs):
            leaders.add(instrs[i + 1].offset)
    # Exception-table ranges also start and end blocks, so an edge leaves exactly the covered code.
    offsets = {ins.offset for ins in instrs}
    for h in handlers:
        leaders |= {o for o in (h.start, h.end) if o in offsets}

    blocks: list[BasicBlock] = []
    current: list[Instr] = []
    handler_starts = {h.target for h in handlers}
    for ins in instrs:
        if ins.offset in leaders and current:
            blocks.append(BasicBlock(len(blocks), current[0].offset, tuple(current), current[0].offset in handler_starts))
            current = []
        current.append(ins)
    blocks.append(BasicBlock(len(blocks), current[0].offset, tuple(current), current[0].offset in handler_starts))

    block_at = {b.start: b.id for b in blocks}
    edges: list[Edge] = []
    for b in blocks:
        last = b.instructions[-1]
        if last.jump_target is not None and last.jump_target in block_at:
            kind = "jump" if last.opname in _UNCONDITIONAL else "branch"
            edges.append(Edge(b.id, block_at[last.jump_target], kind))
        if last.opname not in _NO_FALLTHROUGH and b.id + 1 < len(blocks):
            edges.append(Edge(b.id, b.id + 1, "next"))
        for h in handlers:
            if h.start <= b.start < h.end and h.target in block_at:
                edges.append(Edge(b.id, block_at[h.target], "exception"))
    return ControlFlowGraph(code.co_qualname, tuple(blocks), tuple(dict.fromkeys(edges)))
