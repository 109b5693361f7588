"""Renderers for the pipeline's records: tables, the AST and CFG graphs, the version diff.

Design: every function here takes records made by the stage modules and returns an
`internals_lab.render` object (`Table`, `Figure`) or a small error view; none of them
compiles or analyses anything. graphviz is imported inside the graph functions only.
"""
from __future__ import annotations

import difflib
import html

from ..render import Figure, Table, svg
from .source import SourceError

__all__ = ["show_tokens", "ast_graph", "show_symbols", "show_name_ops", "show_code", "show_instructions",
           "cfg_graph", "show_versions", "show_timeline", "show_steps", "ErrorView", "show_error"]


def _pos(start, end) -> str:
    return f"{start[0]}:{start[1]}-{end[0]}:{end[1]}"


def show_tokens(tokens, caption: str | None = None) -> Table:
    # Newlines and tabs are shown escaped (\n), so each token stays on one row.
    rows = [(t.type if t.type != "OP" else f"OP ({t.exact_type})",
             t.string if t.string.isprintable() else repr(t.string)[1:-1], f"{t.start[0]}:{t.start[1]}",
             f"{t.end[0]}:{t.end[1]}") for t in tokens]
    return Table(["type", "string", "start", "end"], rows, caption=caption, code_columns=["string"])


def _gv_text(text: str, limit: int = 48) -> str:
    text = text if len(text) <= limit else text[: limit - 3] + "..."
    return text.replace("\\", "\\\\")  # graphviz reads backslash escapes (\l, \n) in labels


def ast_graph(nodes, alt: str | None = None, max_nodes: int = 120) -> Figure:
    """The AST records as a top-down tree: node type, scalar fields, and line:col positions."""
    import graphviz

    if len(nodes) > max_nodes:
        raise ValueError(f"the tree has {len(nodes)} nodes; draw at most {max_nodes} (show a smaller snippet)")
    g = graphviz.Digraph(graph_attr={"rankdir": "TB", "nodesep": "0.2", "ranksep": "0.35"},
                         node_attr={"shape": "box", "fontsize": "10", "fontname": "Helvetica", "style": "rounded"},
                         edge_attr={"fontsize": "9", "fontname": "Helvetica"})
    for n in nodes:
        lines = [n.type] + [f"{k}={v}" for k, v in n.attributes]
        if n.position:
            lines.append("{}:{}-{}:{}".format(*n.position))
        g.node(f"n{n.id}", "\\n".join(_gv_text(x) for x in lines))
        if n.parent is not None:
            g.edge(f"n{n.parent}", f"n{n.id}", label=n.field + (f"[{n.index}]" if n.index is not None else ""))
    root = nodes[0].type if nodes else "empty"
    return svg(g, alt or f"The abstract syntax tree: a {root} node with {len(nodes) - 1} nodes below it; "
                         "each box names a node type, its plain fields and its source position.")


def show_symbols(symbols, caption: str | None = None) -> Table:
    rows = [(s.scope, s.name, s.kind) for s in symbols]
    return Table(["scope", "name", "kind"], rows, caption=caption, code_columns=["name"])


def show_name_ops(ops, caption: str | None = None) -> Table:
    return Table(["code object", "name", "instruction"], [(o.scope, o.name, o.opname) for o in ops],
                 caption=caption, code_columns=["name", "instruction"])


def show_code(summary, caption: str | None = None) -> Table:
    s = summary
    rows = [("co_qualname", s.qualname), ("co_argcount", str(s.argcount)), ("co_consts", ", ".join(s.consts) or "()"),
            ("co_names", ", ".join(s.names) or "()"), ("co_varnames", ", ".join(s.varnames) or "()"),
            ("co_cellvars", ", ".join(s.cellvars) or "()"), ("co_freevars", ", ".join(s.freevars) or "()"),
            ("co_flags", " | ".join(s.flags) or "0"), ("co_stacksize", str(s.stacksize)),
            ("docstring", repr(s.docstring)), ("bytecode size", f"{s.bytes_of_bytecode} bytes"),
            ("line table", ", ".join(f"{a}-{b}: line {ln}" for a, b, ln in s.lines)),
            ("exception table", ", ".join(f"{e.start}-{e.end} -> {e.target} (depth {e.depth}{', lasti' if e.lasti else ''})"
                                          for e in s.exception_table) or "empty")]
    return Table(["field", "value"], rows, caption=caption or f"code object {s.qualname}", code_columns=["value"])


def show_instructions(instrs, caption: str | None = None) -> Table:
    rows = []
    for i in instrs:
        line, end_line, col, end_col = i.positions
        where = "" if line is None else (f"{line}:{col}-{end_line}:{end_col}" if col is not None else f"{line}")
        rows.append((("> " if i.is_jump_target else "") + str(i.offset), where, i.opname,
                     "" if i.arg is None else str(i.arg), i.argrepr))
    return Table(["offset", "source position", "opname", "arg", "meaning"], rows, caption=caption,
                 code_columns=["opname", "meaning"])


_EDGE_STYLE = {"next": {"color": "gray40"}, "jump": {"color": "blue"},
               "branch": {"color": "darkgreen", "label": "if taken"},
               "exception": {"color": "red", "style": "dashed", "label": "exception"}}


def cfg_graph(graph, alt: str | None = None) -> Figure:
    """Basic blocks as boxes of instructions; fall-through, jump, branch and exception edges."""
    import graphviz

    g = graphviz.Digraph(graph_attr={"rankdir": "TB", "nodesep": "0.3"},
                         node_attr={"shape": "box", "fontsize": "10", "fontname": "Courier"},
                         edge_attr={"fontsize": "9", "fontname": "Helvetica"})
    for b in graph.blocks:
        lines = [f"block {b.id}" + (" (handler)" if b.is_handler else "")]
        lines += [_gv_text(f"{i.offset:>3} {i.opname} {i.argrepr}".rstrip(), 56) for i in b.instructions]
        g.node(f"b{b.id}", "\\l".join(lines) + "\\l", **({"color": "red"} if b.is_handler else {}))
    for e in graph.edges:
        g.edge(f"b{e.source}", f"b{e.target}", **_EDGE_STYLE[e.kind])
    kinds = sorted({e.kind for e in graph.edges})
    return svg(g, alt or f"Control-flow graph of {graph.name}: {len(graph.blocks)} basic blocks joined by "
                         f"{len(graph.edges)} edges ({', '.join(kinds) or 'none'}).")


def _similarity(a: str, b: str) -> float:
    return 1.0 if a == b else difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def _pairs(keys: list[str], items: list[str]) -> list[tuple[int | None, int | None]]:
    """A diff of two listings: (key index, item index) pairs, None on the side that lacks one.

    Instructions pair up when they are alike (LOAD_FAST x with LOAD_FAST_BORROW x), chosen to
    maximise the total likeness in order: a small Needleman-Wunsch with free gaps.
    """
    like = [[_similarity(k, i) for i in items] for k in keys]
    best = [[0.0] * (len(items) + 1) for _ in range(len(keys) + 1)]
    for a in range(1, len(keys) + 1):
        for b in range(1, len(items) + 1):
            paired = best[a - 1][b - 1] + like[a - 1][b - 1] if like[a - 1][b - 1] >= 0.5 else -1.0
            best[a][b] = max(best[a - 1][b], best[a][b - 1], paired)
    pairs, a, b = [], len(keys), len(items)
    while a or b:
        if a and b and like[a - 1][b - 1] >= 0.5 and best[a][b] == best[a - 1][b - 1] + like[a - 1][b - 1]:
            pairs.append((a - 1, b - 1)); a, b = a - 1, b - 1
        elif a and best[a][b] == best[a - 1][b]:
            pairs.append((a - 1, None)); a -= 1
        else:
            pairs.append((None, b - 1)); b -= 1
    return pairs[::-1]


def align_listings(listings: list[list[str]]) -> list[tuple[str | None, ...]]:
    """Rows of instructions that correspond across versions, as a diff lines them up.

    Each new listing is aligned with the rows built so far, keyed by each row's latest
    instruction (versions change a little at a time, so the nearest one matches best);
    unmatched instructions get rows of their own, with None for the versions that lack them.
    So one inserted instruction marks one row, not every row after it.
    """
    rows: list[tuple[str | None, ...]] = []
    for column, listing in enumerate(listings):
        if column == 0:
            rows = [(item,) for item in listing]
            continue
        keys = [next(v for v in reversed(row) if v is not None) for row in rows]
        rows = [(rows[r] if r is not None else (None,) * column) + ((listing[i] if i is not None else None),)
                for r, i in _pairs(keys, listing)]
    return rows


def show_versions(results, caption: str | None = None) -> Table:
    """Side by side, one column per version, aligned like a diff; a row is marked where they differ."""
    columns = [f"{r.version} ({r.full_version})" if r.full_version else r.version for r in results]
    compiled = [r for r in results if r.instructions is not None]
    aligned = align_listings([[f"{op} {arg}".rstrip() for op, arg in r.instructions] for r in compiled]) or [()]
    rows = []
    for number, row in enumerate(aligned):
        by_version = dict(zip((id(r) for r in compiled), row))
        cells = [(by_version[id(r)] or "") if r.instructions is not None else (f"({r.problem})" if number == 0 else "")
                 for r in results]
        rows.append([str(number), "*" if len(set(row)) > 1 else ""] + cells)
    return Table(["#", "differs"] + columns, rows, caption=caption, code_columns=columns)


def show_timeline(snapshots, only=None, caption: str | None = None) -> Table:
    """One row per snapshot: calls so far and the instructions (optionally only those matching `only`)."""
    rows = []
    for s in snapshots:
        names = [op for op in s.opnames() if only is None or any(k in op for k in only)]
        rows.append((s.label, str(s.calls_so_far), ", ".join(names), ", ".join(map(repr, s.results))))
    return Table(["after", "calls so far", "instructions (adaptive=True)", "returned"], rows, caption=caption,
                 code_columns=["instructions (adaptive=True)"])


def show_steps(steps, caption: str | None = None) -> Table:
    return Table(["attempt", "result"], [(s.call, s.result) for s in steps], caption=caption,
                 code_columns=["attempt", "result"])


class ErrorView:
    """A `SourceError` shown with its caret: plain text in a terminal, a <pre> block in HTML."""

    def __init__(self, error: SourceError):
        self.error = error

    def __str__(self) -> str:
        return self.error.caret()

    __repr__ = __str__

    def _repr_html_(self) -> str:
        return f'<pre class="internals-lab-error" role="alert">{html.escape(self.error.caret())}</pre>'


def show_error(error: SourceError) -> ErrorView:
    return ErrorView(error)
