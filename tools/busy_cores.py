"""Run a command while every core is kept busy by spinning processes; they die with it.

    python3 tools/busy_cores.py [--spinners N] [--repeat K] -- COMMAND [ARG...]

The project's rule is that tests never depend on timing: the suite must pass on a loaded
machine. This starts N spinning processes (default: one per core), at normal priority, runs
COMMAND K times (default 1) under that load, and stops the spinners whatever happens. The
spinners ask the kernel to kill them if this script dies (PR_SET_PDEATHSIG on Linux), so an
interrupted run leaves nothing spinning. The exit status is the first failing run's, else 0.
"""
from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import os
import signal
import subprocess
import sys
import time

_SPIN = "while True:\n    pass\n"
_PR_SET_PDEATHSIG = 1


def _die_with_parent():
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    parent = os.getpid()

    def preexec() -> None:
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:
            os._exit(1)

    return preexec


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spinners", type=int, default=os.cpu_count() or 2,
                        help="spinning processes to start (default: one per core)")
    parser.add_argument("--repeat", type=int, default=1, help="run the command this many times")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="the command, after --")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the command to run after --")
    preexec = _die_with_parent()
    spinners = [subprocess.Popen([sys.executable, "-c", _SPIN], preexec_fn=preexec)
                for _ in range(args.spinners)]
    status = 0
    try:
        time.sleep(0.5)  # let the spinners reach their loops before the command starts
        for run in range(1, args.repeat + 1):
            started = time.monotonic()
            code = subprocess.call(command)
            print(f"busy_cores: run {run}/{args.repeat} under {args.spinners} spinners: exit {code}, "
                  f"{time.monotonic() - started:.1f} s", file=sys.stderr, flush=True)
            if code and not status:
                status = code
    finally:
        for spinner in spinners:
            spinner.kill()
        for spinner in spinners:
            spinner.wait()
    return status


if __name__ == "__main__":
    sys.exit(main())
