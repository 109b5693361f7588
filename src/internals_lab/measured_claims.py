"""Claims whose evidence is a measurement: a predicate in the registry, checked on the data.

Design: a claim in `claims.toml` whose verdict rests on a measurement carries a `predicate`,
such as `"rss_ratio > 10"` or `"speedup >= 1.5 and speedup < 2.2"`: clauses `name op number`
joined by `and`. The evidence cell measures, then calls `record(claim_id, name=value, ...)`.
That shows the reader the numbers and, computed from them, whether the registry's condition
holds on this run, and it leaves the data where the build can read it again:

- in the cell output's metadata, under `MEASUREMENT_MIME`, which a notebook stores;
- with where and when it was measured (`measured_on`: the interpreters, the load average
  before measuring, the cores, the date), so that a page quoting a lab's stored run can say so;
- as `<claim id>.json` in the directory `$INTERNALS_LAB_MEASUREMENTS` when that is set, which
  is how the claims page sees what a prose page measured in the same build.

The claims page (`claims.claims_markdown`) prints a measured claim's verdict only beside data
on which its predicate holds; otherwise it says "not confirmed on this machine" in its place.
So a fixed verdict is never published next to a number that contradicts it.

The predicate language is deliberately tiny (no `eval`): the registry is data, not code.
"""
from __future__ import annotations

import json
import math
import operator
import os
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

__all__ = ["MEASUREMENT_MIME", "Predicate", "Measurement", "record", "keep", "measured_on", "stored_measurement",
           "stored_records", "load_claims"]

MEASUREMENT_MIME = "application/vnd.internals-lab.measurement+json"
DIRECTORY_VARIABLE = "INTERNALS_LAB_MEASUREMENTS"

_OPERATORS = {">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt, "==": operator.eq}
_CLAUSE = re.compile(r"\s*([A-Za-z_][A-Za-z_0-9]*)\s*(>=|<=|==|>|<)\s*(-?[0-9]+(?:\.[0-9]*)?(?:e-?[0-9]+)?)\s*$")
_SYMBOLS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "==": "="}


@dataclass(frozen=True)
class Predicate:
    """A conjunction of `name op number` clauses over a measurement's named values."""
    clauses: tuple[tuple[str, str, float], ...]

    @classmethod
    def parse(cls, text: str) -> "Predicate":
        clauses = []
        for part in re.split(r"\band\b", text):
            match = _CLAUSE.match(part)
            if not match:
                raise ValueError(f"predicate {text!r}: {part.strip()!r} is not `name op number` "
                                 f"(op one of {', '.join(_OPERATORS)})")
            name, op, number = match.groups()
            clauses.append((name, op, float(number)))
        return cls(tuple(clauses))

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(name for name, _, _ in self.clauses))

    def failures(self, values: dict) -> list[str]:
        """The clauses that do not hold (a missing or non-finite value fails its clause)."""
        failed = []
        for name, op, number in self.clauses:
            value = values.get(name)
            ok = (isinstance(value, (int, float)) and not isinstance(value, bool)
                  and math.isfinite(value) and _OPERATORS[op](value, number))
            if not ok:
                failed.append(f"{name} = {_format(value)}, needs {_SYMBOLS[op]} {number:g}")
        return failed

    def holds(self, values: dict) -> bool:
        return not self.failures(values)

    def __str__(self) -> str:
        return " and ".join(f"{name} {_SYMBOLS[op]} {number:g}" for name, op, number in self.clauses)


def _format(value) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"   # counts (lost updates) read as counts
    if isinstance(value, float):
        return f"{value:.3g}"
    return "missing" if value is None else repr(value)


@dataclass(frozen=True)
class Measurement:
    """What one evidence cell measured for one claim, with the registry's verdict and condition."""
    claim_id: str
    values: dict
    predicate: Predicate
    verdict: str
    provenance: dict = field(default_factory=dict)

    @property
    def holds(self) -> bool:
        return self.predicate.holds(self.values)

    def sentence(self) -> str:
        measured = ", ".join(f"{k} = {_format(v)}" for k, v in self.values.items())
        if self.provenance:
            measured += f" ({describe_provenance(self.provenance)})"
        if self.holds:
            return (f"Measured: {measured}. The registry's condition ({self.predicate}) holds on this "
                    f"run, so the verdict stands: {self.verdict}.")
        return (f"Measured: {measured}. The registry's condition ({self.predicate}) does not hold on "
                f"this run ({'; '.join(self.predicate.failures(self.values))}): the verdict "
                f"'{self.verdict}' is not confirmed on this machine.")

    def as_json(self) -> dict:
        data = {"claim": self.claim_id, "values": self.values}
        if self.provenance:
            data["provenance"] = self.provenance
        return data

    def _repr_mimebundle_(self, include=None, exclude=None):
        # The data ride in the output's metadata: a notebook stores them, the page does not
        # show them, and nbval (which skips metadata) compares only the sentence.
        return {"text/plain": self.sentence()}, {MEASUREMENT_MIME: self.as_json()}


def measured_on(load_average: float, *interpreters: str) -> dict:
    """Where and when a measurement was taken, as a page quoting it must say.

    `load_average` is the one-minute load read *before* measuring (the measurement itself loads
    the machine); `interpreters` are the labels of the builds measured ("3.14.7 free-threaded").
    """
    from .interpreter import interpreter_facts

    facts = interpreter_facts()
    return {"interpreters": list(interpreters),
            "kernel": f"{facts.version} {'free-threaded' if facts.free_threaded_build else 'GIL'}",
            "load_average": round(float(load_average), 2), "cores": os.cpu_count(),
            "date": datetime.now(timezone.utc).date().isoformat()}


def describe_provenance(provenance: dict) -> str:
    """One phrase: "measured on 2026-12-01 with 3.14.7 GIL, load average 0.69 on 2 cores"."""
    built = " and ".join(provenance.get("interpreters") or [provenance.get("kernel", "?")])
    return (f"measured on {provenance.get('date', '?')} with {built}, load average "
            f"{_format(provenance.get('load_average'))} on {provenance.get('cores', '?')} cores")


def _clean(values: dict) -> dict:
    return {k: (float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v) for k, v in values.items()}


def record(claim_id: str, registry: str | Path | None = None, *, measured_on: dict | None = None,
           **values) -> Measurement:
    """Check `values` against the claim's predicate; display the result in a cell.

    Values the predicate does not name are kept too: a page that quotes the lab's run reads
    them from the same stored output. `measured_on` (from the function of that name) says
    where and when.

    Raises a clear error when the claim is unknown, has no predicate, or a value the predicate
    needs was not given: those are mistakes of the page's author, not of the machine.
    """
    claim = next((c for c in load_claims(registry) if c.id == claim_id), None)
    if claim is None:
        raise ValueError(f"no claim {claim_id!r} in the registry")
    if not claim.predicate:
        raise ValueError(f"claim {claim_id!r} has no predicate in the registry to check a measurement against")
    predicate = Predicate.parse(claim.predicate)
    missing = [name for name in predicate.names if name not in values]
    if missing:
        raise ValueError(f"claim {claim_id!r}: the predicate needs {missing}, which were not measured")
    measurement = Measurement(claim_id, _clean(values), predicate, claim.verdict, dict(measured_on or {}))
    directory = os.environ.get(DIRECTORY_VARIABLE)
    if directory:
        Path(directory).mkdir(parents=True, exist_ok=True)
        (Path(directory) / f"{claim_id}.json").write_text(json.dumps(measurement.as_json()), encoding="utf-8")
    return measurement


@dataclass(frozen=True)
class Kept:
    """A measurement no claim's predicate needs, stored so that a page can quote it."""
    name: str
    values: dict
    provenance: dict

    def _repr_mimebundle_(self, include=None, exclude=None):
        shown = ", ".join(f"{k} = {_format(v)}" for k, v in self.values.items())
        return ({"text/plain": f"Kept as {self.name!r}: {shown} ({describe_provenance(self.provenance)})."},
                {MEASUREMENT_MIME: {"measurement": self.name, "values": self.values, "provenance": self.provenance}})


def keep(name: str, *, measured_on: dict, **values) -> Kept:
    """Store `values` in the cell's output under `name`, with where and when they were measured."""
    if not values:
        raise ValueError(f"keep({name!r}): nothing to keep")
    return Kept(name, _clean(values), dict(measured_on))


def load_claims(registry: str | Path | None = None):
    """The claims registry (re-exported so that pages need one import)."""
    from .claims import load_claims as load  # late: claims imports this module

    return load(registry)


def stored_measurement(claim, root: str | Path) -> dict | None:
    """The values the claim's evidence last recorded, or None when there are none.

    A notebook's are read from the stored output of the cell that called `record` (in the
    evidence notebook); a prose page's from the build's measurement directory, written when
    the page was executed in this build.
    """
    root = Path(root)
    if claim.evidence_path.endswith(".ipynb"):
        path = root / claim.evidence_path
        if not path.is_file():
            return None
        # Any cell of the evidence notebook may record: a timing is best kept in a cell of its
        # own (nbval ignores its output) beside the deterministic evidence cell.
        stored = stored_records(path).get(claim.id)
        return None if stored is None else stored.get("values")
    directory = os.environ.get(DIRECTORY_VARIABLE)
    if not directory or not (Path(directory) / f"{claim.id}.json").is_file():
        return None
    return json.loads((Path(directory) / f"{claim.id}.json").read_text(encoding="utf-8")).get("values")


def stored_records(notebook: str | Path) -> dict[str, dict]:
    """Every measurement a notebook's stored outputs hold, by claim id or kept name.

    Each is `{"values": {...}, "provenance": {...}}` (provenance empty when the run predates it),
    plus `"cell"`, the id of the cell whose output holds it. The first record of a name wins.
    """
    found: dict[str, dict] = {}
    for cell in json.loads(Path(notebook).read_text(encoding="utf-8"))["cells"]:
        for output in cell.get("outputs", []):
            data = output.get("metadata", {}).get(MEASUREMENT_MIME)
            if not isinstance(data, dict):
                continue
            name = data.get("claim") or data.get("measurement")
            if name and name not in found:
                found[name] = {"values": data.get("values") or {}, "provenance": data.get("provenance") or {},
                               "cell": cell.get("id")}
    return found
