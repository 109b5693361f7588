"""Run fuzz inputs through worker.py with a watchdog: a hang or a crash is a finding, not a stall.

One worker process takes input after input (starting an interpreter per input would spend the
stage's budget on start-up). Before each input it says which one it starts; if the input uses
more than `PER_INPUT_SECONDS` of CPU time (the worker's and its children's, from /proc), or more
than `WALL_FACTOR` times that in wall time (a hang that sleeps or waits), the parent kills the
worker's process group, records a hang for that input and starts a new worker at the next
input. CPU time, not wall time, so that the verdict does not depend on how busy the machine is. A worker that dies (a signal, an exit) is a
crash on the input it had started.
"""
from __future__ import annotations

import base64
import json
import os
import select
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

PER_INPUT_SECONDS = 10.0
WALL_FACTOR = 6
WORKER = Path(__file__).with_name("worker.py")


@dataclass(frozen=True)
class Finding:
    target: str
    kind: str          # "exception", "hang", "crash"
    detail: str
    source: str | bytes | bytearray

    def reproducer(self) -> str:
        shown = repr(self.source)
        if len(shown) > 300:
            shown = shown[:300] + f"... ({len(self.source):,} in all)"
        return f"[{self.target}] {self.kind}: {self.detail.strip().splitlines()[0][:300]}\n    input: {shown}"


def _encode(target: str, source) -> str:
    if isinstance(source, str):
        kind, data = "str", source.encode("utf-8", "surrogatepass")
    else:
        kind, data = type(source).__name__, bytes(source)
    return json.dumps({"target": target, "kind": kind, "source": base64.b64encode(data).decode()}) + "\n"


class _Worker:
    def __init__(self, python: str):
        read_fd, write_fd = os.pipe()
        env = dict(os.environ, FUZZ_RESULT_FD=str(write_fd), PYTHONHASHSEED="0")
        self.proc = subprocess.Popen([python, str(WORKER)], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, pass_fds=(write_fd,), env=env,
                                     start_new_session=True, text=True)
        os.close(write_fd)
        self.results = os.fdopen(read_fd, "r")
        self.buffer = ""

    def send(self, line: str) -> None:
        self.proc.stdin.write(line)
        self.proc.stdin.flush()

    def cpu_seconds(self) -> float | None:
        """CPU time of the worker and of its finished children, or None without /proc."""
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")   # utime stime cutime cstime

    def read(self, deadline: float, cpu_budget: float | None = None) -> dict | None:
        """The next result line, or None past the deadline (or the CPU budget) or when the worker died."""
        fd = self.results.fileno()
        cpu_start = self.cpu_seconds() if cpu_budget is not None else None
        while "\n" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            if not select.select([fd], [], [], min(left, 0.5))[0]:
                if cpu_start is not None:
                    used = self.cpu_seconds()
                    if used is not None and used - cpu_start > cpu_budget:
                        return None
                continue
            chunk = os.read(fd, 1 << 16).decode()
            if not chunk:
                return None
            self.buffer += chunk
        line, self.buffer = self.buffer.split("\n", 1)
        return json.loads(line)

    def close(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.proc.wait()
        self.results.close()
        try:
            self.proc.stdin.close()
        except OSError:
            pass


SLOWEST: list[tuple[float, str, int]] = []   # (seconds, target, input length), for the report


def run(items: list[tuple[str, object]], python: str = sys.executable,
        per_input: float = PER_INPUT_SECONDS) -> list[Finding]:
    """Run every (target, source) pair; return what went wrong (empty: all behaved)."""
    findings: list[Finding] = []
    worker = None
    for target, source in items:
        if worker is None:
            worker = _Worker(python)
        try:
            worker.send(_encode(target, source))
        except BrokenPipeError:
            worker.close()
            worker = _Worker(python)
            worker.send(_encode(target, source))
        started = worker.read(time.monotonic() + 60)  # an import at first start can be slow
        cpu = worker.cpu_seconds()
        wall = per_input * (WALL_FACTOR if cpu is not None else 1)
        result = worker.read(time.monotonic() + wall, per_input if cpu is not None else None) \
            if started is not None else None
        if result is None:
            alive = worker.proc.poll() is None
            worker.close()
            code = worker.proc.returncode
            if alive and started is not None:
                findings.append(Finding(target, "hang", f"no answer within {per_input:g} s of CPU time "
                                                        f"(or {wall:g} s of wall time)", source))
            else:
                why = signal.Signals(-code).name if code < 0 else f"exit status {code}"
                findings.append(Finding(target, "crash", f"the worker died: {why}", source))
            worker = None
        else:
            SLOWEST.append((result.get("seconds", 0.0), target, len(source)))
            SLOWEST.sort(reverse=True)
            del SLOWEST[10:]
        if result is not None and not result["ok"]:
            findings.append(Finding(target, "exception", result["error"], source))
    if worker is not None:
        worker.close()
    return findings
