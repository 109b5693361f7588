"""Source text in, a clear error out: the front door of every pipeline stage.

Design: every stage function takes `source` as `str` or `bytes` and calls `as_text()` first,
so bytes are decoded the way the compiler decodes a file (PEP 263 coding cookie, UTF-8 by
default). Anything the compiler rejects becomes a `PipelineError` carrying a `SourceError`
record (stage, message, line, column, the offending line): a plain sentence with a caret,
never an internal traceback. Learner code is compiled, never executed, by these functions.
"""
from __future__ import annotations

import contextlib
import io
import re
import sys
import tokenize
from dataclasses import dataclass

__all__ = ["SourceError", "PipelineError", "as_text", "compile_source", "error_from", "unlimited_int_digits"]


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
    # 3.12 and 3.13's tokenizer can fail on a NUL byte with a SystemError ("<built-in method __new__
    # of type object at 0x...> returned a result with an exception set"): report the NUL itself.
    if ("null bytes" in str(exc) or isinstance(exc, SystemError)) and "\x00" in text:
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
    if isinstance(exc, SystemError):
        return SourceError(stage, f"CPython {sys.version.split()[0]} failed internally on this source "
                                  f"(SystemError: {_no_addresses(str(exc))})", None, None, None)
    # ValueError ("source code string cannot contain null bytes" on 3.11), OverflowError, LookupError
    # (an unknown coding cookie): the exception's own sentence is already plain.
    return SourceError(stage, _no_addresses(str(exc)) or type(exc).__name__, None, None, None)


def _no_addresses(message: str) -> str:
    # A memory address differs on every run and means nothing to a reader.
    return re.sub(r" at 0x[0-9a-fA-F]+", "", message)


@contextlib.contextmanager
def unlimited_int_digits():
    """Lift the int-to-str digit limit (CVE-2020-10735, 3.11+) while a stage shows constants.

    `x = 0x` + 3,600 `f`s is valid Python, but its value has more than 4,300 decimal digits, so
    `repr()` of it, in `dis`, `ast.dump` or our own records, raises ValueError. The limit guards
    parsing untrusted decimal text; here the value is already an int, and showing it is the point.
    """
    get = getattr(sys, "get_int_max_str_digits", None)
    if get is None:
        yield
        return
    old = get()
    sys.set_int_max_str_digits(0)
    try:
        yield
    finally:
        sys.set_int_max_str_digits(old)


# SystemError: 3.12 and 3.13's tokenizer raises it on some NUL bytes (see error_from).
_EXPECTED = (SyntaxError, ValueError, OverflowError, RecursionError, MemoryError, LookupError,
             UnicodeError, tokenize.TokenError, SystemError)


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
    """`compile()` with learner-friendly errors: a code object, or a `PipelineError`.

    Deeply nested source is first compiled in a child process (`probe_compile`), so a compiler
    that crashes on it (CPython 3.12.1 segfaults on 19 nested `async with` blocks) costs a child,
    not the reader's kernel.
    """
    text = as_text(source)
    probe_compile(text, mode, optimize)
    try:
        return compile(text, filename, mode, dont_inherit=True, optimize=optimize)
    except _EXPECTED as exc:
        raise PipelineError(error_from(exc, "compile", text)) from None


# CPython allows 20 statically nested blocks (CO_MAXBLOCKS); 3.12.1 crashes at 19 nested `async
# with`. Probe well before that, and on any very deep tree.
PROBE_BLOCK_DEPTH = 12
PROBE_TREE_DEPTH = 200
_PROBE_SECONDS = 20.0
_BLOCKS = ("For", "AsyncFor", "While", "Try", "TryStar", "With", "AsyncWith", "If", "Match",
           "FunctionDef", "AsyncFunctionDef", "ClassDef", "ExceptHandler", "match_case")
_probed: dict[tuple[int, str, int], None] = {}   # sources a child compiled without crashing

_PROBE_CHILD = """
text = sys.stdin.buffer.read().decode("utf-8", "surrogatepass")
mode, optimize = sys.argv[1], int(sys.argv[2])
try:
    compile(text, "<lab>", mode, dont_inherit=True, optimize=optimize)
except BaseException:
    pass  # an error is the parent's to report; only a crash matters here
"""


def needs_probe(text: str) -> bool:
    """Whether `text` nests deeply enough that compiling it in-process is a risk."""
    lines = text.count("\n") + text.count("\r")
    if lines < PROBE_BLOCK_DEPTH and len(text) < 400:
        return False  # too short to nest that deep
    import ast
    try:
        root = ast.parse(text)
    except (*_EXPECTED,):
        return False  # the in-process compile reports the same error, without compiling
    stack = [(root, 0, 0)]
    while stack:
        node, depth, blocks = stack.pop()
        if type(node).__name__ in _BLOCKS:
            blocks += 1
        if blocks >= PROBE_BLOCK_DEPTH or depth >= PROBE_TREE_DEPTH:
            return True
        stack.extend((child, depth + 1, blocks) for child in ast.iter_child_nodes(node))
    return False


def probe_compile(text: str, mode: str = "exec", optimize: int = -1) -> None:
    """Compile deep `text` in a child first; a `PipelineError` if this interpreter's compiler crashes."""
    key = (hash(text), mode, optimize)
    if key in _probed or not needs_probe(text):
        return
    from .isolate import DIE_WITH_PARENT, run_isolated_script

    child = run_isolated_script(DIE_WITH_PARENT + "import sys" + _PROBE_CHILD,
                                text.encode("utf-8", "surrogatepass"), timeout=_PROBE_SECONDS,
                                flags=("-I", "-S"), args=(mode, str(optimize)))
    version = sys.version.split()[0]
    if child.crashed:
        raise PipelineError(SourceError(
            "compile", f"this interpreter's compiler crashed on this input: CPython {version} died with "
                       f"{child.crashed} compiling it in a child process (a bug in CPython, not in the source; "
                       "this session is unharmed). Another CPython version may compile it.", None, None, None))
    if child.timed_out:
        raise PipelineError(SourceError(
            "compile", f"CPython {version} did not finish compiling this source within {_PROBE_SECONDS:g} s "
                       "(in a child process)", None, None, None))
    if len(_probed) > 64:
        _probed.clear()
    _probed[key] = None
