"""Every lab notebook follows the conventions the book and its readers rely on."""
import ast
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
REFERENCE = ROOT / "notebooks" / "00_meet_your_interpreter.ipynb"
BROWSER_NOTE = '\nif sys.platform == "emscripten":  # CPython compiled to WebAssembly, in your browser (JupyterLite)'


def configured_repository() -> str:
    match = re.search(r"(?m)^repository:\s*\n\s+url:\s*(\S+)", (ROOT / "_config.yml").read_text())
    assert match, "_config.yml has no repository.url"
    return match.group(1)


def code_cells(path: Path) -> list[dict]:
    return [c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]


def test_there_are_labs():
    assert REFERENCE in NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_first_cell_is_the_shared_setup_cell(path):
    # The shared part, then (in a lab that cannot run to its end in JupyterLite) one sentence that
    # says so, printed only in the browser (tests/browser/test_lite.py checks it is printed there).
    first = "".join(code_cells(path)[0]["source"])
    shared, _, note = first.partition(BROWSER_NOTE)
    assert shared == "".join(code_cells(REFERENCE)[0]["source"]).partition(BROWSER_NOTE)[0]
    if note:
        assert re.fullmatch(r'\n    print\("[^"\n]+"\)', note), note
    assert f'REPOSITORY = "{configured_repository()}"' in first
    ast.parse(first)
    assert code_cells(path)[0]["outputs"] == []  # a no-op where the package is installed


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_second_cell_shows_the_interpreter(path):
    assert "interpreter_facts" in "".join(code_cells(path)[1]["source"])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_stored_outputs_come_from_a_top_to_bottom_run(path):
    cells = [c for c in code_cells(path) if "".join(c["source"]).strip()]
    assert [c["execution_count"] for c in cells] == list(range(1, len(cells) + 1))
    for cell in cells:
        tags = cell.get("metadata", {}).get("tags", [])
        for out in cell["outputs"]:
            assert out["output_type"] != "error" or "raises-exception" in tags, "".join(cell["source"])[:80]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_widgets_have_stored_state_for_the_static_site(path):
    nb = json.loads(path.read_text())
    shows_widget = any("application/vnd.jupyter.widget-view+json" in out.get("data", {})
                       for c in code_cells(path) for out in c["outputs"])
    if shows_widget:
        state = nb["metadata"].get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
        assert state.get("state"), "widget outputs without stored state render as nothing on the site"


def test_set_repository_rewrites_every_copy(tmp_path):
    import shutil
    import subprocess
    import sys

    for name in ("_config.yml", "notebooks", "tools"):
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, tmp_path / name)
    url = "https://github.com/some-course/internals-2027"
    subprocess.run([sys.executable, str(tmp_path / "tools" / "set_repository.py"), url], check=True, cwd=tmp_path)
    assert f"url: {url}" in (tmp_path / "_config.yml").read_text()
    for nb in (tmp_path / "notebooks").glob("*.ipynb"):
        assert f'REPOSITORY = \\"{url}\\"' in nb.read_text()
    bad = subprocess.run([sys.executable, str(tmp_path / "tools" / "set_repository.py"), "not a url"],
                         cwd=tmp_path, capture_output=True, text=True)
    assert bad.returncode == 2 and "https://" in bad.stderr and "Traceback" not in bad.stderr


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if re.match(r"0[1-9]_", p.name)], ids=lambda p: p.name)
def test_a_lab_is_titled_with_its_chapter_number(path):
    # The title becomes the sidebar entry: "Lab 4", never "Lab 04", whatever the file name.
    titles = [c["source"][0] for c in json.loads(path.read_text(encoding="utf-8"))["cells"]
              if c["cell_type"] == "markdown" and c["source"] and c["source"][0].startswith("# ")]
    assert titles and titles[0].startswith(f"# Lab {int(path.name[:2])}: "), titles[:1]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_harness_markers_are_tags_not_comments(path):
    """nbval reads `nbval-ignore-output` from the cell's tags; the `# NBVAL_...` comment would show
    on the site. The setup cell is collapsed there (`hide-input`)."""
    cells = code_cells(path)
    assert [c.get("id") for c in cells if "NBVAL_" in "".join(c["source"])] == []
    assert "hide-input" in cells[0]["metadata"].get("tags", [])
