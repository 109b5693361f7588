"""One CPython `Lib/test` module, run once, in the teaching VM or in plain CPython (a child of
tools/vm_libtest.py; one process per module and mode, so a crash or hang costs one module).

    python tools/vm_libtest_child.py vm|cpython test_grammar OUT.json

In `vm` mode the module's source runs in the VM into a real module object `test.test_x`
(made from the import system's own spec and registered in `sys.modules`), so `__name__`,
`__file__`, pickling by reference and relative imports behave as in an import. Its TestCases
are then run by unittest in CPython, which calls the module's functions: those are VM
functions, so every test body runs in the VM. Doctest examples run in the VM too (doctest's
`exec` is replaced by the VM's). In `cpython` mode the module is imported normally.

Every test, subtest and doctest example gets one outcome, written as JSON to OUT.json:
{"kind:id": "pass" | "fail" | "error" | "skip" | "xfail" | "xpass", ...}, plus the first line
of each failure's message (what the expected-failures file is reviewed against).
"""
from __future__ import annotations

import doctest
import importlib
import importlib.util
import io
import json
import os
import random
import re
import signal
import sys
import time
import unittest

# One test that loops forever must not cost the whole module: it fails alone, as a timeout.
TEST_TIMEOUT = float(os.environ.get("VM_LIBTEST_TEST_TIMEOUT", "120"))
VERBOSE = bool(os.environ.get("VM_LIBTEST_VERBOSE"))
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+|0x[0-9a-fA-F]{6,}")


def _stable(text: str) -> str:
    """Test ids must match between two processes: drop object addresses from subtest params."""
    return _ADDRESS.sub(" at 0x?", text)


class TestTimeout(BaseException):
    """A BaseException, so that the program's own `except Exception` does not swallow it."""


def _on_alarm(signum, frame):
    raise TestTimeout(f"test timed out after {TEST_TIMEOUT:.0f} s")


class Recorder(unittest.TestResult):
    """Records one outcome per test id (and per subtest), with the failure's last line."""

    def __init__(self):
        super().__init__()
        self.outcomes: dict[str, str] = {}
        self.messages: dict[str, str] = {}

    def _put(self, key: str, outcome: str, err=None) -> None:
        # A repeated id (a subtest in a loop without parameters) keeps its worst outcome.
        if self.outcomes.get(key) in ("fail", "error"):
            return
        self.outcomes[key] = outcome
        if err is not None:
            self.messages[key] = _summary(err)

    @staticmethod
    def _key(test) -> str:
        parent = getattr(test, "test_case", None)
        if isinstance(parent, doctest.DocTestCase):
            # 3.15's DocTestCase reports each example as a subtest named by its number.
            return f"doctest:{parent._dt_test.name}#{test._message}"
        if isinstance(test, doctest.DocTestCase):
            return "doctest-case:" + test.id()
        if isinstance(test, unittest.TestCase):
            return "test:" + _stable(test.id())
        return "fixture:" + _stable(str(test))  # setUpClass/setUpModule errors (_ErrorHolder)

    def startTest(self, test):
        super().startTest(test)
        # Tests that draw random parameters (test_dict's fuzzers) name their subtests by them:
        # the same seed in both processes gives both runs the same subtest ids.
        random.seed(0)
        # Again every 5 s after the first: a loop that catches even BaseException is hit again.
        signal.setitimer(signal.ITIMER_REAL, TEST_TIMEOUT, 5)
        if VERBOSE:  # which test hangs, when a module times out
            print(f"{time.perf_counter():.1f} {test.id()}", file=sys.__stderr__, flush=True)

    def stopTest(self, test):
        signal.setitimer(signal.ITIMER_REAL, 0)
        super().stopTest(test)

    def addSuccess(self, test):
        self._put(self._key(test), "pass")

    def addFailure(self, test, err):
        self._put(self._key(test), "fail", err)

    def addError(self, test, err):
        self._put(self._key(test), "error", err)

    def addSkip(self, test, reason):
        self._put(self._key(test), "skip")

    def addExpectedFailure(self, test, err):
        self._put(self._key(test), "xfail")

    def addUnexpectedSuccess(self, test):
        self._put(self._key(test), "xpass")

    def addSubTest(self, test, subtest, err):
        if isinstance(test, doctest.DocTestCase):
            key = self._key(subtest)
            self._put(key, "pass" if err is None else "fail", err)
            return
        key = "subtest:" + _stable(subtest.id())
        if err is None:
            self._put(key, "pass")
        else:
            failed = issubclass(err[0], test.failureException)
            self._put(key, "fail" if failed else "error", err)
            # unittest reports nothing more for the enclosing test (no addSuccess): record it
            # as failed, so that it is not missing from the count.
            self._put(self._key(test), "fail" if failed else "error", err)


def _summary(err) -> str:
    """The exception's type and the first line of its message (never raises: a test may have
    broken linecache or traceback, so nothing of those is used)."""
    exc_type, exc, _ = err
    try:
        text = str(exc)
    except Exception:
        text = "<str() failed>"
    first = next((line for line in text.splitlines() if line.strip()), "")
    name = getattr(exc_type, "__module__", "") + "." + exc_type.__qualname__
    name = name.removeprefix("builtins.")
    return _stable(f"{name}: {first}" if first else name)[:300]


def _record_doctest_examples(recorder: Recorder) -> None:
    """Count doctest examples one by one: each example's success or failure is an outcome."""
    runner = doctest.DocTestRunner
    original_init = runner.__init__

    def init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        # Every example reports, not only the first failing one.
        self.optionflags &= ~(doctest.REPORT_ONLY_FIRST_FAILURE | getattr(doctest, "FAIL_FAST", 0))

    def key(test, example):
        index = next(i for i, e in enumerate(test.examples) if e is example)
        return f"doctest:{test.name}#{index}"

    def success(self, out, test, example, got):
        recorder._put(key(test, example), "pass")

    def failure(self, out, test, example, got):
        recorder._put(key(test, example), "fail")
        recorder.messages[key(test, example)] = _stable(f"doctest output differs: {got.strip()[-200:]!r}")

    def exception(self, out, test, example, exc_info):
        recorder._put(key(test, example), "error", exc_info)

    runner.__init__ = init
    runner.report_success = success
    runner.report_failure = failure
    runner.report_unexpected_exception = exception


def _run_in_vm(name: str):
    from internals_lab.vm import VirtualMachine

    spec = importlib.util.find_spec(name)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    source = spec.loader.get_source(name)
    # dont_inherit: this file's future flags must not reach the module.
    code = compile(source, spec.origin, "exec", dont_inherit=True)
    VirtualMachine().run_code(code, module.__dict__)

    # doctest.DocTestSuite() without a module finds its caller's module with sys._getframe,
    # which sees the VM's own frames (a documented limit): the caller is this module.
    normalize = doctest._normalize_module
    doctest._normalize_module = lambda m, *rest: normalize(module if m is None else m, *rest)

    def vm_exec(code, globals_=None, locals_=None):
        # doctest runs each example with exec(compile(..., "single"), globs): run it in the VM.
        return VirtualMachine().run_code(code, globals_, locals_)
    doctest.exec = vm_exec
    return module


def _leave_out(suite, ids: set[str]) -> None:
    """Tests that hang the VM past any timeout (listed `not_run` in the expected-failures
    file) fail at once instead of running."""
    for test in suite:
        if isinstance(test, unittest.TestSuite):
            _leave_out(test, ids)
        elif isinstance(test, unittest.TestCase) and test.id() in ids:
            def not_run():
                raise TestTimeout("not run: it hangs the VM (listed not_run in expected_failures.toml)")
            setattr(test, test._testMethodName, not_run)


def main() -> int:
    mode, name, out_path = sys.argv[1], sys.argv[2], sys.argv[3]
    qualified = f"test.{name}"
    recorder = Recorder()
    signal.signal(signal.SIGALRM, _on_alarm)
    _record_doctest_examples(recorder)
    start = time.perf_counter()
    status = "ran"
    # Tests print (and some write to stderr on purpose): keep them out of the harness's report.
    real_stdout, real_stderr = sys.stdout, sys.stderr
    sys.stdout = sys.stderr = io.StringIO()
    try:
        if mode == "vm":
            from internals_lab.vm.interpreter import VirtualMachine, recursion_room
            room = recursion_room(VirtualMachine())
        else:
            import contextlib
            room = contextlib.nullcontext()
        with room:  # the VM's functions, called by unittest, need the same Python stack room
            try:
                module = _run_in_vm(qualified) if mode == "vm" else importlib.import_module(qualified)
            except unittest.SkipTest as exc:
                status = f"module skipped: {exc}"
                module = None
            except BaseException as exc:  # the module does not even import: one outcome for it
                recorder._put(f"module:{name}", "error", (type(exc), exc, exc.__traceback__))
                status = "import failed"
                module = None
            if module is not None:
                suite = unittest.TestLoader().loadTestsFromModule(module)
                if mode == "vm":
                    _leave_out(suite, set(filter(None, os.environ.get("VM_LIBTEST_NOT_RUN", "").split(","))))
                suite.run(recorder)
    finally:
        sys.stdout, sys.stderr = real_stdout, real_stderr
    for key, outcome in list(recorder.outcomes.items()):
        if key.startswith("doctest-case:"):
            del recorder.outcomes[key]  # its examples are counted one by one instead
    with open(out_path, "w", encoding="utf-8") as out:
        json.dump({"module": name, "mode": mode, "status": status,
                   "seconds": round(time.perf_counter() - start, 2),
                   "outcomes": recorder.outcomes, "messages": recorder.messages}, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
