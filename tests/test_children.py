"""Child processes die with their parent, and timeouts read as messages (internals_lab.children).

Each test starts a real parent process that starts a lab child through one entry point
(profile_vm, run_fresh, trace_fresh, the GIL lab's remote call), SIGKILLs the parent the way a
kernel restart does, and polls until the child is gone. No assertion is about how fast: the
waits are generous bounds, and on a busy machine the polls simply take more turns.
"""
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from internals_lab.children import ChildTimeout, dies_with_parent, run_child

SRC = str(Path(__file__).resolve().parents[1] / "src")

pytestmark = pytest.mark.skipif(not dies_with_parent(), reason="PR_SET_PDEATHSIG is Linux only")

# Each starts a child that would sleep for ten minutes.
ENTRY_POINTS = {
    "profile_vm": "from internals_lab.evalloop import profile_vm\n"
                  "profile_vm('import time\\ntime.sleep(600)\\n', timeout=900)",
    "run_fresh": "from internals_lab.imports.sandbox import run_fresh\n"
                 "run_fresh({}, 'import time; time.sleep(600)', timeout=900)",
    "trace_fresh": "from internals_lab.imports.sandbox import trace_fresh\n"
                   "trace_fresh({}, 'import time; time.sleep(600)', timeout=900)",
    "gil_remote": "import sys\nfrom internals_lab.gil import remote\n"
                  "remote.call(sys.executable, 'workloads.sleep_io', timeout=900, units=600_000)",
    "run_processes": "from internals_lab.gil.workers import run_processes\n"
                     "from internals_lab.gil.workloads import sleep_io\n"
                     "run_processes(sleep_io, [(600_000,)], start_method='fork', timeout=900)",
    "run_child": "import sys\nfrom internals_lab.children import run_child\n"
                 "run_child([sys.executable, '-c', 'import time; time.sleep(600)'], timeout=900)",
}


def _processes():
    """{pid: (parent pid, state letter)} of every process, read from /proc."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path("/proc", entry, "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()  # the name may hold spaces and parentheses
        found[int(entry)] = (int(fields[1]), fields[0])
    return found


def _alive(pid: int) -> bool:
    info = _processes().get(pid)
    return info is not None and info[1] not in ("Z", "X")  # a zombie is dead, only not yet reaped


def _wait_for(predicate, bound: float, what: str):
    deadline = time.monotonic() + bound
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"{what} (waited {bound:g} s)")
        time.sleep(0.05)


@pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
def test_the_child_dies_when_its_parent_is_killed(entry):
    env = dict(os.environ, PYTHONPATH=SRC, PYTHONHASHSEED="0")
    parent = subprocess.Popen([sys.executable, "-c", ENTRY_POINTS[entry]], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        def child_started():
            return [pid for pid, (ppid, state) in _processes().items() if ppid == parent.pid and state != "Z"]

        children = _wait_for(child_started, 120, f"{entry}: the parent never started a child")
        assert parent.poll() is None, "the parent must still be waiting for its child"
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait()
        _wait_for(lambda: not any(_alive(pid) for pid in children), 60,
                  f"{entry}: child {children} outlived its killed parent")
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()


def test_a_child_whose_parent_is_already_gone_exits_before_it_runs(monkeypatch):
    """The race a busy machine hit: the parent is killed between fork and prctl, so the death
    signal is never sent. The child must notice that its parent is not the one that started it."""
    import internals_lab.children as children

    with monkeypatch.context() as patch:
        patch.setattr(children.os, "getpid", lambda: 1)   # as if started by a process now gone
        preexec = children.die_with_parent_preexec()
    done = subprocess.run([sys.executable, "-c", "print('the orphan ran')"], preexec_fn=preexec,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "the orphan ran" not in done.stdout


def test_every_lab_child_uses_the_check_for_a_parent_already_gone():
    import internals_lab.children as children
    from internals_lab.imports import sandbox

    assert sandbox.die_with_parent_preexec is children.die_with_parent_preexec


def test_a_timeout_is_a_message_without_the_script():
    script = "import time\n# " + "a long bootstrap script " * 40 + "\ntime.sleep(600)\n"
    with pytest.raises(ChildTimeout) as caught:
        run_child([sys.executable, "-c", script], timeout=0.5, what="the sleeper")
    message = str(caught.value)
    assert message.startswith("the sleeper did not finish within 0.5 s")
    assert "timeout=" in message and "bootstrap" not in message
    assert isinstance(caught.value, TimeoutError)


def test_run_child_returns_what_subprocess_run_returns():
    done = run_child([sys.executable, "-c", "import os; print(os.getppid())"], timeout=120,
                     capture_output=True, text=True)
    assert done.returncode == 0 and int(done.stdout) == os.getpid()


def test_run_fresh_and_trace_fresh_timeouts_are_messages():
    from internals_lab.imports.sandbox import run_fresh, trace_fresh

    for call in (lambda: run_fresh({}, "while True: pass", timeout=0.5),
                 lambda: trace_fresh({}, "while True: pass", timeout=0.5)):
        with pytest.raises(TimeoutError, match="did not finish within 0.5 s") as caught:
            call()
        assert "ImportTracer" not in str(caught.value) and "_internals_lab" not in str(caught.value)
