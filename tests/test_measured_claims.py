"""Measured claims: a predicate in the registry decides whether a verdict may be printed.

The point of the mechanism is that a fixed verdict can never be published beside a number that
contradicts it. These tests feed it contradicting measurements and check what the claims page
and the evidence cell then say.
"""
import json
from pathlib import Path

import pytest

from internals_lab.claims import claims_markdown, evidence_problems, load_claims
from internals_lab.measured_claims import MEASUREMENT_MIME, Predicate, record

ROOT = Path(__file__).resolve().parents[1]
ENTRY = ('[[claim]]\nid="fast"\npost=4\nclaim="Two threads do twice the work."\nverdict="partly true"\n'
         'versions="3.14t"\nevidence="{evidence}"\nexplanation="e"\npredicate="speedup >= 1.5 and speedup < 2.2"\n')


def test_predicates_parse_and_decide():
    predicate = Predicate.parse("speedup >= 1.5 and speedup < 2.2")
    assert predicate.holds({"speedup": 1.8})
    assert predicate.failures({"speedup": 0.8}) == ["speedup = 0.8, needs ≥ 1.5"]
    assert predicate.failures({"speedup": 2.2}) == ["speedup = 2.2, needs < 2.2"]
    # A missing, non-numeric, boolean or NaN value never satisfies a clause.
    for bad in ({}, {"speedup": "2"}, {"speedup": True}, {"speedup": float("nan")}):
        assert not predicate.holds(bad)


@pytest.mark.parametrize("text", ["speedup", "speedup >= fast", "__import__('os') > 1", "a >= 1 or b < 2", ""])
def test_a_predicate_is_data_not_code(text):
    with pytest.raises(ValueError, match="is not `name op number`"):
        Predicate.parse(text)


def test_a_malformed_predicate_is_refused_when_the_registry_loads(tmp_path):
    (tmp_path / "claims.toml").write_text(ENTRY.format(evidence="a.md#x").replace("speedup >= 1.5", "speedup >> 1.5"))
    with pytest.raises(ValueError, match="claim fast: predicate"):
        load_claims(tmp_path / "claims.toml")


def notebook_with(tmp_path, values):
    """A lab whose evidence cell stored `values` the way record() leaves them in a notebook."""
    outputs = [] if values is None else [{"output_type": "display_data", "data": {"text/plain": "..."},
                                          "metadata": {MEASUREMENT_MIME: {"claim": "fast", "values": values}}}]
    cells = [{"cell_type": "markdown", "id": "m", "metadata": {}, "source": ["(fast)=\n"]},
             {"cell_type": "code", "id": "fast", "metadata": {}, "execution_count": 1, "source": ["record('fast')"],
              "outputs": outputs or [{"output_type": "stream", "name": "stdout", "text": ["no record\n"]}]}]
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "lab.ipynb").write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    (tmp_path / "claims.toml").write_text(ENTRY.format(evidence="notebooks/lab.ipynb#fast"))
    return load_claims(tmp_path / "claims.toml")


def test_a_contradicting_measurement_is_never_published_beside_the_verdict(tmp_path):
    claims = notebook_with(tmp_path, {"speedup": 0.8})
    page = claims_markdown(claims, tmp_path)
    assert "not confirmed on this machine" in page and "speedup = 0.8, needs ≥ 1.5" in page
    assert "**partly true**" not in page


def test_a_confirming_measurement_publishes_the_verdict_and_its_condition(tmp_path):
    page = claims_markdown(notebook_with(tmp_path, {"speedup": 1.8}), tmp_path)
    assert "**partly true**, its condition speedup ≥ 1.5 and speedup < 2.2 met" in page
    assert "not confirmed" not in page


def test_a_measured_claim_without_a_recorded_measurement_is_a_problem_and_unconfirmed(tmp_path):
    claims = notebook_with(tmp_path, None)
    assert evidence_problems(claims, tmp_path) == [
        "fast: a measured claim, but no cell of notebooks/lab.ipynb stores a record('fast', ...) output for its predicate"]
    assert "not confirmed on this machine** (no measurement recorded" in claims_markdown(claims, tmp_path)


def test_a_prose_page_must_record_and_the_build_directory_carries_its_data(tmp_path, monkeypatch):
    (tmp_path / "page.md").write_text("(fast)=\n```{code-cell} ipython3\nprint(2)\n```\n")
    (tmp_path / "claims.toml").write_text(ENTRY.format(evidence="page.md#fast"))
    claims = load_claims(tmp_path / "claims.toml")
    assert "never calls record('fast', ...)" in evidence_problems(claims, tmp_path)[0]
    monkeypatch.setenv("INTERNALS_LAB_MEASUREMENTS", str(tmp_path / "measured"))
    shown = record("fast", registry=tmp_path / "claims.toml", speedup=0.7)
    assert "is not confirmed on this machine" in shown.sentence() and not shown.holds
    assert json.loads((tmp_path / "measured" / "fast.json").read_text()) == {"claim": "fast", "values": {"speedup": 0.7}}
    assert "not confirmed on this machine** (speedup = 0.7" in claims_markdown(claims, tmp_path)


def test_record_refuses_author_mistakes_with_a_message(tmp_path):
    (tmp_path / "claims.toml").write_text(ENTRY.format(evidence="page.md#fast"))
    with pytest.raises(ValueError, match="no claim 'slow'"):
        record("slow", registry=tmp_path / "claims.toml", speedup=1)
    with pytest.raises(ValueError, match=r"needs \['speedup'\]"):
        record("fast", registry=tmp_path / "claims.toml", sped=1)


def test_every_measured_claim_of_the_book_is_confirmed_by_its_stored_lab_data():
    # The labs' stored outputs are the idle-machine runs the book quotes: each must meet its
    # claim's condition, or the claims page would print "not confirmed".
    for claim in load_claims(ROOT / "claims.toml"):
        if claim.predicate and claim.evidence_path.endswith(".ipynb"):
            assert "not confirmed" not in claims_markdown([claim], ROOT), claim.id


def test_a_chapters_claims_table_never_prints_a_verdict_its_stored_data_contradict(tmp_path):
    from internals_lab.claims import chapter_claims_table

    notebook_with(tmp_path, {"speedup": 0.8})
    table = chapter_claims_table("notebooks/lab.ipynb", root=tmp_path)
    assert "not confirmed on this machine" in table and "speedup = 0.8, needs ≥ 1.5" in table
    assert "| partly true |" not in table


def test_the_claims_page_says_where_and_when_a_stored_measurement_was_taken(tmp_path):
    claims = notebook_with(tmp_path, {"speedup": 1.8})
    path = tmp_path / "notebooks" / "lab.ipynb"
    lab = json.loads(path.read_text())
    lab["cells"][1]["outputs"][0]["metadata"][MEASUREMENT_MIME]["provenance"] = {
        "interpreters": ["3.14.7 free-threaded"], "load_average": 0.42, "cores": 2, "date": "2026-11-30"}
    path.write_text(json.dumps(lab))
    assert ("met by the recorded measurement (measured on 2026-11-30 with 3.14.7 free-threaded, "
            "load average 0.42 on 2 cores)") in claims_markdown(claims, tmp_path)
