"""Builtins that look at the calling frame: called from VM code they must see the VM frame.

Design: `locals()`, `globals()`, `vars()`, `dir()`, `super()`, `exec`, `eval`, `sys.exc_info()`
and `sys.exception()` read the frame that calls them. CPython finds it on its own frame
stack, which holds no VM frames, so `ops_calls._call` routes calls of these very objects
(by identity) to the functions here, which get the VM frame as their first argument.
"""
from __future__ import annotations

import __future__
import functools
import operator
import sys
import types

from .frame import NULL


# ---------------------------------------------------------------------------------------------
# Builtins that look at the calling frame: called from VM code they must see the VM frame.
# ---------------------------------------------------------------------------------------------
def _frame_locals(f):
    if f.locals is not None:
        return f.locals
    result = {}
    for name, v in zip(f.decoded.names, f.localsplus):
        if isinstance(v, types.CellType):
            try:
                v = v.cell_contents
            except ValueError:
                continue
        if v is not NULL:
            result[name] = v
    return result


def _call_locals(f, args, kwargs):
    if args or kwargs:
        return locals(*args, **(kwargs or {}))
    return _frame_locals(f)


def _call_globals(f, args, kwargs):
    if args or kwargs:
        return globals(*args, **(kwargs or {}))
    return f.globals


def _call_vars(f, args, kwargs):
    if args or kwargs:
        return vars(*args, **(kwargs or {}))
    return _frame_locals(f)


def _call_dir(f, args, kwargs):
    if args or kwargs:
        return dir(*args, **(kwargs or {}))
    return sorted(_frame_locals(f))


def _call_super(f, args, kwargs):
    if args or kwargs:
        return super(*args, **(kwargs or {}))
    code = f.code
    if code.co_argcount == 0:
        raise RuntimeError("super(): no arguments")
    first = f.localsplus[0]
    if code.co_varnames[0] in code.co_cellvars:  # the first argument was turned into a cell
        first = first.cell_contents
    if "__class__" not in code.co_freevars:
        raise RuntimeError("super(): __class__ cell not found")
    cell = f.localsplus[f.decoded.names.index("__class__", len(f.decoded.names) - len(code.co_freevars))]
    try:
        cls = cell.cell_contents
    except ValueError:
        cls = NULL
    if cls is NULL:
        raise RuntimeError("super(): empty __class__ cell")
    return super(cls, first)


# PyCF_MASK (Include/cpython/compile.h): the co_flags bits that are `from __future__` features;
# nested_scopes' flag is CO_NESTED, which is no compiler flag.
_FUTURE_FLAGS = functools.reduce(operator.or_, (getattr(__future__, name).compiler_flag
                                                for name in __future__.all_feature_names
                                                if name != "nested_scopes"))


def _run_source(f, args, kwargs, mode):
    """exec/eval called by VM code: compile and run in the VM too, never in CPython's loop."""
    params = list(args)
    kwargs = kwargs or {}
    source = params[0] if params else kwargs.pop("source")
    g = params[1] if len(params) > 1 else kwargs.pop("globals", None)
    loc = params[2] if len(params) > 2 else kwargs.pop("locals", None)
    if g is None:
        g = f.globals
        if loc is None:
            loc = _frame_locals(f)
    elif loc is None:
        loc = g
    if not isinstance(source, types.CodeType):
        if isinstance(source, str) and mode == "eval":
            source = source.lstrip(" \t")
        # CPython's exec/eval compile with the calling code's future flags
        # (PyEval_MergeCompilerFlags): the caller is the VM frame, never this module, whose own
        # `from __future__ import annotations` must not leak into the program.
        source = compile(source, "<string>", mode, flags=f.code.co_flags & _FUTURE_FLAGS,
                         dont_inherit=True)
    if "__builtins__" not in g:
        g["__builtins__"] = f.builtins
    return f.vm.run_code(source, g, loc)


def _call_exc_info(f, args, kwargs):
    if args or kwargs:
        return sys.exc_info(*args, **(kwargs or {}))
    exc = f.vm.handled_exception()
    return (None, None, None) if exc is None else (type(exc), exc, exc.__traceback__)


def _call_exception(f, args, kwargs):
    if args or kwargs:
        return sys.exception(*args, **(kwargs or {}))
    return f.vm.handled_exception()


SPECIAL_CALLS = {id(fn): (fn, impl) for fn, impl in [
    (sys.exc_info, _call_exc_info),
    *([(sys.exception, _call_exception)] if hasattr(sys, "exception") else []),
    (locals, _call_locals), (globals, _call_globals), (vars, _call_vars), (dir, _call_dir),
    (super, _call_super),
    (exec, lambda f, a, k: (_run_source(f, a, k, "exec"), None)[1]),
    (eval, lambda f, a, k: _run_source(f, a, k, "eval")),
]}
