"""Renderers for the optimization lab: tables and small hand-written SVG charts.

Data comes from `measure` and `tips`; nothing here measures. The charts are plain SVG (no
matplotlib), so they are small, fast to draw, and carry alt text like every figure in the book.
"""
from __future__ import annotations

import html
import math

from ..render import Figure, Table

__all__ = ["comparison_table", "comparison_chart", "scaling_chart", "seconds"]

PALETTE = ["#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860"]


def seconds(value: float) -> str:
    """A duration with a unit a reader can take in (ns, µs, ms, s)."""
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if value >= scale:
            return f"{value / scale:.3g} {unit}"
    return f"{value / 1e-9:.3g} ns"


def comparison_table(comparison) -> Table:
    rows = [
        [t.name, seconds(t.median), seconds(t.spread), f"{t.ratio:.3g}x", t.runs]
        for t in comparison.timings
    ]
    caption = comparison.title or None
    return Table(["candidate", "median", "spread (IQR)", f"time / {comparison.baseline}", "runs"], rows, caption)


def comparison_chart(comparison, width: int = 520) -> Figure:
    timings = comparison.timings
    bar_h, gap, left = 22, 8, 170
    height = len(timings) * (bar_h + gap) + 30
    biggest = max(t.ratio for t in timings) or 1.0
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-size="12" font-family="sans-serif">']
    for i, t in enumerate(timings):
        y = 10 + i * (bar_h + gap)
        w = max(1.0, (width - left - 70) * t.ratio / biggest)
        parts.append(f'<text x="{left - 6}" y="{y + 15}" text-anchor="end">{html.escape(t.name)}</text>')
        parts.append(f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{PALETTE[i % len(PALETTE)]}"/>')
        parts.append(f'<text x="{left + w + 4:.1f}" y="{y + 15}">{t.ratio:.3g}x</text>')
    parts.append(f'<text x="{left}" y="{height - 4}" fill="#555">time relative to {html.escape(comparison.baseline)} (shorter is faster)</text>')
    parts.append("</svg>")
    alt = "Bar chart of run time relative to " + comparison.baseline + ": " + ", ".join(
        f"{t.name} {t.ratio:.2g}x" for t in timings)
    return Figure("".join(parts), alt)


def scaling_chart(curves, width: int = 520, height: int = 320) -> Figure:
    """Log-log plot of time against size, one line per curve, slope in the legend."""
    left, right, top, bottom = 60, 20, 20, 50
    xs = [math.log10(n) for c in curves for n in c.sizes]
    ys = [math.log10(t) for c in curves for t in c.times]
    x0, x1 = min(xs), max(xs)
    y0, y1 = math.floor(min(ys)), math.ceil(max(ys))
    x1 = x1 if x1 > x0 else x0 + 1
    y1 = y1 if y1 > y0 else y0 + 1

    def px(v):
        return left + (v - x0) / (x1 - x0) * (width - left - right)

    def py(v):
        return height - bottom - (v - y0) / (y1 - y0) * (height - top - bottom)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-size="11" font-family="sans-serif">']
    parts.append(f'<line x1="{left}" y1="{height - bottom}" x2="{width - right}" y2="{height - bottom}" stroke="#333"/>')
    parts.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{height - bottom}" stroke="#333"/>')
    for e in range(int(y0), int(y1) + 1):
        parts.append(f'<text x="{left - 4}" y="{py(e) + 4:.1f}" text-anchor="end">1e{e} s</text>')
    for c in curves[:1]:
        for n in c.sizes:
            parts.append(f'<text x="{px(math.log10(n)):.1f}" y="{height - bottom + 14}" text-anchor="middle">{n}</text>')
    parts.append(f'<text x="{(width + left) / 2}" y="{height - 8}" text-anchor="middle">input size n (log scale)</text>')
    for i, c in enumerate(curves):
        colour = PALETTE[i % len(PALETTE)]
        points = " ".join(f"{px(math.log10(n)):.1f},{py(math.log10(t)):.1f}" for n, t in zip(c.sizes, c.times))
        parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>')
        parts.append(f'<text x="{left + 8}" y="{top + 12 + 14 * i}" fill="{colour}">{html.escape(c.name)}: slope {c.exponent:.2f}</text>')
    parts.append("</svg>")
    alt = "Log-log plot of run time against input size: " + "; ".join(
        f"{c.name} grows like n to the power {c.exponent:.1f}" for c in curves)
    return Figure("".join(parts), alt)
