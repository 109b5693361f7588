"""Stage 4, symbol tables: which scope owns each name, and the opcode that choice produces.

Design: `symbols()` walks the `symtable` module's tables (built by `Python/symtable.c`
between parsing and code generation) and returns one `Symbol` record per (scope, name),
classified the way the compiler classifies it: local, parameter, global (explicit or
implicit), free (a closure variable read from an enclosing function) or cell (a local that
an inner function captures). `name_ops()` then reads the compiled bytecode and records which
load/store instruction each name actually got, so a learner can check the mapping
local -> *_FAST, cell/free -> *_DEREF, global -> *_GLOBAL, module/class level -> *_NAME.
"""
from __future__ import annotations

import dis
import re
import symtable
from dataclasses import dataclass

from .source import PipelineError, _EXPECTED, as_text, compile_source, error_from, unlimited_int_digits

__all__ = ["Symbol", "symbols", "NameOp", "name_ops", "classify"]


@dataclass(frozen=True)
class Symbol:
    scope: str        # "module", "f", "f.inner", ... (dotted path of nested scopes)
    scope_type: str   # "module", "function", "class", "annotation", "type parameters", ...
    name: str
    kind: str         # "parameter", "parameter (cell)", "local", "cell", "free", "global (explicit)",
                      # "global (implicit)" or, at module level, "global (module level)"
    referenced: bool
    assigned: bool


def _kind(sym: symtable.Symbol, table: symtable.SymbolTable) -> str:
    if table.get_type() == "module":  # a str on 3.11/3.12, a StrEnum member on 3.13
        return "global (module level)"
    if sym.is_free():
        return "free"
    if sym.is_declared_global():
        return "global (explicit)"
    if sym.is_parameter():
        return "parameter (cell)" if _is_cell(sym) else "parameter"
    if _is_cell(sym):
        return "cell"
    if sym.is_local():
        return "local"
    if sym.is_global():
        return "global (implicit)"
    return "other"


def _is_cell(sym: symtable.Symbol) -> bool:
    # The C symbol table marks a local that an inner scope captures with the scope CELL, but
    # the module exposes no public is_cell() on 3.11-3.13. `symtable.Symbol` keeps the decoded
    # scope in a private attribute; prefer a public method where a later version has one.
    public = getattr(sym, "is_cell", None)
    if callable(public):
        return bool(public())
    return getattr(sym, "_Symbol__scope", None) == symtable.CELL


def _scopes(text: str) -> list[tuple[str, symtable.SymbolTable]]:
    """(dotted path, table) for every scope, in source order: an explicit stack, not recursion,
    because a generated source can nest a thousand lambdas."""
    try:
        top = symtable.symtable(text, "<lab>", "exec")
    except _EXPECTED as exc:
        raise PipelineError(error_from(exc, "symbols", text)) from None
    out: list[tuple[str, symtable.SymbolTable]] = []
    stack = [("module", top)]
    while stack:
        path, table = stack.pop()
        out.append((path, table))
        children = [(child.get_name() if path == "module" else f"{path}.{child.get_name()}", child)
                    for child in table.get_children()]
        stack.extend(reversed(children))
    return out


def symbols(source: str | bytes) -> list[Symbol]:
    """One `Symbol` per name per scope, scopes in source order, names sorted within a scope."""
    text = as_text(source)
    out: list[Symbol] = []
    for path, table in _scopes(text):
        kind_of_scope = str(table.get_type()).replace("_", " ").lower()
        for sym in sorted(table.get_symbols(), key=lambda s: s.get_name()):
            out.append(Symbol(path, kind_of_scope, sym.get_name(), _kind(sym, table),
                              sym.is_referenced(), sym.is_assigned()))
    return out


def classify(source: str | bytes, scope: str) -> dict[str, str]:
    """{name: kind} for one scope: the answer format of the chapter's exercise.

    A scope that binds and uses no names (`pass` at module level) is an empty dict; a scope that
    does not exist is a KeyError naming the scopes there are."""
    text = as_text(source)
    paths = [path for path, _ in _scopes(text)]
    if scope not in paths:
        raise KeyError(f"no scope named {scope!r}; the scopes are {sorted(set(paths))}")
    return {s.name: s.kind for s in symbols(text) if s.scope == scope}


@dataclass(frozen=True)
class NameOp:
    scope: str       # the code object's qualified name ("<module>", "outer.<locals>.inner")
    name: str
    opname: str      # the instruction that loads or stores it: LOAD_FAST, LOAD_DEREF, STORE_GLOBAL, ...


# Instructions that read, write or delete a variable by its scope (not attributes or constants).
_VARIABLE_OP = re.compile(r"(LOAD|STORE|DELETE)_(FAST|FAST_BORROW|FAST_CHECK|FAST_AND_CLEAR|DEREF|CLASSDEREF|CLOSURE|GLOBAL|NAME"
                          r"|FROM_DICT_OR_DEREF|FROM_DICT_OR_GLOBALS)|MAKE_CELL")
# Superinstructions that name two locals at once (3.13; the borrowed pair is 3.14's).
_PAIR_OPS = ("LOAD_FAST_LOAD_FAST", "STORE_FAST_STORE_FAST", "STORE_FAST_LOAD_FAST",
             "LOAD_FAST_BORROW_LOAD_FAST_BORROW")


def name_ops(source: str | bytes) -> list[NameOp]:
    """Every distinct (code object, name, instruction) that loads, stores or deletes a variable."""
    code = compile_source(source)
    seen: dict[tuple[str, str, str], None] = {}
    stack = [code]
    while stack:
        co = stack.pop(0)
        with unlimited_int_digits():  # dis computes a repr of every constant
            found = list(dis.get_instructions(co))
        for ins in found:
            if ins.opname in _PAIR_OPS and isinstance(ins.argval, tuple):
                for name in ins.argval:
                    seen[(co.co_qualname, name, ins.opname)] = None
            elif _VARIABLE_OP.fullmatch(ins.opname) and isinstance(ins.argval, str):
                seen[(co.co_qualname, ins.argval, ins.opname)] = None
        stack.extend(c for c in co.co_consts if hasattr(c, "co_code"))
    return [NameOp(*key) for key in seen]
