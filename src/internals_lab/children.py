"""Child processes that die with their parent, and timeouts that read as messages.

Design: every process the labs start goes through `run_child` (a `subprocess.run` with the
same arguments). On Linux the child asks the kernel, between fork and exec, to send it
SIGKILL when its parent dies (`prctl(PR_SET_PDEATHSIG)`, see prctl(2)), so a restarted or
killed notebook kernel leaves no measurement or compiler running: the timeout that would have
stopped it lived in the dead parent. If the parent died before the child could ask, the child
notices its parent id changed and exits at once. Elsewhere (macOS, Windows) the child is left
to its own timeout, and `dies_with_parent()` says so.

A run that overstays its timeout is killed and reported as `ChildTimeout` (a TimeoutError)
naming what ran, never a raw `TimeoutExpired` carrying the whole bootstrap script.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import subprocess
import sys
from typing import Any, Optional, Sequence

__all__ = ["ChildTimeout", "run_child", "start_child", "dies_with_parent", "exit_when_parent_dies",
           "die_with_parent_preexec"]

_PR_SET_PDEATHSIG = 1  # include/uapi/linux/prctl.h


class ChildTimeout(TimeoutError):
    """A child process overstayed its timeout and was killed."""


def _load_prctl():
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        prctl = libc.prctl
    except (OSError, AttributeError):
        return None
    prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    prctl.restype = ctypes.c_int
    return prctl


# Resolved once, here: the code that runs between fork and exec must not import or load.
_PRCTL = _load_prctl()


def dies_with_parent() -> bool:
    """True when children started by `run_child` are killed if this process dies."""
    return _PRCTL is not None


def exit_when_parent_dies() -> None:
    """Call inside a child (a multiprocessing Pool's `initializer`): SIGKILL it when its parent dies.

    A pool worker forked from a kernel inherits the write end of its own task pipe, so it
    would never see end-of-file and would wait forever once the kernel is gone.
    """
    if _PRCTL is not None:
        _PRCTL(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _child_preexec(parent: int) -> None:
    """Runs in the child between fork and exec: die with the parent (a tiny, import-free body)."""
    _PRCTL(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before prctl: the signal will never come
        os._exit(1)


def die_with_parent_preexec():
    """A `preexec_fn` that makes the child die with this process (Linux), or None elsewhere.

    For a caller that starts its own `subprocess.Popen` (a new session, its own pipes). Like
    `run_child`, the child also exits when this process died before it could ask: without that
    check a parent killed between fork and prctl leaves the child running for good.
    """
    if _PRCTL is None:
        return None
    parent = os.getpid()
    return lambda: _child_preexec(parent)


def run_child(argv: Sequence[Any], *, timeout: Optional[float], what: str = "",
              **kwargs: Any) -> subprocess.CompletedProcess:
    """`subprocess.run(argv, timeout=timeout, **kwargs)` whose child dies with this process.

    `what` names the run in the timeout message ("the profiling process", ...). PR_SET_PDEATHSIG
    fires when the *thread* that started the child exits; `subprocess.run` keeps that thread
    waiting until the child has exited, so the child cannot outlive it that way.
    """
    if "preexec_fn" in kwargs:
        raise TypeError("run_child() sets preexec_fn itself")
    preexec = die_with_parent_preexec()
    if preexec is not None:
        kwargs["preexec_fn"] = preexec
    try:
        return subprocess.run(list(argv), timeout=timeout, **kwargs)
    except subprocess.TimeoutExpired:
        name = what or f"the process {os.path.basename(str(argv[0]))}"
        raise ChildTimeout(f"{name} did not finish within {timeout:g} s and was stopped; "
                           "pass a larger timeout= to give it longer") from None


def start_child(argv: Sequence[Any], **kwargs: Any) -> subprocess.Popen:
    """`subprocess.Popen(argv, **kwargs)` whose child dies with this process (Linux).

    Unlike `run_child`, the caller waits for it; PR_SET_PDEATHSIG fires when the starting
    *thread* exits, so start it from a thread that outlives it (the caller's, then wait).
    """
    if "preexec_fn" in kwargs:
        raise TypeError("start_child() sets preexec_fn itself")
    preexec = die_with_parent_preexec()
    if preexec is not None:
        kwargs["preexec_fn"] = preexec
    return subprocess.Popen(list(argv), **kwargs)
