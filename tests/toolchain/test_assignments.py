"""The nbgrader round trip, for every assignment in assignments/source/."""
import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import assignments  # noqa: E402  (tools/assignments.py)

NAMES = assignments.assignment_names()


def test_every_chapter_assignment_is_found():
    assert "shipping_fee" in NAMES


@pytest.mark.parametrize("name", NAMES)
def test_round_trip_grades_reference_release_and_partial(name):
    grades = assignments.roundtrip(name)
    reference, release, partial = grades["reference"], grades["release"], grades["partial"]
    assert reference.cells, "no autograded cells were graded"
    assert reference.score == reference.max_score, reference
    assert all(cell.score == 0 for cell in release.cells), release
    assert len(release.cells) == len(reference.cells)
    assert 0 < partial.score < partial.max_score, partial


@pytest.mark.parametrize("name", NAMES)
def test_every_graded_cell_has_hidden_tests(name):
    nb = json.loads((ROOT / "assignments" / "source" / name / f"{name}.ipynb").read_text())
    graded = [c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade") and c["cell_type"] == "code"]
    assert graded
    for cell in graded:
        source = "".join(cell["source"])
        assert "### BEGIN HIDDEN TESTS" in source and "### END HIDDEN TESTS" in source, cell["metadata"]["nbgrader"]["grade_id"]
    answers = [c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("solution")]
    assert answers and all("### BEGIN SOLUTION" in "".join(c["source"]) for c in answers)


def test_generated_release_has_no_solutions_or_hidden_tests(tmp_path):
    import shutil

    shutil.copy(ROOT / "assignments" / "nbgrader_config.py", tmp_path)
    shutil.copytree(ROOT / "assignments" / "source", tmp_path / "source")
    assignments.generate(tmp_path)
    for name in NAMES:
        text = (tmp_path / "release" / name / f"{name}.ipynb").read_text()
        assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text
        assert "raise NotImplementedError()" in text


def test_book_exercise_shows_the_graded_reference_solution():
    """The shipping-fee page's solution is the assignment's, markers removed: one answer, not two."""
    nb = json.loads((ROOT / "assignments/source/shipping_fee/shipping_fee.ipynb").read_text())
    cell = next(c for c in nb["cells"] if c["metadata"]["nbgrader"].get("grade_id") == "shipping_fee")
    graded = "\n".join(l for l in "".join(cell["source"]).splitlines() if "### " not in l)
    page = (ROOT / "book" / "00_shipping_fee.md").read_text()
    shown = re.search(r"\(shipping-fee-solution\)=\n```\{code-cell\} ipython3\n(.*?)```", page, re.S).group(1)
    assert graded.strip() == shown.strip()


def test_fixture_parser_rejects_a_file_without_sections(tmp_path):
    bad = tmp_path / "partial.py"
    bad.write_text("def f(): pass\n")
    with pytest.raises(ValueError, match="no '# grade_id"):
        assignments.parse_fixture(bad)
