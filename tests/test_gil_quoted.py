"""Chapter 5's page and lab agree on every number they share, by construction.

The page quotes the lab's stored idle-machine run (`internals_lab.gil.quoted`); these tests read
the page's source and the lab's stored outputs and check that every shared number on the page
is glued from the lab's data, that the lab stores each with where and when it was measured, and
that the page re-measures none of them.
"""
import json
import re
from pathlib import Path

import pytest

from internals_lab.claims import load_claims
from internals_lab.gil import quoted
from internals_lab.measured_claims import MEASUREMENT_MIME, keep, record, stored_measurement

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "book" / "05_gil.md"
LAB = ROOT / quoted.LAB
SHARED = set(quoted._ALL_KEYS)
PROVENANCE = {"interpreters": ["3.14.7 GIL", "3.14.7 free-threaded"], "kernel": "3.14.7 GIL",
              "load_average": 0.31, "cores": 2, "date": "2026-11-30"}


def page_cells_and_prose():
    text = PAGE.read_text(encoding="utf-8")
    cells = re.findall(r"```\{code-cell\}[^\n]*\n(.*?)\n```", text, re.S)
    prose = re.sub(r"```\{code-cell\}.*?\n```", "", text, flags=re.S)
    return cells, prose


def typed_by_hand(phrases, prose):
    """The quoted numbers that also stand in the prose as typed text (a copy that would go stale)."""
    typed = []
    for key in SHARED - {"convoy_interval"}:   # the switch interval is a setting, which prose may name
        shown = phrases[key]
        if shown != quoted.NOT_MEASURED and re.fullmatch(r"[0-9.]+( ms|%)?", shown):
            if re.search(rf"(?<![\d.,-]){re.escape(shown)}(?![\d])", prose):
                typed.append(key)
    return typed


def test_a_number_typed_into_the_prose_is_found_and_a_range_is_not_mistaken_for_one():
    phrases = dict.fromkeys(SHARED, quoted.NOT_MEASURED) | {"gil_two_threads": "1.01", "convoy_gil_waited": "10%"}
    assert typed_by_hand(phrases, "two threads did 1.01 times the work") == ["gil_two_threads"]
    assert typed_by_hand(phrases, "post 4's 5-10% and 21.01 seconds") == []


def test_the_page_glues_every_shared_number_from_the_labs_run_and_measures_none_itself():
    cells, prose = page_cells_and_prose()
    code = "\n".join(cells)
    used = set(re.findall(r"\{glue:text\}`([a-z0-9_]+)`", prose))
    assert SHARED <= used, f"quoted figures the page never shows: {sorted(SHARED - used)}"
    # The shared keys are glued only by the loop over the lab's phrases, never by a literal call.
    literal = set(re.findall(r"glue\(\s*[\"']([a-z0-9_]+)[\"']", code))
    assert not literal & SHARED, f"glued by hand: {sorted(literal & SHARED)}"
    assert re.search(r"for key, phrase in quoted\.page_phrases\(lab\)\.items\(\):\s*\n\s*glue\(key, phrase", code)
    assert "quoted.lab_run()" in code
    for timing in ("measure_scaling", "measure_latency", "measure_overhead", "race_counter", "getloadavg"):
        assert timing not in code, f"the page measures {timing} itself instead of quoting the lab"


def fake_lab(tmp_path, monkeypatch, scale=1.0):
    """A lab whose cells stored what lab 5's cells store, made by the real record() and keep()."""
    monkeypatch.delenv("INTERNALS_LAB_MEASUREMENTS", raising=False)
    shown = [
        record("post4-one-thread-at-a-time", measured_on=PROVENANCE, gil_two_workers=1.0137 * scale,
               gil_four_workers=1.0071),
        record("post4-opt-in-parallel", measured_on=PROVENANCE, ft_two_workers=1.9371 * scale,
               ft_one_thread_time_ratio=1.0823, ft_two_vs_gil_one=1.7898 * scale),
        record("post4-io-was-fine", measured_on=PROVENANCE, gil_idle_median_ms=0.0102, gil_cpu_median_ms=3.39,
               ft_cpu_median_ms=0.0063, short_interval_median_ms=1.08, gil_idle_p90_ms=0.0167,
               gil_cpu_p90_ms=6.02 * scale, ft_cpu_p90_ms=0.0129, switch_interval_ms=5.0, gil_cpu_waited_share=0.58),
        keep("gil-races", measured_on=PROVENANCE, **{
            f"{w}_{s}_{what}": (value if what == "lost" else 400_000)
            for w, s, value in [("gil", "plain", 0), ("gil", "call_between", round(153_619 * scale)),
                                ("gil", "locked", 0), ("ft", "plain", 91_234), ("ft", "call_between", 201_000),
                                ("ft", "locked", 0)]
            for what in ("lost", "expected")}),
        record("post4-overhead", measured_on=PROVENANCE, geometric_mean=1.1097 * scale, worst_ratio=1.2859,
               worst_program="sort", best_ratio=0.9712, newest_free_threaded="3.15.0rc1 free-threaded",
               newest_geometric_mean=1.0412, newest_same_program_ratio=1.1234),
    ]
    cells = []
    for i, item in enumerate(shown):
        data, metadata = item._repr_mimebundle_()
        cells.append({"cell_type": "code", "id": f"c{i}", "metadata": {}, "execution_count": i, "source": [],
                      "outputs": [{"output_type": "display_data", "data": data, "metadata": metadata},
                                  {"output_type": "display_data", "metadata": {},
                                   "data": {"text/html": [f"<table><caption>stored table {i}</caption></table>"]}}]})
    path = tmp_path / "lab.ipynb"
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    return path


def test_each_phrase_carries_the_labs_number_and_the_words_it_chose(tmp_path, monkeypatch):
    phrases = quoted.page_phrases(quoted.lab_run(fake_lab(tmp_path, monkeypatch)))
    assert phrases["gil_two_threads"] == "1.01" and phrases["gil_two_verdict"] == "got no more work done than one"
    assert phrases["ft_two_threads"] == "1.94" and "close to a second core" in phrases["ft_two_verdict"]
    assert phrases["scaling_load"] == "0.31"
    assert "1.08 times as long" in phrases["ft_one_thread"] and phrases["ft_vs_gil_one"].startswith("1.79 times")
    assert phrases["convoy_gil_p90"] == "6 ms" and phrases["convoy_idle_p90"] == "0.017 ms"
    assert phrases["convoy_gil_waited"] == "58%" and phrases["convoy_gil_verdict"] == "about a switch interval or more"
    assert phrases["convoy_ft"].startswith("was 0.013 ms, close to the idle figure")
    assert phrases["race_gil_plain"] == "lost no update"
    assert phrases["race_gil_call_between"] == "lost 153,619 of 400,000 updates"
    assert phrases["overhead_mean"] == "11% slower" and phrases["overhead_post4"] == "above"
    assert phrases["overhead_range"] == "0.97 to 1.29" and phrases["overhead_worst"].startswith("sort program (1.29")
    assert phrases["overhead_315"] == "3.15.0rc1 free-threaded was 4% slower than its twin"
    assert quoted.NOT_MEASURED not in phrases.values()
    assert not typed_by_hand(phrases, page_cells_and_prose()[1])


def test_other_stored_numbers_give_other_phrases(tmp_path, monkeypatch):
    # Nothing is typed: the same page over a run where the free-threaded build had no free core.
    phrases = quoted.page_phrases(quoted.lab_run(fake_lab(tmp_path, monkeypatch, scale=0.6)))
    assert phrases["ft_two_threads"] == "1.16" and "about 16% of a second core" in phrases["ft_two_verdict"]
    assert phrases["convoy_gil_p90"] == "3.6 ms" and phrases["convoy_gil_verdict"] == "about a switch interval or more"
    assert phrases["overhead_mean"] == "33% faster" and phrases["overhead_post4"] == "below"
    assert phrases["race_gil_call_between"] == "lost 92,171 of 400,000 updates"


def test_a_run_stored_without_provenance_is_not_measured_and_shows_no_stale_figure(tmp_path):
    old = {"claim": "post4-one-thread-at-a-time", "values": {"gil_two_workers": 1.01, "gil_four_workers": 1.0}}
    cell = {"cell_type": "code", "id": "post4-one-thread-at-a-time", "metadata": {}, "execution_count": 1, "source": [],
            "outputs": [{"output_type": "display_data", "data": {"text/plain": "..."},
                         "metadata": {MEASUREMENT_MIME: old}},
                        {"output_type": "display_data", "metadata": {}, "data": {"text/html": ["<table></table>"]}}]}
    (tmp_path / "lab.ipynb").write_text(json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    run = quoted.lab_run(tmp_path / "lab.ipynb")
    assert set(quoted.page_phrases(run).values()) == {quoted.NOT_MEASURED}
    assert "<table>" not in quoted.stored_html(run, "post4-one-thread-at-a-time")._repr_html_()
    assert "run the lab's cell `post4-one-thread-at-a-time`" in run.provenance("post4-one-thread-at-a-time")
    assert "`post4-races-your-problem`" in run.provenance("gil-races")
    assert set(quoted.page_phrases(quoted.lab_run(tmp_path / "missing.ipynb")).values()) == {quoted.NOT_MEASURED}


def test_the_stored_tables_beside_a_record_are_the_ones_the_page_shows(tmp_path, monkeypatch):
    run = quoted.lab_run(fake_lab(tmp_path, monkeypatch))
    assert quoted.stored_html(run, "post4-io-was-fine")._repr_html_() == "<table><caption>stored table 2</caption></table>"


def test_the_lab_stores_every_quoted_figure_with_its_provenance():
    sources = {c.get("id"): "".join(c["source"]) for c in json.loads(LAB.read_text(encoding="utf-8"))["cells"]}
    for name in quoted.SECTIONS.values():
        cell = sources[quoted.CELLS.get(name, name)]
        assert re.search(rf"(record|keep)\(\s*\"{re.escape(name)}\",\s*measured_on=measured_on\(load", cell), name
        assert "load = os.getloadavg()[0]" in cell.split(name)[0], f"{name}: load average read after measuring"


def test_the_stored_lab_run_and_the_page_and_the_claims_agree():
    # Parse the lab's stored outputs independently of the module under test.
    stored = {}
    for cell in json.loads(LAB.read_text(encoding="utf-8"))["cells"]:
        for output in cell.get("outputs", []):
            data = output.get("metadata", {}).get(MEASUREMENT_MIME)
            if data and data.get("provenance"):
                stored.setdefault(data.get("claim") or data.get("measurement"), data["values"])
    phrases = quoted.page_phrases(quoted.lab_run())
    _, prose = page_cells_and_prose()
    if "post4-one-thread-at-a-time" in stored:
        assert phrases["gil_two_threads"] == f"{stored['post4-one-thread-at-a-time']['gil_two_workers']:.2f}"
    if "post4-opt-in-parallel" in stored:
        assert phrases["ft_two_threads"] == f"{stored['post4-opt-in-parallel']['ft_two_workers']:.2f}"
    if "post4-io-was-fine" in stored:
        convoy = stored["post4-io-was-fine"]
        assert phrases["convoy_gil_p90"] == f"{convoy['gil_cpu_p90_ms']:.2g} ms"
        assert phrases["convoy_idle_p90"] == f"{convoy['gil_idle_p90_ms']:.2g} ms"
        assert phrases["convoy_gil_waited"] == f"{convoy['gil_cpu_waited_share']:.0%}"
    if "post4-overhead" in stored:
        assert phrases["overhead_mean"].startswith(f"{abs(stored['post4-overhead']['geometric_mean'] - 1):.0%}")
    if "gil-races" in stored:
        assert phrases["race_ft_plain"].startswith("lost") and phrases["race_gil_locked"] == "lost no update"
    assert not typed_by_hand(phrases, prose)
    if not stored:   # a run from before the lab kept provenance: every figure says so
        assert set(phrases.values()) == {quoted.NOT_MEASURED}
    # The claims page decides the verdicts on exactly the values the page quotes.
    for claim in load_claims(ROOT / "claims.toml"):
        if claim.id in stored:
            assert stored_measurement(claim, ROOT) == stored[claim.id]


@pytest.mark.parametrize("name", sorted(set(quoted.SECTIONS.values()) - {"gil-races"}))
def test_every_quoted_claim_has_a_predicate_checked_on_the_same_record(name):
    claim = next(c for c in load_claims(ROOT / "claims.toml") if c.id == name)
    assert claim.predicate, name


def test_a_second_core_is_never_rounded_up():
    # 1.6 times the work is 60% of a second core: "close to a second core" is kept for 1.8 and up.
    assert quoted._more_work(1.6) == "got more work done: about 60% of a second core's worth on top of the first"
    assert "close to a second core" in quoted._more_work(1.85)
    assert quoted._more_work(1.1) == "got no more work done than one"
