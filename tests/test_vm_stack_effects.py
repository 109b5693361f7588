"""Every instruction the VM executes moves the value stack by what CPython says it does.

The expected change comes from CPython itself, `dis.stack_effect(opcode, oparg, jump=...)`,
which reads the metadata generated from the running interpreter's `Python/bytecodes.c`; the
VM's handlers are written by hand. Each instruction of every corpus snippet is checked as it
runs, so a handler with the stack layout of another version (where a call's NULL goes, what
FOR_ITER leaves behind) fails here even when the program's output happens to agree.
"""
from __future__ import annotations

import collections
import contextlib
import dis
import io
import pathlib
import sys

import pytest

from internals_lab.vm import VirtualMachine
from internals_lab.vm.corpus import load_corpus
from internals_lab.vm.interpreter import recursion_room

pytestmark = pytest.mark.filterwarnings("ignore::SyntaxWarning",
                                        "ignore::pytest.PytestUnraisableExceptionWarning")

CORPUS = [s for s in load_corpus(pathlib.Path(__file__).parent / "vm_corpus")
          if s.min_version <= sys.version_info[:2]]

# The frame stops or changes hands in these: the value they leave is pushed onto another frame
# (RETURN_*, RETURN_GENERATOR) or comes back when the generator resumes (YIELD_VALUE).
FRAME_SWITCHING = {"RETURN_VALUE", "RETURN_CONST", "RETURN_GENERATOR", "YIELD_VALUE"}
if sys.version_info < (3, 12):
    # 3.11's metadata puts a call's pops on PRECALL; the VM's PRECALL is a no-op and its CALL
    # does the whole call, so the pair is right and each half is not.
    FRAME_SWITCHING |= {"PRECALL", "CALL"}


def _expected_effect(decoded, index: int, landed: int) -> int:
    name = decoded.opnames[index]
    op = dis.opmap[name]
    oparg = decoded.opargs[index] if op >= dis.HAVE_ARGUMENT else None
    jumped = landed != index + 1
    effect = dis.stack_effect(op, oparg, jump=jumped)
    if name == "FOR_ITER" and jumped:
        # FOR_ITER's metadata jumps to END_FOR; the interpreter lands past it (and past the
        # POP_TOP after it in 3.13), doing their pops itself ("JUMPBY(oparg + 1)"): their
        # effects are part of the exhausted FOR_ITER's.
        target = decoded.args[index]
        for skipped in range(target, landed):
            skipped_op = dis.opmap[decoded.opnames[skipped]]
            skipped_arg = decoded.opargs[skipped] if skipped_op >= dis.HAVE_ARGUMENT else None
            effect += dis.stack_effect(skipped_op, skipped_arg)
    return effect


def _check_snippet(source: str, checked: collections.Counter) -> list[tuple]:
    mismatches = []
    pending = {}
    vm = VirtualMachine()

    def hook(frame, phase):
        if phase == 0:
            pending[id(frame)] = (frame.ip, len(frame.stack))
            return
        index, depth_before = pending.pop(id(frame))
        decoded = frame.decoded
        name = decoded.opnames[index]
        if phase == 2 or name in FRAME_SWITCHING or frame.why:
            return  # raised (the unwinder resets the stack) or left the frame
        expected = _expected_effect(decoded, index, frame.ip)
        actual = len(frame.stack) - depth_before
        checked[name] += 1
        if actual != expected:
            mismatches.append((name, decoded.opargs[index], expected, actual))

    vm.hook = hook
    code = compile(source, "<vm>", "exec", dont_inherit=True)
    with contextlib.redirect_stdout(io.StringIO()), recursion_room(vm):
        try:
            vm.run_code(code, {"__name__": "__main__"})
        except Exception:  # snippets that end in an exception are part of the corpus
            pass
    return mismatches


@pytest.mark.parametrize("snippet", CORPUS, ids=[s.id for s in CORPUS])
def test_each_instruction_moves_the_stack_as_cpython_says(snippet):
    assert _check_snippet(snippet.source, collections.Counter()) == []


def test_the_check_reaches_the_new_instructions():
    # Not vacuous: the corpus makes the VM execute (and this check compare) each of these.
    checked = collections.Counter()
    for snippet in CORPUS:
        _check_snippet(snippet.source, checked)
    must_see = {"FOR_ITER", "BINARY_OP", "LOAD_ATTR", "LOAD_GLOBAL", "SEND", "WITH_EXCEPT_START"}
    if sys.version_info >= (3, 12):
        must_see |= {"CALL"}
    if sys.version_info >= (3, 14):
        must_see |= {"LOAD_SMALL_INT", "LOAD_FAST_BORROW", "LOAD_FAST_BORROW_LOAD_FAST_BORROW",
                     "LOAD_COMMON_CONSTANT", "LOAD_SPECIAL", "NOT_TAKEN", "POP_ITER", "CALL_FUNCTION_EX",
                     "SET_FUNCTION_ATTRIBUTE", "BUILD_INTERPOLATION", "BUILD_TEMPLATE", "END_SEND",
                     "CLEANUP_THROW"}
    if sys.version_info >= (3, 15):
        must_see |= {"GET_ITER"}
    assert must_see <= set(checked), must_see - set(checked)
