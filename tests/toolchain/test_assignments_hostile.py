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


ORACLE = """
import linecache, sys


def shipping_fee(weight_lb, international=False, tier="none"):
    caller = sys._getframe(1)  # reads the hidden test that called it
    return linecache.getline(caller.f_code.co_filename, caller.f_lineno)
"""


def _course(tmp_path):
    """A scratch course holding shipping_fee, its release, and one submission per accident."""
    course = tmp_path / "course"
    course.mkdir()
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
    submit("oracle", assignments._with_answers(course / "release" / NAME / f"{NAME}.ipynb", {NAME: ORACLE}))
    for student, tail in (("dead_kernel", "\nimport os\nos._exit(1)\n"), ("endless", ENDLESS)):
        nb = copy.deepcopy(right)
        cell = next(c for c in nb["cells"] if _grade_id(c) == NAME)
        cell["source"] = "".join(cell["source"]) + tail
        submit(student, nb)
    return course


def test_ungraded_submissions_are_repaired_or_named_and_all_graded_ones_get_feedback(tmp_path):
    """One test, not several sharing a fixture: under pytest-xdist each would grade the batch."""
    course = _course(tmp_path)
    outcomes, report_path, status = course_grading.grade_and_report(course, NAME, timeout=3)
    outcomes = {o.student: o for o in outcomes}

    # Repairable accidents: graded in full, the repair named in the report.
    expected = {"copied_cell": "appears twice", "tampered": "restored from the release",
                "renamed": "renamed to 'shipping_fee.ipynb'", "hand_placed": "timestamp.txt"}
    for student, repair in expected.items():
        outcome = outcomes[student]
        assert outcome.graded and outcome.score == outcome.max_score == 10, outcome
        assert any(repair in r for r in outcome.repairs), outcome.repairs
    assert any("grade" in r and "test_weight_surcharge" in r for r in outcomes["tampered"].repairs)
    assert any("solution" in r and "test_bad_input" in r for r in outcomes["tampered"].repairs)

    # Unrepairable ones: named with their reason, never a silent 0; the exit status says so.
    assert status == 1
    assert not outcomes["dead_kernel"].graded
    assert "Kernel died" in " ".join(outcomes["dead_kernel"].problems), outcomes["dead_kernel"]
    assert not outcomes["endless"].graded
    assert "time limit" in " ".join(outcomes["endless"].problems), outcomes["endless"]
    text = report_path.read_text()
    ungraded_section = text.split("## Read by hand")[0]
    assert "NOT GRADED: 2 submission(s)" in ungraded_section
    assert "**dead_kernel**" in ungraded_section and "**endless**" in ungraded_section
    assert "- endless: NOT GRADED" in text and "- renamed: 10/10" in text

    # The oracle reads the hidden tests through its caller's frame: graded, and listed for a human.
    assert outcomes["oracle"].graded and outcomes["oracle"].review, outcomes["oracle"]
    assert "**oracle**" in text.split("## Read by hand")[1].split("## Graded after a repair")[0]

    # Feedback for every graded submission, although all were placed by hand (no timestamp.txt).
    exchange = course / "exchange"
    exchange.mkdir()
    env = dict(os.environ, PYTHONHASHSEED="0", PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]))
    nbgrader = str(Path(sys.executable).parent / "nbgrader")
    for command in (["generate_feedback", NAME, "--force"], ["release_feedback", NAME, f"--Exchange.root={exchange}"]):
        result = subprocess.run([nbgrader, *command], cwd=course, env=env, capture_output=True, text=True)
        assert result.returncode == 0 and "FileNotFoundError" not in result.stdout + result.stderr, result.stdout + result.stderr
    released = list((exchange / "python-internals-lab" / "feedback").glob("*.html"))
    graded_ones = [s for s, o in outcomes.items() if (course / "autograded" / s / NAME).is_dir()]
    assert len(released) == len(graded_ones) >= 6, (released, graded_ones)
