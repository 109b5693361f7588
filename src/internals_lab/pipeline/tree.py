"""Stages 2 and 3, parsing and the AST: the tree the PEG parser builds, as plain records.

Design: `tree()` parses with `ast.parse` (the same C parser the compiler uses, generated
from `Grammar/python.gram` into `Parser/parser.c`) and flattens the result into `AstNode`
records: a node id, its type, its parent and the field that holds it, its scalar fields and
its source position. A renderer draws the records; nothing here knows about graphviz.
`folded()` shows the AST optimizer's constant folding: 3.13's `ast.parse(optimize=1)` returns
the folded tree; before 3.13 folding is only visible in the compiled code's constants.
`transform()` runs an `ast.NodeTransformer` and compiles its result, fixing locations.
`cst_summary()` parses with libcst, a concrete-syntax-tree library (CPython itself has had no
CST stage since the old parser was removed in 3.10), to show what a CST keeps and an AST drops.
"""
from __future__ import annotations

import ast
import sys
from collections import Counter
from dataclasses import dataclass

from .source import PipelineError, _EXPECTED, as_text, error_from

__all__ = ["AstNode", "tree", "parse", "folded", "transform", "CstSummary", "cst_summary"]


@dataclass(frozen=True)
class AstNode:
    id: int                          # preorder number, 0 for the root
    type: str                        # "BinOp", "Name", ...
    parent: int | None
    field: str | None                # the parent's field that holds this node ("body", "left", ...)
    index: int | None                # position in that field when the field is a list
    attributes: tuple[tuple[str, str], ...]   # scalar fields as (name, repr): id='x', value=6, ...
    position: tuple[int, int, int, int] | None  # (lineno, col_offset, end_lineno, end_col_offset)


def parse(source: str | bytes, *, optimize: int = -1) -> ast.AST:
    """`ast.parse` with learner-friendly errors (`PipelineError`)."""
    text = as_text(source)
    kwargs = {"optimize": optimize} if optimize > 0 and sys.version_info >= (3, 13) else {}
    try:
        return ast.parse(text, **kwargs)
    except _EXPECTED as exc:
        raise PipelineError(error_from(exc, "parse", text)) from None


def _records(root: ast.AST) -> list[AstNode]:
    out: list[AstNode] = []
    # An explicit stack instead of recursion: a generated source can nest thousands deep.
    stack: list[tuple[ast.AST, int | None, str | None, int | None]] = [(root, None, None, None)]
    while stack:
        node, parent, field, index = stack.pop()
        my_id = len(out)
        scalars, children = [], []
        for name, value in ast.iter_fields(node):
            if isinstance(value, ast.AST) and not isinstance(value, (ast.expr_context, ast.operator,
                                                                      ast.unaryop, ast.cmpop, ast.boolop)):
                children.append((value, name, None))
            elif isinstance(value, list) and any(isinstance(v, ast.AST) for v in value):
                children.extend((v, name, i) for i, v in enumerate(value) if isinstance(v, ast.AST))
            elif isinstance(value, ast.AST):  # Load(), Add(), ...: a singleton worth showing inline
                scalars.append((name, type(value).__name__))
            elif value is not None and value != []:
                scalars.append((name, repr(value)))
        position = None
        if hasattr(node, "lineno") and getattr(node, "end_lineno", None) is not None:
            position = (node.lineno, node.col_offset, node.end_lineno, node.end_col_offset)
        out.append(AstNode(my_id, type(node).__name__, parent, field, index, tuple(scalars), position))
        stack.extend((child, my_id, name, i) for child, name, i in reversed(children))
    return out


def tree(source: str | bytes, *, optimize: int = -1) -> list[AstNode]:
    """The AST of `source` as preorder `AstNode` records (the root, `Module`, first)."""
    return _records(parse(source, optimize=optimize))


def folded(source: str | bytes) -> str | None:
    """`ast.dump` of `ast.parse(optimize=1)` (3.13+), or None before 3.13. On 3.13 that tree is
    constant-folded; from 3.14 folding happens later, in the flow graph, so it is not."""
    if sys.version_info < (3, 13):
        return None
    return ast.dump(parse(source, optimize=1))


def transform(source: str | bytes, transformer: ast.NodeTransformer, filename: str = "<transformed>"):
    """Parse, rewrite with `transformer`, fix locations and compile: (new tree, code object)."""
    new_tree = transformer.visit(parse(source))
    if new_tree is None:
        raise PipelineError(error_from(ValueError("the transformer removed the whole module"), "transform"))
    ast.fix_missing_locations(new_tree)
    try:
        code = compile(new_tree, filename, "exec", dont_inherit=True)
    except (TypeError, ValueError, SyntaxError) as exc:
        raise PipelineError(error_from(ValueError(f"the rewritten tree does not compile: {exc}"), "transform")) from None
    return new_tree, code


@dataclass(frozen=True)
class CstSummary:
    round_trips: bool                       # the CST prints back to exactly the source
    cst_only: tuple[tuple[str, int], ...]   # CST node types with no AST counterpart, with counts
    ast_node_count: int
    cst_node_count: int


_SYNTAX_ONLY = ("Whitespace", "Newline", "Comment", "Comma", "Paren", "Colon", "Semicolon",
                "Dot", "EmptyLine", "TrailingWhitespace", "AssignEqual", "AssignTarget", "ImportStar")


def cst_summary(source: str) -> CstSummary:
    """Parse with libcst and count the purely syntactic nodes an AST leaves out."""
    import libcst  # optional: only this function needs it

    text = as_text(source)
    parse(text)  # same error messages as every other stage for bad input
    module = libcst.parse_module(text)
    counts: Counter[str] = Counter()

    class _Count(libcst.CSTVisitor):
        def on_visit(self, node: libcst.CSTNode) -> bool:
            counts[type(node).__name__] += 1
            return True

    module.visit(_Count())
    syntax = sorted((name, n) for name, n in counts.items() if any(k in name for k in _SYNTAX_ONLY))
    return CstSummary(module.code == text, tuple(syntax), sum(1 for _ in ast.walk(ast.parse(text))),
                      sum(counts.values()))
