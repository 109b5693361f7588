"""A lab adds experiments its chapter has no room for, instead of replaying the chapter.

The check is a heuristic on source lines: a lab code cell *replays* its chapter when it has at
least MIN_LINES substantive lines (not blank, not a comment, not part of an import, not a lone bracket)
and at least SHARE of them appear, whitespace-normalized, in the code cells of the chapter page
with the same number. One- and two-line cells are left alone: calling the lab's API on the
chapter's example is how a lab sets up the experiment that follows. A claim's evidence cell
(its id is the anchor of a claim in `claims.toml`) is exempt: the registry points at the lab's
cell, and a chapter page may show the same evidence where its prose checks the claim.

Cells that still replay are listed in REPLAYS, each waiting to be rewritten; the list may only
shrink: a new replay fails, and so does a listed cell that no longer replays (delete its entry).
"""
import ast
import json
import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MIN_LINES = 3
SHARE = 0.5
LABS = sorted((ROOT / "notebooks").glob("0[1-8]_*_lab.ipynb"))
_TRIVIAL = re.compile(r"^(import |from \S+ import |else:$|try:$|finally:$|[)\]}]+,?$)")

# Known replays, by lab, waiting for an experiment of their own, or kept on purpose:
# Lab 3's code-18 defines post 2's `fetch_data`/`compute` verbatim, as the chapter does: the
# lab's claim-check cells (post2-saves-locals, -instruction-pointer, -future, -fetch-data-future)
# trace that very example (a = 10, its line numbers, its 52), so it stays.
# Lab 2's `cost` is a timing cell (nbval-ignore-output) whose run is stored from an idle machine:
# it is rewritten only where it can be re-measured, so it stays until that run.
REPLAYS = {
    "02_eval_loop_lab.ipynb": {"cost"},
    "03_coroutine_frames_lab.ipynb": {"code-18"},
}


def _import_lines(source: str) -> set[int]:
    """Line numbers of import statements, including the continuation lines of a long one."""
    try:
        tree = ast.parse(source)
    except SyntaxError:   # IPython syntax: fall back to the one-line pattern below
        return set()
    return {n for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))
            for n in range(node.lineno, node.end_lineno + 1)}


def substantive_lines(source: str) -> list[str]:
    lines = []
    imports = _import_lines(source)
    for number, line in enumerate(source.splitlines(), start=1):
        if number in imports:
            continue
        stripped = line.strip()
        if stripped.startswith("#"):
            continue
        if not stripped.startswith(("'", '"')):   # a '#' inside a string literal is text, not a comment
            stripped = stripped.split("  #")[0].strip()
        stripped = re.sub(r"\s+", " ", stripped)
        if stripped and not _TRIVIAL.match(stripped):
            lines.append(stripped)
    return lines


def chapter_of(lab: Path) -> Path:
    [page] = (ROOT / "book").glob(f"{lab.name[:2]}_*.md")
    return page


def evidence_cells(lab: Path) -> set[str]:
    registry = tomllib.loads((ROOT / "claims.toml").read_text(encoding="utf-8"))
    return {c["evidence"].partition("#")[2] for c in registry.get("claim", [])
            if c["evidence"].partition("#")[0] == f"notebooks/{lab.name}"}


def replayed_cells(lab: Path, page: Path, exempt: frozenset = frozenset()) -> dict[str, float]:
    cells = re.findall(r"```\{code-cell\}[^\n]*\n(.*?)\n```", page.read_text(encoding="utf-8"), re.S)
    chapter = {line for cell in cells for line in substantive_lines(cell)}
    replays = {}
    for cell in json.loads(lab.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] != "code" or cell.get("id") in exempt:
            continue
        lines = substantive_lines("".join(cell["source"]))
        if len(lines) >= MIN_LINES:
            share = sum(line in chapter for line in lines) / len(lines)
            if share >= SHARE:
                replays[cell["id"]] = share
    return replays


def test_the_check_sees_a_replay_and_lets_an_experiment_pass(tmp_path):
    page = tmp_path / "01_page.md"
    page.write_text("```{code-cell} ipython3\nimport dis\nsrc = 'x + 1'\nshow(tokens(src))\n"
                    "for t in tokens(src):\n    print(t)   # each token\n```\n")
    cells = [{"cell_type": "code", "id": "copy", "source": ["import dis\n", "src = 'x + 1'\n", "show(tokens(src))\n",
                                                           "for t in tokens(src):\n", "    print(t)\n"]},
             {"cell_type": "code", "id": "new", "source": ["src = 'x + 1'\n", "src = src.replace('+', '-')\n",
                                                          "print(tokens(src)[1])  # predict first\n", "assert src\n"]},
             {"cell_type": "code", "id": "short", "source": ["show(tokens(src))\n"]}]
    lab = tmp_path / "01_lab.ipynb"
    lab.write_text(json.dumps({"cells": cells}))
    assert replayed_cells(lab, page) == {"copy": 1.0}
    assert replayed_cells(lab, page, frozenset({"copy"})) == {}   # a claim's evidence cell


@pytest.mark.parametrize("lab", LABS, ids=lambda p: p.name)
def test_a_lab_does_not_replay_its_chapter(lab):
    replays = replayed_cells(lab, chapter_of(lab), frozenset(evidence_cells(lab)))
    known = REPLAYS.get(lab.name, set())
    new = {cell: f"{share:.0%}" for cell, share in replays.items() if cell not in known}
    assert not new, (f"{lab.name}: these cells repeat chapter {lab.name[:2]}'s code (share of their lines): {new}. "
                     "Replace each with an experiment the chapter has no room for, or cut it and link the section.")
    rewritten = sorted(known - set(replays))
    assert not rewritten, f"{lab.name}: {rewritten} no longer replay the chapter: delete them from REPLAYS"
