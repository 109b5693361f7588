"""Frames and decoded code for the teaching VM.

Design: a code object is decoded once (`decode`) into parallel lists, one entry per
instruction: the opcode name, the argument already turned into what the handler needs (the
constant, the name, the jump target as an instruction index), the source position, and which
exception-table entry covers it. The interpreter then pairs each name with its handler, so the
evaluation loop only indexes a list and calls a function: no per-step name lookups.

A `Frame` holds what CPython's `_PyInterpreterFrame` holds: the code, an instruction pointer,
the value stack, the "fast locals" array (`localsplus`: arguments and locals, then cells, then
free variables, in CPython's order), globals, builtins and, for module and class bodies, the
locals mapping.
"""
from __future__ import annotations

import dis
import sys
from dataclasses import dataclass
from types import CodeType

__all__ = ["NULL", "Frame", "DecodedCode", "parse_exception_table", "ExceptionTableEntry"]

VERSION = sys.version_info[:2]
VERSION_TEXT = f"{sys.version_info.major}.{sys.version_info.minor}"


class _Null:
    """CPython's NULL stack entry (pushed by PUSH_NULL, or as "no self" for calls)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "NULL"

    def __bool__(self) -> bool:  # never truthy by accident
        return False


NULL = _Null()


@dataclass(frozen=True)
class ExceptionTableEntry:
    """One row of `co_exceptiontable`, in byte offsets as `dis` shows them."""

    start: int
    end: int
    target: int
    depth: int
    lasti: bool


def _varints(table: bytes):
    """The exception table is a sequence of 6-bit varints; bit 6 continues, bit 7 starts an entry."""
    it = iter(table)
    for byte in it:
        value = byte & 63
        while byte & 64:
            byte = next(it)
            value = (value << 6) | (byte & 63)
        yield value


def parse_exception_table(code: CodeType) -> list[ExceptionTableEntry]:
    """Decode `co_exceptiontable` (format: Objects/exception_handling_notes.txt in CPython)."""
    numbers = list(_varints(code.co_exceptiontable))
    entries = []
    for i in range(0, len(numbers), 4):
        start, length, target, depth_lasti = numbers[i:i + 4]
        entries.append(ExceptionTableEntry(start * 2, (start + length) * 2, target * 2,
                                           depth_lasti >> 1, bool(depth_lasti & 1)))
    return entries


def local_names(code: CodeType) -> tuple[str, ...]:
    """CPython's `co_localsplusnames`: locals, then cells that are not arguments, then free vars."""
    cells = tuple(name for name in code.co_cellvars if name not in code.co_varnames)
    return code.co_varnames + cells + code.co_freevars


_JUMPS = set(getattr(dis, "hasjump", [])) | set(dis.hasjrel) | set(dis.hasjabs)


def _instructions(code: CodeType) -> list:
    """`dis.get_instructions`, which also writes each constant's repr: an int constant past the
    int-to-str digit limit (`x = 0x` and 3,600 hex digits compiles fine) makes that repr raise, so
    such code is decoded once more with the limit lifted, and the limit put back."""
    try:
        return list(dis.get_instructions(code))
    except ValueError:
        if not hasattr(sys, "get_int_max_str_digits"):
            raise
        limit = sys.get_int_max_str_digits()
        sys.set_int_max_str_digits(0)
        try:
            return list(dis.get_instructions(code))
        finally:
            sys.set_int_max_str_digits(limit)


class DecodedCode:
    """A code object decoded once: per-instruction lists, indexed by instruction number."""

    __slots__ = ("code", "opnames", "args", "opargs", "offsets", "positions", "handlers",
                 "argreprs", "index_of_offset", "names", "ncells_start", "ops")

    def __init__(self, code: CodeType) -> None:
        self.code = code
        instructions = _instructions(code)
        self.index_of_offset = {ins.offset: i for i, ins in enumerate(instructions)}
        self.opnames = [ins.opname for ins in instructions]
        self.offsets = [ins.offset for ins in instructions]
        self.positions = [tuple(ins.positions) if ins.positions else (None,) * 4
                          for ins in instructions]
        self.argreprs = [ins.argrepr for ins in instructions]
        self.opargs = [ins.arg for ins in instructions]  # as in the bytecode (None: no argument)
        self.names = local_names(code)
        self.args = [self._argument(ins) for ins in instructions]
        table = parse_exception_table(code)
        handlers = []
        for offset in self.offsets:
            found = None
            for entry in table:
                if entry.start <= offset < entry.end:
                    found = (self.index_of_offset[entry.target], entry.depth, entry.lasti)
                    break
            handlers.append(found)
        self.handlers = handlers
        self.ops = None  # filled by the interpreter: list of (handler, argument)

    def _argument(self, ins: dis.Instruction):
        """What the handler receives: resolved jump targets, constants and names."""
        op = ins.opcode
        name = ins.opname
        if op in _JUMPS:
            return self.index_of_offset[ins.argval]
        if name in ("LOAD_CONST", "RETURN_CONST", "KW_NAMES"):
            return self.code.co_consts[ins.arg]
        if name == "IMPORT_NAME" and VERSION >= (3, 15):  # bit 0: `lazy import` (PEP 810)
            return (ins.argval, bool(ins.arg & 1))
        if name in ("LOAD_NAME", "STORE_NAME", "DELETE_NAME", "STORE_GLOBAL", "DELETE_GLOBAL",
                    "STORE_ATTR", "DELETE_ATTR", "IMPORT_NAME", "IMPORT_FROM", "LOAD_METHOD"):
            return ins.argval
        if name == "LOAD_GLOBAL":
            return (ins.argval, bool(ins.arg & 1))
        if name == "LOAD_ATTR":
            return (ins.argval, VERSION >= (3, 12) and bool(ins.arg & 1))
        if name == "LOAD_SUPER_ATTR":
            return (ins.argval, bool(ins.arg & 1), bool(ins.arg & 2))
        if name == "COMPARE_OP":
            shift = {(3, 11): 0, (3, 12): 4}.get(VERSION, 5)
            return (ins.arg >> shift, VERSION >= (3, 13) and bool(ins.arg & 16))
        return ins.arg


class Frame:
    """One activation: a function call, a module body or a class body."""

    __slots__ = ("vm", "decoded", "ops", "code", "ip", "stack", "localsplus", "globals",
                 "builtins", "locals", "retval", "why", "kwnames", "depth", "function",
                 "started", "lasti_override", "__weakref__")

    def __init__(self, vm, decoded: DecodedCode, globals_: dict, builtins_: dict,
                 locals_: dict | None, localsplus: list, function=None) -> None:
        self.vm = vm
        self.decoded = decoded
        self.ops = decoded.ops
        self.code = decoded.code
        self.ip = 0
        self.stack: list = []
        self.localsplus = localsplus
        self.globals = globals_
        self.builtins = builtins_
        self.locals = locals_
        self.retval = None
        self.why = 0
        self.kwnames = ()
        self.depth = 0
        self.function = function
        self.started = False
        self.lasti_override = None

    @property
    def lineno(self) -> int | None:
        """The line of the instruction last executed (or about to run, before the first)."""
        index = self.lasti_override if self.lasti_override is not None else max(self.ip - 1, 0)
        return self.decoded.positions[index][0]

    @property
    def f_code(self) -> CodeType:
        return self.code

    @property
    def f_lineno(self) -> int | None:
        return self.lineno

    @property
    def f_globals(self) -> dict:
        return self.globals

    def __repr__(self) -> str:
        return f"<VM frame {self.code.co_qualname} line {self.lineno}>"
