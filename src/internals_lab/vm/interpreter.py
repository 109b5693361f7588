"""The evaluation loop of the teaching VM: one `op_NAME` function per opcode.

Design: each handler takes the frame and the instruction's decoded argument, and works on the
frame's value stack the way the instruction of the same name in CPython's
`Python/bytecodes.c` does (3.12, 3.13) or `Python/ceval.c` (3.11). Where the versions lay out
the stack differently (where a call's NULL goes, what an argument's low bits mean), the
difference is spelled out with a version test at import time, so the running interpreter
picks the matching handler once. The instructions 3.14 added or changed are in `ops_314`, the
iteration protocol 3.15 changed in `ops_315`; on those versions their handlers replace the
ones here of the same name. A handler returns None to go on, or a small number when the
frame stops: 1 returned, 2 yielded, 3 became a generator.

`VirtualMachine.run_frame` is the loop: fetch (handler, argument) at the instruction pointer,
advance it, call. An exception raised by a handler is looked up in the code's exception table
(`_unwind`), exactly as CPython's `exception_unwind` label does. The loop never hands a code
object to CPython's `exec` or `eval`: an instruction without a handler raises
`UnimplementedOpcode`.
"""
from __future__ import annotations

import __future__
import builtins
import contextlib
import functools
import operator
import sys
import types

from .errors import UnimplementedOpcode, VMError
from .frame import NULL, VERSION, VERSION_TEXT, DecodedCode, Frame
from .functions import (CO_ASYNC_GENERATOR, CO_COROUTINE, CO_GENERATOR, AsyncGenWrappedValue,
                        VMAsyncGenerator, VMCoroutine, VMFunction, VMGenerator, build_class)

__all__ = ["VirtualMachine", "HANDLERS"]

RETURNED, YIELDED, GENERATOR_CREATED = 1, 2, 3

# BINARY_OP's argument indexes this table (the order of `dis._nb_ops`).
_BINARY = [operator.add, operator.and_, operator.floordiv, operator.lshift, operator.matmul,
           operator.mul, operator.mod, operator.or_, operator.pow, operator.rshift,
           operator.sub, operator.truediv, operator.xor,
           operator.iadd, operator.iand, operator.ifloordiv, operator.ilshift, operator.imatmul,
           operator.imul, operator.imod, operator.ior, operator.ipow, operator.irshift,
           operator.isub, operator.itruediv, operator.ixor,
           operator.getitem]  # NB_SUBSCR (3.14+: `x[i]` is BINARY_OP 26, BINARY_SUBSCR is gone)
_COMPARE = [operator.lt, operator.le, operator.eq, operator.ne, operator.gt, operator.ge]

_MAPPING_FLAG = 1 << 6     # Py_TPFLAGS_MAPPING
_SEQUENCE_FLAG = 1 << 5    # Py_TPFLAGS_SEQUENCE
_MATCH_SELF_FLAG = 1 << 22  # _Py_TPFLAGS_MATCH_SELF


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


def op_END_FOR(f, a):
    # 3.12: END_FOR is POP_TOP twice (iterator and value); 3.13: one POP_TOP follows it.
    s = f.stack
    s.pop()
    if VERSION == (3, 12):
        s.pop()


def op_END_SEND(f, a):
    del f.stack[-2]


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
    """`name` from `mapping`, then the globals, then the builtins: LOAD_NAME's search order."""
    v = _mapping_get(mapping, name)
    if v is NULL:
        v = f.globals.get(name, NULL)
        if v is NULL:
            v = f.builtins.get(name, NULL)
            if v is NULL:
                raise _not_defined(name)
    return v


def op_LOAD_FROM_DICT_OR_GLOBALS(f, a):  # 3.12+ (a is a name index)
    mapping = f.stack.pop()
    f.stack.append(_name_from(f, mapping, f.code.co_names[a]))


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
    v = f.globals.get(name, NULL)
    if v is NULL:
        v = f.builtins.get(name, NULL)
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


def op_STORE_GLOBAL(f, name):
    f.globals[name] = f.stack.pop()


def op_DELETE_GLOBAL(f, name):
    if name not in f.globals:
        raise _not_defined(name)
    del f.globals[name]


# ---------------------------------------------------------------------------------------------
# Operators
# ---------------------------------------------------------------------------------------------
def op_BINARY_OP(f, a):
    s = f.stack
    right = s.pop()
    s[-1] = a(s[-1], right)


def op_UNARY_NEGATIVE(f, a):
    f.stack[-1] = -f.stack[-1]


def op_UNARY_POSITIVE(f, a):
    f.stack[-1] = +f.stack[-1]


def op_UNARY_INVERT(f, a):
    f.stack[-1] = ~f.stack[-1]


def op_UNARY_NOT(f, a):
    f.stack[-1] = not f.stack[-1]


def op_TO_BOOL(f, a):
    f.stack[-1] = bool(f.stack[-1])


def op_COMPARE_OP(f, a):
    compare, to_bool = a
    s = f.stack
    right = s.pop()
    result = compare(s[-1], right)
    s[-1] = bool(result) if to_bool else result


def op_IS_OP(f, a):
    s = f.stack
    right = s.pop()
    s[-1] = (s[-1] is not right) if a else (s[-1] is right)


def op_CONTAINS_OP(f, a):
    s = f.stack
    right = s.pop()
    s[-1] = (s[-1] not in right) if a else (s[-1] in right)


def op_BINARY_SUBSCR(f, a):
    s = f.stack
    sub = s.pop()
    s[-1] = s[-1][sub]


def op_STORE_SUBSCR(f, a):
    s = f.stack
    sub = s.pop()
    container = s.pop()
    container[sub] = s.pop()


def op_DELETE_SUBSCR(f, a):
    s = f.stack
    sub = s.pop()
    del s.pop()[sub]


def op_BINARY_SLICE(f, a):
    s = f.stack
    stop = s.pop()
    start = s.pop()
    s[-1] = s[-1][start:stop]


def op_STORE_SLICE(f, a):
    s = f.stack
    stop = s.pop()
    start = s.pop()
    container = s.pop()
    container[start:stop] = s.pop()


def op_BUILD_SLICE(f, a):
    s = f.stack
    if a == 3:
        step = s.pop()
        stop = s.pop()
        s[-1] = slice(s[-1], stop, step)
    else:
        stop = s.pop()
        s[-1] = slice(s[-1], stop)


# ---------------------------------------------------------------------------------------------
# Building containers and strings
# ---------------------------------------------------------------------------------------------
def _pop_n(s, n):
    if n == 0:
        return []
    values = s[-n:]
    del s[-n:]
    return values


def op_BUILD_TUPLE(f, a):
    f.stack.append(tuple(_pop_n(f.stack, a)))


def op_BUILD_LIST(f, a):
    f.stack.append(_pop_n(f.stack, a))


def op_BUILD_SET(f, a):
    f.stack.append(set(_pop_n(f.stack, a)))


def op_BUILD_MAP(f, a):
    values = _pop_n(f.stack, 2 * a)
    f.stack.append({values[i]: values[i + 1] for i in range(0, len(values), 2)})


def op_BUILD_CONST_KEY_MAP(f, a):
    s = f.stack
    keys = s.pop()
    s.append(dict(zip(keys, _pop_n(s, a))))


def op_BUILD_STRING(f, a):
    f.stack.append("".join(_pop_n(f.stack, a)))


def op_LIST_APPEND(f, a):
    s = f.stack
    v = s.pop()
    s[-a].append(v)


def op_SET_ADD(f, a):
    s = f.stack
    v = s.pop()
    s[-a].add(v)


def op_MAP_ADD(f, a):
    s = f.stack
    value = s.pop()
    key = s.pop()
    s[-a][key] = value


def _is_iterable(obj) -> bool:
    t = type(obj)
    return hasattr(t, "__iter__") or hasattr(t, "__getitem__")


def op_LIST_EXTEND(f, a):
    s = f.stack
    iterable = s.pop()
    if not _is_iterable(iterable):
        raise TypeError(f"Value after * must be an iterable, not {type(iterable).__name__}")
    s[-a].extend(iterable)


def op_SET_UPDATE(f, a):
    s = f.stack
    iterable = s.pop()
    s[-a].update(iterable)


def op_DICT_UPDATE(f, a):
    s = f.stack
    update = s.pop()
    if not hasattr(type(update), "keys"):
        raise TypeError(f"'{type(update).__name__}' object is not a mapping")
    s[-a].update(update)


def _function_description(func) -> str:
    """`_PyObject_FunctionStr`, as used in call error messages: "module.qualname()"."""
    qualname = getattr(func, "__qualname__", NULL)
    if qualname is NULL:
        return str(func)
    module = getattr(func, "__module__", None)
    if module is not None and module != "builtins":
        return f"{module}.{qualname}()"
    return f"{qualname}()"


# Where the callable sits below DICT_MERGE's operand (with the update still on the stack).
_DICT_MERGE_CALLABLE_DEPTH = {(3, 11): 3, (3, 12): 3}.get(VERSION, 4)


def op_DICT_MERGE(f, a):
    s = f.stack
    update = s[-1]
    target = s[-1 - a]
    func = s[-a - _DICT_MERGE_CALLABLE_DEPTH]
    if func is NULL:
        func = s[-a - _DICT_MERGE_CALLABLE_DEPTH + 1]
    if not hasattr(type(update), "keys"):
        if VERSION >= (3, 15):  # _PyEval_FormatKwargsError no longer names the function
            raise TypeError(f"Value after ** must be a mapping, not {_qualified_type_name(type(update))}")
        raise TypeError(f"{_function_description(func)} argument after ** must be a mapping, "
                        f"not {type(update).__name__}")
    for key in update.keys():
        if key in target:
            if not isinstance(key, str):
                raise TypeError(f"{_function_description(func)} keywords must be strings")
            raise TypeError(f"{_function_description(func)} got multiple values for keyword argument '{key}'")
        target[key] = update[key]
    s.pop()


def op_LIST_TO_TUPLE(f, a):  # 3.11
    f.stack[-1] = tuple(f.stack[-1])


_CONVERSIONS = [None, str, repr, ascii]


def op_FORMAT_VALUE(f, a):  # 3.11, 3.12
    s = f.stack
    spec = s.pop() if a & 4 else ""
    value = s.pop()
    convert = _CONVERSIONS[a & 3]
    if convert is not None:
        value = convert(value)
    s.append(value if type(value) is str and not spec else format(value, spec))


def op_CONVERT_VALUE(f, a):  # 3.13
    f.stack[-1] = _CONVERSIONS[a](f.stack[-1])


def op_FORMAT_SIMPLE(f, a):  # 3.13
    v = f.stack[-1]
    if type(v) is not str:
        f.stack[-1] = format(v, "")


def op_FORMAT_WITH_SPEC(f, a):  # 3.13
    s = f.stack
    spec = s.pop()
    s[-1] = format(s[-1], spec)


# ---------------------------------------------------------------------------------------------
# Unpacking
# ---------------------------------------------------------------------------------------------
def _unpack_items(seq, expected: int, at_least: bool):
    if not _is_iterable(seq):
        raise TypeError(f"cannot unpack non-iterable {type(seq).__name__} object")
    items = []
    it = iter(seq)
    if at_least:
        return list(it)
    for item in it:
        if len(items) == expected:
            if VERSION >= (3, 14) and type(seq) in (list, tuple, dict):
                # 3.14's _PyEval_UnpackIterableStackRef adds the length when it is cheap to know.
                raise ValueError(f"too many values to unpack (expected {expected}, got {len(seq)})")
            raise ValueError(f"too many values to unpack (expected {expected})")
        items.append(item)
    return items


def op_UNPACK_SEQUENCE(f, a):
    s = f.stack
    seq = s.pop()
    if (type(seq) is tuple or type(seq) is list) and len(seq) == a:
        items = seq
    else:
        items = _unpack_items(seq, a, False)
        if len(items) < a:
            raise ValueError(f"not enough values to unpack (expected {a}, got {len(items)})")
    s.extend(reversed(items))


def op_UNPACK_EX(f, a):
    before, after = a & 0xFF, a >> 8
    s = f.stack
    items = _unpack_items(s.pop(), 0, True)
    if len(items) < before + after:
        raise ValueError(f"not enough values to unpack (expected at least {before + after}, "
                         f"got {len(items)})")
    middle = items[before:len(items) - after]
    values = items[:before] + [middle] + items[len(items) - after:]
    s.extend(reversed(values))


# ---------------------------------------------------------------------------------------------
# Jumps and iteration
# ---------------------------------------------------------------------------------------------
def op_JUMP_FORWARD(f, a):
    f.ip = a


op_JUMP_BACKWARD = op_JUMP_BACKWARD_NO_INTERRUPT = op_JUMP = op_JUMP_NO_INTERRUPT = op_JUMP_FORWARD


def op_POP_JUMP_IF_FALSE(f, a):
    if not f.stack.pop():
        f.ip = a


def op_POP_JUMP_IF_TRUE(f, a):
    if f.stack.pop():
        f.ip = a


def op_POP_JUMP_IF_NONE(f, a):
    if f.stack.pop() is None:
        f.ip = a


def op_POP_JUMP_IF_NOT_NONE(f, a):
    if f.stack.pop() is not None:
        f.ip = a


# 3.11 spells the direction in the name.
op_POP_JUMP_FORWARD_IF_FALSE = op_POP_JUMP_BACKWARD_IF_FALSE = op_POP_JUMP_IF_FALSE
op_POP_JUMP_FORWARD_IF_TRUE = op_POP_JUMP_BACKWARD_IF_TRUE = op_POP_JUMP_IF_TRUE
op_POP_JUMP_FORWARD_IF_NONE = op_POP_JUMP_BACKWARD_IF_NONE = op_POP_JUMP_IF_NONE
op_POP_JUMP_FORWARD_IF_NOT_NONE = op_POP_JUMP_BACKWARD_IF_NOT_NONE = op_POP_JUMP_IF_NOT_NONE


def op_JUMP_IF_FALSE_OR_POP(f, a):  # 3.11
    if not f.stack[-1]:
        f.ip = a
    else:
        f.stack.pop()


def op_JUMP_IF_TRUE_OR_POP(f, a):  # 3.11
    if f.stack[-1]:
        f.ip = a
    else:
        f.stack.pop()


def op_GET_ITER(f, a):
    f.stack[-1] = iter(f.stack[-1])


def op_GET_YIELD_FROM_ITER(f, a):
    v = f.stack[-1]
    if not isinstance(v, (types.GeneratorType, VMGenerator)):
        f.stack[-1] = iter(v)


# On exhaustion FOR_ITER jumps past the END_FOR its argument names: 3.12 skips END_FOR,
# 3.13 skips END_FOR and the POP_TOP after it, 3.11 has no END_FOR.
_FOR_ITER_SKIP = {(3, 11): 0, (3, 12): 1}.get(VERSION, 2)


def op_FOR_ITER(f, a):
    s = f.stack
    value = next(s[-1], NULL)
    if value is NULL:  # exhausted (StopIteration is swallowed by next's default)
        s.pop()
        f.ip = a + _FOR_ITER_SKIP
    else:
        s.append(value)


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
# Calls and functions
# ---------------------------------------------------------------------------------------------
def _call(f, func, args, kwargs):
    if type(func) is VMFunction:
        return f.vm.call_function(func, args, kwargs)
    special = _SPECIAL_CALLS.get(id(func))
    if special is not None and special[0] is func:
        return special[1](f, args, kwargs)
    if kwargs:
        return func(*args, **kwargs)
    return func(*args)


if VERSION >= (3, 13):
    def op_CALL(f, a):
        s = f.stack
        base = len(s) - a - 2
        func = s[base]
        self_ = s[base + 1]
        args = s[base + 2:] if self_ is NULL else s[base + 1:]
        del s[base:]
        s.append(_call(f, func, args, None))

    def op_CALL_KW(f, a):
        s = f.stack
        names = s.pop()
        base = len(s) - a - 2
        func = s[base]
        self_ = s[base + 1]
        args = s[base + 2:] if self_ is NULL else s[base + 1:]
        del s[base:]
        n = len(names)
        kwargs = dict(zip(names, args[len(args) - n:]))
        s.append(_call(f, func, args[:len(args) - n], kwargs))
else:
    def op_CALL(f, a):
        s = f.stack
        base = len(s) - a - 2
        first = s[base]
        if first is NULL:
            func = s[base + 1]
            args = s[base + 2:]
        else:
            func = first
            args = s[base + 1:]
        del s[base:]
        names = f.kwnames
        if names:
            f.kwnames = ()
            n = len(names)
            kwargs = dict(zip(names, args[len(args) - n:]))
            s.append(_call(f, func, args[:len(args) - n], kwargs))
        else:
            s.append(_call(f, func, args, None))


def op_KW_NAMES(f, a):  # 3.11, 3.12
    f.kwnames = a


def op_CALL_FUNCTION_EX(f, a):
    s = f.stack
    kwargs = s.pop() if a & 1 else None
    callargs = s.pop()
    if VERSION >= (3, 13):
        s.pop()  # NULL (or self: never, the VM binds methods)
        func = s.pop()
    else:
        func = s.pop()
        s.pop()  # NULL
    s.append(_call(f, func, _star_arguments(func, callargs), kwargs))


def _star_arguments(func, callargs) -> tuple:
    """`_MAKE_CALLARGS_A_TUPLE`: the positional arguments of f(*callargs) as a tuple."""
    if type(callargs) is not tuple:
        if not _is_iterable(callargs):
            if VERSION >= (3, 15):  # _Py_Check_ArgsIterable no longer names the function
                raise TypeError(f"Value after * must be an iterable, not {type(callargs).__name__}")
            raise TypeError(f"{_function_description(func)} argument after * must be an iterable, "
                            f"not {type(callargs).__name__}")
        callargs = tuple(callargs)
    return callargs


def _set_function_attribute(func, flag, value):
    if flag == 8:
        func._closure = value  # __closure__ is read-only to programs
    elif flag == 4:
        func.__annotations__ = dict(zip(value[::2], value[1::2])) if isinstance(value, tuple) else value
    elif flag == 2:
        func.__kwdefaults__ = value
    elif flag == 1:
        func.__defaults__ = value
    else:
        raise UnimplementedOpcode("SET_FUNCTION_ATTRIBUTE", VERSION_TEXT, f"flag {flag}")


if VERSION >= (3, 13):
    def op_MAKE_FUNCTION(f, a):
        code = f.stack.pop()
        f.stack.append(VMFunction(f.vm, code, f.globals))
else:
    def op_MAKE_FUNCTION(f, a):
        s = f.stack
        code = s.pop()
        func = VMFunction(f.vm, code, f.globals)
        for flag in (8, 4, 2, 1):
            if a & flag:
                _set_function_attribute(func, flag, s.pop())
        s.append(func)


def op_SET_FUNCTION_ATTRIBUTE(f, a):  # 3.13
    s = f.stack
    func = s.pop()
    _set_function_attribute(func, a, s.pop())
    s.append(func)


def op_RETURN_VALUE(f, a):
    f.retval = f.stack.pop()
    f.why = RETURNED
    return RETURNED


def op_RETURN_CONST(f, a):
    f.retval = a
    f.why = RETURNED
    return RETURNED


def op_RETURN_GENERATOR(f, a):
    f.retval = None
    f.why = GENERATOR_CREATED
    return GENERATOR_CREATED


def op_YIELD_VALUE(f, a):
    f.retval = f.stack.pop()
    f.why = YIELDED
    return YIELDED


def send_to(receiver, value):
    """SEND's step: (finished, value). Plain iterators get next() for None, like gen_send_ex."""
    try:
        if value is None and getattr(type(receiver), "__next__", None) is not None:
            return False, next(receiver)
        return False, receiver.send(value)
    except StopIteration as stop:
        return True, stop.value


def op_SEND(f, a):
    s = f.stack
    value = s.pop()
    finished, result = send_to(s[-1], value)
    if finished:
        if VERSION == (3, 11):
            s[-1] = result
        else:
            s.append(result)
        f.ip = a
    else:
        s.append(result)


def op_CLEANUP_THROW(f, a):
    s = f.stack
    exc = s.pop()
    s.pop()  # last sent value
    if isinstance(exc, StopIteration):
        s[-1] = None
        s.append(exc.value)
    else:
        f.vm.reraising = True
        raise exc


# ---------------------------------------------------------------------------------------------
# Coroutines: await, async for, async with
# ---------------------------------------------------------------------------------------------
def _awaitable_iterator(obj):
    """`_PyCoro_GetAwaitableIter`: what `await obj` iterates over."""
    if isinstance(obj, (VMCoroutine, types.CoroutineType)):
        return obj
    if isinstance(obj, types.GeneratorType) and obj.gi_code.co_flags & 0x100:  # CO_ITERABLE_COROUTINE
        return obj
    await_ = getattr(type(obj), "__await__", None)
    if await_ is None:
        if VERSION >= (3, 14):  # _PyCoro_GetAwaitableIter's message changed in 3.14
            raise TypeError(f"'{type(obj).__name__}' object can't be awaited")
        raise TypeError(f"object {type(obj).__name__} can't be used in 'await' expression")
    result = await_(obj)
    if isinstance(result, (VMCoroutine, types.CoroutineType)):
        raise TypeError("__await__() returned a coroutine")
    if getattr(type(result), "__next__", None) is None:
        raise TypeError(f"__await__() returned non-iterator of type '{type(result).__name__}'")
    return result


def _tp_name(tp: type) -> str:
    """A type's C-level `tp_name`: the bare name of a class, "module.name" of a static type."""
    if tp.__flags__ & (1 << 9) or tp.__module__ == "builtins":  # Py_TPFLAGS_HEAPTYPE
        return tp.__name__
    return f"{tp.__module__}.{tp.__name__}"


def op_GET_AWAITABLE(f, a):
    obj = f.stack[-1]
    iterable_coroutine = isinstance(obj, types.GeneratorType) and obj.gi_code.co_flags & 0x100
    if a in (1, 2) and not isinstance(obj, (VMCoroutine, types.CoroutineType)) and not iterable_coroutine \
            and getattr(type(obj), "__await__", None) is None:
        # _PyEval_FormatAwaitableError: the argument says the object came from `async with`
        # (1: __aenter__, 2: __aexit__), and the message says so.
        method = "__aenter__" if a == 1 else "__aexit__"
        raise TypeError(f"'async with' received an object from {method} that does not implement "
                        f"__await__: {_tp_name(type(obj))}")
    f.stack[-1] = _awaitable_iterator(obj)


def op_GET_AITER(f, a):
    s = f.stack
    obj = s[-1]
    aiter = getattr(type(obj), "__aiter__", None)
    if aiter is None:
        raise TypeError(f"'async for' requires an object with __aiter__ method, got {type(obj).__name__}")
    it = aiter(obj)
    if getattr(type(it), "__anext__", None) is None:
        raise TypeError("'async for' received an object from __aiter__ that does not implement "
                        f"__anext__: {type(it).__name__}")
    s[-1] = it


def op_GET_ANEXT(f, a):
    s = f.stack
    aiter = s[-1]
    anext_ = getattr(type(aiter), "__anext__", None)
    if anext_ is None:
        raise TypeError(f"'async for' requires an iterator with __anext__ method, got {type(aiter).__name__}")
    awaitable = anext_(aiter)
    try:
        it = _awaitable_iterator(awaitable)
    except TypeError:
        it = None
    if it is None:
        raise TypeError(f"'async for' received an invalid object from __anext__: {type(awaitable).__name__}")
    s.append(it)


def op_ASYNC_GEN_WRAP(f, a):  # 3.11
    f.stack[-1] = AsyncGenWrappedValue(f.stack[-1])


def op_END_ASYNC_FOR(f, a):
    s = f.stack
    exc = s.pop()
    if isinstance(exc, StopAsyncIteration):
        s.pop()
        return
    f.vm.reraising = True
    raise exc


def op_BEFORE_ASYNC_WITH(f, a):  # 3.11-3.13 (3.14: LOAD_SPECIAL)
    s = f.stack
    mgr = s[-1]
    t = type(mgr)
    enter = _type_lookup(t, "__aenter__")
    if enter is NULL:
        raise TypeError(f"'{t.__name__}' object does not support the asynchronous context manager protocol")
    exit_ = _type_lookup(t, "__aexit__")
    if exit_ is NULL:
        raise TypeError(f"'{t.__name__}' object does not support the asynchronous context manager "
                        "protocol (missed __aexit__ method)")
    s[-1] = _bind_special(exit_, mgr)
    s.append(_call(f, _bind_special(enter, mgr), (), None))


def op_LOAD_BUILD_CLASS(f, a):
    vm = f.vm
    bc = f.builtins.get("__build_class__", NULL)
    if bc is NULL:
        raise NameError("__build_class__ not found")
    if bc is builtins.__build_class__:
        bc = vm.build_class
    f.stack.append(bc)


# ---------------------------------------------------------------------------------------------
# Exceptions and `with`
# ---------------------------------------------------------------------------------------------
def _check_exception_class(cls, for_star=False):
    classes = cls if isinstance(cls, tuple) else (cls,)
    for c in classes:
        if not (isinstance(c, type) and issubclass(c, BaseException)):
            raise TypeError("catching classes that do not inherit from BaseException is not allowed")
        if for_star and issubclass(c, BaseExceptionGroup):
            raise TypeError("catching ExceptionGroup with except* is not allowed. Use except instead.")


def op_CHECK_EXC_MATCH(f, a):
    s = f.stack
    right = s.pop()
    _check_exception_class(right)
    s.append(isinstance(s[-1], right))


def op_CHECK_EG_MATCH(f, a):
    s = f.stack
    match_type = s.pop()
    exc_value = s.pop()
    _check_exception_class(match_type, for_star=True)
    if exc_value is None:
        match, rest = None, None
    elif isinstance(exc_value, match_type):
        if isinstance(exc_value, BaseExceptionGroup):
            match = exc_value
        else:
            match = BaseExceptionGroup("", [exc_value])
            match.__traceback__ = exc_value.__traceback__
        rest = None
    elif isinstance(exc_value, BaseExceptionGroup):
        match, rest = exc_value.split(match_type)
    else:
        match, rest = None, exc_value
    s += (rest, match)
    if match is not None:
        f.vm.exc_chain[-1] = match


def _leaves(exc):
    if isinstance(exc, BaseExceptionGroup):
        for e in exc.exceptions:
            yield from _leaves(e)
    else:
        yield exc


# Before 3.11.4 (gh-103590), a lone new exception raised in an `except*` block was wrapped in
# an ExceptionGroup; from then on it propagates as it is. The VM follows the running patch level.
_WRAPS_NEW_EXCEPTIONS = sys.version_info < (3, 11, 4)


def _prep_reraise_star(orig, excs):
    """`_PyExc_PrepReraiseStar`: what an `except*` block leaves to re-raise.

    CPython tells a re-raised part from a new exception by identical metadata (traceback,
    cause, context); the VM's tracebacks carry native frames, so it compares leaf identity.
    """
    raised = [e for e in excs if e is not None]
    if not raised:
        return None
    if not isinstance(orig, BaseExceptionGroup):
        return raised[0]
    orig_leaves = {id(e) for e in _leaves(orig)}
    reraised_ids = set()
    new = []
    for e in raised:
        leaf_ids = {id(x) for x in _leaves(e)}
        if leaf_ids and leaf_ids <= orig_leaves:
            reraised_ids |= leaf_ids
        else:
            new.append(e)
    reraised = orig.subgroup(lambda leaf: id(leaf) in reraised_ids) if reraised_ids else None
    if not new:
        return reraised
    if reraised is not None:
        new.append(reraised)
    return BaseExceptionGroup("", new) if len(new) > 1 or _WRAPS_NEW_EXCEPTIONS else new[0]


def op_PREP_RERAISE_STAR(f, a):  # 3.11
    s = f.stack
    excs = s.pop()
    s[-1] = _prep_reraise_star(s[-1], excs)


def op_PUSH_EXC_INFO(f, a):
    s = f.stack
    chain = f.vm.exc_chain
    new = s[-1]
    s[-1] = chain[-1]
    s.append(new)
    chain[-1] = new


def op_POP_EXCEPT(f, a):
    f.vm.exc_chain[-1] = f.stack.pop()


def op_RERAISE(f, a):
    s = f.stack
    exc = s.pop()
    if a:
        f.lasti_override = f.decoded.index_of_offset.get(s[-1])
    f.vm.reraising = True
    raise exc


def op_RAISE_VARARGS(f, a):
    s = f.stack
    vm = f.vm
    if a == 0:
        exc = vm.handled_exception()
        if exc is None:
            raise RuntimeError("No active exception to reraise")
        vm.reraising = True
        raise exc
    cause = s.pop() if a == 2 else NULL
    exc = s.pop()
    if isinstance(exc, type) and issubclass(exc, BaseException):
        value = exc()
        if not isinstance(value, BaseException):
            raise TypeError(f"calling {exc!r} should have returned an instance of BaseException, "
                            f"not {type(value).__name__}")
    elif isinstance(exc, BaseException):
        value = exc
    else:
        raise TypeError("exceptions must derive from BaseException")
    if cause is not NULL:
        if isinstance(cause, type) and issubclass(cause, BaseException):
            cause = cause()
        elif cause is not None and not isinstance(cause, BaseException):
            raise TypeError("exception causes must derive from BaseException")
        value.__cause__ = cause
    vm.set_context(value)
    raise value


def op_PRINT_EXPR(f, a):  # 3.11, interactive mode: show the expression statement's value
    sys.displayhook(f.stack.pop())


def op_EXIT_INIT_CHECK(f, a):  # 3.13, after a specialized call of a class's __init__
    v = f.stack.pop()
    if v is not None:
        raise TypeError(f"__init__() should return None, not '{type(v).__name__}'")


def op_LOAD_ASSERTION_ERROR(f, a):
    f.stack.append(AssertionError)


def op_BEFORE_WITH(f, a):  # 3.11-3.13 (3.14: LOAD_SPECIAL)
    s = f.stack
    mgr = s[-1]
    t = type(mgr)
    enter = _type_lookup(t, "__enter__")
    if enter is NULL:
        raise TypeError(f"'{t.__name__}' object does not support the context manager protocol")
    exit_ = _type_lookup(t, "__exit__")
    if exit_ is NULL:
        raise TypeError(f"'{t.__name__}' object does not support the context manager protocol "
                        "(missed __exit__ method)")
    s[-1] = _bind_special(exit_, mgr)
    s.append(_call(f, _bind_special(enter, mgr), (), None))


def op_WITH_EXCEPT_START(f, a):
    s = f.stack
    exit_func = s[-4]
    val = s[-1]
    s.append(_call(f, exit_func, (type(val), val, val.__traceback__), None))


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
        error = RuntimeError("generator raised StopIteration")
    elif isinstance(exc, StopAsyncIteration) and f.code.co_flags & 0x200:
        error = RuntimeError("async generator raised StopAsyncIteration")
    else:
        return exc
    error.__cause__ = exc
    error.__context__ = exc
    return error


# PEP 695 (3.12+). CPython evaluates bounds, constraints and alias values lazily, on first
# access; the typing constructors callable from Python take them eagerly, so the VM evaluates
# them at definition time (a forward reference that is not yet defined fails earlier here).
def _typing():
    import typing
    return typing


def _intrinsic_subscript_generic(f, params):
    typing = _typing()
    params = tuple(typing.Unpack[p] if isinstance(p, typing.TypeVarTuple) else p for p in params)
    return typing.Generic[params]


def _intrinsic_typealias(f, args):
    name, type_params, compute_value = args
    alias = _typing().TypeAliasType(name, compute_value(), type_params=type_params or ())
    if VERSION >= (3, 15):
        # TypeAliasType takes __module__ from the calling frame, which is this module's, not
        # the program's; 3.15 lets it be set (before, it is read-only and stays wrong).
        alias.__module__ = f.globals.get("__name__")
    return alias


def _intrinsic_set_function_type_params(f, func, params):
    func.__type_params__ = params
    return func


def _intrinsic_set_typeparam_default(f, param, compute_default):  # 3.13 (PEP 696)
    typing = _typing()
    default = compute_default()
    if isinstance(param, typing.TypeVar):
        args = param.__constraints__
        return typing.TypeVar(param.__name__, *args, bound=param.__bound__, default=default,
                              infer_variance=param.__infer_variance__)
    if isinstance(param, typing.ParamSpec):
        return typing.ParamSpec(param.__name__, default=default, infer_variance=True)
    return typing.TypeVarTuple(param.__name__, default=default)


_INTRINSIC_1 = {
    7: ("INTRINSIC_TYPEVAR", lambda f, name: _typing().TypeVar(name, infer_variance=True)),
    8: ("INTRINSIC_PARAMSPEC", lambda f, name: _typing().ParamSpec(name, infer_variance=True)),
    9: ("INTRINSIC_TYPEVARTUPLE", lambda f, name: _typing().TypeVarTuple(name)),
    10: ("INTRINSIC_SUBSCRIPT_GENERIC", _intrinsic_subscript_generic),
    11: ("INTRINSIC_TYPEALIAS", _intrinsic_typealias),
    1: ("INTRINSIC_PRINT", _intrinsic_print),
    2: ("INTRINSIC_IMPORT_STAR", _intrinsic_import_star),
    3: ("INTRINSIC_STOPITERATION_ERROR", _intrinsic_stopiteration_error),
    4: ("INTRINSIC_ASYNC_GEN_WRAP", lambda f, v: AsyncGenWrappedValue(v)),
    5: ("INTRINSIC_UNARY_POSITIVE", lambda f, v: +v),
    6: ("INTRINSIC_LIST_TO_TUPLE", lambda f, v: tuple(v)),
}
_INTRINSIC_2 = {
    2: ("INTRINSIC_TYPEVAR_WITH_BOUND",
        lambda f, name, bound: _typing().TypeVar(name, bound=bound(), infer_variance=True)),
    3: ("INTRINSIC_TYPEVAR_WITH_CONSTRAINTS",
        lambda f, name, constraints: _typing().TypeVar(name, *constraints(), infer_variance=True)),
    4: ("INTRINSIC_SET_FUNCTION_TYPE_PARAMS", _intrinsic_set_function_type_params),
    5: ("INTRINSIC_SET_TYPEPARAM_DEFAULT", _intrinsic_set_typeparam_default),
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


_SPECIAL_CALLS = {id(fn): (fn, impl) for fn, impl in [
    (sys.exc_info, _call_exc_info),
    *([(sys.exception, _call_exception)] if hasattr(sys, "exception") else []),
    (locals, _call_locals), (globals, _call_globals), (vars, _call_vars), (dir, _call_dir),
    (super, _call_super),
    (exec, lambda f, a, k: (_run_source(f, a, k, "exec"), None)[1]),
    (eval, lambda f, a, k: _run_source(f, a, k, "eval")),
]}


# ---------------------------------------------------------------------------------------------
# The dispatch table and the loop
# ---------------------------------------------------------------------------------------------
HANDLERS = {name[3:]: fn for name, fn in list(globals().items()) if name.startswith("op_")}

# 3.14 added instructions and changed the stack layout of others (FOR_ITER, WITH_EXCEPT_START,
# CALL_FUNCTION_EX, ...); their handlers live in ops_314, which uses the helpers above.
if VERSION >= (3, 14):
    from .ops_314 import HANDLERS_314
    HANDLERS.update(HANDLERS_314)
# 3.15 gave iteration a second stack slot (an index for lists, tuples, str and bytes).
if VERSION >= (3, 15):
    from .ops_315 import HANDLERS_315
    HANDLERS.update(HANDLERS_315)

# Arguments turned once, at decode time, into what the handler uses directly.
_PREPARE = {
    "BINARY_OP": lambda a: _BINARY[a],
    "COMPARE_OP": lambda a: (_COMPARE[a[0]], a[1]),
}


def _unimplemented(opname):
    def handler(f, a):
        raise UnimplementedOpcode(opname, VERSION_TEXT)
    handler.__name__ = f"op_{opname}"
    return handler


class VirtualMachine:
    """Runs code objects in VM frames; owns the per-run state (exception chain, frame stack)."""

    def __init__(self) -> None:
        self.frames: list[Frame] = []
        # CPython's chain of "currently handled exception" slots: one for the whole run, one
        # more for each generator while it runs (PUSH_EXC_INFO/POP_EXCEPT swap the top one).
        self.exc_chain: list = [None]
        self.reraising = False
        self.hook = None        # called before each instruction when tracing or counting
        self.traceback: dict[int, tuple[BaseException, list]] = {}
        self._decoded: dict[int, tuple[types.CodeType, DecodedCode]] = {}
        # The program's recursion limit counts VM frames; `recursion_room` gives the Python
        # frames that implement them the space they need.
        self.max_depth = sys.getrecursionlimit()

    # -- code and frames ---------------------------------------------------------------------
    def decoded(self, code: types.CodeType) -> DecodedCode:
        entry = self._decoded.get(id(code))
        if entry is not None and entry[0] is code:
            return entry[1]
        d = DecodedCode(code)
        d.ops = [(HANDLERS.get(name) or _unimplemented(name),
                  _PREPARE[name](arg) if name in _PREPARE else arg)
                 for name, arg in zip(d.opnames, d.args)]
        self._decoded[id(code)] = (code, d)
        return d

    @staticmethod
    def builtins_for(globals_: dict) -> dict:
        b = globals_.get("__builtins__", builtins)
        return b.__dict__ if isinstance(b, types.ModuleType) else b

    def build_class(self, func, name, /, *bases, **kwds):
        return build_class(self, func, name, *bases, **kwds)

    def run_code(self, code: types.CodeType, globals_: dict, locals_=None):
        """Run a module-level (or exec/eval) code object with the given namespaces."""
        if locals_ is None:
            locals_ = globals_
        decoded = self.decoded(code)
        frame = Frame(self, decoded, globals_, self.builtins_for(globals_), locals_,
                      [NULL] * len(decoded.names))
        frame.depth = len(self.frames)
        return self.run_frame(frame)

    def run_class_body(self, func: VMFunction, namespace):
        frame = Frame(self, func._decoded, func.__globals__, func._builtins, namespace,
                      [NULL] * func._nlocalsplus, func)
        frame.depth = len(self.frames)
        return self.run_frame(frame)

    def call_function(self, func: VMFunction, args, kwargs):
        localsplus = func.bind_arguments(args, kwargs)
        frame = Frame(self, func._decoded, func._globals, func._builtins, None, localsplus, func)
        frame.depth = len(self.frames)
        if frame.depth >= self.max_depth:
            raise RecursionError("maximum recursion depth exceeded")
        if func._generatorlike:
            self.run_frame(frame)  # up to RETURN_GENERATOR
            if func._code.co_flags & CO_GENERATOR:
                return VMGenerator(frame, func)
            if func._code.co_flags & CO_COROUTINE:
                return VMCoroutine(frame, func)
            if func._code.co_flags & CO_ASYNC_GENERATOR:
                return VMAsyncGenerator(frame, func)
            raise UnimplementedOpcode("RETURN_GENERATOR", VERSION_TEXT, "unknown generator kind")
        return self.run_frame(frame)

    # -- exceptions --------------------------------------------------------------------------
    def handled_exception(self):
        """The exception `sys.exc_info()` would report inside the VM (topmost non-None slot)."""
        for exc in reversed(self.exc_chain):
            if exc is not None:
                return exc
        return None

    def set_context(self, value: BaseException) -> None:
        """`_PyErr_SetObject`: chain to the handled exception, breaking any cycle."""
        handled = self.handled_exception()
        if handled is None or handled is value:
            return
        o = handled
        while True:
            ctx = o.__context__
            if ctx is None:
                break
            if ctx is value:
                o.__context__ = None
                break
            o = ctx
        value.__context__ = handled

    def _unwind(self, frame: Frame, exc: BaseException) -> bool:
        """`exception_unwind`: jump to the handler covering the failed instruction, if any."""
        if isinstance(exc, VMError):
            return False
        # The handler is looked up from the instruction that failed, even for RERAISE, whose
        # lasti operand only restores the frame's line for tracebacks (ceval.c says why).
        index = frame.ip - 1
        if self.reraising:
            self.reraising = False
        else:
            if exc.__context__ is None:
                handled = self.handled_exception()
                if handled is not None and handled is not exc:
                    exc.__context__ = handled
            self._add_traceback(frame, exc, index)
        handler = frame.decoded.handlers[index] if index >= 0 else None
        if handler is None:
            return False
        frame.lasti_override = None
        target, depth, push_lasti = handler
        s = frame.stack
        del s[depth:]
        if push_lasti:
            s.append(frame.decoded.offsets[index])
        s.append(exc)
        frame.ip = target
        return True

    def _add_traceback(self, frame: Frame, exc: BaseException, index: int) -> None:
        entry = self.traceback.get(id(exc))
        if entry is None or entry[0] is not exc:
            entry = (exc, [])
            self.traceback[id(exc)] = entry
            # Exceptions cannot be weakly referenced: keep only the most recent ones, so a
            # loop that raises and catches a million times does not keep them all alive.
            while len(self.traceback) > 64:
                del self.traceback[next(iter(self.traceback))]
        line = frame.decoded.positions[index][0] if index >= 0 else frame.code.co_firstlineno
        entry[1].append((frame.code.co_filename, line, frame.code.co_name))

    def traceback_of(self, exc: BaseException) -> list[tuple[str, int, str]]:
        """(filename, line, function) for each VM frame the exception passed, outermost first."""
        entry = self.traceback.get(id(exc))
        if entry is None or entry[0] is not exc:
            return []
        return list(reversed(entry[1]))

    # -- the evaluation loop -----------------------------------------------------------------
    def run_frame(self, frame: Frame, throw: BaseException | None = None):
        """Execute `frame` until it returns or yields; return the value it returns or yields."""
        frames = self.frames
        frames.append(frame)
        try:
            if self.hook is not None:
                return self._run_hooked(frame, throw)
            ops = frame.ops
            if throw is not None:
                if not self._unwind(frame, throw):
                    raise throw
            while True:
                try:
                    while True:
                        handler, arg = ops[frame.ip]
                        frame.ip += 1
                        if handler(frame, arg) is not None:
                            return frame.retval
                except BaseException:
                    # No `as exc`: a local would tie the traceback's frame to the exception in
                    # a reference cycle, delaying (and making unpredictable) its collection.
                    if not self._unwind(frame, sys.exception()):
                        raise
        finally:
            frames.pop()

    def _run_hooked(self, frame: Frame, throw: BaseException | None):
        """The same loop, calling `self.hook(frame, phase)` around every instruction."""
        ops = frame.ops
        hook = self.hook
        if throw is not None:
            if not self._unwind(frame, throw):
                raise throw
        while True:
            try:
                while True:
                    hook(frame, 0)
                    handler, arg = ops[frame.ip]
                    frame.ip += 1
                    why = handler(frame, arg)
                    hook(frame, 1)
                    if why is not None:
                        return frame.retval
            except BaseException:
                hook(frame, 2)
                if not self._unwind(frame, sys.exception()):
                    raise


@contextlib.contextmanager
def recursion_room(vm: VirtualMachine):
    """Raise Python's recursion limit while the VM runs (each VM call takes about five Python
    frames), and put it back afterwards, also when the program raises."""
    old = sys.getrecursionlimit()
    vm.max_depth = old
    sys.setrecursionlimit(old * 6 + 200)
    try:
        yield
    finally:
        sys.setrecursionlimit(old)
