"""The claims registry: well-formed, and every verdict points at a cell that shows it."""
from pathlib import Path

import pytest

from internals_lab.claims import VERDICTS, claims_markdown, evidence_problems, load_claims

ROOT = Path(__file__).resolve().parents[1]


def test_registry_loads_and_every_evidence_cell_exists():
    claims = load_claims(ROOT / "claims.toml")
    assert claims, "the registry is empty"
    assert evidence_problems(claims, ROOT) == []


def test_every_verdict_is_one_of_the_four():
    assert {c.verdict for c in load_claims(ROOT / "claims.toml")} <= set(VERDICTS)


def test_missing_evidence_is_reported(tmp_path):
    (tmp_path / "claims.toml").write_text(
        '[[claim]]\nid="x"\npost=1\nclaim="c"\nverdict="true"\nversions="3.13"\n'
        'evidence="notebooks/none.ipynb#x"\nexplanation="e"\n'
    )
    claims = load_claims(tmp_path / "claims.toml")
    assert evidence_problems(claims, tmp_path) == ["x: evidence file notebooks/none.ipynb does not exist"]


def test_a_page_target_must_stand_before_a_code_cell(tmp_path):
    (tmp_path / "page.md").write_text("(x)=\nJust prose.\n")
    (tmp_path / "claims.toml").write_text(
        '[[claim]]\nid="x"\npost=1\nclaim="c"\nverdict="true"\nversions="3.13"\n'
        'evidence="page.md#x"\nexplanation="e"\n'
    )
    problems = evidence_problems(load_claims(tmp_path / "claims.toml"), tmp_path)
    assert len(problems) == 1 and "not right before a code cell" in problems[0]


def test_bad_verdict_and_duplicate_ids_are_refused(tmp_path):
    entry = '[[claim]]\nid="x"\npost=1\nclaim="c"\nverdict="{v}"\nversions="3.13"\nevidence="a#b"\nexplanation="e"\n'
    (tmp_path / "bad.toml").write_text(entry.format(v="maybe"))
    with pytest.raises(ValueError, match="verdict 'maybe'"):
        load_claims(tmp_path / "bad.toml")
    (tmp_path / "dup.toml").write_text(entry.format(v="true") * 2)
    with pytest.raises(ValueError, match="used twice"):
        load_claims(tmp_path / "dup.toml")


def test_markdown_links_each_claim_to_its_anchor():
    claims = load_claims(ROOT / "claims.toml")
    text = claims_markdown(claims)
    for claim in claims:
        assert f"]({claim.evidence_anchor})" in text
        assert f"## Post {claim.post}:" in text


def test_per_version_verdicts_are_shown_and_checked(tmp_path):
    entry = ('[[claim]]\nid="x"\npost=1\nclaim="c"\nverdict="false"\nversions="3.11, 3.14"\n'
             'evidence="a#b"\nexplanation="e"\nby_version = {{ {table} }}\n')
    (tmp_path / "ok.toml").write_text(entry.format(table='"3.11" = "true", "3.13t" = "true"'))
    [claim] = load_claims(tmp_path / "ok.toml")
    assert claim.verdict_on("3.11") == "true" and claim.verdict_on("3.14") == "false"
    assert "on 3.11, 3.13t: **true**" in claims_markdown([claim])
    (tmp_path / "same.toml").write_text(entry.format(table='"3.11" = "false"'))
    with pytest.raises(ValueError, match="repeats the verdict"):
        load_claims(tmp_path / "same.toml")
    (tmp_path / "bad.toml").write_text(entry.format(table='"py3" = "true"'))
    with pytest.raises(ValueError, match="not a version"):
        load_claims(tmp_path / "bad.toml")


def test_every_post_the_book_checks_is_named_by_its_topic():
    from internals_lab.claims import load_post_topics

    topics = load_post_topics(ROOT / "claims.toml")
    posts = {c.post for c in load_claims(ROOT / "claims.toml")}
    assert posts <= set(topics), f"posts without a topic: {sorted(posts - set(topics))}"
    text = claims_markdown(load_claims(ROOT / "claims.toml"), ROOT)
    for post in posts:
        assert f"## Post {post}: {topics[post]}" in text


def test_a_chapters_claims_table_has_one_row_per_claim_of_its_lab_with_its_verdicts(tmp_path):
    from internals_lab.claims import chapter_claims_table

    entry = ('[[claim]]\nid="{id}"\npost={post}\nclaim="{claim}"\nverdict="{verdict}"\nversions="3.13, 3.14"\n'
             'evidence="{evidence}"\nexplanation="e"\n{extra}\n')
    (tmp_path / "claims.toml").write_text(
        entry.format(id="a", post=2, claim="Loops are slow.", verdict="false", evidence="notebooks/lab.ipynb#a",
                     extra='by_version = { "3.13t" = "true" }')
        + entry.format(id="b", post=3, claim="Strings grow in place.", verdict="true",
                       evidence="notebooks/lab.ipynb#b", extra="")
        + entry.format(id="c", post=3, claim="Another chapter's.", verdict="true",
                       evidence="notebooks/other.ipynb#c", extra=""))
    table = chapter_claims_table("notebooks/lab.ipynb", here={"b": "false"}, root=tmp_path)
    lines = table.splitlines()
    assert lines[0] == "| Claim | Verdict | Checked on | Evidence |"
    assert lines[2:] == [
        "| Post 2: Loops are slow. | false; 3.13t: true | 3.13, 3.14 | [the cell](a) |",
        "| Post 3: Strings grow in place. | true (this build: false) | 3.13, 3.14 | [the cell](b) |",
    ]
    with pytest.raises(ValueError, match="no claim in the registry has its evidence in notebooks/none.ipynb"):
        chapter_claims_table("notebooks/none.ipynb", root=tmp_path)


def test_every_chapter_page_draws_its_claims_table_with_the_one_function():
    # A page-local copy of the table code is how two verdicts for one claim crept in before.
    for page in sorted((ROOT / "book").glob("0*.md")):
        text = page.read_text(encoding="utf-8")
        if "| Claim | Verdict |" in text or "chapter_claims_table" in text:
            assert "| Claim | Verdict |" not in text, f"{page.name} builds its own claims table"
            assert "chapter_claims_table(" in text, page.name
