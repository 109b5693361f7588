"""Operators, and building containers, strings and slices, and unpacking.

Design: BINARY_OP's argument is turned once, at decode time, into the `operator` function it
names (`BINARY_OPERATORS`, indexed like `dis._nb_ops`), and COMPARE_OP's into a (function,
to-bool) pair (`COMPARISONS`); `interpreter._PREPARE` does that, so the handlers here only
apply them. Error messages follow the version that runs, chosen by tests on `VERSION`.
"""
from __future__ import annotations

import operator

from .frame import NULL, VERSION
from .ops_loads import _qualified_type_name

# BINARY_OP's argument indexes this table (the order of `dis._nb_ops`).
_BINARY = [operator.add, operator.and_, operator.floordiv, operator.lshift, operator.matmul,
           operator.mul, operator.mod, operator.or_, operator.pow, operator.rshift,
           operator.sub, operator.truediv, operator.xor,
           operator.iadd, operator.iand, operator.ifloordiv, operator.ilshift, operator.imatmul,
           operator.imul, operator.imod, operator.ior, operator.ipow, operator.irshift,
           operator.isub, operator.itruediv, operator.ixor,
           operator.getitem]  # NB_SUBSCR (3.14+: `x[i]` is BINARY_OP 26, BINARY_SUBSCR is gone)
_COMPARE = [operator.lt, operator.le, operator.eq, operator.ne, operator.gt, operator.ge]


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
    if isinstance(update, dict) and type(update).__iter__ is dict.__iter__:
        _merge_dicts(func, target, update)
        s.pop()
        return
    for key in update.keys():
        if key in target:
            # _PyEval_FormatKwargsError: a repeated key is named whatever its type (str(key));
            # a key that is not a string is refused later, by the call, if it gets that far.
            raise TypeError(f"{_function_description(func)} got multiple values for keyword argument '{key}'")
        target[key] = update[key]
    s.pop()


def _merge_dicts(func, target: dict, update: dict) -> None:
    """dict_dict_merge (Objects/dictobject.c): a dict's entries are copied with the hashes it
    stored, so no key's __hash__ runs before the call; a partial whose key's __hash__
    changes it (test_functools' reentrant mutation test) must see it only during the call."""
    before = dict.copy(target) if target else None
    dict.update(target, update)  # dict into dict: stored hashes, not __hash__
    if before is not None and len(target) != len(before) + dict.__len__(update):
        for key in dict.keys(update):  # a key repeated: find it (hashing it is harmless now)
            if key in before:
                raise TypeError(f"{_function_description(func)} got multiple values for keyword argument '{key}'")


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
