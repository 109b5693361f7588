"""Autograde a course's submissions so that none is silently scored 0.

    python tools/course_grading.py ASSIGNMENT [--course DIR] [--timeout SECONDS]

nbgrader fails a whole submission, and exports it as 0, for ordinary accidents: a copied test
cell (two cells with one grade_id: a misleading "old metadata format" error), a test cell whose
metadata was edited (`grade: false`, `solution: true`), a renamed notebook, a kernel that dies,
an endless loop that swallows the interrupt in a bare `except:`. This wrapper

1. repairs what can be repaired, against the release (the instructor's copy is the truth):
   renames a lone notebook to the expected name, restores each graded cell's nbgrader metadata,
   turns copies of a graded cell into ordinary cells, and writes the `timestamp.txt` that
   `nbgrader release_feedback` needs when a submission was placed by hand;
2. autogrades each student on their own (one failure cannot hide another);
3. reads the gradebook, and writes a report naming every student whose submission was repaired
   or could not be graded, with the reason. The report is printed last, written to
   `grading_report_<assignment>.md` in the course directory, and the exit status is 1 when a
   submission is ungraded, so a script or a Makefile stops there.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import secrets
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The format nbgrader writes to timestamp.txt (its parse_utc reads it back).
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f UTC"


@dataclass
class Outcome:
    student: str
    repairs: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    review: list[str] = field(default_factory=list)
    score: float | None = None
    max_score: float | None = None

    @property
    def graded(self) -> bool:
        return self.score is not None and not self.problems


# Answer code that reaches for the grader's own frames or source (book/instructors.md, "What
# nbgrader cannot prevent"): the submission is graded, and listed for a human to read.
INTROSPECTION = ("_getframe", "linecache", "f_back", "currentframe", "inspect.stack", "getouterframes",
                 "get_referrers", "__closure__", "f_globals", "settrace", "_exact", "_run(")
# The keys that decide how nbgrader treats a cell; a student's edit of any of them is undone.
ROLE_KEYS = ("grade", "solution", "locked", "task", "points", "grade_id")


def _grade_metadata(notebook: dict) -> dict[str, dict]:
    return {c["metadata"]["nbgrader"]["grade_id"]: c["metadata"]["nbgrader"]
            for c in notebook["cells"] if "grade_id" in c.get("metadata", {}).get("nbgrader", {})}


def repair_submission(folder: Path, assignment: str, release_nb: Path) -> tuple[list[str], list[str], list[str]]:
    """Make one student's submission gradable in place; return (repairs, problems, to review)."""
    repairs: list[str] = []
    expected = folder / f"{assignment}.ipynb"
    if not expected.exists():
        notebooks = sorted(p for p in folder.glob("*.ipynb") if not p.name.startswith("."))
        if len(notebooks) != 1:
            found = ", ".join(p.name for p in notebooks) or "none"
            return repairs, [f"no notebook named {expected.name} (found: {found}); not graded"], []
        notebooks[0].rename(expected)
        repairs.append(f"notebook was named {notebooks[0].name!r}; renamed to {expected.name!r}")
    try:
        notebook = json.loads(expected.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        return repairs, [f"{expected.name} is not a readable notebook ({error}); not graded"], []
    truth = _grade_metadata(json.loads(release_nb.read_text(encoding="utf-8")))
    seen: set[str] = set()
    for cell in notebook.get("cells", []):
        meta = cell.get("metadata", {}).get("nbgrader")
        if meta is None:
            continue
        grade_id = meta.get("grade_id")
        if grade_id not in truth:
            del cell["metadata"]["nbgrader"]
            repairs.append(f"a cell carried nbgrader metadata for an unknown id {grade_id!r}; graded as ordinary code")
        elif grade_id in seen:
            del cell["metadata"]["nbgrader"]
            repairs.append(f"cell {grade_id!r} appears twice (a copied cell); the copy runs as ordinary code")
        else:
            seen.add(grade_id)
            changed = [k for k in ROLE_KEYS if meta.get(k) != truth[grade_id].get(k)]
            if changed:
                cell["metadata"]["nbgrader"] = dict(truth[grade_id])
                repairs.append(f"metadata of cell {grade_id!r} was changed ({', '.join(changed)}); restored from the release")
    missing = sorted(set(truth) - seen)
    if missing:
        repairs.append(f"cells deleted from the notebook: {', '.join(missing)} (nbgrader restores locked cells; their points count)")
    if repairs:
        expected.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    stamp = folder / "timestamp.txt"
    if not stamp.exists():
        now = datetime.datetime.now(datetime.timezone.utc)
        stamp.write_text(now.strftime(TIMESTAMP_FORMAT), encoding="utf-8")
        repairs.append("no timestamp.txt (placed by hand): wrote the grading time, so release_feedback works")
    secret = folder / "submission_secret.txt"
    if not secret.exists():
        # nbgrader's exchange writes one at submit time; release_feedback names the feedback by it.
        secret.write_text(secrets.token_hex(64), encoding="utf-8")
    return repairs, [], introspection(notebook)


def introspection(notebook: dict) -> list[str]:
    """Answer cells that use what an oracle or a tampering submission needs."""
    found = []
    for cell in notebook.get("cells", []):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution"):
            source = "".join(cell.get("source", ""))
            hits = sorted({word for word in INTROSPECTION if word in source})
            if hits:
                found.append(f"answer cell {meta.get('grade_id')!r} uses {', '.join(hits)}: read it before trusting the score")
    return found


def _nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).parent / "nbgrader"
    env = dict(os.environ, PYTHONHASHSEED="0")
    env["PATH"] = os.pathsep.join([str(exe.parent), env.get("PATH", "")])
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")]))
    return subprocess.run([str(exe), *args], cwd=course, env=env, capture_output=True, text=True)


def _reason(log: str) -> str:
    """The one line of nbgrader's log that says why a notebook was not graded."""
    patterns = [r"DeadKernelError[^\n]*", r"[Kk]ernel died[^\n]*", r"CellTimeoutError[^\n]*",
                r"[Tt]imeout waiting[^\n]*", r"A cell timed out[^\n]*", r"[^\n]*old metadata format[^\n]*",
                r"\[AutogradeApp \| ERROR\][^\n]*"]
    for pattern in patterns:
        match = re.search(pattern, log)
        if match:
            return match.group(0).strip()[:300]
    lines = [line for line in log.splitlines() if line.strip()]
    return (lines[-1] if lines else "nbgrader gave no reason")[:300]


def _timeouts(autograded: Path) -> list[str]:
    """A cell that ran past the timeout and ignored the interrupt (an endless loop in a bare
    `except:`) keeps the kernel busy, so every later cell times out too: the score means nothing."""
    notebook = json.loads(autograded.read_text(encoding="utf-8"))
    for index, cell in enumerate(notebook["cells"]):
        if any(o.get("ename") == "CellTimeoutError" for o in cell.get("outputs", [])):
            where = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") or f"number {index}"
            return [f"cell {where} did not finish within the time limit and ignored the interrupt "
                    "(an endless loop inside a bare `except:`?), so the cells after it could not run; "
                    "the score it got means nothing: fix the loop in a copy and grade that, or grade by hand"]
    return []


def grade(course: Path, assignment: str, timeout: float | None = None) -> list[Outcome]:
    """Repair, autograde student by student, and read back every score."""
    from nbgrader.api import Gradebook, MissingEntry

    release_nb = course / "release" / assignment / f"{assignment}.ipynb"
    if not release_nb.exists():
        raise SystemExit(f"no release at {release_nb}: run `nbgrader generate_assignment {assignment}` first")
    outcomes = []
    for folder in sorted((course / "submitted").glob(f"*/{assignment}")):
        outcome = Outcome(folder.parent.name)
        outcome.repairs, outcome.problems, outcome.review = repair_submission(folder, assignment, release_nb)
        outcomes.append(outcome)
        if outcome.problems:
            continue
        extra = [f"--ExecutePreprocessor.timeout={timeout:g}"] if timeout else []
        result = _nbgrader(course, "autograde", assignment, f"--student={outcome.student}", "--force", *extra)
        autograded = course / "autograded" / outcome.student / assignment / f"{assignment}.ipynb"
        if result.returncode != 0 or not autograded.exists():
            outcome.problems.append(f"nbgrader could not grade it: {_reason(result.stdout + result.stderr)}")
        else:
            outcome.problems += _timeouts(autograded)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for outcome in outcomes:
            if outcome.problems:
                continue
            try:
                submission = gb.find_submission(assignment, outcome.student)
            except MissingEntry:
                outcome.problems.append("no grades in the gradebook after autograde")
                continue
            outcome.score, outcome.max_score = float(submission.score), float(submission.max_score)
    return outcomes


def report(assignment: str, outcomes: list[Outcome]) -> str:
    ungraded = [o for o in outcomes if not o.graded]
    review = [o for o in outcomes if o.graded and o.review]
    repaired = [o for o in outcomes if o.graded and o.repairs]
    lines = [f"# Autograde report: {assignment}", ""]
    if ungraded:
        lines += [f"## NOT GRADED: {len(ungraded)} submission(s). Do not export these as 0.", ""]
        lines += [f"- **{o.student}**: " + "; ".join(o.problems + o.repairs) for o in ungraded] + [""]
    if review:
        lines += [f"## Read by hand: {len(review)} submission(s) reach for the grader's frames or names.", ""]
        lines += [f"- **{o.student}** ({o.score:g}/{o.max_score:g}): " + "; ".join(o.review) for o in review] + [""]
    if repaired:
        lines += [f"## Graded after a repair: {len(repaired)} submission(s). Tell the student.", ""]
        lines += [f"- **{o.student}** ({o.score:g}/{o.max_score:g}): " + "; ".join(o.repairs) for o in repaired] + [""]
    lines += ["## Scores", ""] + [
        f"- {o.student}: " + (f"{o.score:g}/{o.max_score:g}" if o.graded else "NOT GRADED") for o in outcomes]
    return "\n".join(lines) + "\n"


def grade_and_report(course: Path, assignment: str, timeout: float | None = None) -> tuple[list[Outcome], Path, int]:
    """Grade, write grading_report_<assignment>.md; the exit status is 1 if any is ungraded."""
    outcomes = grade(course, assignment, timeout)
    path = course / f"grading_report_{assignment}.md"
    path.write_text(report(assignment, outcomes), encoding="utf-8")
    return outcomes, path, 1 if any(not o.graded for o in outcomes) else 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("assignment")
    parser.add_argument("--course", type=Path, default=ROOT / "assignments")
    parser.add_argument("--timeout", type=float, help="seconds per cell (default: nbgrader_config.py)")
    args = parser.parse_args(argv)
    outcomes, path, status = grade_and_report(args.course, args.assignment, args.timeout)
    print(path.read_text(encoding="utf-8"))
    if status:
        print(f"NOT GRADED: {', '.join(o.student for o in outcomes if not o.graded)} (see {path})", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
