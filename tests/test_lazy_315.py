"""internals_lab.imports.lazy against a real CPython 3.15 (skipped when this machine has none)."""
import subprocess

import pytest

from internals_lab import interpreters
from internals_lab.imports import lazy

PY315 = interpreters.find("3.15")
needs_315 = pytest.mark.skipif(PY315 is None, reason="no CPython 3.15 here: " + interpreters.how_to_get("3.15"))


def _real(code):
    """Ask 3.15 directly, without the module under test."""
    done = subprocess.run([PY315.executable, "-S", "-E", "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_missing_315_gives_none(monkeypatch):
    monkeypatch.setattr(lazy, "python_315", lambda: None)
    assert lazy.run_315("print(1)") is None
    assert lazy.compare_startup(repeats=3) is None


def test_sources_differ_only_by_the_keyword():
    eager, lazy_source = lazy.startup_sources(["json", "email.message"])
    assert lazy_source.replace("lazy import", "import") == eager


@needs_315
def test_run_315_runs_in_315():
    done = lazy.run_315("import sys; print(sys.version_info[:2])")
    assert done.returncode == 0
    assert done.stdout.strip() == _real("import sys; print(sys.version_info[:2])") == "(3, 15)"


@needs_315
def test_lazy_import_leaves_sys_modules_alone_until_first_use():
    code = "import sys\nlazy import json\nprint('json' in sys.modules)\njson.dumps(1)\nprint('json' in sys.modules)"
    assert _real(code).split() == ["False", "True"]
    assert lazy.run_315(code).stdout.split() == ["False", "True"]


@needs_315
def test_compare_startup_counts_match_cpython():
    modules = ("json", "decimal")
    result = lazy.compare_startup(modules, repeats=3, warmup=0)
    eager_count = int(_real("import json\nimport decimal\nimport sys\nprint(len(sys.modules))"))
    lazy_count = int(_real("lazy import json\nlazy import decimal\nimport sys\nprint(len(sys.modules))"))
    assert (result.eager_loaded, result.lazy_loaded) == (eager_count, lazy_count)
    assert lazy_count < eager_count
    assert len(result.eager_seconds) == len(result.lazy_seconds) == 3
    assert result.ratio == pytest.approx(result.lazy_median / result.eager_median)


def test_compare_startup_rejects_too_few_repeats():
    with pytest.raises(ValueError):
        lazy.compare_startup(repeats=2)
