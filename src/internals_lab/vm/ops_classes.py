"""Classes and pattern matching: LOAD_BUILD_CLASS, SETUP_ANNOTATIONS, MATCH_*.

Design: `class` statements call `functions.build_class` (the VM's `__build_class__`) when the
program's builtins still hold the real one; the MATCH_* handlers follow `match_class` and
`match_keys` in `Python/ceval.c`, with the type flags CPython tests (`Py_TPFLAGS_MAPPING`...).
"""
from __future__ import annotations

import builtins

from .frame import NULL, VERSION
from .ops_loads import _mapping_get

_MAPPING_FLAG = 1 << 6     # Py_TPFLAGS_MAPPING
_SEQUENCE_FLAG = 1 << 5    # Py_TPFLAGS_SEQUENCE
_MATCH_SELF_FLAG = 1 << 22  # _Py_TPFLAGS_MATCH_SELF


def op_LOAD_BUILD_CLASS(f, a):
    vm = f.vm
    bc = f.builtins.get("__build_class__", NULL)
    if bc is NULL:
        raise NameError("__build_class__ not found")
    if bc is builtins.__build_class__:
        bc = vm.build_class
    f.stack.append(bc)


def op_SETUP_ANNOTATIONS(f, a):
    loc = f.locals
    if loc is None:
        raise SystemError("no locals found when setting up annotations")
    if _mapping_get(loc, "__annotations__") is NULL:
        loc["__annotations__"] = {}


# ---------------------------------------------------------------------------------------------
# Pattern matching
# ---------------------------------------------------------------------------------------------
def op_GET_LEN(f, a):
    f.stack.append(len(f.stack[-1]))


def op_MATCH_MAPPING(f, a):
    f.stack.append(bool(type(f.stack[-1]).__flags__ & _MAPPING_FLAG))


def op_MATCH_SEQUENCE(f, a):
    f.stack.append(bool(type(f.stack[-1]).__flags__ & _SEQUENCE_FLAG))


def op_MATCH_KEYS(f, a):
    s = f.stack
    keys = s[-1]
    subject = s[-2]
    missing = object()
    seen = set()
    values = []
    get = subject.get
    for key in keys:
        if key in seen:
            raise ValueError(f"mapping pattern checks duplicate key ({key!r})")
        seen.add(key)
        v = get(key, missing)
        if v is missing:
            s.append(None)
            return
        values.append(v)
    s.append(tuple(values))


def _match_class(subject, cls, nargs, names):
    if not isinstance(cls, type):
        raise TypeError("called match pattern must be a class" if VERSION >= (3, 12)
                        else "called match pattern must be a type")
    if not isinstance(subject, cls):
        return None
    attrs = []
    seen = set()
    match_self = False
    if nargs:
        match_args = getattr(cls, "__match_args__", NULL)
        if match_args is NULL:
            if cls.__flags__ & _MATCH_SELF_FLAG:
                if nargs > 1:
                    raise TypeError(f"{cls.__name__}() accepts 1 positional sub-pattern ({nargs} given)")
                match_self = True
                match_args = ()
            else:
                match_args = ()
        if type(match_args) is not tuple:
            raise TypeError(f"{cls.__name__}.__match_args__ must be a tuple (got {type(match_args).__name__})")
        allowed = 1 if match_self else len(match_args)
        if allowed < nargs:
            plural = "" if allowed == 1 else "s"
            raise TypeError(f"{cls.__name__}() accepts {allowed} positional sub-pattern{plural} ({nargs} given)")
        if match_self:
            attrs.append(subject)
        else:
            for i in range(nargs):
                name = match_args[i]
                if not isinstance(name, str):
                    raise TypeError(f"__match_args__ elements must be strings (got {type(name).__name__})")
                if name in seen:
                    raise TypeError(f"{cls.__name__}() got multiple sub-patterns for attribute {name!r}")
                seen.add(name)
                v = getattr(subject, name, NULL)
                if v is NULL:
                    return None
                attrs.append(v)
    for name in names:
        if name in seen:
            raise TypeError(f"{cls.__name__}() got multiple sub-patterns for attribute {name!r}")
        seen.add(name)
        v = getattr(subject, name, NULL)
        if v is NULL:
            return None
        attrs.append(v)
    return tuple(attrs)


def op_MATCH_CLASS(f, a):
    s = f.stack
    names = s.pop()
    cls = s.pop()
    subject = s.pop()
    s.append(_match_class(subject, cls, a, names))
