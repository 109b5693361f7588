"""Version tables line instructions up like a diff: one extra instruction marks one row."""
from types import SimpleNamespace

from internals_lab.pipeline.render import align_listings, show_versions


def test_an_inserted_instruction_marks_only_its_own_row():
    old = ["RESUME 0", "LOAD_FAST a", "LOAD_FAST b", "BINARY_OP +", "RETURN_VALUE"]
    new = ["RESUME 0", "LOAD_FAST a", "LOAD_FAST b", "NOT_TAKEN", "BINARY_OP +", "RETURN_VALUE"]
    assert align_listings([old, new]) == [
        ("RESUME 0", "RESUME 0"), ("LOAD_FAST a", "LOAD_FAST a"), ("LOAD_FAST b", "LOAD_FAST b"),
        (None, "NOT_TAKEN"), ("BINARY_OP +", "BINARY_OP +"), ("RETURN_VALUE", "RETURN_VALUE")]


def test_replaced_instructions_share_a_row_and_three_versions_align():
    a = ["RESUME 0", "LOAD_CONST 1", "RETURN_VALUE"]
    b = ["RESUME 0", "LOAD_SMALL_INT 1", "RETURN_VALUE"]
    c = ["RESUME 0", "LOAD_SMALL_INT 1", "POP_TOP", "RETURN_VALUE"]
    assert align_listings([a, b, c]) == [
        ("RESUME 0",) * 3, ("LOAD_CONST 1", "LOAD_SMALL_INT 1", "LOAD_SMALL_INT 1"),
        (None, None, "POP_TOP"), ("RETURN_VALUE",) * 3]


def test_the_table_marks_differing_rows_and_keeps_a_missing_version_visible():
    result = lambda version, ops, problem=None: SimpleNamespace(
        version=version, full_version=None, problem=problem,
        instructions=None if ops is None else [tuple(op.split(" ", 1)) if " " in op else (op, "") for op in ops])
    table = show_versions([result("3.13", ["RESUME 0", "RETURN_VALUE"]),
                           result("3.14", ["RESUME 0", "NOP", "RETURN_VALUE"]),
                           result("3.11", None, "not installed")])
    marks = [row[1] for row in table.rows]
    assert marks == ["", "*", ""]
    assert [row[4] for row in table.rows] == ["(not installed)", "", ""]
