"""The fuzz worker: runs one target on input after input, in its own process.

Protocol (see harness.py): the parent writes one JSON line per input on stdin,
{"target": name, "source": ..., "kind": "str" | "bytes" | "bytearray"}, and reads one JSON
line per input on the fd named by FUZZ_RESULT_FD: {"ok": true} or {"ok": false, "error": ...}.
Before each input the worker writes {"start": n}, so that the parent knows which input was
running when the worker hung or died. The programs' own output goes to a StringIO, never to
the protocol's pipe.

A target returns normally when the lab behaved as documented, and raises `Unexpected` (or lets
an exception escape) when it did not.
"""
from __future__ import annotations

import ast
import base64
import contextlib
import io
import json
import os
import sys
import time
import traceback


class Unexpected(Exception):
    """The lab did something it documents it never does."""


# -- targets -------------------------------------------------------------------------------
def _stage(name):
    def run(source):
        from internals_lab import pipeline as p

        functions = {
            "tokens": p.tokens, "parser_tokens": p.parser_tokens, "tree": p.tree, "symbols": p.symbols,
            "classify": lambda s: p.classify(s, "module"), "code_objects": p.code_objects,
            "instructions": p.instructions, "opnames": p.opnames, "cfg": p.cfg, "name_ops": p.name_ops,
            "folded": p.folded, "transform": lambda s: p.transform(s, ast.NodeTransformer()),
            "cst_summary": p.cst_summary,
        }
        if name == "analyse":
            analysis = p.analyse(source)  # never raises: errors come back in the record
            if analysis.error is not None:
                p.render_stages(analysis)  # the error views (no graphviz is needed for them)
            return
        try:
            functions[name](source)
        except p.PipelineError as exc:
            if "Traceback" in str(exc) or " at 0x" in str(exc):
                raise Unexpected(f"{name}: a PipelineError with internals in its message: {exc}") from None
        except Exception as exc:
            raise Unexpected(f"{name} raised {type(exc).__name__}: {str(exc)[:300]}") from exc
    return run


PIPELINE_STAGES = ("tokens", "parser_tokens", "tree", "symbols", "classify", "code_objects", "instructions",
                   "opnames", "cfg", "name_ops", "folded", "transform", "cst_summary", "analyse")


def _cpython_outcome(code, cap: int) -> str | None:
    """The exception type CPython's own exec raises, None if it finished, "cap" if stopped."""
    events = 0

    class _Cap(BaseException):
        pass

    def tracer(frame, event, arg):
        nonlocal events
        events += 1
        if events > cap:
            raise _Cap
        return tracer

    namespace = {"__name__": "__main__"}
    old = sys.gettrace()
    sys.settrace(tracer)
    try:
        exec(code, namespace)
    except _Cap:
        return "cap"
    except BaseException as exc:  # the program's own exception, whatever it is
        return type(exc).__name__
    finally:
        sys.settrace(old)
    return None


def _text_for_vm(source):
    if not isinstance(source, str):
        raise _Skip  # the VM documents str only (TypeError otherwise): nothing to learn
    try:
        return compile(source, "<vm>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError, SystemError):
        raise _Skip from None  # the pipeline targets own compile errors


class _Skip(Exception):
    pass


def _vm_run(source):
    from internals_lab import vm

    code = _text_for_vm(source)
    expected = _cpython_outcome(code, cap=20_000)
    try:
        vm.run(source, max_steps=20_000)
        got = None
    except vm.VMError:
        return  # documented: an unimplemented opcode, the step cap
    except BaseException as exc:
        got = type(exc).__name__
    if expected != "cap" and got != expected:
        raise Unexpected(f"vm.run ended with {got or 'no exception'}; CPython's exec with {expected or 'no exception'}")


def _vm_trace(source):
    from internals_lab import vm

    _text_for_vm(source)
    try:
        result = vm.trace(source, max_steps=2_000)
    except vm.VMError:
        return
    except BaseException as exc:
        raise Unexpected(f"vm.trace let {type(exc).__name__} escape: {str(exc)[:200]}") from None
    size = len(json.dumps(result.to_dict(), default=str))
    if size > 20 * 2**20:
        raise Unexpected(f"vm.trace recorded {size / 2**20:.0f} MB for a {len(source):,}-character program")


def _player(source):
    from internals_lab.evalloop import player
    from internals_lab import vm

    _text_for_vm(source)
    try:
        html = player.play(source, max_steps=2_000)._repr_html_()
    except vm.VMError:
        return
    except BaseException as exc:
        raise Unexpected(f"the player let {type(exc).__name__} escape: {str(exc)[:200]}") from None
    if len(html) > 20 * 2**20:
        raise Unexpected(f"the player's HTML is {len(html) / 2**20:.0f} MB for a {len(source):,}-character program")


TARGETS = {"vm.run": _vm_run, "vm.trace": _vm_trace, "player": _player,
           **{f"pipeline.{name}": _stage(name) for name in PIPELINE_STAGES}}


def _decode(item):
    data = base64.b64decode(item["source"])
    if item["kind"] == "str":
        return data.decode("utf-8", "surrogatepass")
    return bytearray(data) if item["kind"] == "bytearray" else data


def main() -> None:
    out = os.fdopen(int(os.environ["FUZZ_RESULT_FD"]), "w", buffering=1)
    # Inputs come on a private copy of fd 0: a program's exit() closes sys.stdin (site's Quitter).
    inputs = os.fdopen(os.dup(0), "r")
    for n, line in enumerate(inputs):
        sys.stdin = io.StringIO()
        item = json.loads(line)
        out.write(json.dumps({"start": n}) + "\n")
        source = _decode(item)
        sink = io.StringIO()
        began = time.perf_counter()
        try:
            with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
                TARGETS[item["target"]](source)
            result = {"ok": True}
        except _Skip:
            result = {"ok": True, "skipped": True}
        except BaseException as exc:  # everything else is a finding, KeyboardInterrupt included
            detail = str(exc) if isinstance(exc, Unexpected) else \
                f"{type(exc).__name__}: {str(exc)[:300]}\n" + "".join(traceback.format_exception(exc)[-6:])[-1500:]
            result = {"ok": False, "error": detail}
        result["seconds"] = round(time.perf_counter() - began, 3)
        out.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
