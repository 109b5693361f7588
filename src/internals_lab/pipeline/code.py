"""Stage 5, code objects: what the compiler hands to the interpreter, field by field.

Design: `code_objects()` compiles the source and returns a `CodeSummary` per code object
(the module first, then nested functions, classes, lambdas and comprehensions in the
order they appear among the constants). Each summary holds only plain values: constants
as reprs, name tuples, flag names, the line table as (start, end, line) ranges from
`co_lines()`, and the exception table (3.11+, "zero-cost" exceptions) as records.
The code object type lives in `Objects/codeobject.c`; its fields are documented in the
`inspect` module's table.
"""
from __future__ import annotations

import dis
import inspect
import types
from dataclasses import dataclass

from .source import compile_source, unlimited_int_digits

__all__ = ["CodeSummary", "ExceptionEntry", "code_objects", "walk_code", "flag_names", "exception_entries"]


@dataclass(frozen=True)
class ExceptionEntry:
    start: int      # first byte offset covered
    end: int        # first byte offset no longer covered
    target: int     # offset of the handler
    depth: int      # stack depth to unwind to
    lasti: bool     # push the offset of the raising instruction too


@dataclass(frozen=True)
class CodeSummary:
    qualname: str
    name: str
    firstlineno: int
    argcount: int
    consts: tuple[str, ...]       # reprs; nested code objects shown as <code NAME>
    names: tuple[str, ...]        # globals, attributes and imports used by name
    varnames: tuple[str, ...]     # parameters, then other locals
    cellvars: tuple[str, ...]
    freevars: tuple[str, ...]
    flags: tuple[str, ...]        # OPTIMIZED, NEWLOCALS, NESTED, GENERATOR, ...
    stacksize: int
    docstring: str | None         # what the function's __doc__ would be
    bytes_of_bytecode: int
    lines: tuple[tuple[int, int, int | None], ...]   # (start offset, end offset, line)
    exception_table: tuple[ExceptionEntry, ...]


def walk_code(code: types.CodeType) -> list[types.CodeType]:
    """`code` and every code object nested in its constants, breadth first."""
    out, queue = [], [code]
    while queue:
        co = queue.pop(0)
        out.append(co)
        queue.extend(c for c in co.co_consts if isinstance(c, types.CodeType))
    return out


def flag_names(flags: int) -> tuple[str, ...]:
    return tuple(name for value, name in sorted(dis.COMPILER_FLAG_NAMES.items()) if flags & value)


def _const(value: object) -> str:
    return f"<code {value.co_name}>" if isinstance(value, types.CodeType) else repr(value)


def exception_entries(code: types.CodeType) -> tuple[ExceptionEntry, ...]:
    entries = getattr(dis.Bytecode(code), "exception_entries", ())
    return tuple(ExceptionEntry(e.start, e.end, e.target, e.depth, bool(e.lasti)) for e in entries)


def _docstring(code: types.CodeType) -> str | None:
    # A function object takes its __doc__ from co_consts[0] when that is a str
    # (`Objects/funcobject.c`); up to 3.13 the compiler puts None there when the body does not
    # start with a string literal. Modules and classes store __doc__ as a name instead.
    if not code.co_flags & inspect.CO_OPTIMIZED:
        return None
    # 3.14 says so in a flag instead: co_consts[0] may be any string constant of the body
    # (under -OO the docstring is gone but a later string can come first).
    has_docstring = getattr(inspect, "CO_HAS_DOCSTRING", None)
    if has_docstring is not None and not code.co_flags & has_docstring:
        return None
    first = code.co_consts[0] if code.co_consts else None
    return first if isinstance(first, str) else None


def code_objects(source: str | bytes, *, optimize: int = -1) -> list[CodeSummary]:
    """A `CodeSummary` for the module's code object and every nested one."""
    out = []
    everything = walk_code(compile_source(source, optimize=optimize))
    with unlimited_int_digits():  # a 4,300-digit constant is valid Python; its repr is the point here
        for co in everything:
            out.append(_summary(co))
    return out


def _summary(co: types.CodeType) -> CodeSummary:
    return CodeSummary(
        qualname=co.co_qualname, name=co.co_name, firstlineno=co.co_firstlineno,
        argcount=co.co_argcount,
        consts=tuple(_const(c) for c in co.co_consts), names=co.co_names,
        varnames=co.co_varnames, cellvars=co.co_cellvars, freevars=co.co_freevars,
        flags=flag_names(co.co_flags), stacksize=co.co_stacksize, docstring=_docstring(co),
        bytes_of_bytecode=len(co.co_code),
        lines=tuple((s, e, ln) for s, e, ln in co.co_lines()),
        exception_table=exception_entries(co),
    )
