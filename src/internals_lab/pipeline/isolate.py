"""Run risky native code (libcst's parser, a compiler with a known crash) in a child process.

Design: a crash in C or Rust code (a segfault, a stack overflow, an abort on a failed
allocation) cannot be caught in-process: it takes the reader's kernel down. `run_isolated_script`
runs a standalone script with the same interpreter in a new session, feeds it the input on
stdin, bounds its wall time and its address space, and reports how it ended as a `ChildResult`
(`crashed` names the signal when one killed it). The child asks the kernel to kill it when its
parent dies (`PR_SET_PDEATHSIG` on Linux), so a restarted kernel leaves no orphan behind; on a
timeout the whole process group is killed.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import dataclass

__all__ = ["ChildResult", "run_isolated_script", "DIE_WITH_PARENT", "kill_group"]

# Python code a child runs first: die with the parent (Linux), bound the address space.
DIE_WITH_PARENT = """
import os, sys
def _die_with_parent(parent, memory):
    try:
        import ctypes, signal
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: the kernel kills us when the parent exits
    except Exception:
        pass  # not Linux: the parent's timeout still bounds us
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(70)
    if memory:
        try:
            import resource
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        except (ImportError, ValueError, OSError):
            pass
_die_with_parent(int(os.environ["INTERNALS_LAB_PARENT"]), int(os.environ.get("INTERNALS_LAB_MEMORY", "0")))
"""


@dataclass(frozen=True)
class ChildResult:
    returncode: int | None   # None: killed at the timeout
    stdout: bytes
    stderr: bytes

    @property
    def timed_out(self) -> bool:
        return self.returncode is None

    @property
    def crashed(self) -> str | None:
        """The signal's name (SIGSEGV, SIGABRT, ...) when a signal ended the child."""
        if self.returncode is not None and self.returncode < 0:
            try:
                return signal.Signals(-self.returncode).name
            except ValueError:
                return f"signal {-self.returncode}"
        return None


def run_isolated_script(script: str, data: bytes, *, timeout: float, memory: int = 0,
                        flags: tuple[str, ...] = ("-I",), args: tuple[str, ...] = ()) -> ChildResult:
    """Run `script` (Python source, which should start with DIE_WITH_PARENT) in a child interpreter."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env.update(INTERNALS_LAB_PARENT=str(os.getpid()), INTERNALS_LAB_MEMORY=str(memory), PYTHONHASHSEED="0")
    proc = subprocess.Popen([sys.executable, *flags, "-c", script, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, start_new_session=True)
    try:
        out, err = proc.communicate(data, timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        out, err = proc.communicate()
        return ChildResult(None, out, err)
    except BaseException:  # KeyboardInterrupt in the parent: the child must not outlive this call
        _kill_group(proc)
        proc.wait()
        raise
    return ChildResult(proc.returncode, out, err)


def kill_group(proc: subprocess.Popen) -> None:
    """Kill a child started with start_new_session=True, and everything it started."""
    _kill_group(proc)


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, AttributeError):
        proc.kill()
