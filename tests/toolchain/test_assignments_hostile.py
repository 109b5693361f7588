"""Submissions that nbgrader alone leaves ungraded (and exports as 0): each is graded after a
repair, or named in the report with its reason. Then feedback is released for all of them,
although they were placed by hand (no timestamp.txt)."""
import copy
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import assignments  # noqa: E402  (tools/assignments.py)
import course_grading  # noqa: E402  (tools/course_grading.py)

NAME = "shipping_fee"
ENDLESS = "\nimport time\nwhile True:\n    try:\n        time.sleep(0.05)\n    except:  # swallows the grader's interrupt\n        pass\n"


def _grade_id(cell):
    return cell["metadata"].get("nbgrader", {}).get("grade_id")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = tmp_path_factory.mktemp("course")
    shutil.copy(ROOT / "assignments" / "nbgrader_config.py", course)
    shutil.copytree(ROOT / "assignments" / "source" / NAME, course / "source" / NAME)
    assignments.generate(course, [NAME])
    source = json.loads((course / "source" / NAME / f"{NAME}.ipynb").read_text())
    answers = {_grade_id(c): "".join(c["source"]) for c in source["cells"] if c["metadata"]["nbgrader"].get("solution")}
    right = assignments._with_answers(course / "release" / NAME / f"{NAME}.ipynb", answers)

    def submit(student, notebook, filename=f"{NAME}.ipynb"):
        folder = course / "submitted" / student / NAME
        folder.mkdir(parents=True)
        (folder / filename).write_text(json.dumps(notebook, indent=1))

    submit("hand_placed", right)
    nb = copy.deepcopy(right)
    at = next(i for i, c in enumerate(nb["cells"]) if _grade_id(c) == "test_decimal_result")
    duplicate = copy.deepcopy(nb["cells"][at])
    duplicate["id"] = "a-copied-cell"
    nb["cells"].insert(at + 1, duplicate)
    submit("copied_cell", nb)
    nb = copy.deepcopy(right)
    for cell in nb["cells"]:
        if _grade_id(cell) == "test_weight_surcharge":
            cell["metadata"]["nbgrader"]["grade"] = False
        if _grade_id(cell) == "test_bad_input":
            cell["metadata"]["nbgrader"]["solution"] = True
    submit("tampered", nb)
    submit("renamed", right, f"{NAME}-Copy1.ipynb")
    for student, tail in (("dead_kernel", "\nimport os\nos._exit(1)\n"), ("endless", ENDLESS)):
        nb = copy.deepcopy(right)
        cell = next(c for c in nb["cells"] if _grade_id(c) == NAME)
        cell["source"] = "".join(cell["source"]) + tail
        submit(student, nb)
    outcomes = {o.student: o for o in course_grading.grade(course, NAME, timeout=3)}
    return course, outcomes


def test_repairable_submissions_are_graded_in_full_and_the_repair_is_reported(graded):
    _, outcomes = graded
    expected = {"copied_cell": "appears twice", "tampered": "restored from the release",
                "renamed": "renamed to 'shipping_fee.ipynb'", "hand_placed": "timestamp.txt"}
    for student, repair in expected.items():
        outcome = outcomes[student]
        assert outcome.graded and outcome.score == outcome.max_score == 10, outcome
        assert any(repair in r for r in outcome.repairs), outcome.repairs
    assert any("grade" in r and "test_weight_surcharge" in r for r in outcomes["tampered"].repairs)
    assert any("solution" in r and "test_bad_input" in r for r in outcomes["tampered"].repairs)


def test_ungradable_submissions_are_named_with_their_reason(graded):
    course, outcomes = graded
    assert not outcomes["dead_kernel"].graded
    assert "Kernel died" in " ".join(outcomes["dead_kernel"].problems), outcomes["dead_kernel"]
    assert not outcomes["endless"].graded
    assert "time limit" in " ".join(outcomes["endless"].problems), outcomes["endless"]
    text = course_grading.report(NAME, list(outcomes.values()))
    ungraded_section = text.split("## Graded after a repair")[0]
    assert "NOT GRADED: 2 submission(s)" in ungraded_section
    assert "**dead_kernel**" in ungraded_section and "**endless**" in ungraded_section
    assert "- endless: NOT GRADED" in text and "- renamed: 10/10" in text


def test_the_command_line_fails_when_a_submission_is_ungraded(graded):
    course, _ = graded
    # Grading again is idempotent: the repairs are already made, the broken two stay broken.
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "course_grading.py"), NAME, "--course", str(course),
                             "--timeout", "3"], capture_output=True, text=True, env=dict(os.environ, PYTHONHASHSEED="0"))
    assert result.returncode == 1, result
    assert "NOT GRADED: dead_kernel, endless" in result.stderr
    assert (course / f"grading_report_{NAME}.md").read_text().startswith(f"# Autograde report: {NAME}")


def test_feedback_is_released_for_submissions_placed_by_hand(graded):
    course, _ = graded
    exchange = course / "exchange"
    exchange.mkdir(exist_ok=True)
    env = dict(os.environ, PYTHONHASHSEED="0", PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]))
    nbgrader = str(Path(sys.executable).parent / "nbgrader")
    for command in ("generate_feedback", "release_feedback"):
        result = subprocess.run([nbgrader, command, NAME, f"--Exchange.root={exchange}", "--force"],
                                cwd=course, env=env, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "FileNotFoundError" not in result.stdout + result.stderr
    released = {p.name.split("+")[0] for p in (exchange / "python-internals-lab" / "feedback").glob("*.html")}
    assert len(released) >= 4, released  # one feedback file per graded submission (named by hash)
