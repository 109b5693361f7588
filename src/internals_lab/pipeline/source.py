"""Source text in, a clear error out: the front door of every pipeline stage.

Design: every stage function takes `source` as `str` or `bytes` and calls `as_text()` first,
so bytes are decoded the way the compiler decodes a file (PEP 263 coding cookie, UTF-8 by
default). Anything the compiler rejects becomes a `PipelineError` carrying a `SourceError`
record (stage, message, line, column, the offending line): a plain sentence with a caret,
never an internal traceback. Learner code is compiled, never executed, by these functions.
"""
from __future__ import annotations

import io
import tokenize
from dataclasses import dataclass

__all__ = ["SourceError", "PipelineError", "as_text", "compile_source", "error_from"]


@dataclass(frozen=True)
class SourceError:
    stage: str          # "decode", "tokens", "parse", "compile", ...
    message: str        # a plain sentence
    line: int | None    # 1-based, when the compiler knows it
    column: int | None  # 1-based, when the compiler knows it
    text: str | None    # the offending source line, without its newline

    def caret(self) -> str:
        """The message with the offending line and a caret under the column, as a compiler would print it."""
        where = f"line {self.line}, column {self.column}" if self.line and self.column else (
            f"line {self.line}" if self.line else "an unknown position")
        out = [f"{self.stage} error at {where}: {self.message}"]
        if self.text is not None and self.text.strip():
            # One character per column, so the caret lines up: tabs count as one column in the
            # compiler's offsets, and a NUL byte is drawn as a visible symbol.
            shown = self.text.replace("\t", " ").replace("\x00", "\u2400")
            column = self.column
            if len(shown) > 120:  # a 1 MB one-line source should not flood the page: show a window
                start = max(0, (column or 1) - 60)
                shown = ("..." if start else "") + shown[start:start + 120] + ("..." if start + 120 < len(shown) else "")
                if column:
                    column = column - start + (3 if start else 0)
            out.append("    " + shown)
            if column and 0 < column <= len(shown) + 1:
                out.append("    " + " " * (column - 1) + "^")
        return "\n".join(out)

    def __str__(self) -> str:
        return self.caret()


class PipelineError(ValueError):
    """Raised by a stage function when the source cannot go through that stage."""

    def __init__(self, error: SourceError):
        super().__init__(error.caret())
        self.error = error


def _line_of(text: str, line: int | None) -> str | None:
    if not line or line < 1:
        return None
    lines = text.splitlines()
    return lines[line - 1] if line <= len(lines) else None


def error_from(exc: BaseException, stage: str, text: str = "") -> SourceError:
    """Turn an exception raised by tokenize, ast, symtable or compile into a `SourceError`."""
    if isinstance(exc, PipelineError):
        return exc.error
    if "null bytes" in str(exc) and "\x00" in text:
        before = text[:text.index("\x00")]
        line = before.count("\n") + 1
        return SourceError(stage, "the source contains a null byte (\\x00), which Python source cannot contain",
                           line, len(before) - (before.rfind("\n") + 1) + 1, _line_of(text, line))
    if isinstance(exc, SyntaxError):
        line, column = exc.lineno, exc.offset
        message = exc.msg or "invalid syntax"
        if isinstance(exc, IndentationError) and "indent" not in message:
            message = f"{message} (an indentation error)"
        bad = (exc.text.rstrip("\r\n") if exc.text else None) or _line_of(text, line)
        return SourceError(stage, message, line, column, bad)
    if isinstance(exc, tokenize.TokenError):
        message, position = (exc.args + (None,))[:2] if exc.args else ("cannot tokenize", None)
        line, column = (position if isinstance(position, tuple) else (None, None))
        return SourceError(stage, str(message), line, None if column is None else column + 1, _line_of(text, line))
    if isinstance(exc, UnicodeDecodeError):
        before = exc.object[:exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        bad_line = exc.object.split(b"\n")[line - 1].decode(exc.encoding, "replace")
        return SourceError(stage, f"the source is not valid {exc.encoding.upper()}: byte "
                                  f"0x{exc.object[exc.start]:02x} cannot be decoded ({exc.reason}); save the file "
                                  "as UTF-8 or declare its encoding in a coding comment (PEP 263)",
                           line, column, bad_line)
    if isinstance(exc, RecursionError):
        return SourceError(stage, "the code is nested too deeply for the compiler", None, None, None)
    if isinstance(exc, MemoryError):
        return SourceError(stage, "the compiler ran out of memory on this source", None, None, None)
    # ValueError ("source code string cannot contain null bytes" on 3.11), OverflowError, LookupError
    # (an unknown coding cookie): the exception's own sentence is already plain.
    return SourceError(stage, str(exc) or type(exc).__name__, None, None, None)


_EXPECTED = (SyntaxError, ValueError, OverflowError, RecursionError, MemoryError, LookupError,
             UnicodeError, tokenize.TokenError)


def as_text(source: str | bytes) -> str:
    """Decode bytes as the compiler does (coding cookie or UTF-8); pass str through."""
    if isinstance(source, str):
        return source
    if not isinstance(source, (bytes, bytearray)):
        raise TypeError(f"source must be str or bytes, not {type(source).__name__}")
    data = bytes(source)
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding)
    except _EXPECTED as exc:
        if isinstance(exc, SyntaxError) and "encoding" in str(exc):
            # detect_encoding's own message names no position; decoding as UTF-8 finds the byte.
            try:
                data.decode("utf-8")
            except UnicodeDecodeError as decode_error:
                raise PipelineError(error_from(decode_error, "decode")) from None
        raise PipelineError(error_from(exc, "decode")) from None


def compile_source(source: str | bytes, filename: str = "<lab>", mode: str = "exec", *, optimize: int = -1):
    """`compile()` with learner-friendly errors: a code object, or a `PipelineError`."""
    text = as_text(source)
    try:
        return compile(text, filename, mode, dont_inherit=True, optimize=optimize)
    except _EXPECTED as exc:
        raise PipelineError(error_from(exc, "compile", text)) from None
