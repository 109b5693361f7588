"""The explorer: every stage of the pipeline for one source text, and a widget around it.

Design: `analyse()` runs the stages in order (tokens, tree, symbols, code objects,
bytecode, CFG) and stops at the first one that rejects the source, returning an `Analysis`
record whose later stages are None and whose `error` says where and why. It compiles but
never executes the source. `render_stages()` turns an analysis into (title, view) pairs using
the renderers; `Explorer` puts a Textarea above one tab per stage and re-renders on every
change, and `show_all()` displays the same views statically (for the book and for readers
without a kernel). Bad input shows a caret view, never a traceback.
"""
from __future__ import annotations

import dataclasses
import warnings
from dataclasses import dataclass

from .bytecode import Instr, instructions
from .cfg import ControlFlowGraph, cfg
from .code import CodeSummary, code_objects, walk_code
from .source import PipelineError, SourceError, as_text, compile_source, error_from
from .symbols import Symbol, symbols
from .tokens import Token, tokens
from .tree import AstNode, parse, tree

__all__ = ["Analysis", "STAGES", "analyse", "render_stages", "show_all", "Explorer"]

STAGES = ("tokens", "tree", "symbols", "code", "bytecode", "cfg")


@dataclass(frozen=True)
class Analysis:
    source: str | None
    tokens: list[Token] | None = None
    tree: list[AstNode] | None = None
    symbols: list[Symbol] | None = None
    code: list[CodeSummary] | None = None
    bytecode: dict[str, list[Instr]] | None = None     # qualname -> instructions
    cfg: ControlFlowGraph | None = None                # of the first function, else of the module
    error: SourceError | None = None
    # Problems that did not stop the pipeline: the `tokenize` module (pure Python on 3.11) can
    # reject odd whitespace that the compiler's C tokenizer accepts; the tokens stage is then
    # empty, with this note, and the other stages still run.
    notes: tuple[SourceError, ...] = ()

    @property
    def failed_stage(self) -> str | None:
        return self.error.stage if self.error else None


def analyse(source: str | bytes) -> Analysis:
    """Every stage's data for `source`, or the stages up to the first error and the error.

    Compiler warnings (SyntaxWarning: an invalid escape sequence, `is` with a literal...) become
    notes instead of lines on stderr; `warnings.catch_warnings` restores the filters afterwards.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = _analyse(source)
    seen: dict[tuple, SourceError] = {}
    for w in caught:
        if issubclass(w.category, (SyntaxWarning, DeprecationWarning)):
            line = w.lineno if isinstance(w.lineno, int) and w.lineno > 0 else None
            text = result.source.splitlines()[line - 1] if line and result.source and line <= len(result.source.splitlines()) else None
            note = SourceError("warning", f"{w.category.__name__}: {w.message}", line, None, text)
            seen.setdefault((note.message, line), note)
    if not seen:
        return result
    return dataclasses.replace(result, notes=result.notes + tuple(seen.values()))


def _analyse(source: str | bytes) -> Analysis:
    done: dict[str, object] = {}
    notes: list[SourceError] = []
    text = None
    try:
        text = as_text(source)
        done["tokens"] = _tokens_or_note(text, notes)
        done["tree"] = tree(text)
        done["symbols"] = symbols(text)
        module = compile_source(text)
        done["code"] = code_objects(text)
        everything = walk_code(module)
        done["bytecode"] = {co.co_qualname: instructions(co) for co in everything}
        functions = [co for co in everything if co is not module]
        done["cfg"] = cfg(functions[0] if functions else module)
    except PipelineError as exc:
        return Analysis(text, **done, error=exc.error, notes=tuple(notes))
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError, SystemError) as exc:
        # A stage can fail in a way its own guard did not expect (a symtable quirk, a deep tree):
        # still a message, not a traceback.
        stage = next(s for s in STAGES if s not in done)
        return Analysis(text, **done, error=error_from(exc, stage, text or ""), notes=tuple(notes))
    return Analysis(text, **done, notes=tuple(notes))


def _tokens_or_note(text: str, notes: list[SourceError]) -> list[Token] | None:
    try:
        return tokens(text)
    except PipelineError as exc:
        token_error = exc.error
    try:
        parse(text)
    except PipelineError as parse_exc:
        # Both reject the source. The `tokenize` module reads to the end before it complains (an
        # unclosed bracket is "EOF in multi-line statement"); the parser stops at the first bad
        # token. Report the parser's message: it is what `python` itself prints.
        e = parse_exc.error
        raise PipelineError(SourceError("syntax", e.message, e.line, e.column, e.text)) from None
    # The compiler accepts what the tokenize module rejected (3.11's pure-Python tokenizer
    # differs from the C one on odd whitespace): a difference between tokenizers, not an error.
    notes.append(SourceError("tokens", "the tokenize module could not tokenize this source, although the "
                             f"compiler's tokenizer accepts it: {token_error.message}",
                             token_error.line, token_error.column, token_error.text))
    return None


# "Stage 1: tokens", not "1 tokens", which reads as a count of tokens.
_TITLES = {stage: f"Stage {n}: {name}" for n, (stage, name) in enumerate(
    [("tokens", "tokens"), ("tree", "AST"), ("symbols", "symbols"), ("code", "code objects"),
     ("bytecode", "bytecode"), ("cfg", "control flow")], start=1)}
_MAX_ROWS = 300


class _Text:
    """Plain text shown as preformatted HTML (for notes such as 'the tree is too big')."""

    def __init__(self, text: str):
        self.text = text

    def __str__(self) -> str:
        return self.text

    __repr__ = __str__

    def _repr_html_(self) -> str:
        import html
        return f"<pre>{html.escape(self.text)}</pre>"


class _Group:
    """Several views one after another, as a single view."""

    def __init__(self, views):
        self.views = list(views)

    def __str__(self) -> str:
        return "\n\n".join(str(v) for v in self.views)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        return "".join(v._repr_html_() for v in self.views)


def render_stages(analysis: Analysis) -> list[tuple[str, object]]:
    """(title, view) for each stage: its table or figure, the error view, or a 'not reached' note."""
    from .render import ast_graph, cfg_graph, show_code, show_error, show_instructions, show_symbols, show_tokens

    out = []
    for stage in STAGES:
        data = getattr(analysis, stage)
        title = _TITLES[stage]
        if data is None and stage == "tokens" and analysis.notes:
            out.append((title, _Text(analysis.notes[0].caret())))
            continue
        if data is None:
            if analysis.error is not None and analysis.error.stage in (stage, "decode") or \
                    (analysis.error is not None and stage == _first_missing(analysis)):
                out.append((title, show_error(analysis.error)))
            else:
                out.append((title, _Text("(not reached: an earlier stage reported an error)")))
            continue
        if stage == "tokens":
            view = show_tokens(data[:_MAX_ROWS], caption=_cut_note(len(data), "tokens"))
        elif stage == "tree":
            view = ast_graph(data) if len(data) <= 120 else _Text(
                f"The tree has {len(data)} nodes, too many to draw; its first node types: "
                + ", ".join(n.type for n in data[:20]) + " ...")
        elif stage == "symbols":
            view = show_symbols(data[:_MAX_ROWS], caption=_cut_note(len(data), "names"))
        elif stage == "code":
            view = _Group(show_code(s) for s in data[:10])
        elif stage == "bytecode":
            view = _Group(show_instructions(ins[:_MAX_ROWS], caption=f"{name}" + (
                f" (first {_MAX_ROWS} of {len(ins)})" if len(ins) > _MAX_ROWS else ""))
                for name, ins in list(data.items())[:10])
        else:
            view = cfg_graph(data) if len(data.blocks) <= 60 else _Text(
                f"{len(data.blocks)} basic blocks: too many to draw")
        out.append((title, view))
    return out


def _first_missing(analysis: Analysis) -> str | None:
    return next((s for s in STAGES if getattr(analysis, s) is None), None)


def _cut_note(total: int, what: str) -> str | None:
    return f"first {_MAX_ROWS} of {total} {what}" if total > _MAX_ROWS else None


def show_all(source: str | bytes) -> None:
    """Display every stage of `source` one after another (the static form of the explorer)."""
    from IPython.display import HTML, display

    for title, view in render_stages(analyse(source)):
        # A bold line, not a heading: headings inside outputs would break the page's outline.
        display(HTML(f"<p><strong>{title}</strong></p>"))
        display(view)


class StagesView:
    """Every stage's view, one after another: the static form of the explorer."""

    def __init__(self, views: list[tuple[str, object]]):
        self.views = views

    def _repr_html_(self) -> str:
        import html

        return "".join(f"<p><strong>{html.escape(title)}</strong></p>{view._repr_html_()}" for title, view in self.views)

    def __str__(self) -> str:
        return "\n\n".join(f"{title}\n{view}" for title, view in self.views)


class Explorer:
    """A Textarea and one tab per stage; every edit re-runs every stage."""

    def __init__(self, source: str = "def f(x):\n    return x + 1\n"):
        import ipywidgets as widgets

        self.editor = widgets.Textarea(value=source, description="source",
                                       layout=widgets.Layout(width="100%", height="10em"))
        self.status = widgets.HTML()
        self.panes = [widgets.HTML() for _ in STAGES]
        self.tabs = widgets.Tab(children=self.panes)
        for i, stage in enumerate(STAGES):
            self.tabs.set_title(i, _TITLES[stage])
        self.widget = widgets.VBox([self.editor, self.status, self.tabs])
        self.editor.observe(self._changed, names="value")
        self.update(source)

    def _changed(self, change) -> None:
        self.update(change["new"])

    def update(self, source: str) -> Analysis | None:
        import html
        try:
            self.analysis = analyse(source)
            views = render_stages(self.analysis)
        except Exception as exc:  # the widget must never show a traceback; say what failed instead
            self.analysis = None
            self.status.value = f"<pre>The lab could not analyse this input: {html.escape(str(exc) or type(exc).__name__)}</pre>"
            for pane in self.panes:
                pane.value = ""
            return None
        error = self.analysis.error
        if error:
            self.status.value = f'<pre role="alert">{html.escape(error.caret())}</pre>'
        elif self.analysis.notes:
            self.status.value = "".join(f"<pre>{html.escape(n.caret())}</pre>" for n in self.analysis.notes)
        else:
            self.status.value = "<p>All stages OK.</p>"
        for pane, (_, view) in zip(self.panes, views):
            pane.value = view._repr_html_()
        return self.analysis

    def _repr_mimebundle_(self, include=None, exclude=None):
        # Live in a kernel; on the static site (and in stored outputs) the same stages, drawn
        # statically, so the site never shows a text box that does nothing.
        from ..render import live

        static = StagesView(render_stages(self.analysis) if self.analysis else [])
        return live(self.widget, static)._repr_mimebundle_(include=include, exclude=exclude)
