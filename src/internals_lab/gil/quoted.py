"""Chapter 5's figures, quoted from the lab's stored idle-machine run.

Design: the chapter page does not time anything the lab also times. A build machine is often
busy, and a number measured while the book builds would disagree with the lab's stored run
(and with the reader's idea of an idle machine). So the lab's timing cells keep their values in
their outputs, with where and when they were measured (`measured_claims.record` and `keep`, with
`measured_on`), and this module reads them back from `notebooks/05_gil_lab.ipynb` and turns
them into the phrases the page glues: each number and, computed from the same number, the
sentence that interprets it. The claims registry's predicates read the very same stored values,
so the page, the lab and the claims page cannot disagree.

A run stored before the lab recorded a figure (or without its provenance) is "not yet measured":
the page then says so instead of quoting an unattributed number.
"""
from __future__ import annotations

import html
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Optional

from ..measured_claims import describe_provenance, stored_records

__all__ = ["LAB", "NOT_MEASURED", "StoredRun", "lab_run", "page_phrases", "stored_html"]

LAB = "notebooks/05_gil_lab.ipynb"
NOT_MEASURED = "(not yet measured in the lab's stored run)"
# What each of the page's sections quotes: the name the lab stores it under.
SECTIONS = {"scaling": "post4-one-thread-at-a-time", "ft_scaling": "post4-opt-in-parallel",
            "convoy": "post4-io-was-fine", "races": "gil-races", "overhead": "post4-overhead"}
# The lab cell that stores each of them (a claim's record sits in its evidence cell).
CELLS = {"post4-opt-in-parallel": "post4-one-thread-at-a-time", "gil-races": "post4-races-your-problem"}


@dataclass(frozen=True)
class StoredRun:
    """The lab's stored measurements that carry their provenance, by name."""
    records: Dict[str, dict]
    notebook: Path

    def values(self, name: str) -> Optional[dict]:
        found = self.records.get(name)
        return found["values"] if found else None

    def provenance(self, name: str) -> str:
        found = self.records.get(name)
        if not found:
            return (f"The lab's stored run does not yet hold these figures: run the lab's cell "
                    f"`{CELLS.get(name, name)}` on an idle machine to measure them.")
        return f"Quoted from the lab's stored run ({describe_provenance(found['provenance'])})."


def lab_root() -> Path:
    from ..claims import default_registry

    return default_registry().parent


def lab_run(notebook: str | Path | None = None) -> StoredRun:
    """The lab's stored measurements; only those stored with where and when they were taken."""
    path = Path(notebook) if notebook is not None else lab_root() / LAB
    records = stored_records(path) if path.is_file() else {}
    return StoredRun({name: r for name, r in records.items() if r["provenance"]}, path)


def _more_work(speedup: float) -> str:
    if speedup >= 1.8:
        return "got close to a second core's worth of work done"
    if speedup >= 1.15:
        # The share is the data's own: 1.6 is "about 60%", never rounded up to "close to".
        return f"got more work done: about {speedup - 1:.0%} of a second core's worth on top of the first"
    return "got no more work done than one"


def _lost(values: dict, where: str, style: str) -> str:
    lost = values.get(f"{where}_{style}_lost")
    expected = values.get(f"{where}_{style}_expected")
    if lost is None or expected is None:
        return NOT_MEASURED
    return "lost no update" if not lost else f"lost {lost:,.0f} of {expected:,.0f} updates"


def _slower(ratio: float) -> str:
    cost = ratio - 1
    return f"{abs(cost):.0%} {'slower' if cost >= 0 else 'faster'}"


def page_phrases(run: StoredRun) -> Dict[str, str]:
    """Every phrase the page glues from the lab's run: numbers and the words chosen by them."""
    phrases: Dict[str, str] = {}

    scaling, ft = run.values(SECTIONS["scaling"]), run.values(SECTIONS["ft_scaling"])
    if scaling and "gil_two_workers" in scaling:
        phrases["gil_two_threads"] = f"{scaling['gil_two_workers']:.2f}"
        phrases["gil_two_verdict"] = _more_work(scaling["gil_two_workers"])
        phrases["scaling_load"] = f"{run.records[SECTIONS['scaling']]['provenance']['load_average']:.2f}"
    if ft and {"ft_two_workers", "ft_one_thread_time_ratio", "ft_two_vs_gil_one"} <= set(ft):
        phrases["ft_two_threads"] = f"{ft['ft_two_workers']:.2f}"
        phrases["ft_two_verdict"] = _more_work(ft["ft_two_workers"])
        phrases["ft_one_thread"] = (f"one free-threaded thread took {ft['ft_one_thread_time_ratio']:.2f} times as "
                                    "long as one GIL thread for the same work")
        phrases["ft_vs_gil_one"] = f"{ft['ft_two_vs_gil_one']:.2f} times the work per second of the GIL build's single thread"

    convoy = run.values(SECTIONS["convoy"])
    needed = {"gil_idle_p90_ms", "gil_cpu_p90_ms", "ft_cpu_p90_ms", "switch_interval_ms", "gil_cpu_waited_share"}
    if convoy and needed <= set(convoy):
        half = 0.5 * convoy["switch_interval_ms"]
        phrases["convoy_gil_p90"] = f"{convoy['gil_cpu_p90_ms']:.2g} ms"
        phrases["convoy_idle_p90"] = f"{convoy['gil_idle_p90_ms']:.2g} ms"
        phrases["convoy_interval"] = f"{convoy['switch_interval_ms']:g} ms"
        phrases["convoy_gil_waited"] = f"{convoy['gil_cpu_waited_share']:.0%}"
        phrases["convoy_gil_verdict"] = ("about a switch interval or more" if convoy["gil_cpu_p90_ms"] >= half
                                         else "well under a switch interval")
        phrases["convoy_ft"] = f"was {convoy['ft_cpu_p90_ms']:.2g} ms, " + (
            "close to the idle figure: the neighbour made little difference" if convoy["ft_cpu_p90_ms"] < half
            else "also at least half a switch interval: on that run something other than a GIL, which this "
                 "build does not have, delayed it too")

    races = run.values(SECTIONS["races"])
    if races:
        for where in ("gil", "ft"):
            for style in ("plain", "call_between", "locked"):
                phrases[f"race_{where}_{style}"] = _lost(races, where, style)

    overhead = run.values(SECTIONS["overhead"])
    if overhead and {"geometric_mean", "best_ratio", "worst_ratio", "worst_program"} <= set(overhead):
        cost = overhead["geometric_mean"] - 1
        phrases["overhead_mean"] = _slower(overhead["geometric_mean"])
        phrases["overhead_range"] = f"{overhead['best_ratio']:.2f} to {overhead['worst_ratio']:.2f}"
        # Post 4 says 5-10%; compared after rounding to whole percent, as the page says.
        phrases["overhead_post4"] = "inside" if 0.045 <= cost < 0.105 else ("below" if cost < 0.045 else "above")
        phrases["overhead_worst"] = (f"{overhead['worst_program']} program ({overhead['worst_ratio']:.2f} times its "
                                     "twin's time)")
        if "newest_geometric_mean" in overhead:
            phrases["overhead_315"] = (f"{overhead.get('newest_free_threaded', 'the newest free-threaded build')} was "
                                       f"{_slower(overhead['newest_geometric_mean'])} than its twin")
            phrases["overhead_315_worst"] = f"{overhead['newest_same_program_ratio']:.2f} times"
        else:
            phrases["overhead_315"] = "the lab found no free-threaded 3.15 with its twin to compare"
            phrases["overhead_315_worst"] = "(not measured)"
    for key in _ALL_KEYS:
        phrases.setdefault(key, NOT_MEASURED)
    return phrases


_ALL_KEYS = ("gil_two_threads", "gil_two_verdict", "scaling_load", "ft_two_threads", "ft_two_verdict", "ft_one_thread",
             "ft_vs_gil_one", "convoy_gil_p90", "convoy_idle_p90", "convoy_interval", "convoy_gil_waited",
             "convoy_gil_verdict", "convoy_ft", *(f"race_{w}_{s}" for w in ("gil", "ft")
                                                  for s in ("plain", "call_between", "locked")),
             "overhead_mean", "overhead_range", "overhead_post4", "overhead_worst", "overhead_315",
             "overhead_315_worst")


class _StoredHTML:
    def __init__(self, parts) -> None:
        self.parts = parts

    def _repr_html_(self) -> str:
        return "".join(self.parts)

    def __repr__(self) -> str:
        return f"[{len(self.parts)} stored table(s) and figure(s) from the lab]"


def stored_html(run: StoredRun, name: str):
    """The tables and figures the lab cell that stored `name` showed beside it, as stored.

    Only when that run carries its provenance; otherwise a sentence saying nothing is stored.
    """
    found = run.records.get(name)
    if not found:
        return _StoredHTML([f"<p><em>{html.escape(run.provenance(name))}</em></p>"])
    cells = json.loads(run.notebook.read_text(encoding="utf-8"))["cells"]
    cell = next(c for c in cells if c.get("id") == found["cell"])
    return _StoredHTML(["".join(o["data"]["text/html"]) for o in cell.get("outputs", [])
                        if "text/html" in o.get("data", {})])
