"""interpreter_facts() against what the running interpreter says through other routes."""
import platform
import subprocess
import sys
import sysconfig

from internals_lab import interpreter_facts
from internals_lab.interpreter import IMPLEMENTATIONS


def test_version_matches_the_running_interpreter():
    facts = interpreter_facts()
    assert facts.version_info == tuple(sys.version_info[:3])
    assert facts.version.startswith(f"{sys.version_info.major}.{sys.version_info.minor}.")
    assert facts.implementation == sys.implementation.name


def test_cache_tag_names_the_bytecode_cache_files():
    import importlib.util

    facts = interpreter_facts()
    pyc = importlib.util.cache_from_source("/somewhere/module.py")
    assert f"module.{facts.cache_tag}.pyc" in pyc


def test_build_follows_py_gil_disabled():
    facts = interpreter_facts()
    assert facts.free_threaded_build == bool(sysconfig.get_config_var("Py_GIL_DISABLED"))
    if not facts.free_threaded_build:
        assert facts.gil_enabled
        assert "GIL" in facts.build


def test_gil_state_agrees_with_a_fresh_process():
    # A child process of the same interpreter reports the same build.
    code = "import sysconfig; print(bool(sysconfig.get_config_var('Py_GIL_DISABLED')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == str(interpreter_facts().free_threaded_build)


def test_jit_is_never_enabled_without_being_built():
    facts = interpreter_facts()
    assert facts.jit_built or facts.jit_enabled is False


def test_rows_cover_every_fact_once():
    facts = interpreter_facts()
    names = [name for name, _ in facts.as_rows()]
    assert len(names) == len(set(names))
    assert {"version", "build", "cache_tag", "gil_enabled", "jit_built"} <= set(names)
    assert dict(facts.as_rows())["machine"] == platform.machine()


def test_implementations_table_is_well_formed():
    names = [i.name for i in IMPLEMENTATIONS]
    assert "CPython" in names and len(names) == len(set(names))
    assert all(i.written_in and i.runs_code_by and i.where for i in IMPLEMENTATIONS)
