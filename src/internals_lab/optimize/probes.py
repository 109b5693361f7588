"""Post 6's version-dependent tips on every installed interpreter: `probe_versions` runs the
script `version_probe.py` in a subprocess per interpreter (bounded by a timeout) and returns
`VersionProbe` records; `probe_table` renders them.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from importlib import resources

from ..children import run_child
from ..render import Table

__all__ = ["installed_interpreters", "VersionProbe", "probe_versions", "probe_table"]


def installed_interpreters(versions=("3.10", "3.11", "3.12", "3.13", "3.14", "3.15")) -> dict[str, str | None]:
    """Path of an interpreter per minor version (as `internals_lab.interpreters` finds it), or None."""
    from .. import interpreters

    found = {version: interpreters.find(version) for version in versions}
    return {version: (i.executable if i else None) for version, i in found.items()}


def _probe_script() -> str:
    # Read as text and run with -c, as before the script had a file of its own: the
    # interpreters probed have no internals_lab installed, and need none.
    return resources.files(__package__).joinpath("version_probe.py").read_text(encoding="utf-8")


@dataclass(frozen=True)
class VersionProbe:
    version: str  # minor version asked for
    found: bool
    results: dict  # empty when the interpreter is missing or failed
    note: str = ""


def probe_versions(versions=("3.10", "3.11", "3.12", "3.13", "3.14", "3.15")) -> list[VersionProbe]:
    """Run the version-dependent measurements on each installed interpreter (subprocess)."""
    probes = []
    for version, path in installed_interpreters(versions).items():
        if path is None:
            probes.append(VersionProbe(version, False, {}, f"CPython {version} is not installed here"))
            continue
        done = run_child([path, "-c", _probe_script()], capture_output=True, text=True, timeout=300,
                              env=dict(os.environ, PYTHONHASHSEED="0"))
        if done.returncode != 0:
            probes.append(VersionProbe(version, True, {}, f"the probe failed: {done.stderr.strip()[-200:]}"))
        else:
            probes.append(VersionProbe(version, True, json.loads(done.stdout)))
    return probes


def _growth(ratio: float) -> str:
    # Linear growth gives about 4 for four times the words, quadratic about 16: split at 8.
    return f"{ratio:.1f} ({'linear' if ratio < 8 else 'quadratic'})"


def probe_table(probes: list[VersionProbe]) -> Table:
    """One row per interpreter; the `+=` verdict is computed from the instructions it reports."""
    from .verdicts import concat_verdict

    keys = ["comprehension makes a function", "append/comprehension, n=10", "append/comprehension, n=10000",
            "module += exponent", "local += exponent", "global/local loop"]
    rows = []
    for p in probes:
        if not p.results:
            rows.append([p.version, *(["-"] * (len(keys) + 2)), p.note])
            continue
        r = p.results
        cells = [r[k] if isinstance(r[k], bool) else f"{r[k]:.2f}" for k in keys]
        growth = _growth(r["local += 4n/n"]) if "local += 4n/n" in r else "-"
        rows.append([r["version"], *cells, growth, concat_verdict(r["local += runs as"], r["module += runs as"]), ""])
    return Table(["CPython", *keys, "local += 4n/n", "+= verdict (tip 6)", "note"], rows)
