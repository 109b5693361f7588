"""The nbgrader course: generate the student release, and grade submissions for the tests.

    python tools/assignments.py generate     # assignments/release/<name>/ for every assignment
    python tools/assignments.py roundtrip [NAME...]  # grade the reference, the release, every fixture
    python tools/assignments.py points       # the points table of book/instructors.md

The round trip works in a temporary copy of the course, so the repository's gradebook and
release are untouched. Submissions:
- "reference": the instructor's source notebook (solutions filled in);
- "release": the student release, unmodified;
- one per fixture, assignments/fixtures/<name>/<fixture>.py: the release with answer cells
  replaced by the fixture's `# grade_id: <id>` sections. Each fixture declares its expected
  score (`# score: N`) and whether it is a right answer (`# verdict: right`, which must score
  full marks) or a wrong one (`# verdict: wrong`, below full marks).

Every graded cell's hidden tests start with GRADER_PREAMBLE (see book/instructors.md).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COURSE = ROOT / "assignments"
# The first hidden block of every graded cell: stderr cannot zero the cell, and `_exact` compares
# answers by exact type all the way down (tests/toolchain/test_assignments.py checks it is there).
GRADER_PREAMBLE = (ROOT / "assignments" / "grader_preamble.txt").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Fixture:
    assignment: str
    name: str
    verdict: str          # "right" or "wrong"
    score: float          # the score it must get
    answers: dict[str, str]


@dataclass(frozen=True)
class CellGrade:
    grade_id: str
    score: float
    max_score: float


@dataclass(frozen=True)
class Graded:
    assignment: str
    student: str
    cells: tuple[CellGrade, ...]

    @property
    def score(self) -> float:
        return sum(c.score for c in self.cells)

    @property
    def max_score(self) -> float:
        return sum(c.max_score for c in self.cells)


def assignment_names() -> list[str]:
    return sorted(p.name for p in (COURSE / "source").iterdir() if (p / f"{p.name}.ipynb").is_file())


# Every graded cell carries one of these tags: "internals" when its points need the chapter's
# CPython internals, "general" otherwise (issue 20: at least 80% internals per chapter assignment).
TOPICS = ("internals", "general")
WARM_UP = "shipping_fee"  # the warm-up: Decimal arithmetic, exempt from the internals share
INTERNALS_SHARE = 0.8


def graded_cells(name: str) -> list[tuple[str, float, str | None]]:
    """(grade_id, points, topic tag) of every graded cell of an assignment's source notebook."""
    nb = json.loads((COURSE / "source" / name / f"{name}.ipynb").read_text(encoding="utf-8"))
    cells = []
    for cell in nb["cells"]:
        meta = cell.get("metadata", {})
        if meta.get("nbgrader", {}).get("grade"):
            topics = [tag for tag in meta.get("tags", []) if tag in TOPICS]
            cells.append((meta["nbgrader"]["grade_id"], float(meta["nbgrader"]["points"]),
                          topics[0] if len(topics) == 1 else None))
    return cells


def points_table() -> str:
    """The markdown table of points per assignment, internals and general, from the notebooks."""
    rows = ["| assignment | points | on internals | share |", "| --- | --- | --- | --- |"]
    for name in assignment_names():
        cells = graded_cells(name)
        total = sum(points for _, points, _ in cells)
        internals = sum(points for _, points, topic in cells if topic == "internals")
        note = " (warm-up, exempt)" if name == WARM_UP else ""
        rows.append(f"| `{name}` | {total:g} | {internals:g} | {internals / total:.0%}{note} |")
    return "\n".join(rows) + "\n"


def _nbgrader(course: Path, *args: str) -> None:
    exe = Path(sys.executable).parent / "nbgrader"
    env = dict(os.environ, PYTHONHASHSEED="0")
    # nbgrader runs `alembic` by name, and its kernels must be this environment's.
    env["PATH"] = os.pathsep.join([str(exe.parent), env.get("PATH", "")])
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")]))
    result = subprocess.run([str(exe), *args, "--force", "--log-level=WARN"], cwd=course, env=env,
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"nbgrader {' '.join(args)} failed in {course}:\n{result.stdout}\n{result.stderr}")


def generate(course: Path = COURSE, names: list[str] | None = None) -> None:
    for name in names or assignment_names():
        _nbgrader(course, "generate_assignment", name)


def parse_fixture(path: Path) -> dict[str, str]:
    """Replacement sources for answer cells, keyed by grade_id (`# grade_id: <id>` headers)."""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.fullmatch(r"# grade_id: (\S+)\s*", line)
        if match:
            current = sections.setdefault(match.group(1), [])
        elif current is not None:
            current.append(line)
    if not sections:
        raise ValueError(f"{path} has no '# grade_id: <id>' sections")
    return {gid: "\n".join(lines).strip() + "\n" for gid, lines in sections.items()}


def load_fixture(path: Path) -> Fixture:
    """A fixture file: its answers, and the `# verdict:` and `# score:` it declares."""
    text = path.read_text(encoding="utf-8")
    verdict = re.search(r"^# verdict: (right|wrong)\s*$", text, re.M)
    score = re.search(r"^# score: ([0-9.]+)\s*$", text, re.M)
    if not verdict or not score:
        raise ValueError(f"{path} must declare '# verdict: right|wrong' and '# score: N'")
    return Fixture(path.parent.name, path.stem, verdict.group(1), float(score.group(1)), parse_fixture(path))


def fixtures(name: str) -> list[Fixture]:
    return [load_fixture(p) for p in sorted((COURSE / "fixtures" / name).glob("*.py"))]


def _with_answers(release: Path, answers: dict[str, str]) -> dict:
    nb = json.loads(release.read_text(encoding="utf-8"))
    seen = set()
    for cell in nb["cells"]:
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if gid in answers:
            if not cell["metadata"]["nbgrader"].get("solution"):
                raise ValueError(f"fixture replaces {gid!r}, which is not an answer cell")
            cell["source"] = answers[gid]
            seen.add(gid)
    missing = set(answers) - seen
    if missing:
        raise ValueError(f"fixture names cells the release does not have: {sorted(missing)}")
    return nb


def roundtrip(name: str) -> dict[str, Graded]:
    """Autograde the reference, the release and every fixture of one assignment in a scratch
    course; return the grades by student (a fixture's student is its file name)."""
    from nbgrader.api import Gradebook

    with tempfile.TemporaryDirectory(prefix=f"nbgrader-{name}-") as tmp:
        course = Path(tmp)
        shutil.copy(COURSE / "nbgrader_config.py", course)
        shutil.copytree(COURSE / "source" / name, course / "source" / name)
        generate(course, [name])
        source_nb = course / "source" / name / f"{name}.ipynb"
        release_nb = course / "release" / name / f"{name}.ipynb"
        students = {"reference": None, "release": None}
        for fixture in fixtures(name):
            students[fixture.name] = _with_answers(release_nb, fixture.answers)
        for student, notebook in students.items():
            target = course / "submitted" / student / name / f"{name}.ipynb"
            target.parent.mkdir(parents=True)
            if student == "reference":
                shutil.copy(source_nb, target)
            elif student == "release":
                shutil.copy(release_nb, target)
            else:
                target.write_text(json.dumps(notebook, indent=1), encoding="utf-8")
        _nbgrader(course, "autograde", name)
        grades = {}
        with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
            for student in students:
                notebook = gb.find_submission_notebook(name, name, student)
                cells = tuple(
                    CellGrade(g.name, float(g.auto_score or 0), float(g.max_score))
                    for g in notebook.grades if g.cell.__class__.__name__ == "GradeCell" and g.auto_score is not None
                )
                grades[student] = Graded(name, student, cells)
        return grades


def main(argv: list[str]) -> int:
    if argv[:1] == ["generate"]:
        generate()
        print(f"student release written to {COURSE / 'release'}: {', '.join(assignment_names())}")
        return 0
    if argv[:1] == ["points"]:
        print(points_table(), end="")
        return 0
    if argv[:1] == ["roundtrip"]:
        wrong = []
        for name in argv[1:] or assignment_names():
            declared = {f.name: f for f in fixtures(name)}
            for student, graded in roundtrip(name).items():
                fixture = declared.get(student)
                want = graded.max_score if student == "reference" else 0 if student == "release" else fixture.score
                mark = "ok" if graded.score == want else f"EXPECTED {want:g}"
                if graded.score != want:
                    wrong.append(f"{name}/{student}")
                verdict = fixture.verdict if fixture else student
                print(f"{name:14} {student:28} {verdict:9} {graded.score:g}/{graded.max_score:g} {mark}")
        if wrong:
            print(f"scores differ from the declared ones: {', '.join(wrong)}", file=sys.stderr)
        return 1 if wrong else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
