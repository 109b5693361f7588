"""The Lib/test stage's harness (tools/vm_libtest.py): its comparison, its expected-failures
file, and one real module run in the VM and in CPython."""
from __future__ import annotations

import importlib.util
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import vm_libtest  # noqa: E402
import vm_libtest_classes  # noqa: E402


def run(outcomes, messages=None, status="ran"):
    return {"outcomes": outcomes, "messages": messages or {}, "status": status}


def test_a_unit_cpython_passes_and_the_vm_fails_is_vm_only():
    cpython = run({"test:test.test_x.A.test_a": "pass", "test:test.test_x.A.test_b": "pass",
                   "test:test.test_x.A.test_c": "fail", "doctest:test.test_x#0": "pass"})
    vm = run({"test:test.test_x.A.test_a": "pass", "test:test.test_x.A.test_b": "error",
              "test:test.test_x.A.test_c": "pass"},
             {"test:test.test_x.A.test_b": "TypeError: boom"})
    result = vm_libtest.compare("3.14", "test_x", cpython, vm)
    assert sorted(result["vm_only"]) == ["doctest:test.test_x#0", "test:test.test_x.A.test_b"]
    assert result["why"]["test:test.test_x.A.test_b"] == "TypeError: boom"
    assert "test:test.test_x.A.test_c" not in result["passing"]  # CPython fails it: not counted


def test_unlisted_failures_and_listed_passes_are_both_reported(capsys):
    results = {"test_x": {"passing": ["test:test.test_x.A.test_a", "test:test.test_x.A.test_b",
                                      "subtest:test.test_x.A.test_b (i=1)"],
                          "vm_only": ["test:test.test_x.A.test_b"],
                          "why": {"test:test.test_x.A.test_b": "AssertionError"}}}
    expected = {"test:test.test_x.A.test_a": {"why": "limit:frames", "versions": None},
                "test:test.test_x.A.test_z": {"why": "limit:frames", "versions": ["3.13"]}}
    unexpected, now_passing = vm_libtest.print_table("3.14", results, expected)
    assert unexpected == [("3.14", "test:test.test_x.A.test_b", "AssertionError")]
    assert now_passing == [("3.14", "test:test.test_x.A.test_a", "limit:frames")]
    line = capsys.readouterr().out
    assert "tests 1/2 (50.0%)" in line and "subtests 1/1 (100.0%)" in line


def test_a_listed_doctest_of_another_module_that_passes_is_reported():
    # test_typing runs typing's own doctests: their ids do not name the test module.
    results = {"test_typing": {"passing": ["doctest:typing.get_args#0", "doctest:typing.get_args#1"],
                               "vm_only": ["doctest:typing.get_args#1"],
                               "why": {"doctest:typing.get_args#1": "differs"}}}
    expected = {"doctest:typing.get_args#0": {"why": "bug:untriaged", "versions": ["3.11"]},
                "doctest:typing.get_args#1": {"why": "bug:untriaged", "versions": ["3.11"]}}
    unexpected, now_passing = vm_libtest.print_table("3.11", results, expected)
    assert unexpected == []
    assert now_passing == [("3.11", "doctest:typing.get_args#0", "bug:untriaged")]


def test_an_entry_for_other_versions_does_not_excuse_this_one():
    results = {"test_x": {"passing": ["test:test.test_x.A.test_a"], "vm_only": ["test:test.test_x.A.test_a"],
                          "why": {"test:test.test_x.A.test_a": "boom"}}}
    expected = {"test:test.test_x.A.test_a": {"why": "bug:calls", "versions": ["3.13"]}}
    unexpected, _ = vm_libtest.print_table("3.14", results, expected)
    assert [unit for _, unit, _ in unexpected] == ["test:test.test_x.A.test_a"]


def test_the_committed_file_names_a_known_class_for_every_entry():
    classes, entries = vm_libtest.load_expected()
    assert set(classes) <= set(vm_libtest_classes.CLASSES)
    assert entries, "the file lists the VM-only failures of the last full run"
    for unit, entry in entries.items():
        assert unit.split(":", 1)[0] in {"test", "subtest", "doctest", "module"}, unit
        assert entry["why"] in classes
        assert entry["versions"] is None or set(entry["versions"]) <= set(vm_libtest.VERSIONS)


def test_written_file_round_trips(tmp_path):
    comparisons = {"3.13": {"test_x": {"vm_only": ["test:test.test_x.A.test_a", 'subtest:test.test_x.A.t (s="\\\\")'],
                                       "why": {"test:test.test_x.A.test_a": "pickle.PicklingError: x",
                                               'subtest:test.test_x.A.t (s="\\\\")': "zzz"}}}}
    path = tmp_path / "expected.toml"
    vm_libtest_classes.write_expected(path, comparisons, {}, {})
    data = tomllib.loads(path.read_text())
    assert data["failures"]["test:test.test_x.A.test_a"] == {"why": "bug:pickling", "versions": ["3.13"]}
    assert data["failures"]['subtest:test.test_x.A.t (s="\\\\")']["why"] == "bug:untriaged"


@pytest.mark.skipif(importlib.util.find_spec("test.test_augassign") is None,
                    reason="this interpreter ships without CPython's Lib/test")
def test_a_real_module_runs_in_the_vm_and_in_cpython(tmp_path):
    results = {mode: vm_libtest.run_child("here", sys.executable, mode, "test_augassign", tmp_path, [])
               for mode in ("vm", "cpython")}
    assert all(r["status"] == "ran" for r in results.values()), results
    cpython_tests = {u for u, o in results["cpython"]["outcomes"].items() if o == "pass"}
    assert len(cpython_tests) >= 5 and all(u.startswith("test:test.test_augassign.") for u in cpython_tests)
    # The VM runs the module's own test bodies: the same ids come back, each with an outcome.
    assert set(results["vm"]["outcomes"]) == set(results["cpython"]["outcomes"])
