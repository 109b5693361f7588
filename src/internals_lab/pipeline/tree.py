"""Stages 2 and 3, parsing and the AST: the tree the PEG parser builds, as plain records.

Design: `tree()` parses with `ast.parse` (the same C parser the compiler uses, generated
from `Grammar/python.gram` into `Parser/parser.c`) and flattens the result into `AstNode`
records: a node id, its type, its parent and the field that holds it, its scalar fields and
its source position. A renderer draws the records; nothing here knows about graphviz.
`folded()` shows the AST optimizer's constant folding: 3.13's `ast.parse(optimize=1)` returns
the folded tree; before 3.13 folding is only visible in the compiled code's constants.
`transform()` runs an `ast.NodeTransformer` and compiles its result, fixing locations.
The libcst contrast (`cst_summary()`) lives in `cst`, because its native parser needs guarding.
"""
from __future__ import annotations

import ast
import sys
from dataclasses import dataclass

from .source import PipelineError, SourceError, _EXPECTED, as_text, error_from, unlimited_int_digits

__all__ = ["AstNode", "tree", "parse", "folded", "transform"]


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
    root = parse(source, optimize=optimize)
    with unlimited_int_digits():
        return _records(root)


def folded(source: str | bytes) -> str | None:
    """`ast.dump` of `ast.parse(optimize=1)` (3.13+), or None before 3.13. On 3.13 that tree is
    constant-folded; from 3.14 folding happens later, in the flow graph, so it is not."""
    if sys.version_info < (3, 13):
        return None
    root = parse(source, optimize=1)
    try:
        with unlimited_int_digits():
            return ast.dump(root)
    except RecursionError:
        raise _too_deep("folded", "ast.dump, which this stage uses, recurses once per level of the tree") from None


def _too_deep(stage: str, why: str) -> PipelineError:
    return PipelineError(SourceError(stage, f"the tree is nested too deeply for this stage: {why}, and "
                                            f"Python's recursion limit is {sys.getrecursionlimit()}", None, None, None))


def transform(source: str | bytes, transformer: ast.NodeTransformer, filename: str = "<transformed>"):
    """Parse, rewrite with `transformer`, fix locations and compile: (new tree, code object)."""
    root = parse(source)
    try:
        new_tree = transformer.visit(root)
    except RecursionError:
        raise _too_deep("transform", "an ast.NodeTransformer recurses once per level of the tree") from None
    if new_tree is None:
        raise PipelineError(error_from(ValueError("the transformer removed the whole module"), "transform"))
    try:
        ast.fix_missing_locations(new_tree)
        code = compile(new_tree, filename, "exec", dont_inherit=True)
    except RecursionError:
        raise _too_deep("transform", "fixing locations and compiling the rewritten tree recurse once per level") from None
    except (TypeError, ValueError, SyntaxError) as exc:
        raise PipelineError(error_from(ValueError(f"the rewritten tree does not compile: {exc}"), "transform")) from None
    return new_tree, code
