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
def test_round_trip_grades_reference_release_and_every_fixture(name):
    grades = assignments.roundtrip(name)
    reference, release = grades["reference"], grades["release"]
    assert reference.cells, "no autograded cells were graded"
    assert reference.score == reference.max_score, reference
    assert all(cell.score == 0 for cell in release.cells), release
    assert len(release.cells) == len(reference.cells)
    fixtures = assignments.fixtures(name)
    assert fixtures, f"assignments/fixtures/{name}/ has no fixture"
    for fixture in fixtures:
        graded = grades[fixture.name]
        assert len(graded.cells) == len(reference.cells), graded
        assert graded.score == fixture.score, (fixture.name, fixture.score, graded)
        if fixture.verdict == "right":
            assert graded.score == graded.max_score, graded
        else:
            assert graded.score < graded.max_score, graded


def test_every_fixture_declares_its_verdict_and_score():
    for name in NAMES:
        for fixture in assignments.fixtures(name):
            assert fixture.verdict in ("right", "wrong") and fixture.score >= 0, fixture


@pytest.mark.parametrize("name", NAMES)
def test_every_graded_cell_starts_with_the_grader_preamble(name):
    """The preamble routes stderr away (a warning must not zero a cell) and defines _exact."""
    nb = json.loads((ROOT / "assignments" / "source" / name / f"{name}.ipynb").read_text())
    graded = [c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade") and c["cell_type"] == "code"]
    for cell in graded:
        assert "".join(cell["source"]).startswith(assignments.GRADER_PREAMBLE), cell["metadata"]["nbgrader"]["grade_id"]


def test_exact_refuses_look_alikes_and_accepts_equal_plain_values():
    namespace = {}
    exec(assignments.GRADER_PREAMBLE, namespace)
    exact = namespace["_exact"]

    class Anything(list):
        def __eq__(self, other):
            return True

    class Agreeable(dict):
        def __eq__(self, other):
            return True

    assert exact([[], [3, 5]], [[], [3, 5]]) and exact({("a", "gil"): True}, {("a", "gil"): True})
    assert exact((["x"], ([None], "y")), (["x"], ([None], "y"))) and exact({1, 2}, {2, 1})
    assert not exact(Anything([1]), [1]) and not exact(Agreeable(), {})
    assert not exact([Anything()], [[]]) and not exact({"k": Anything()}, {"k": []})
    assert not exact(True, 1) and not exact(1, True) and not exact(1.0, 1) and not exact([1], (1,))
    assert not exact({("a", "gil"): 1}, {("a", "gil"): True})


def test_exact_keeps_its_container_types_when_the_notebook_rebinds_them():
    # The preamble runs in the student's namespace: rebinding `tuple` or `dict` there must not
    # turn the container comparison into plain == on items that equal anything.
    namespace = {}
    exec(assignments.GRADER_PREAMBLE, namespace)

    class Anything:
        def __eq__(self, other):
            return True

    namespace.update(list=None, tuple=None, dict=None, set=None, frozenset=None)
    exact = namespace["_exact"]
    assert not exact((Anything(), Anything()), ("t2", 1.5))
    assert not exact([Anything()], [7]) and not exact({"k": Anything()}, {"k": 7})
    assert exact(("t2", 1.5), ("t2", 1.5)) and exact({"k": [7]}, {"k": [7]})


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


def test_fixture_parser_rejects_a_file_without_sections(tmp_path):
    bad = tmp_path / "partial.py"
    bad.write_text("def f(): pass\n")
    with pytest.raises(ValueError, match="no '# grade_id"):
        assignments.parse_fixture(bad)


def _significant_lines(code: str) -> list[str]:
    """Code lines without indentation, blank lines, comments and nbgrader markers."""
    lines = (line.split("  #")[0].strip() for line in code.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def _graded_solutions():
    for name in NAMES:
        nb = json.loads((ROOT / "assignments" / "source" / name / f"{name}.ipynb").read_text())
        for cell in nb["cells"]:
            if cell["metadata"].get("nbgrader", {}).get("solution"):
                text = "".join(cell["source"])
                for region in re.findall(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", text, re.S):
                    yield f"{name}/{cell['metadata']['nbgrader']['grade_id']}", _significant_lines(region)


def _published_code() -> list[str]:
    """Every line the site shows: the book's pages and the labs' sources and outputs."""
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "book").glob("*.md"))]
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            texts.append("".join(cell["source"]))
            for output in cell.get("outputs", []):
                texts.append("".join(output.get("text", "")))
                texts += ["".join(v) for v in output.get("data", {}).values() if isinstance(v, (str, list))]
    return _significant_lines("\n".join(texts))


def test_the_published_site_holds_no_graded_solution():
    """A graded exercise's solution on the site gives the answers away (issue 20): no window of
    three consecutive solution lines (or a whole shorter solution) appears in book/ or notebooks/."""
    published = "\n".join(_published_code())
    leaks = []
    for where, lines in _graded_solutions():
        width = min(3, len(lines))
        for start in range(len(lines) - width + 1):
            window = "\n".join(lines[start:start + width])
            if window and f"\n{window}\n" in f"\n{published}\n":
                leaks.append(f"{where}: {window!r}")
                break
    assert not leaks, leaks


def test_the_leak_check_finds_a_published_solution(monkeypatch):
    graded = dict(_graded_solutions())
    lines = graded["shipping_fee/shipping_fee"]
    monkeypatch.setattr(sys.modules[__name__], "_published_code", lambda: ["x = 1", *lines[2:6], "y = 2"])
    with pytest.raises(AssertionError, match="shipping_fee/shipping_fee"):
        test_the_published_site_holds_no_graded_solution()


_RUN_CELLS = """
import io, json, sys, contextlib
notebook = json.load(open(sys.argv[1]))
namespace = {"__name__": "__main__"}
for cell in notebook["cells"]:
    meta = cell["metadata"].get("nbgrader", {})
    if cell["cell_type"] != "code":
        continue
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile("".join(cell["source"]), meta.get("grade_id", "?"), "exec"), namespace)
        if meta.get("grade"):
            print(meta["grade_id"], "pass")
    except Exception as error:
        print(meta.get("grade_id"), "FAIL", error)
"""


@pytest.mark.parametrize("version", ["3.13", "3.15", "3.12"])
def test_evalloop_reference_on_other_kernels_passes_or_names_the_kernel(version):
    """The evalloop VM reads 3.13-3.15 bytecode: its reference passes there (3.15 included, for
    the next move of the reference), and on 3.12 the VM checks fail with a message naming the
    kernel to use, not with wrong marks. The cells run in a plain interpreter, not a kernel."""
    python = ROOT / f".venv-{version}" / "bin" / "python"
    if not python.exists():
        pytest.skip(f"no .venv-{version}")
    import subprocess
    notebook = ROOT / "assignments" / "source" / "evalloop" / "evalloop.ipynb"
    result = subprocess.run([str(python), "-c", _RUN_CELLS, str(notebook)], capture_output=True, text=True,
                            env={"PYTHONHASHSEED": "0", "PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"})
    lines = dict(line.split(" ", 1) for line in result.stdout.splitlines())
    assert set(lines) == {"test_binary_op_basic", "test_binary_op_order", "test_handler_for"}, result
    if version == "3.12":
        assert lines["test_handler_for"] == "pass", lines
        for cell in ("test_binary_op_basic", "test_binary_op_order"):
            assert lines[cell].startswith("FAIL") and "Python 3.14" in lines[cell], lines
    else:
        assert all(outcome == "pass" for outcome in lines.values()), lines


@pytest.mark.parametrize("name", NAMES)
def test_every_graded_cell_names_its_topic(name):
    untagged = [gid for gid, _, topic in assignments.graded_cells(name) if topic is None]
    assert not untagged, f"{name}: graded cells without exactly one of the tags {assignments.TOPICS}: {untagged}"


@pytest.mark.parametrize("name", [n for n in NAMES if n != assignments.WARM_UP])
def test_each_chapter_assignment_puts_most_points_on_internals(name):
    """Issue 20: at least 80% of each chapter assignment's points need the chapter's internals."""
    cells = assignments.graded_cells(name)
    total = sum(points for _, points, _ in cells)
    internals = sum(points for _, points, topic in cells if topic == "internals")
    assert internals / total >= assignments.INTERNALS_SHARE, (name, internals, total, cells)


def test_the_share_check_fails_under_the_bar(monkeypatch):
    monkeypatch.setattr(assignments, "graded_cells", lambda name: [("a", 7.0, "internals"), ("b", 3.0, "general")])
    with pytest.raises(AssertionError):
        test_each_chapter_assignment_puts_most_points_on_internals("any")


def test_the_guide_lists_the_points_the_notebooks_give():
    guide = (ROOT / "book" / "instructors.md").read_text()
    assert assignments.points_table() in guide, "regenerate the table: python tools/assignments.py points"
