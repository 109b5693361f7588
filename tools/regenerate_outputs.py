"""Re-execute lab notebooks in place with the reference interpreter (`make outputs`).

    python tools/regenerate_outputs.py [notebooks/NN_x.ipynb ...]   # default: every lab

Each notebook runs top to bottom in a fresh kernel from this environment, with
PYTHONHASHSEED=0, its own folder as the working directory, and widget state stored in the
notebook's metadata (the static site renders widgets from it). A cell that raises stops the
run, unless the cell is tagged `raises-exception`.
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def drop_kernel_only_views(nb) -> None:
    """Keep only the static rendering of widgets that need a kernel (internals_lab.render.live).

    The site would otherwise draw them from the stored widget state as controls that do nothing.
    """
    from internals_lab.render import NEEDS_KERNEL

    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("metadata", {}).get(NEEDS_KERNEL):
                out.get("data", {}).pop(WIDGET_VIEW, None)


def execute(path: Path, timeout: int = 600) -> float:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        store_widget_state=True,
    )
    start = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - start
    drop_kernel_only_views(nb)
    nbformat.write(nb, path)
    return elapsed


def main(argv: list[str]) -> int:
    os.environ["PYTHONHASHSEED"] = "0"
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")]))
    paths = [Path(a).resolve() for a in argv] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    for path in paths:
        if not path.is_file():
            print(f"error: no notebook at {path}", file=sys.stderr)
            return 2
        print(f"running {path.relative_to(ROOT)} ...", flush=True)
        print(f"  done in {execute(path):.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
