"""The classes of VM-only failures in CPython's own tests, and the writer of the expected-failures
file (tools/vm_libtest.py --write-expected).

A class is either a documented limit of the teaching VM (`limit:...`, listed in the docstring of
src/internals_lab/vm/__init__.py) or a known bug of issue 16, section 4 (`bug:...`), which the
issue requires to be fixed. A newly found failure is first given a class by the rules below
(by its test id and message), then reviewed: the file is committed, and a reviewer's class for
an entry is kept when the file is rewritten. `bug:untriaged` marks what nobody has looked at.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

VERSIONS = ("3.11", "3.12", "3.13", "3.14", "3.15")

CLASSES = {
    "limit:frames": "VM frames are not Python frames: sys._getframe, inspect, f_locals, gi_frame/cr_frame see VM internals",
    "limit:tracing": "sys.settrace and sys.monitoring see the VM's own Python code, not the program's lines",
    "limit:tracebacks": "an exception's __traceback__ lists VM internals (vm_traceback gives the program's lines)",
    "limit:warnings": "a warning raised by an operation is attributed to the VM's source line, not the program's",
    "limit:native-types": "functions, generators and coroutines are VM classes, not types.FunctionType etc.",
    "limit:c-recursion": "recursion in C code (repr of nested containers, ExceptionGroup.split, a C lru_cache around a VM function) meets its limit at another depth: a VM call is several Python frames and one more C call",
    "limit:imports-in-cpython": "imported modules run in CPython, not in the VM",
    "limit:annotationlib": "annotationlib's STRING/FORWARDREF formats rebuild __annotate__ as a real function",
    "limit:lazy-import": "3.15's lazy import (PEP 810) raises UnimplementedOpcode",
    "limit:speed": "the VM is ~30-100x slower: a test that measures time or loops a million times fails",
    "limit:refcounts": "sys.getrefcount counts the VM's own references (its locals and value stacks are Python lists)",
    "limit:async-exceptions": "an asynchronous exception (KeyboardInterrupt) is raised wherever CPython checks inside the VM's code",
    "bug:pickling": "issue 16 §4: VMFunction cannot be pickled by reference (module + qualname)",
    "bug:generators": "issue 16 §4: generator/coroutine/async-generator protocol, attributes and messages",
    "bug:keyword-collision": "issue 16 §4: keywords named self/name/func collide with the VM's own parameters",
    "bug:lifetime": "issue 16 §4: the VM keeps exceptions, frames' locals or yielded values alive",
    "bug:function-attributes": "issue 16 §4: VMFunction attributes (__code__ assignment, read-only/typed ones)",
    "bug:calls": "issue 16 §4: calls (non-str keyword names, error messages, 3.13 suggestions)",
    "bug:context": "issue 16 §4: __context__ set again while an exception passes VM frames",
    "bug:exec-eval": "issue 16 §4: exec/eval/dir called by VM code (closure=, free variables, mapping locals)",
    "bug:recursion": "issue 16 §4: recursion limit and room for VM calls",
    "bug:build-class": "issue 16 §4: build_class checks (__prepare__ result, __classcell__) and messages",
    "bug:smaller": "issue 16 §4: LOAD_GLOBAL on dict subclasses, raise-from checks, super(), comprehension locals",
    "bug:untriaged": "not yet reviewed: a VM-only failure whose cause nobody has looked at",
}

# (class, pattern over "unit id | failure message"), first match wins. A first guess only.
RULES = [
    # test.support.thread_unsafe, used bare, checks isinstance(f, types.FunctionType): for a
    # VMFunction it returns its inner decorator, which becomes the test and runs nothing, so
    # the test "passes" and its subtests never run (test_descr's PicklingTests, 3.14+).
    ("limit:native-types", r"test_descr\.PicklingTests\..*not reached in the VM; its test: pass"),
    # Other subtests the VM never reaches although their test passes: cause not yet found.
    ("bug:untriaged", r"not reached in the VM; its test: pass"),
    # Reviewed groups (issue 16's list of causes), by test id first.
    # annotationlib's STRING format rebuilds an evaluate function from its code: for the VM's
    # lazy PEP 695 statement that code calls the VM's helper (`__vm_value()`), not the source.
    ("limit:annotationlib", r"TestEvaluateFunctions|__vm_(value|bound|default|constraints)\(\)"),
    # type(obj) names the VM class (its __class__ answers isinstance checks, type() does not
    # lie); C code that needs the real type (_testcapi, a deallocator's repr) refuses it.
    ("limit:native-types", r"<class 'internals_lab\.vm\.functions\.VM\w+'>|argument 1 must be generator|calling deallocator"),
    # The stack a generator's frame sees, its frame's class, the module type() or NewType
    # finds through sys._getframe: VM internals.
    ("limit:frames", r"internals_lab\.vm\.(ops_calls|frame\.Frame)|'_call', 'op_CALL'"),
    ("bug:context", r"context_chain_cycle|explicit_none_context|exit_exception_chaining|exception_with_existing_context"),
    ("bug:lifetime", r"ref_counting|free_after_iterating|CellLeak|memory_error_cleanup|_gced|ExceptionCleanupState|test_3114|missing_exceptions_reset|weakref|__del__"),
    ("limit:tracebacks", r"exception_locations|testExceptionLocation"),
    ("limit:tracing", r"(?i)TestTracing|settrace|monitoring"),
    ("bug:smaller", r"iter_var_available_in_locals|super\(type, obj\)|test_reduce_mutating_builtins"),
    ("bug:exec-eval", r"EvalExecFreeVars"),
    # C code that accepts only real functions (PyFunction_Check / types.FunctionType).
    ("limit:native-types", r"expected a function, exception type|whatevers|test_function_repr_union|__no_type_check__"),
    # typing.NewType/TypeVar/namedtuple find their module with sys._getframe: they see the VM.
    ("limit:frames", r"internals_lab\.vm\.interpreter|'Frame' object|\+ test\.test_|\+ typing\.|f_back"),
    ("bug:keyword-collision", r"build_class\(\) got multiple values|__call__\(\) got multiple values"),
    # test_lru_reentrancy_with_len replaces builtins.len; the VM's own code then uses it, and
    # every later test of the module fails the same way (one root cause).
    ("bug:smaller", r"test\.test_functools\..*unhashable type"),
    ("limit:tracebacks", r"test\.test_with\..*testExceptionLocation|test_contextmanager_traceback|exception_traceback"),
    ("bug:generators", r"_CoroutineWrapper|coroutine|Coroutine|asyncgen|async_gen|generator"),
    ("bug:pickling", r"pickl|Can't (get|pickle) (local )?(attribute|object)|copyreg"),
    ("bug:keyword-collision", r"multiple values for (keyword )?argument '(self|name|func)'"),
    ("bug:generators", r"VM(Generator|Coroutine|AsyncGenerator)|gi_|cr_|ag_|never awaited|\bawait\b|athrow|aclose"),
    ("limit:tracing", r"settrace|monitoring|trace"),
    ("limit:frames", r"frame|_getframe|f_locals|f_back|f_lineno|currentframe|stack\b"),
    ("limit:tracebacks", r"traceback|tb_|lineno|line \d+"),
    ("limit:warnings", r"[Ww]arning|warn"),
    ("bug:lifetime", r"weakref|__del__|gc\b|refcount|finaliz|collect"),
    ("bug:function-attributes", r"__code__|__defaults__|__kwdefaults__|__globals__|__closure__|readonly|read-only"),
    ("bug:recursion", r"[Rr]ecursion"),
    ("bug:build-class", r"__classcell__|__prepare__|metaclass"),
    ("bug:context", r"__context__"),
    ("bug:exec-eval", r"\bexec\b|\beval\b|closure="),
    ("limit:native-types", r"VMFunction|internals_lab|function object|FunctionType"),
    ("bug:calls", r"keywords must be strings|positional argument|keyword argument|Did you mean"),
    ("limit:speed", r"timeout|timed out"),
]


def classify(unit: str, message: str) -> str:
    text = f"{unit} | {message}"
    for name, pattern in RULES:
        if re.search(pattern, text):
            return name
    return "bug:untriaged"


def write_expected(path: Path, comparisons: dict[str, dict[str, dict]], classes: dict, old: dict) -> None:
    """Rewrite `path` from this run's VM-only failures, keeping reviewed classes of old entries
    and old entries of versions (or modules) this run did not cover."""
    covered = {(version, module) for version, results in comparisons.items() for module in results}
    entries: dict[str, dict] = {}
    for unit, entry in old.items():
        module = _module_of(unit)
        versions = {v for v in (entry["versions"] or VERSIONS) if (v, module) not in covered}
        if versions:
            entries[unit] = {"why": entry["why"], "versions": versions, "not_run": entry.get("not_run")}
    for version, results in comparisons.items():
        for module, cmp in results.items():
            for unit in cmp["vm_only"]:
                known = old.get(unit, {}).get("why")
                why = known if known and known != "bug:untriaged" else classify(unit, cmp["why"][unit])
                entry = entries.setdefault(unit, {"why": why, "versions": set(),
                                                  "not_run": old.get(unit, {}).get("not_run")})
                entry["versions"].add(version)
    lines = [
        "# VM-only failures in CPython's own tests (tools/vm_libtest.py). Each entry: a unit id",
        "# (test:, subtest:, doctest: example, module: when the module does not run) and its class",
        "# from [classes]; a table adds the versions it fails on (else: every version), and",
        "# not_run = true for a test that hangs the VM: it fails at once instead of running.",
        "# Issue 16 is done when no bug: entry remains. Rewrite with --write-expected, then review.",
        "",
        "[classes]",
    ]
    lines += [f"{json.dumps(name)} = {json.dumps(text)}" for name, text in CLASSES.items()]
    lines += ["", "[failures]"]
    for unit in sorted(entries, key=lambda u: (entries[u]["why"], u)):
        entry = entries[unit]
        key = json.dumps(unit)
        fields = [f"why = {json.dumps(entry['why'])}"]
        if not set(entry["versions"]) >= set(VERSIONS):
            fields.append("versions = [" + ", ".join(json.dumps(v) for v in sorted(entry["versions"])) + "]")
        if entry.get("not_run"):
            fields.append("not_run = true")
        lines.append(f"{key} = " + (fields[0][6:] if len(fields) == 1 else "{" + ", ".join(fields) + "}"))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")


def _module_of(unit: str) -> str:
    name = unit.split(":", 1)[1]
    if unit.startswith("module:"):
        return name
    return name.split(".")[1] if name.startswith("test.") else name
