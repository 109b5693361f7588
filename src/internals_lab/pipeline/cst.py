"""A concrete syntax tree for contrast with the AST: libcst, kept away from the reader's kernel.

Design: `cst_summary()` parses with libcst (CPython itself has had no CST stage since the old
parser was removed in 3.10) and counts the purely syntactic nodes an AST leaves out. libcst's
parser is native code that recurses once per level of nesting, and a chain of operands is
nesting to it (`y and y and ...` is a left-leaning tree of BooleanOperation nodes): 8,000
operands overflow its stack and kill the process, a few hundred exceed Python's recursion limit
while its result is converted into Python objects, and 3,000 chained conditional expressions
took 1.5 GB. So a source is parsed in-process only while it is small; a larger one, or one that
fails in-process for depth, is parsed in a child process (`isolate`) with a deep stack, a
memory cap and a timeout, and a crash there becomes a `PipelineError`, not a dead kernel.
"""
from __future__ import annotations

import ast
import json
from dataclasses import dataclass

from .isolate import DIE_WITH_PARENT, run_isolated_script
from .source import PipelineError, SourceError, as_text
from .tree import parse

__all__ = ["CstSummary", "cst_summary", "CST_IN_PROCESS_CHARS", "CST_MAX_CHARS"]

# Measured with libcst 1.9 on CPython 3.14: a 4,000-character source cannot nest deeply enough to
# trouble the native parser (it needs tens of thousands of characters), and anything CPython's
# own parser accepts converts within Python's recursion limit at this size or fails cleanly.
CST_IN_PROCESS_CHARS = 4_000
# Beyond this, not even a child process tries (a 100 KB source is far past anything the chapter shows).
CST_MAX_CHARS = 100_000
_CHILD_SECONDS = 6.0
_CHILD_MEMORY = 1_536 * 2**20      # the address-space cap of the child (Binder gives a reader 2 GB)
_CHILD_STACK = 256 * 2**20         # the child's parsing thread stack: deep input needs depth, not width


@dataclass(frozen=True)
class CstSummary:
    round_trips: bool                       # the CST prints back to exactly the source
    cst_only: tuple[tuple[str, int], ...]   # CST node types with no AST counterpart, with counts
    ast_node_count: int
    cst_node_count: int


# Runs in-process and, as text, in the child: it must import nothing from this package.
_COUNTER = '''
def _cst_counts(text):
    import libcst
    module = libcst.parse_module(text)
    counts = {}

    class _Count(libcst.CSTVisitor):
        def on_visit(self, node):
            name = type(node).__name__
            counts[name] = counts.get(name, 0) + 1
            return True

    module.visit(_Count())
    return module.code == text, counts
'''
_namespace: dict = {}
exec(compile(_COUNTER, "<cst counter>", "exec"), _namespace)
_cst_counts = _namespace["_cst_counts"]

_CHILD = DIE_WITH_PARENT + _COUNTER + f'''
import json, sys, threading
text = sys.stdin.buffer.read().decode("utf-8", "surrogatepass")
result = {{}}
def work():
    try:
        result["ok"] = _cst_counts(text)
    except RecursionError:
        result["error"] = "recursion"
    except MemoryError:
        result["error"] = "memory"
    except Exception as exc:  # libcst's ParserSyntaxError, a ValueError from deep inside
        result["error"] = type(exc).__name__ + ": " + str(exc).splitlines()[0][:200]
sys.setrecursionlimit(1_000_000)
threading.stack_size({_CHILD_STACK})
t = threading.Thread(target=work)
t.start()
t.join()
sys.stdout.write(json.dumps(result))
'''

_SYNTAX_ONLY = ("Whitespace", "Newline", "Comment", "Comma", "Paren", "Colon", "Semicolon",
                "Dot", "EmptyLine", "TrailingWhitespace", "AssignEqual", "AssignTarget", "ImportStar")


def _error(message: str) -> PipelineError:
    return PipelineError(SourceError("cst", message, None, None, None))


def _in_child(text: str, timeout: float) -> tuple[bool, dict[str, int]]:
    child = run_isolated_script(_CHILD, text.encode("utf-8", "surrogatepass"), timeout=timeout,
                                memory=_CHILD_MEMORY)
    if child.timed_out:
        raise _error(f"libcst did not finish parsing this source within {timeout:g} s (a child process "
                     "parsed it and was stopped); try a shorter or less deeply nested source")
    if child.crashed:
        raise _error(f"libcst's native parser crashed on this source ({child.crashed}, in a child process, so "
                     "this session is unharmed): its nesting or length is beyond what libcst handles")
    try:
        result = json.loads(child.stdout)
    except ValueError:
        last = (child.stderr.decode("utf-8", "replace").strip().splitlines() or ["no output"])[-1]
        if "MemoryError" in last or "memory" in last.lower():
            raise _error("libcst ran out of the memory allowed for parsing this source "
                         f"({_CHILD_MEMORY // 2**20} MB): it is too long or too deeply nested") from None
        raise _error(f"libcst's parser stopped without an answer ({last[:200]})") from None
    if "ok" in result:
        round_trips, counts = result["ok"]
        return round_trips, counts
    if result.get("error") in ("recursion", "memory"):
        raise _error("the source is nested too deeply (or is too long) for libcst, even with a deep stack "
                     "in a child process")
    raise _error(f"libcst cannot parse this source, although CPython's parser accepts it: {result.get('error')}")


def cst_summary(source: str | bytes, *, timeout: float = _CHILD_SECONDS) -> CstSummary:
    """Parse with libcst and count the purely syntactic nodes an AST leaves out.

    Sources longer than `CST_IN_PROCESS_CHARS` are parsed in a child process (bounded by
    `timeout` seconds and a memory cap); sources longer than `CST_MAX_CHARS` are refused.
    """
    import libcst  # optional: only this function needs it; fail early and plainly when missing

    text = as_text(source)
    tree_ = parse(text)  # same error messages as every other stage for bad input
    if len(text) > CST_MAX_CHARS:
        raise _error(f"the source has {len(text):,} characters; cst_summary parses at most {CST_MAX_CHARS:,}")
    if len(text) <= CST_IN_PROCESS_CHARS:
        try:
            round_trips, counts = _cst_counts(text)
        except (RecursionError, MemoryError, libcst.ParserSyntaxError):
            round_trips, counts = _in_child(text, timeout)  # deep but short: the child has the stack for it
    else:
        round_trips, counts = _in_child(text, timeout)
    syntax = sorted((name, n) for name, n in counts.items() if any(k in name for k in _SYNTAX_ONLY))
    return CstSummary(round_trips, tuple(syntax), sum(1 for _ in ast.walk(tree_)), sum(counts.values()))
