"""PEP 695 type parameters and `type` aliases (3.12+), evaluated lazily as CPython does.

Design: CPython evaluates a TypeVar's bound, constraints and default (PEP 696), and a type
alias's value, only when the program first reads `__bound__`, `__value__`, ...: the compiler
passes the intrinsics small functions that compute them, so an alias may name itself
(`type Json = dict[str, Json] | int`) and a bound may name a class defined later. The
constructors Python code can call (`typing.TypeVar`, `TypeAliasType`) take values, not
functions. So the VM lets CPython build these objects from a one-line `type` statement of its
own (compiled once per shape, never the program's code), whose lazily evaluated parts call the
program's compute functions, which run in the VM. The objects are CPython's own, with
`__module__` taken from the namespace the statement runs in: the program's module name.

A generic alias's type parameters are built by the program's own code before the alias; the
alias is built with its own copies of them (same names, kinds, bounds and defaults, still
lazy), and the program's cells that hold the originals are pointed at the copies, so the
alias's value and its `__type_params__` name the same objects, as in CPython.
"""
from __future__ import annotations

import builtins
import types

from .frame import NULL
from .functions import VMFunction

__all__ = ["make_type_param", "with_default", "make_alias", "subscript_generic"]

_COMPILED: dict[str, types.CodeType] = {}


def _run(source: str, f, helpers: dict, qualnames: dict[str, str] | None = None) -> dict:
    key = (source, tuple(sorted((qualnames or {}).items())))
    code = _COMPILED.get(key)
    if code is None:
        code = compile(source, "<PEP 695>", "exec", dont_inherit=True)
        if qualnames:
            code = _with_qualnames(code, qualnames)
        _COMPILED[key] = code
    namespace = {"__builtins__": builtins, **helpers}
    module = dict.get(f.globals, "__name__", NULL)
    if module is not NULL:  # no __name__ in the program's globals: none in the statement's
        namespace["__name__"] = module
    exec(code, namespace)  # the VM's own statement: its lazy parts call the program's functions
    return namespace


def _with_qualnames(code: types.CodeType, qualnames: dict[str, str]) -> types.CodeType:
    """The statement's code with the co_qualname of each lazily evaluated part (named after its
    parameter or alias, as the compiler names them) set to that of the program's compute
    function: the objects' `evaluate_*` functions (3.14+) and 3.15's alias `__qualname__` show
    it (`get.<locals>.Alias`, not the bare name our statement, compiled at top level, gives)."""
    consts = tuple(_with_qualnames(c, qualnames) if isinstance(c, types.CodeType) else c
                   for c in code.co_consts)
    code = code.replace(co_consts=consts)
    qualname = qualnames.get(code.co_name)
    return code.replace(co_qualname=qualname) if qualname is not None else code


def _memoized(compute):
    cache = []

    def once():
        if not cache:
            cache.append(compute())
        return cache[0]
    return once


def _constraint_count(compute) -> int | None:
    """How many constraints `compute` returns: the compiler ends it with BUILD_TUPLE n, or
    LOAD_CONST of a tuple when every constraint is a constant."""
    if not isinstance(compute, VMFunction):
        return None
    d = compute._decoded
    names, args = d.opnames, d.args
    for i in range(len(names) - 1, 0, -1):
        if names[i] in ("RETURN_VALUE", "RETURN_CONST"):
            if names[i] == "RETURN_CONST" and isinstance(args[i], tuple):
                return len(args[i])
            before = names[i - 1]
            if before == "BUILD_TUPLE":
                return args[i - 1]
            if before == "LOAD_CONST" and isinstance(args[i - 1], tuple):
                return len(args[i - 1])
            return None
    return None


class _Recipe:
    """How a type parameter was declared: its `type` statement fragment and its helpers."""

    __slots__ = ("spec", "helpers", "qualnames")

    def __init__(self, spec: str, helpers: dict, qualnames: dict[str, str]) -> None:
        self.spec, self.helpers, self.qualnames = spec, helpers, qualnames


def _qualname_of(compute, name: str) -> dict[str, str]:
    qualname = getattr(compute, "__qualname__", None)
    return {name: qualname} if isinstance(qualname, str) else {}


# The recipe of each type parameter the VM made, by id; the parameter itself is kept beside it
# so an id is never reused while its entry exists. Entries go when the parameter is replaced
# (with_default) or moved into an alias (make_alias); those of function and class parameters
# stay, one small entry per declared parameter.
_RECIPES: dict[int, tuple[object, _Recipe]] = {}


def make_type_param(f, kind: str, name: str, bound=None, constraints=None):
    """INTRINSIC_TYPEVAR / _WITH_BOUND / _WITH_CONSTRAINTS, INTRINSIC_PARAMSPEC, _TYPEVARTUPLE."""
    helpers, qualnames = {}, {}
    if kind == "TypeVar" and bound is not None:
        spec = f"{name}: __vm_bound()"
        helpers["__vm_bound"] = bound
        qualnames = _qualname_of(bound, name)
    elif kind == "TypeVar" and constraints is not None:
        count = _constraint_count(constraints)
        if count is None:  # not a shape the VM can read: evaluate now
            count = len(constraints())
        helpers["__vm_constraints"] = _memoized(constraints)
        qualnames = _qualname_of(constraints, name)
        spec = f"{name}: ({''.join(f'__vm_constraints()[{i}], ' for i in range(count))})"
    else:
        spec = {"TypeVar": "", "ParamSpec": "**", "TypeVarTuple": "*"}[kind] + name
    recipe = _Recipe(spec, helpers, qualnames)
    param = _run(f"type __vm_alias[{spec}] = None", f, helpers, qualnames)["__vm_alias"].__type_params__[0]
    _RECIPES[id(param)] = (param, recipe)
    return param


def with_default(f, param, compute_default):
    """INTRINSIC_SET_TYPEPARAM_DEFAULT (3.13+, PEP 696): the same parameter with a lazy default."""
    entry = _RECIPES.pop(id(param), None)
    if entry is None or entry[0] is not param:
        raise TypeError(f"{param!r} was not made by the VM")
    recipe = entry[1]
    # The bound's and the default's functions share the parameter's name, and their qualname.
    qualnames = {**_qualname_of(compute_default, param.__name__), **recipe.qualnames}
    recipe = _Recipe(f"{recipe.spec} = __vm_default()", {**recipe.helpers, "__vm_default": compute_default},
                     qualnames)
    new = _run(f"type __vm_alias[{recipe.spec}] = None", f, recipe.helpers, qualnames)["__vm_alias"].__type_params__[0]
    _RECIPES[id(new)] = (new, recipe)
    return new


def make_alias(f, name: str, type_params, compute_value):
    """INTRINSIC_TYPEALIAS: `type name[params] = value`, the value computed on first use."""
    helpers = {"__vm_value": compute_value}
    qualnames = {}
    specs = []
    for i, param in enumerate(type_params or ()):
        entry = _RECIPES.pop(id(param), None)
        if entry is None or entry[0] is not param:
            raise TypeError(f"type parameter {param!r} was not made by the VM")
        recipe = entry[1]
        qualnames.update(recipe.qualnames)
        # Each parameter's helpers get names of their own in the shared statement.
        spec = recipe.spec
        for key, helper in recipe.helpers.items():
            helpers[f"{key}_{i}"] = helper
            spec = spec.replace(f"{key}()", f"{key}_{i}()")
        specs.append(spec)
    source = f"type {name}[{', '.join(specs)}] = __vm_value()" if specs else f"type {name} = __vm_value()"
    qualnames.update(_qualname_of(compute_value, name))
    alias = _run(source, f, helpers, qualnames)[name]
    if type_params:
        _repoint_cells(compute_value, dict(zip(map(id, type_params), alias.__type_params__)))
    return alias


def _repoint_cells(compute_value, replacements: dict) -> None:
    """Make the value function see the alias's parameters instead of the originals."""
    for cell in getattr(compute_value, "_closure", None) or ():
        try:
            value = cell.cell_contents
        except ValueError:
            continue
        new = replacements.get(id(value), NULL)
        if new is not NULL:
            cell.cell_contents = new


def subscript_generic(f, params):
    """INTRINSIC_SUBSCRIPT_GENERIC: `Generic[*params]` for a class with type parameters."""
    import typing
    params = tuple(typing.Unpack[p] if isinstance(p, typing.TypeVarTuple) else p for p in params)
    return typing.Generic[params]
