"""From source to bytecode: one function per stage of CPython's compilation pipeline.

Design: each stage has its own module returning plain records: `tokens` (the tokenize
stream), `tree` (the AST, constant folding, NodeTransformer, a libcst contrast), `symbols`
(symtable scopes and the opcodes they lead to), `code` (code-object fields), `cfg` (basic
blocks), `bytecode` (dis records), `versions` (the same source under other interpreters),
`specialize` (PEP 659 at run time) and `conversion` (the binary-operator protocol of post
11). `render` draws those records and `explorer` runs every stage on a learner's text.
Bad source always raises `PipelineError` (a `ValueError` whose message has a caret), or,
in `analyse()`, comes back as an `Analysis` whose `error` says where and why.
"""
from .bytecode import Instr, code_for, instructions, opnames
from .cfg import BasicBlock, ControlFlowGraph, Edge, cfg
from .code import CodeSummary, ExceptionEntry, code_objects, walk_code
from .conversion import Step, binary_op_steps
from .explorer import STAGES, Analysis, Explorer, analyse, render_stages, show_all
from .source import PipelineError, SourceError, as_text, compile_source
from .specialize import SPECIALIZATION_CONSTANTS, Snapshot, specialization_timeline
from .symbols import NameOp, Symbol, classify, name_ops, symbols
from .tokens import Token, parser_tokens, tokens
from .cst import CstSummary, cst_summary
from .tree import AstNode, folded, parse, transform, tree
from .versions import Interpreter, VersionResult, compare, compare_tokens, find_interpreters

__all__ = [
    "Analysis", "AstNode", "BasicBlock", "CodeSummary", "ControlFlowGraph", "CstSummary", "Edge",
    "ExceptionEntry", "Explorer", "Instr", "Interpreter", "NameOp", "PipelineError", "STAGES",
    "SPECIALIZATION_CONSTANTS", "Snapshot", "SourceError", "Step", "Symbol", "Token", "VersionResult",
    "analyse", "as_text", "binary_op_steps", "cfg", "classify", "code_for", "code_objects", "compare",
    "compare_tokens", "compile_source", "cst_summary", "find_interpreters", "folded", "instructions", "name_ops", "opnames",
    "parse", "parser_tokens", "render_stages", "show_all", "specialization_timeline", "symbols", "tokens",
    "transform", "tree", "walk_code",
]
