"""Renderers for the memory chapter: tables, the list-growth figure and its slider.

Nothing here measures anything: every function draws records that the data modules returned.
The list-growth slider steps through panels rendered in advance (`render.slider`), so it works
on the static site without a kernel. Figures are SVG with a viewBox and the theme's colours.
"""
from __future__ import annotations

import html
from typing import Any, Dict, Iterable, List, Optional, Sequence

from ..render import Figure, Table, slider

__all__ = ["records_table", "sizes_table", "list_slots_figure", "list_growth_slider", "mallocstats_table",
           "cycle_text", "idle_table"]


def records_table(records: Iterable[Dict[str, Any]], columns: Optional[Sequence[str]] = None,
                  caption: Optional[str] = None, code_columns: Sequence[str] = ()) -> Table:
    """A table with one row per record (dict), columns in the records' order unless given."""
    records = list(records)
    columns = list(columns or (records[0].keys() if records else []))
    return Table(columns, [[r.get(c, "") for c in columns] for r in records], caption, code_columns)


def sizes_table(versions) -> Table:
    """sys.getsizeof per sample, one column per interpreter (a layout.VersionSizes)."""
    columns, rows = versions.table()
    return Table(columns, rows, "sys.getsizeof in bytes, per interpreter")


def list_slots_figure(row: Dict[str, int], width_slots: int = 40) -> Figure:
    """One list state: used slots filled, spare slots outlined, getsizeof in the caption."""
    length, capacity = row["length"], row["capacity"]
    cell, gap = 14, 2
    columns = max(1, min(width_slots, max(capacity, 1)))
    lines = max(1, -(-max(capacity, 1) // columns))
    w, h = columns * (cell + gap) + gap, lines * (cell + gap) + gap + 22
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}">']
    parts.append(f'<text x="{gap}" y="14" font-size="12" fill="currentColor">length {length}, capacity {capacity}, '
                 f'getsizeof {row["size"]} bytes</text>')
    for slot in range(capacity):
        x = gap + (slot % columns) * (cell + gap)
        y = 22 + (slot // columns) * (cell + gap)
        fill = "currentColor" if slot < length else "none"
        parts.append(f'<rect x="{x}" y="{y}" width="{cell}" height="{cell}" fill="{fill}" '
                     f'fill-opacity="0.6" stroke="currentColor"/>')
    parts.append("</svg>")
    alt = f"A list of length {length} with room for {capacity} items; sys.getsizeof reports {row['size']} bytes."
    return Figure("".join(parts), alt)


def list_growth_slider(rows: List[Dict[str, int]]):
    """A slider over precomputed list states (from containers.list_growth)."""
    panels = [list_slots_figure(row)._repr_html_() for row in rows]
    return slider(panels, description="items appended")


def mallocstats_table(stats, *, min_in_use: int = 1) -> Table:
    """pymalloc's size classes with at least `min_in_use` blocks handed out."""
    rows = [[c.index, c.size, c.pools, c.in_use, c.available] for c in stats.classes if c.in_use >= min_in_use]
    return Table(["class", "block size", "pools", "blocks in use", "free blocks"], rows,
                 f"{stats.allocator} size classes")


def cycle_text(steps) -> str:
    """find_cycle's chain as one line: A .x -> B .y -> list [1] -> back to the start."""
    if steps is None:
        return "no cycle: the object does not reach itself"
    return " -> ".join(f"{s.holder} {s.via}" for s in steps) + " -> back to the start"


def idle_table(costs) -> Table:
    """idle.IdleCosts per unit, in KiB: what tracemalloc traced, and the resident growth."""
    def kib(value):
        return "-" if value is None else f"{value / 1024:,.1f}"

    return Table(["idle unit", "KiB traced (tracemalloc)", "KiB resident"],
                 [[r["unit"], kib(r["traced"]), kib(r["resident"])] for r in costs.rows()],
                 f"what one idle unit of concurrency costs ({costs.n:,} of each)")


def escape(text: str) -> str:
    return html.escape(text)
