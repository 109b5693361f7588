"""Loads and stores: the stack, constants, locals, cells, names, globals, attributes, imports.

Design: the first families of `Python/bytecodes.c` (stack manipulation, LOAD_*/STORE_*/DELETE_*,
LOAD_ATTR and its relatives, IMPORT_*). Each `op_NAME` takes the frame and the instruction's
decoded argument and works on the frame's value stack as the instruction of the same name
does; where versions lay out the stack differently (where LOAD_GLOBAL's or LOAD_ATTR's NULL
goes) the handler is chosen once, at import, by a version test. `interpreter.HANDLERS`
collects the handlers of every family module into one table.
"""
from __future__ import annotations

import sys
import types

from .frame import NULL, VERSION, Frame
from .functions import VMFunction


def _unbound_local(name: str) -> UnboundLocalError:
    return UnboundLocalError(f"cannot access local variable '{name}' where it is not associated with a value")


def _unbound_deref(frame: Frame, index: int) -> NameError:
    code = frame.code
    name = frame.decoded.names[index]
    if index >= len(frame.decoded.names) - len(code.co_freevars):
        return NameError(f"cannot access free variable '{name}' where it is not associated "
                         "with a value in enclosing scope", name=name)
    return _unbound_local(name)


def _not_defined(name: str) -> NameError:
    return NameError(f"name '{name}' is not defined", name=name)




# ---------------------------------------------------------------------------------------------
# Stack manipulation and no-ops
# ---------------------------------------------------------------------------------------------
def op_NOP(f, a):
    pass


op_RESUME = op_EXTENDED_ARG = op_PRECALL = op_CACHE = op_NOP


def op_POP_TOP(f, a):
    f.stack.pop()


def op_PUSH_NULL(f, a):
    f.stack.append(NULL)


def op_COPY(f, a):
    f.stack.append(f.stack[-a])


def op_SWAP(f, a):
    s = f.stack
    s[-1], s[-a] = s[-a], s[-1]


# ---------------------------------------------------------------------------------------------
# Constants, locals, globals, names, cells
# ---------------------------------------------------------------------------------------------
def op_LOAD_CONST(f, a):
    f.stack.append(a)


def op_LOAD_FAST(f, a):
    f.stack.append(f.localsplus[a])


def op_LOAD_FAST_CHECK(f, a):
    v = f.localsplus[a]
    if v is NULL:
        raise _unbound_local(f.decoded.names[a])
    f.stack.append(v)


if VERSION == (3, 11):
    op_LOAD_FAST = op_LOAD_FAST_CHECK  # noqa: F811 (3.11 checks every load)


def op_LOAD_FAST_AND_CLEAR(f, a):
    f.stack.append(f.localsplus[a])
    f.localsplus[a] = NULL


def op_LOAD_FAST_LOAD_FAST(f, a):
    loc = f.localsplus
    f.stack += (loc[a >> 4], loc[a & 15])


def op_STORE_FAST(f, a):
    f.localsplus[a] = f.stack.pop()


def op_STORE_FAST_LOAD_FAST(f, a):
    s = f.stack
    f.localsplus[a >> 4] = s[-1]
    s[-1] = f.localsplus[a & 15]


def op_STORE_FAST_STORE_FAST(f, a):
    s = f.stack
    f.localsplus[a >> 4] = s.pop()
    f.localsplus[a & 15] = s.pop()


def op_DELETE_FAST(f, a):
    if f.localsplus[a] is NULL:
        raise _unbound_local(f.decoded.names[a])
    f.localsplus[a] = NULL


def op_MAKE_CELL(f, a):
    v = f.localsplus[a]
    f.localsplus[a] = types.CellType() if v is NULL else types.CellType(v)


def op_COPY_FREE_VARS(f, a):
    if f.function is None:  # exec(code, closure=...): run_code filled the slots already
        return
    closure = f.function._closure
    n = len(f.localsplus)
    f.localsplus[n - a:] = closure


def op_LOAD_CLOSURE(f, a):
    f.stack.append(f.localsplus[a])


def op_LOAD_DEREF(f, a):
    cell = f.localsplus[a]
    try:
        v = cell.cell_contents
    except ValueError:
        v = NULL
    if v is NULL:
        raise _unbound_deref(f, a)
    f.stack.append(v)


def op_STORE_DEREF(f, a):
    f.localsplus[a].cell_contents = f.stack.pop()


def op_DELETE_DEREF(f, a):
    cell = f.localsplus[a]
    try:
        del cell.cell_contents
        ok = True
    except ValueError:
        ok = False
    if not ok:
        raise _unbound_deref(f, a)


_dict_get, _dict_setitem, _dict_delitem, _dict_contains = dict.get, dict.__setitem__, dict.__delitem__, dict.__contains__


def _mapping_get(mapping, name):
    if type(mapping) is dict:
        return mapping.get(name, NULL)
    try:
        return mapping[name]
    except KeyError:
        return NULL


def op_LOAD_CLASSDEREF(f, a):  # 3.11: the class body's namespace first, then the cell
    v = _mapping_get(f.locals, f.decoded.names[a])
    if v is NULL:
        return op_LOAD_DEREF(f, a)
    f.stack.append(v)


def op_LOAD_FROM_DICT_OR_DEREF(f, a):  # 3.12+
    mapping = f.stack.pop()
    v = _mapping_get(mapping, f.decoded.names[a])
    if v is NULL:
        return op_LOAD_DEREF(f, a)
    f.stack.append(v)


def _name_from(f, mapping, name):
    """`name` from `mapping`, then the globals, then the builtins: LOAD_NAME's search order
    (`_PyEval_LoadName`: the globals through the dict API, the others as mappings)."""
    v = _mapping_get(mapping, name)
    if v is NULL:
        v = _dict_get(f.globals, name, NULL)
        if v is NULL:
            v = _mapping_get(f.builtins, name)
            if v is NULL:
                raise _not_defined(name)
    return v


def op_LOAD_FROM_DICT_OR_GLOBALS(f, a):  # 3.12+ (a is a name index)
    # The mapping, then the globals and builtins as LOAD_GLOBAL reads them (a dict subclass
    # as a mapping), not as LOAD_NAME does.
    mapping = f.stack.pop()
    name = f.code.co_names[a]
    v = _mapping_get(mapping, name)
    f.stack.append(_load_global(f, name) if v is NULL else v)


def op_LOAD_LOCALS(f, a):
    if f.locals is None:
        raise SystemError("no locals found")
    f.stack.append(f.locals)


def op_LOAD_NAME(f, name):
    loc = f.locals
    if loc is None:
        raise SystemError(f"no locals found when loading {name!r}")
    f.stack.append(_name_from(f, loc, name))


def op_STORE_NAME(f, name):
    if f.locals is None:
        raise SystemError(f"no locals found when storing {name!r}")
    f.locals[name] = f.stack.pop()


def op_DELETE_NAME(f, name):
    loc = f.locals
    if loc is None:
        raise SystemError(f"no locals when deleting {name!r}")
    if _mapping_get(loc, name) is NULL:
        raise _not_defined(name)
    del loc[name]


def _load_global(f, name):
    # Exact dicts take CPython's fast path; a dict subclass is read as a mapping, so its
    # __getitem__ and __missing__ apply (LOAD_GLOBAL's slow path, PyMapping_GetOptionalItem).
    g = f.globals
    v = g.get(name, NULL) if type(g) is dict else _mapping_get(g, name)
    if v is NULL:
        b = f.builtins
        v = b.get(name, NULL) if type(b) is dict else _mapping_get(b, name)
        if v is NULL:
            raise _not_defined(name)
    return v


if VERSION >= (3, 13):
    def op_LOAD_GLOBAL(f, a):
        name, push_null = a
        f.stack.append(_load_global(f, name))
        if push_null:
            f.stack.append(NULL)
else:
    def op_LOAD_GLOBAL(f, a):
        name, push_null = a
        v = _load_global(f, name)
        if push_null:
            f.stack.append(NULL)
        f.stack.append(v)


# STORE_GLOBAL and DELETE_GLOBAL use the dict API (PyDict_SetItem, PyDict_Pop): a dict
# subclass's own __setitem__/__delitem__ are not called.
def op_STORE_GLOBAL(f, name):
    _dict_setitem(f.globals, name, f.stack.pop())


def op_DELETE_GLOBAL(f, name):
    if not _dict_contains(f.globals, name):
        raise _not_defined(name)
    _dict_delitem(f.globals, name)


# ---------------------------------------------------------------------------------------------
# Attributes
# ---------------------------------------------------------------------------------------------
_METHOD_DESCRIPTORS = (types.FunctionType, types.MethodDescriptorType, VMFunction)
_generic_getattribute = object.__getattribute__


def _load_method(obj, name):
    """`_PyObject_GetMethod`: (unbound function, obj) when a method call can skip creating a
    bound method, else (attribute, NULL). Only for the generic attribute lookup, a function
    (or builtin method descriptor) found on the type, and no instance attribute shadowing it.
    """
    tp = type(obj)
    if tp.__getattribute__ is not _generic_getattribute or hasattr(tp, "__getattr__"):
        return getattr(obj, name), NULL
    for klass in tp.__mro__:
        descr = klass.__dict__.get(name, NULL)
        if descr is not NULL:
            break
    if descr is NULL or not isinstance(descr, _METHOD_DESCRIPTORS):
        return getattr(obj, name), NULL
    if tp.__dictoffset__:
        instance_dict = getattr(obj, "__dict__", None)
        if instance_dict is not None and name in instance_dict:
            return instance_dict[name], NULL
    return descr, obj


def _type_lookup(tp: type, name: str):
    """`_PyType_Lookup`: the attribute from the type's MRO dicts, never from the instance (and
    not through the metaclass), as special method lookups (`with`, `async with`) need."""
    for klass in tp.__mro__:
        value = klass.__dict__.get(name, NULL)
        if value is not NULL:
            return value
    return NULL


def _qualified_type_name(tp: type) -> str:
    """`%T` in CPython's error messages (`_PyType_GetFullyQualifiedName`): a static type's
    tp_name; for a class, module.qualname, leaving out the builtins and __main__ modules."""
    module = getattr(tp, "__module__", None)
    if not tp.__flags__ & (1 << 9):  # not Py_TPFLAGS_HEAPTYPE: tp_name is "module.name"
        return tp.__name__ if module == "builtins" else f"{module}.{tp.__name__}"
    if isinstance(module, str) and module not in ("builtins", "__main__"):
        return f"{module}.{tp.__qualname__}"
    return tp.__qualname__


def _bind_special(descr, obj):
    """`_PyObject_LookupSpecial`'s second half: bind a descriptor found on the type to `obj`
    (a staticmethod stays unbound, a classmethod binds the class); anything else as it is."""
    get = getattr(type(descr), "__get__", None)
    return descr if get is None else get(descr, obj, type(obj))


# LOAD_ATTR with the method bit (3.12+) and LOAD_METHOD (3.11) push two entries for the CALL
# that follows: the unbound function and self, or the attribute and NULL. 3.11 and 3.12 put
# the function first and the attribute last ([NULL, attr]); 3.13 puts the callable first.
if VERSION >= (3, 13):
    def op_LOAD_ATTR(f, a):
        name, method = a
        s = f.stack
        if method:
            s[-1], self_or_null = _load_method(s[-1], name)
            s.append(self_or_null)
        else:
            s[-1] = getattr(s[-1], name)
else:
    def op_LOAD_ATTR(f, a):
        name, method = a
        s = f.stack
        if method:
            func, self_ = _load_method(s[-1], name)
            if self_ is NULL:
                s[-1] = NULL
                s.append(func)
            else:
                s[-1] = func
                s.append(self_)
        else:
            s[-1] = getattr(s[-1], name)


def op_LOAD_METHOD(f, name):  # 3.11
    s = f.stack
    func, self_ = _load_method(s[-1], name)
    if self_ is NULL:
        s[-1] = NULL
        s.append(func)
    else:
        s[-1] = func
        s.append(self_)


def op_STORE_ATTR(f, name):
    s = f.stack
    owner = s.pop()
    setattr(owner, name, s.pop())


def op_DELETE_ATTR(f, name):
    delattr(f.stack.pop(), name)


def op_LOAD_SUPER_ATTR(f, a):  # 3.12+
    name, method, two_args = a
    s = f.stack
    self_ = s.pop()
    cls = s.pop()
    global_super = s.pop()
    if global_super is super or two_args:
        # Zero-argument super() would look for a native frame; the VM knows the class and
        # the first argument already (the compiler loaded them), so it passes both.
        proxy = global_super(cls, self_)
    else:
        proxy = global_super()
    v = getattr(proxy, name)
    if not method:
        s.append(v)
    elif VERSION >= (3, 13):
        s += (v, NULL)
    else:
        s += (NULL, v)


# ---------------------------------------------------------------------------------------------
# Imports
# ---------------------------------------------------------------------------------------------
def op_IMPORT_NAME(f, name):
    s = f.stack
    fromlist = s.pop()
    level = s.pop()
    importer = f.builtins.get("__import__", NULL)
    if importer is NULL:
        raise ImportError("__import__ not found")
    s.append(importer(name, f.globals, f.locals, fromlist, level))


def op_IMPORT_FROM(f, name):
    module = f.stack[-1]
    v = getattr(module, name, NULL)
    if v is NULL:
        pkgname = getattr(module, "__name__", None)
        if isinstance(pkgname, str):
            v = sys.modules.get(f"{pkgname}.{name}", NULL)
        if v is NULL:
            pkgpath = getattr(module, "__file__", None)
            where = pkgpath if isinstance(pkgpath, str) else "unknown location"
            raise ImportError(f"cannot import name '{name}' from '{pkgname}' ({where})",
                              name=pkgname, path=pkgpath)
    f.stack.append(v)


def _import_star(f, module):
    loc = f.locals
    if loc is None:
        raise SystemError("no locals found during 'import *'")
    names = getattr(module, "__all__", NULL)
    if names is NULL:
        names = [n for n in vars(module) if not n.startswith("_")]
    for n in names:
        loc[n] = getattr(module, n)


def op_IMPORT_STAR(f, a):  # 3.11
    _import_star(f, f.stack.pop())
