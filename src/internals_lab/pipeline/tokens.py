"""Stage 1, tokens: the source as a stream of (type, string, start, end) records.

Design: `tokens()` wraps the `tokenize` module, the Python-level tokenizer that keeps
everything (COMMENT and NL tokens included) because tools such as formatters need them.
`parser_tokens()` shows what the parser itself receives: since 3.12 `tokenize` is a thin
layer over the C tokenizer (`Parser/tokenizer.c`, split into `Parser/lexer/` in 3.13), and
its private `_generate_tokens_from_c_tokenizer(..., extra_tokens=False)` yields the raw C
stream, without comments and blank-line tokens. On 3.11 that hook does not exist, so
`parser_tokens()` returns None there rather than guess.
"""
from __future__ import annotations

import io
import sys
import tokenize
from dataclasses import dataclass

from .source import PipelineError, _EXPECTED, as_text, error_from

__all__ = ["Token", "tokens", "parser_tokens"]


@dataclass(frozen=True)
class Token:
    type: str                 # token type name: NAME, OP, NUMBER, STRING, FSTRING_START, INDENT, ...
    string: str               # the exact text of the token
    start: tuple[int, int]    # (line, column), line 1-based, column 0-based as in `tokenize`
    end: tuple[int, int]
    exact_type: str           # for OP tokens the specific operator (LPAR, EQUAL, ...)


def _record(tok: tokenize.TokenInfo) -> Token:
    return Token(tokenize.tok_name[tok.type], tok.string, tuple(tok.start), tuple(tok.end),
                 tokenize.tok_name[tok.exact_type])


def _lines(text: str):
    # compile() reads a string with universal newlines (a lone \r or \r\n ends a line); a plain
    # StringIO would hand "\r" to the tokenizer as a character, which it rejects. newline=None
    # gives the tokenizer the same lines the compiler sees.
    return io.StringIO(text, newline=None).readline


def tokens(source: str | bytes) -> list[Token]:
    """Every token `tokenize` produces for `source`, comments and NL tokens included."""
    text = as_text(source)
    try:
        out = [_record(t) for t in tokenize.generate_tokens(_lines(text))]
    except _EXPECTED as exc:
        raise PipelineError(error_from(exc, "tokens", text)) from None
    # 3.11's pure-Python tokenizer does not raise on an unterminated string or a stray
    # character: it yields ERRORTOKEN and carries on. Report it as the error it is.
    bad = next((t for t in out if t.type == "ERRORTOKEN" and t.string.strip()), None)
    if bad is not None:
        from .source import SourceError
        line = text.splitlines()[bad.start[0] - 1] if bad.start[0] <= len(text.splitlines()) else None
        what = "an unterminated string" if bad.string[:1] in "'\"" else f"an unexpected character {bad.string!r}"
        raise PipelineError(SourceError("tokens", f"the tokenizer found {what}", bad.start[0], bad.start[1] + 1, line))
    return out


def parser_tokens(source: str | bytes) -> list[Token] | None:
    """The tokens the C tokenizer hands to the parser (3.12+), or None on 3.11."""
    if sys.version_info < (3, 12):
        return None
    text = as_text(source)
    try:
        raw = tokenize._generate_tokens_from_c_tokenizer(_lines(text), extra_tokens=False)
        return [Token(tokenize.tok_name[t.type], t.string, tuple(t.start), tuple(t.end),
                      tokenize.tok_name[t.type]) for t in raw]
    except _EXPECTED as exc:
        raise PipelineError(error_from(exc, "tokens", text)) from None
