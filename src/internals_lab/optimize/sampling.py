"""3.15's sampling profiler (PEP 799, `python -m profiling.sampling`), run in a subprocess.

The profiler is a separate process that reads the target's memory at a fixed rate and records
the Python stack it finds; the target runs unmodified. Its sample counts change from run to
run, so `sample_profile()` returns them together with what does not change for a CPU-bound
script: which function was on top of the stack most often.

`sample_profile(source)` writes `source` to a temporary directory, runs
`python3.15 -m profiling.sampling run --collapsed -o stacks.txt script.py` with a timeout, and
parses the collapsed stacks ("frame;frame;...;leaf count" per line, each frame
"file:function:line", the first item the thread id). It returns None when this machine has no
3.15, and a result with `error` set when the profiler could not run (for example when the
operating system does not let it read the child's memory).
"""
from __future__ import annotations

import os
import re
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Optional, Tuple

from ..children import run_child
from .. import interpreters

__all__ = ["SampleProfile", "parse_collapsed", "sample_profile", "tracing_snippet"]


def _function_of(frame: str) -> str:
    # "path/to/file.py:function:line"; the path may itself contain ":" only on Windows drives
    parts = frame.rsplit(":", 2)
    return parts[1] if len(parts) == 3 else frame


def parse_collapsed(text: str) -> Tuple[Dict[str, int], Dict[str, int]]:
    """(self samples, total samples) per function name from collapsed-stack text.

    Self: the function was the leaf (on top of the stack). Total: it was anywhere on the
    stack (counted once per sample even if it recurses).
    """
    own: Counter = Counter()
    total: Counter = Counter()
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            raise ValueError(f"not a collapsed-stack line: {line!r}")
        frames = [f for f in stack.split(";") if f and not f.startswith("tid:")]
        if not frames:
            continue
        names = [_function_of(f) for f in frames]
        own[names[-1]] += int(count)
        for name in set(names):
            total[name] += int(count)
    return dict(own), dict(total)


@dataclass(frozen=True)
class SampleProfile:
    python: str                      # "3.15.0rc1"
    self_samples: Dict[str, int]     # function -> samples with it on top of the stack
    total_samples: Dict[str, int]    # function -> samples with it anywhere on the stack
    error: Optional[str] = None      # why the profiler did not run, if it did not

    @property
    def samples(self) -> int:
        return sum(self.self_samples.values())

    @property
    def hottest(self) -> Optional[str]:
        """The function most often on top of the stack."""
        if not self.self_samples:
            return None
        return max(self.self_samples, key=self.self_samples.get)

    def self_share(self, function: str) -> float:
        return self.self_samples.get(function, 0) / self.samples if self.samples else 0.0


def sample_profile(source: str, *, rate: str = "1khz", timeout: float = 120.0,
                   executable: Optional[str] = None) -> Optional[SampleProfile]:
    """Run `source` as a script under 3.15's sampling profiler; None when there is no 3.15."""
    if executable is None:
        found = interpreters.find("3.15")
        if found is None:
            return None
        executable, version = found.executable, found.version
    else:
        version = interpreters.describe(executable).version
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONHASHSEED"] = "0"
    with tempfile.TemporaryDirectory(prefix="sampling-lab-") as tmp:
        script = Path(tmp, "script.py")
        script.write_text(source, encoding="utf-8")
        stacks = Path(tmp, "stacks.txt")
        done = run_child(
            [executable, "-m", "profiling.sampling", "run", "-r", rate, "--collapsed",
             "-o", str(stacks), str(script)],
            cwd=tmp, env=env, capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0 or not stacks.exists():
            lines = (done.stderr.strip() or done.stdout.strip() or "no output").splitlines()
            message = re.sub(re.escape(tmp), "<tmp>", lines[-1])
            return SampleProfile(version, {}, {}, f"exit status {done.returncode}: {message}")
        own, total = parse_collapsed(stacks.read_text(encoding="utf-8"))
    return SampleProfile(version, own, total)


def tracing_snippet() -> str:
    """Code that prints, on the interpreter running it, how the tracing profiler is packaged."""
    return (
        "import cProfile, importlib.util, sys, warnings\n"
        "has = importlib.util.find_spec('profiling') is not None\n"
        "print('profiling package:', has)\n"
        "if has:\n"
        "    import profiling.tracing\n"
        "    print('cProfile.Profile is profiling.tracing.Profile:', cProfile.Profile is profiling.tracing.Profile)\n"
        "with warnings.catch_warnings(record=True) as caught:\n"
        "    warnings.simplefilter('always')\n"
        "    import profile\n"
        "print('import profile warns:', [w.category.__name__ for w in caught] or 'no')\n"
    )
