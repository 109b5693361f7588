"""`python -X importtime`, parsed into a tree and drawn as an icicle chart (as tuna does).

Design: CPython writes one stderr line per module when its import finishes (Python/import.c,
`import_find_and_load`): "import time: <self us> | <cumulative us> | <indent><name>". A
module's line comes *after* the lines of the modules its body imported, indented two more
spaces, so the lines are a post-order walk of the import tree. `parse_importtime` rebuilds
that tree as `ImportTimeNode` records; `icicle_svg` draws it. The chart can be sized by time
(nondeterministic) or by module count (the same on every run), so a book can store the
second and only show the first.
"""
from __future__ import annotations

import html
import os
import sys
from dataclasses import dataclass, field

from ..children import run_child

__all__ = ["ImportTimeNode", "parse_importtime", "measure_importtime", "icicle_svg"]


@dataclass
class ImportTimeNode:
    name: str
    self_us: int
    cumulative_us: int
    children: list[ImportTimeNode] = field(default_factory=list)

    def walk(self, depth: int = 0):
        yield depth, self
        for child in self.children:
            yield from child.walk(depth + 1)

    def find(self, name: str) -> ImportTimeNode | None:
        return next((node for _, node in self.walk() if node.name == name), None)

    def module_count(self) -> int:
        return sum(1 for _ in self.walk()) - (1 if self.name == "<all imports>" else 0)

    def outline(self) -> str:
        """The tree as indented names, without times: deterministic for a given interpreter."""
        return "\n".join("  " * depth + node.name for depth, node in self.walk())


def parse_importtime(stderr: str) -> ImportTimeNode:
    """Parse `-X importtime` output (other stderr lines are ignored) into one root node."""
    pending: dict[int, list[ImportTimeNode]] = {}
    seen_any = False
    for line in stderr.splitlines():
        if not line.startswith("import time:"):
            continue
        parts = line[len("import time:"):].split("|")
        if len(parts) != 3 or not parts[0].strip().isdigit():
            continue  # the header line, "self [us] | cumulative | imported package"
        label = parts[2]
        depth = (len(label) - len(label.lstrip(" ")) - 1) // 2
        node = ImportTimeNode(label.strip(), int(parts[0]), int(parts[1].strip()),
                              pending.pop(depth + 1, []))
        pending.setdefault(depth, []).append(node)
        seen_any = True
    if not seen_any:
        raise ValueError("no '-X importtime' lines found: run python with -X importtime and pass its stderr")
    roots = pending.pop(0, [])
    for depth in sorted(pending):  # lines cut off mid-tree: keep them rather than lose them
        roots.extend(pending[depth])
    return ImportTimeNode("<all imports>", 0, sum(r.cumulative_us for r in roots), roots)


def measure_importtime(code: str, *, flags: tuple[str, ...] = ("-S", "-E", "-I")) -> ImportTimeNode:
    """Run `code` in a fresh interpreter with -X importtime and parse what it reports."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    result = run_child([sys.executable, *flags, "-X", "importtime", "-c", code],
                       capture_output=True, text=True, env=env, timeout=60, what="the measured code")
    if result.returncode != 0:
        raise RuntimeError(f"the measured code failed:\n{result.stderr[-2000:]}")
    return parse_importtime(result.stderr)


def icicle_svg(root: ImportTimeNode, *, weight: str = "time", width: int = 720, row: int = 22,
               min_label_px: int = 40):
    """An icicle chart of `root`: each module a bar under the module that imported it.

    weight="time": bar widths are cumulative import time (varies run to run);
    weight="count": widths are the number of modules in the subtree (deterministic).
    Returns an `internals_lab.render.Figure`.
    """
    from ..render import Figure

    if weight not in ("time", "count"):
        raise ValueError(f"weight is 'time' or 'count', not {weight!r}")

    def size(node: ImportTimeNode) -> float:
        if weight == "count":
            return float(sum(1 for _ in node.walk()))
        return float(max(node.cumulative_us, 1))

    rects: list[str] = []
    depth_max = 0

    def draw(node: ImportTimeNode, x: float, w: float, depth: int) -> None:
        nonlocal depth_max
        depth_max = max(depth_max, depth)
        y = depth * row
        shade = 200 - (depth * 23) % 120
        tip = node.name if weight == "count" else f"{node.name}: {node.cumulative_us} us cumulative, {node.self_us} us self"
        rects.append(
            f'<g><title>{html.escape(tip)}</title><rect x="{x:.1f}" y="{y}" width="{max(w - 1, 0.5):.1f}" '
            f'height="{row - 2}" fill="rgb({shade},{shade + 30 if shade < 225 else 255},255)" stroke="#456"/>'
        )
        if w >= min_label_px:
            chars = int(w // 7)
            text = node.name if len(node.name) <= chars else node.name[: max(chars - 1, 1)] + "…"
            rects.append(f'<text x="{x + 3:.1f}" y="{y + row - 7}" font-family="monospace" font-size="11">{html.escape(text)}</text>')
        rects.append("</g>")
        inner = sum(size(c) for c in node.children)
        total = size(node)
        cursor = x
        for child in node.children:
            cw = w * size(child) / total if total else 0
            draw(child, cursor, cw, depth + 1)
            cursor += cw
        del inner

    draw(root, 0.0, float(width), 0)
    height = (depth_max + 1) * row
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}">' + "".join(rects) + "</svg>")
    measure = "cumulative import time" if weight == "time" else "the number of modules each import pulled in"
    alt = (f"Icicle chart of the imports under {root.name}: {root.module_count()} modules, each drawn "
           f"below the module whose body imported it, widths proportional to {measure}.")
    return Figure(svg, alt)
