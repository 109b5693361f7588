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

from .frame import NULL, VERSION
from .ops_loads import _qualified_type_name


# ---------------------------------------------------------------------------------------------
# Builtins that look at the calling frame: called from VM code they must see the VM frame.
# ---------------------------------------------------------------------------------------------
def _fast_locals(f) -> dict:
    """The frame's bound fast locals (arguments, locals, cells' contents, free variables)."""
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


def _frame_locals(f):
    """What `locals()` returns in the VM frame `f`."""
    if f.locals is None:
        return _fast_locals(f)
    if VERSION < (3, 12):
        return f.locals
    # 3.12+ inline comprehensions (PEP 709): in a module or class body the comprehension's
    # variables are fast locals of that body's frame while it runs. 3.12 adds them to a copy
    # of the namespace; 3.13+ (PEP 667, `_PyFrame_GetLocals`) give a snapshot of the fast
    # locals alone while any is bound.
    # Only the comprehension's own variables (CO_FAST_HIDDEN, co_varnames here) count: a class
    # body's free variables are no locals of it (test_scope.testLocalsClass).
    hidden = f.code.co_varnames
    fast = {k: v for k, v in _fast_locals(f).items() if k in hidden} if hidden else None
    if not fast:
        return f.locals
    if VERSION >= (3, 13):
        return fast
    merged = dict(f.locals)
    merged.update(fast)
    return merged


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
    # super_init_without_args (Objects/typeobject.c): the first local, through its cell if
    # it was turned into one; deleted either way is an error of its own.
    first = f.localsplus[0]
    if isinstance(first, types.CellType) and code.co_varnames[0] in code.co_cellvars:
        try:
            first = first.cell_contents
        except ValueError:
            first = NULL
    if first is NULL:
        raise RuntimeError("super(): arg[0] deleted")
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


def _exec_arguments(source, globals=None, locals=None, *, closure=None):
    return source, globals, locals, closure


def _eval_arguments(source, globals=None, locals=None):
    return source, globals, locals, None


_exec_arguments.__name__ = _exec_arguments.__qualname__ = "exec"   # named in argument errors
_eval_arguments.__name__ = _eval_arguments.__qualname__ = "eval"


# 3.15 accepts a frozendict as globals too (PyAnyDict_Check), and says so.
_GLOBALS_TYPES = (dict, frozendict) if VERSION >= (3, 15) else dict  # noqa: F821 (3.15 builtin)
_GLOBALS_WORDS = "a dict or a frozendict" if VERSION >= (3, 15) else "a dict"


def _is_mapping(obj) -> bool:
    return hasattr(type(obj), "__getitem__")   # PyMapping_Check, near enough


def _run_source(f, args, kwargs, mode):
    """exec/eval called by VM code: compile and run in the VM too, never in CPython's loop.

    The checks and their messages follow `builtin_exec_impl`/`builtin_eval_impl` in
    Python/bltinmodule.c: a code object with free variables needs exec's `closure=` (one cell
    per free variable), which the VM puts in the new frame's free-variable slots.
    """
    parse = _exec_arguments if mode == "exec" else _eval_arguments
    source, g, loc, closure = parse(*args, **(kwargs or {}))
    if g is None:
        g = f.globals
        if loc is None:
            loc = _frame_locals(f)
    elif loc is None:
        loc = g
    if mode == "exec":
        if not isinstance(g, _GLOBALS_TYPES):
            name = _qualified_type_name(type(g)) if VERSION >= (3, 15) else type(g).__name__  # %T
            raise TypeError(f"exec() globals must be {_GLOBALS_WORDS}, not {name}")
        if not _is_mapping(loc):
            raise TypeError(f"locals must be a mapping or None, not {type(loc).__name__}")
    else:
        if not isinstance(g, _GLOBALS_TYPES):
            raise TypeError(f"globals must be a real {_GLOBALS_WORDS[2:]}; try eval(expr, {{}}, mapping)"
                            if _is_mapping(g) else f"globals must be {_GLOBALS_WORDS}")
        if not _is_mapping(loc):
            raise TypeError("locals must be a mapping")
    if isinstance(g, dict) and not dict.__contains__(g, "__builtins__"):
        dict.__setitem__(g, "__builtins__", f.builtins)  # the dict API, as exec does
    if closure is not None and not isinstance(source, types.CodeType):
        raise TypeError("closure can only be used when source is a code object")
    if isinstance(source, types.CodeType):
        free = len(source.co_freevars)
        if mode == "eval" and free:
            raise TypeError("code object passed to eval() may not contain free variables")
        if mode == "exec" and not free and closure is not None:
            raise TypeError("cannot use a closure with this code object")
        if mode == "exec" and free and not (type(closure) is tuple and len(closure) == free
                                            and all(type(c) is types.CellType for c in closure)):
            raise TypeError(f"code object requires a closure of exactly length {free}")
    else:
        if isinstance(source, str) and mode == "eval":
            source = source.lstrip(" \t")
        # CPython's exec/eval compile with the calling code's future flags
        # (PyEval_MergeCompilerFlags): the caller is the VM frame, never this module, whose own
        # `from __future__ import annotations` must not leak into the program.
        source = compile(source, "<string>", mode, flags=f.code.co_flags & _FUTURE_FLAGS,
                         dont_inherit=True)
    return f.vm.run_code(source, g, loc, closure)


def _call_exc_info(f, args, kwargs):
    if args or kwargs:
        return sys.exc_info(*args, **(kwargs or {}))
    exc = f.vm.handled_exception()
    return (None, None, None) if exc is None else (type(exc), exc, exc.__traceback__)


def _call_exception(f, args, kwargs):
    if args or kwargs:
        return sys.exception(*args, **(kwargs or {}))
    return f.vm.handled_exception()


# Callables that name the module of the Python frame calling them (`caller()` in
# Objects/typevarobject.c, `sys._getframemodulename` in typing and collections): called from
# VM code, that frame would be the VM's own. They are called through a one-line function
# made in a namespace whose __name__ is the program's, so they find the program's module.
_IN_MODULE_SOURCE = "def _vm_call_in_module(func, args, kwargs):\n    return func(*args, **kwargs)\n"
_IN_MODULE_CODE = compile(_IN_MODULE_SOURCE, "<vm call>", "exec", dont_inherit=True)
_in_module_callers: dict = {}


def _call_in_module(f, func, args, kwargs):
    module = dict.get(f.globals, "__name__")
    caller = _in_module_callers.get(module) if isinstance(module, str) else None
    if caller is None:
        namespace = {"__name__": module}
        exec(_IN_MODULE_CODE, namespace)
        caller = namespace["_vm_call_in_module"]
        if isinstance(module, str):
            _in_module_callers[module] = caller
    return caller(func, args, kwargs or {})


def _module_naming_callables() -> list:
    import collections
    import dataclasses
    import typing
    names = ("TypeVar", "ParamSpec", "TypeVarTuple", "TypeAliasType", "NewType", "NamedTuple", "TypedDict")
    found = [getattr(typing, name) for name in names if hasattr(typing, name)]
    return [*found, collections.namedtuple, dataclasses.make_dataclass]


# The same callables found by name, for copies made by a fresh import of their module
# (test_typing runs NewType from two fresh copies of typing): only classes, whose type is
# `type`, are matched this way (3.11's typing.NewType and TypeVar are Python classes).
NAMED_IN_MODULE = frozenset((c.__module__, c.__qualname__) for c in _module_naming_callables()
                            if type(c) is type)


def enum_type():
    """An enum class called with names makes a new enum whose module is its caller's
    (EnumType._create_ reads sys._getframemodulename(2))."""
    import enum
    return enum.EnumType if hasattr(enum, "EnumType") else enum.EnumMeta


def call_in_module(f, func, args, kwargs):
    """`func(*args, **kwargs)` from a frame of the VM frame's module (see _call_in_module)."""
    return _call_in_module(f, func, args, kwargs)


def _call_type(f, args, kwargs):
    # type(name, bases, ns) names the new class's module after the caller's globals (type_new
    # in typeobject.c reads PyEval_GetGlobals()), so it must be called from the VM frame's
    # module; type(obj) needs no frame and stays a direct call.
    if len(args) == 1 and not kwargs:
        return type(args[0])
    return _call_in_module(f, type, args, kwargs)


def _call_setrecursionlimit(f, args, kwargs):
    if kwargs or len(args) != 1:
        return sys.setrecursionlimit(*args, **(kwargs or {}))  # CPython's own argument errors
    f.vm.set_recursion_limit(args[0])


def _call_getrecursionlimit(f, args, kwargs):
    if args or kwargs:
        return sys.getrecursionlimit(*args, **(kwargs or {}))
    f.vm.sync_recursion_limit()
    return f.vm.max_depth


SPECIAL_CALLS = {id(fn): (fn, impl) for fn, impl in [
    (sys.setrecursionlimit, _call_setrecursionlimit), (sys.getrecursionlimit, _call_getrecursionlimit),
    *[(fn, lambda f, a, k, fn=fn: _call_in_module(f, fn, a, k)) for fn in _module_naming_callables()],
    (type, _call_type), (type.__new__, lambda f, a, k: _call_in_module(f, type.__new__, a, k)),
    (sys.exc_info, _call_exc_info),
    *([(sys.exception, _call_exception)] if hasattr(sys, "exception") else []),
    (locals, _call_locals), (globals, _call_globals), (vars, _call_vars), (dir, _call_dir),
    (super, _call_super),
    (exec, lambda f, a, k: (_run_source(f, a, k, "exec"), None)[1]),
    (eval, lambda f, a, k: _run_source(f, a, k, "eval")),
]}
