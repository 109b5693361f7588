"""CALL_INTRINSIC_1 and CALL_INTRINSIC_2 (3.12+): the small helpers the compiler calls by number.

Design: one table per instruction maps the intrinsic's number (`Include/internal/
pycore_intrinsics.h`) to its name and a function of (frame, operands). The intrinsics belong
to other families (printing, `import *`, generators, `except*`, PEP 695 type parameters) and
use those families' helpers.
"""
from __future__ import annotations

import sys

from . import type_params
from .errors import UnimplementedOpcode
from .frame import VERSION_TEXT
from .functions import AsyncGenWrappedValue
from .ops_exceptions import _prep_reraise_star
from .ops_loads import _import_star


# ---------------------------------------------------------------------------------------------
# Intrinsics (3.12+)
# ---------------------------------------------------------------------------------------------
def _intrinsic_print(f, v):
    sys.displayhook(v)
    return None


def _intrinsic_import_star(f, module):
    _import_star(f, module)
    return None


def _intrinsic_stopiteration_error(f, exc):
    if isinstance(exc, StopIteration):
        flags = f.code.co_flags  # the message names the kind of code (CO_ASYNC_GENERATOR, CO_COROUTINE)
        kind = "async generator" if flags & 0x200 else "coroutine" if flags & 0x80 else "generator"
        error = RuntimeError(f"{kind} raised StopIteration")
    elif isinstance(exc, StopAsyncIteration) and f.code.co_flags & 0x200:
        error = RuntimeError("async generator raised StopAsyncIteration")
    else:
        return exc
    error.__cause__ = exc
    error.__context__ = exc
    return error


def _intrinsic_set_function_type_params(f, func, params):
    func.__type_params__ = params
    return func


_INTRINSIC_1 = {
    # PEP 695 (type_params.py): bounds, constraints, defaults and alias values stay lazy.
    7: ("INTRINSIC_TYPEVAR", lambda f, name: type_params.make_type_param(f, "TypeVar", name)),
    8: ("INTRINSIC_PARAMSPEC", lambda f, name: type_params.make_type_param(f, "ParamSpec", name)),
    9: ("INTRINSIC_TYPEVARTUPLE", lambda f, name: type_params.make_type_param(f, "TypeVarTuple", name)),
    10: ("INTRINSIC_SUBSCRIPT_GENERIC", type_params.subscript_generic),
    11: ("INTRINSIC_TYPEALIAS", lambda f, args: type_params.make_alias(f, *args)),
    1: ("INTRINSIC_PRINT", _intrinsic_print),
    2: ("INTRINSIC_IMPORT_STAR", _intrinsic_import_star),
    3: ("INTRINSIC_STOPITERATION_ERROR", _intrinsic_stopiteration_error),
    4: ("INTRINSIC_ASYNC_GEN_WRAP", lambda f, v: AsyncGenWrappedValue(v)),
    5: ("INTRINSIC_UNARY_POSITIVE", lambda f, v: +v),
    6: ("INTRINSIC_LIST_TO_TUPLE", lambda f, v: tuple(v)),
}
_INTRINSIC_2 = {
    2: ("INTRINSIC_TYPEVAR_WITH_BOUND",
        lambda f, name, bound: type_params.make_type_param(f, "TypeVar", name, bound=bound)),
    3: ("INTRINSIC_TYPEVAR_WITH_CONSTRAINTS",
        lambda f, name, constraints: type_params.make_type_param(f, "TypeVar", name, constraints=constraints)),
    4: ("INTRINSIC_SET_FUNCTION_TYPE_PARAMS", _intrinsic_set_function_type_params),
    5: ("INTRINSIC_SET_TYPEPARAM_DEFAULT", type_params.with_default),
    1: ("INTRINSIC_PREP_RERAISE_STAR", lambda f, orig, excs: _prep_reraise_star(orig, excs)),
}


def _intrinsic_name(kind: int, number: int) -> str:
    import opcode
    names = getattr(opcode, f"_intrinsic_{kind}_descs", [])
    return names[number] if number < len(names) else f"intrinsic {number}"


def op_CALL_INTRINSIC_1(f, a):
    entry = _INTRINSIC_1.get(a)
    if entry is None:
        raise UnimplementedOpcode("CALL_INTRINSIC_1", VERSION_TEXT, _intrinsic_name(1, a))
    f.stack[-1] = entry[1](f, f.stack[-1])


def op_CALL_INTRINSIC_2(f, a):
    entry = _INTRINSIC_2.get(a)
    if entry is None:
        raise UnimplementedOpcode("CALL_INTRINSIC_2", VERSION_TEXT, _intrinsic_name(2, a))
    s = f.stack
    v2 = s.pop()
    s[-1] = entry[1](f, s[-1], v2)
