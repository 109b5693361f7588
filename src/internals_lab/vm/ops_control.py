"""Control flow: jumps, conditional jumps, and the iteration instructions of `for`.

Design: a jump's argument is decoded once into the index of its target instruction
(`frame.DecodedCode`), so every jump, forward or backward, is one assignment to `frame.ip`.
How far FOR_ITER jumps on exhaustion differs by version and is fixed at import.
"""
from __future__ import annotations

import types

from .frame import NULL, VERSION
from .functions import VMCoroutine, VMGenerator


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
    if type(v) is types.CoroutineType or type(v) is VMCoroutine:  # PyCoro_CheckExact
        if not f.code.co_flags & 0x180:  # CO_COROUTINE | CO_ITERABLE_COROUTINE
            raise TypeError("cannot 'yield from' a coroutine object in a non-coroutine generator")
    elif not isinstance(v, (types.GeneratorType, VMGenerator)):
        f.stack[-1] = iter(v)


def op_END_FOR(f, a):
    # 3.12: END_FOR is POP_TOP twice (iterator and value); 3.13: one POP_TOP follows it.
    s = f.stack
    s.pop()
    if VERSION == (3, 12):
        s.pop()


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
