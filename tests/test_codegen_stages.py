"""The compiler's middle stages, taken from CPython's own test-only hooks (3.13+)."""
import dis
import sys

import pytest

from internals_lab.pipeline import PipelineError
from internals_lab.pipeline.codegen_stages import codegen_stages, side_by_side

LOOP = "for i in range(3):\n    if i:\n        x = 1\n"
hooks = pytest.importorskip("_testinternalcapi") if sys.version_info >= (3, 13) else None
needs_hooks = pytest.mark.skipif(sys.version_info < (3, 13), reason="the hooks' 3.13+ interface")


@needs_hooks
def test_codegen_emits_a_flat_sequence_with_pseudo_instructions_and_labels():
    stages = codegen_stages(LOOP)
    names = [i.opname for i in stages.codegen]
    assert "JUMP" in names and next(i for i in stages.codegen if i.opname == "JUMP").pseudo
    assert "NOP" in names                      # the `for` line's marker, removed later
    for instr in stages.codegen + stages.optimized:
        if instr.jump_target is not None:
            assert 0 <= instr.jump_target < len(stages.codegen)


@needs_hooks
def test_the_optimizer_leaves_what_the_assembler_turns_into_the_real_bytecode():
    stages = codegen_stages(LOOP)
    assert "NOP" not in [i.opname for i in stages.optimized]
    # Jumps are rewritten after optimize_cfg (a backward conditional jump becomes a forward one
    # over JUMP_BACKWARD, with NOT_TAKEN; pseudo JUMP becomes JUMP_BACKWARD). Every other
    # instruction flowgraph.c leaves is, in order, the bytecode compile() produces.
    def not_a_jump(name):
        return not name.startswith(("JUMP", "POP_JUMP")) and name != "NOT_TAKEN"
    real = [i.opname for i in dis.get_instructions(compile(LOOP, "<t>", "exec"))]
    kept = [i.opname for i in stages.optimized]
    assert list(filter(not_a_jump, real)) == list(filter(not_a_jump, kept))


@needs_hooks
def test_the_listing_shows_both_stages_and_bad_source_is_a_clear_error():
    text = side_by_side(codegen_stages(LOOP))
    assert text.splitlines()[0].split() [:2] == ["codegen", "(flat,"] and "after flowgraph.c" in text
    with pytest.raises(PipelineError, match="was never closed"):
        codegen_stages("x = (")


@pytest.mark.skipif(sys.version_info >= (3, 13), reason="only older interpreters lack the interface")
def test_older_interpreters_get_a_message_not_a_traceback():
    with pytest.raises(PipelineError, match="from CPython 3.13"):
        codegen_stages(LOOP)
