"""internals_lab.optimize.sampling against a real CPython 3.15 (skipped when this machine has none)."""
import subprocess
import tempfile
from pathlib import Path

import pytest

from internals_lab import interpreters
from internals_lab.optimize import sampling

PY315 = interpreters.find("3.15")
needs_315 = pytest.mark.skipif(PY315 is None, reason="no CPython 3.15 here: " + interpreters.how_to_get("3.15"))

HOT = """
def spin(n):
    total = 0
    for i in range(n):
        total += i * i
    return total

def outer():
    for _ in range(40):
        spin(100_000)

outer()
"""


def test_parse_collapsed_self_and_total():
    text = ("tid:1;a.py:<module>:9;a.py:outer:7;a.py:spin:3 30\n"
            "tid:1;a.py:<module>:9;a.py:outer:8 5\n"
            "tid:2;a.py:rec:1;a.py:rec:1 4\n")
    own, total = sampling.parse_collapsed(text)
    assert own == {"spin": 30, "outer": 5, "rec": 4}
    assert total == {"<module>": 35, "outer": 35, "spin": 30, "rec": 4}


def test_parse_collapsed_rejects_other_text():
    with pytest.raises(ValueError):
        sampling.parse_collapsed("not a stack line")


def test_missing_315_gives_none(monkeypatch):
    monkeypatch.setattr(sampling.interpreters, "find", lambda feature: None)
    assert sampling.sample_profile(HOT) is None


@needs_315
def test_hottest_matches_the_real_profilers_own_output():
    """Run profiling.sampling directly (its pstats text, not the collapsed file) and compare."""
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp, "hot.py")
        script.write_text(HOT)
        done = subprocess.run([PY315.executable, "-m", "profiling.sampling", "run", "--sort", "nsamples",
                               "-l", "1", "--no-summary", str(script)],
                              capture_output=True, text=True, timeout=120, cwd=tmp)
    assert done.returncode == 0, done.stderr
    top_rows = [line for line in done.stdout.splitlines() if "hot.py" in line]
    assert top_rows and "spin" in top_rows[0]
    result = sampling.sample_profile(HOT)
    assert result.error is None
    assert result.hottest == "spin"
    assert result.total_samples["outer"] >= result.self_samples["spin"]


@needs_315
def test_tracing_snippet_on_315_matches_cprofile():
    done = subprocess.run([PY315.executable, "-c", sampling.tracing_snippet()], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    real = subprocess.run([PY315.executable, "-c", "import cProfile, profiling.tracing;"
                           "print(cProfile.Profile is profiling.tracing.Profile)"],
                          capture_output=True, text=True, timeout=60).stdout.strip()
    assert f"cProfile.Profile is profiling.tracing.Profile: {real}" in done.stdout
