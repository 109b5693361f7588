"""The stored opcode coverage report is what the corpus really executes on this interpreter."""
from __future__ import annotations

import dis
import pathlib
import sys

import pytest

from internals_lab.vm.coverage import comparison, comparison_table, measure, stored_report

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")

CORPUS = pathlib.Path(__file__).parent / "vm_corpus"
# Every opcode the compiler can emit has a handler.
ASYNC_ONLY: set[str] = set()


@pytest.fixture(scope="module")
def fresh():
    return measure(CORPUS)


def test_stored_report_matches_a_fresh_measurement(fresh):
    # Statuses must agree exactly; the counts may drift by a few with garbage-collection timing
    # (a generator finalized inside or outside the measurement), so only their keys are compared.
    stored = stored_report()
    hint = "regenerate: python -m internals_lab.vm.coverage tests/vm_corpus --write"
    assert stored.status == fresh.status, hint
    assert set(stored.executed) == set(fresh.executed), hint
    assert stored.snippets == fresh.snippets, hint


def test_report_covers_every_name_in_opmap(fresh):
    assert set(fresh.status) == set(dis.opmap)


def test_no_compiled_opcode_lacks_a_handler(fresh):
    assert set(fresh.names_with("missing")) <= ASYNC_ONLY


def test_corpus_reaches_the_core_instructions(fresh):
    core = {"LOAD_FAST", "STORE_FAST", "LOAD_GLOBAL", "BINARY_OP", "COMPARE_OP", "CALL",
            "FOR_ITER", "YIELD_VALUE", "SEND", "PUSH_EXC_INFO", "RERAISE", "CHECK_EXC_MATCH",
            "MATCH_CLASS", "MATCH_KEYS", "UNPACK_EX", "BUILD_MAP", "IMPORT_NAME", "IMPORT_FROM",
            "LOAD_BUILD_CLASS", "MAKE_CELL", "LOAD_DEREF", "RAISE_VARARGS",
            "WITH_EXCEPT_START", "CALL_FUNCTION_EX", "DICT_MERGE"}
    if sys.version_info >= (3, 14):
        # 3.14's new instructions, each reached by the corpus (so compared against CPython).
        core |= {"LOAD_SMALL_INT", "LOAD_FAST_BORROW", "LOAD_FAST_BORROW_LOAD_FAST_BORROW",
                 "LOAD_COMMON_CONSTANT", "LOAD_SPECIAL", "NOT_TAKEN", "POP_ITER",
                 "BUILD_TEMPLATE", "BUILD_INTERPOLATION", "SET_FUNCTION_ATTRIBUTE"}
    else:
        core |= {"BEFORE_WITH"}  # 3.14 replaced it with LOAD_SPECIAL
    assert core <= set(fresh.executed)


def test_comparison_shows_what_314_added_and_removed():
    rows = {r["opname"]: r for r in comparison(("3.13", "3.14"))}
    assert rows["LOAD_SMALL_INT"]["3.13"] is None and rows["LOAD_SMALL_INT"]["3.14"] == "executed"
    assert rows["LOAD_SPECIAL"]["3.14"] == "executed"
    assert rows["BEFORE_WITH"]["3.13"] == "executed" and rows["BEFORE_WITH"]["3.14"] is None
    assert rows["BINARY_SUBSCR"]["3.14"] is None


def test_comparison_lists_version_specific_opcodes():
    rows = {r["opname"]: r for r in comparison()}
    assert rows["PRECALL"]["3.11"] == "executed" and rows["PRECALL"]["3.13"] is None
    assert rows["CALL_KW"]["3.13"] == "executed" and rows["CALL_KW"]["3.12"] is None
    assert rows["TO_BOOL"]["3.12"] is None and rows["TO_BOOL"]["3.13 count"] > 0
    table = str(comparison_table())
    assert "KW_NAMES" in table and "–" in table


def test_comparison_has_a_column_per_version_up_to_315():
    rows = {r["opname"]: r for r in comparison()}
    assert {"3.11", "3.12", "3.13", "3.14", "3.15"} <= set(rows["CALL"])
    # 3.15 compiles `yield from` without GET_YIELD_FROM_ITER (the stored reports say so; the
    # test above checks each report against a fresh measurement on its own interpreter).
    assert rows["GET_YIELD_FROM_ITER"]["3.14"] == "executed" and rows["GET_YIELD_FROM_ITER"]["3.15"] is None
    assert rows["LOAD_SMALL_INT"]["3.15"] == "executed"
    header = next(line for line in str(comparison_table()).splitlines() if line.startswith("opcode"))
    assert header.split()[-2:] == ["3.14", "3.15"]
