"""Round trip of the coroutines assignment through nbgrader, in a temporary course directory.

The reference solution must earn full marks, the unmodified student release zero on every
autograded cell, and the wrong submission in assignments/fixtures/coroutines/partial.py some
marks but not all. (The project-wide tests/test_assignments.py does this for every assignment;
this file lets the chapter be checked on its own.)
"""
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.reference_only]

ROOT = Path(__file__).resolve().parents[1]
NAME = "coroutines"


def fixture_sections(path):
    sections = {}
    for block in re.split(r"^# grade_id: ", path.read_text(encoding="utf-8"), flags=re.M)[1:]:
        grade_id, _, body = block.partition("\n")
        sections[grade_id.strip()] = body.strip("\n") + "\n"
    return sections


def test_reference_full_release_zero_partial_fixture_partial(tmp_path, monkeypatch):
    pytest.importorskip("nbgrader")
    from nbgrader.api import Gradebook

    bindir = Path(sys.executable).parent
    if not (bindir / "nbgrader").exists():
        pytest.skip("the nbgrader command is not installed next to this interpreter")
    env = dict(os.environ, PATH=f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.setenv("PATH", env["PATH"])  # Gradebook runs `alembic` from PATH

    course = tmp_path / "course"
    shutil.copytree(ROOT / "assignments" / "source" / NAME, course / "source" / NAME)
    (course / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.CourseDirectory.root = {str(course)!r}\n"
        "c.CourseDirectory.course_id = 'internals-lab'\nc.ExecutePreprocessor.timeout = 120\n"
    )

    def nbgrader(*args):
        done = subprocess.run([str(bindir / "nbgrader"), *args], cwd=course, env=env,
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]

    nbgrader("db", "assignment", "add", NAME)
    nbgrader("generate_assignment", NAME, "--force")
    release = json.loads((course / "release" / NAME / f"{NAME}.ipynb").read_text())
    source = json.loads((course / "source" / NAME / f"{NAME}.ipynb").read_text())

    partial = json.loads(json.dumps(release))
    sections = fixture_sections(ROOT / "assignments" / "fixtures" / NAME / "partial.py")
    replaced = set()
    for cell in partial["cells"]:
        grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id")
        if grade_id in sections:
            cell["source"] = sections[grade_id]
            replaced.add(grade_id)
    assert replaced == set(sections), "every fixture section must name an answer cell"

    for student, notebook in (("reference", source), ("release", release), ("partial", partial)):
        folder = course / "submitted" / student / NAME
        folder.mkdir(parents=True)
        (folder / f"{NAME}.ipynb").write_text(json.dumps(notebook))
        nbgrader("db", "student", "add", student)
    nbgrader("autograde", NAME, "--force")

    with Gradebook(f"sqlite:///{course}/gradebook.db") as gradebook:
        scores = {}
        for student in ("reference", "release", "partial"):
            submission = gradebook.find_submission(NAME, student)
            scores[student] = (submission.score, submission.max_score)
            autograded = [g for nb in submission.notebooks for g in nb.grades if g.auto_score is not None]
            if student == "release":
                assert all(g.auto_score == 0 for g in autograded)
    assert scores["reference"][0] == scores["reference"][1] > 0
    assert scores["release"][0] == 0
    assert 0 < scores["partial"][0] < scores["partial"][1]
