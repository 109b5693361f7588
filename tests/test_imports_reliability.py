"""Issue 22's import-lab reproducers: a traced import never breaks a later import, and the fresh
interpreters and temporary folders of experiments never outlive the reader's kernel."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest

from internals_lab.imports import run_fresh, trace_import


def _child(script: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(script)], capture_output=True, text=True,
                          timeout=timeout)


def test_tracing_numpy_leaves_it_importable():
    pytest.importorskip("numpy")
    # A fresh interpreter, so numpy is not imported yet (as in a new kernel).
    child = _child("""
        import sys
        from internals_lab.imports import trace_import
        trace = trace_import("numpy")
        assert trace.error is None, trace.error
        assert "numpy" in trace.kept and "numpy" in sys.modules
        import numpy
        print(int(numpy.arange(4).sum()))
    """)
    assert child.returncode == 0, child.stderr[-2000:]
    assert child.stdout.strip() == "6"


def test_a_pure_python_import_is_still_undone(tmp_path, monkeypatch):
    (tmp_path / "plain_mod_22.py").write_text("import json\nVALUE = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    trace = trace_import("plain_mod_22")
    assert trace.error is None and trace.kept == []
    assert "plain_mod_22" not in sys.modules


def test_an_experiment_that_runs_too_long_is_a_short_timeout_error():
    with pytest.raises(TimeoutError) as caught:
        run_fresh({}, "import time\ntime.sleep(30)\n", timeout=1)
    assert len(str(caught.value)) < 200 and "sys.path" not in str(caught.value)


def test_folders_left_by_a_dead_process_are_removed():
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(finished.stdout)
    stale = Path(tempfile.mkdtemp(prefix="imports-lab-"))
    (stale / "left.py").write_text("x = 1\n")
    Path(f"{stale}.pid").write_text(str(dead_pid))
    mine = Path(tempfile.mkdtemp(prefix="imports-lab-"))
    Path(f"{mine}.pid").write_text(str(os.getpid()))
    try:
        assert run_fresh({}, "print(sorted(__import__('os').listdir('.')))").stdout == "[]\n"
        assert not stale.exists() and not Path(f"{stale}.pid").exists()
        assert mine.exists()   # this process is alive: its folders are its own to remove
    finally:
        mine.rmdir()
        Path(f"{mine}.pid").unlink()


def test_an_experiment_leaves_no_folder_or_mark_behind(tmp_path, monkeypatch):
    # A temporary directory of this test's own: another test process running an experiment at
    # the same moment (xdist, a busy machine) must not look like a folder left behind.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    run_fresh({"m.py": "X = 1\n"}, "import m")
    assert list(tmp_path.iterdir()) == []


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie waiting for init to reap it is dead
        return "\nState:\tZ" not in Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_an_experiment_dies_with_the_kernel_that_started_it(tmp_path):
    pid_file = tmp_path / "experiment.pid"
    kernel = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        from internals_lab.imports import run_fresh
        run_fresh({{}}, "import os, time\\nopen({str(pid_file)!r}, 'w').write(str(os.getpid()))\\ntime.sleep(120)\\n",
                  timeout=300)
    """)])
    try:
        for _ in range(600):
            if pid_file.exists() and pid_file.read_text():
                break
            time.sleep(0.1)
        experiment = int(pid_file.read_text())
        kernel.send_signal(signal.SIGKILL)   # a kernel restart: no finally, no atexit
        kernel.wait()
        for _ in range(300):
            if not _alive(experiment):
                break
            time.sleep(0.1)
        else:
            os.kill(experiment, signal.SIGKILL)
            pytest.fail("the experiment outlived the kernel that started it")
    finally:
        kernel.kill()
