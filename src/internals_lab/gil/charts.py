"""Renderers for the GIL lab: tables and small hand-written SVG charts. Nothing here measures."""
from __future__ import annotations

import html
import math
from ..render import Figure, Table

__all__ = ["builds_table", "status_table", "scaling_table", "scaling_chart", "latency_table",
           "latency_chart", "timeline_chart", "race_table", "overhead_table", "extension_table",
           "process_costs_table", "ms"]

PALETTE = ["#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860"]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.3g} ms"


def _svg_open(width: int, height: int) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" font-size="12" font-family="sans-serif">')


def builds_table(builds) -> Table:
    caption = "Interpreters this lab can compare"
    if builds.debian_source:
        caption += f" (make python built both from the upstream tarball of Debian's {builds.debian_source})"
    return Table(["role", "interpreter", "found by", "path"], builds.as_rows(), caption)


def status_table(rows) -> Table:
    def state(row):
        if not row.started:
            return f"refuses to start: {row.message}"
        major_minor = tuple(int(p) for p in row.interpreter.split()[0].split(".")[:2])
        if major_minor < (3, 13):
            return "on (this version has no switch)"
        return "on" if row.gil_enabled else "off"
    return Table(["interpreter", "setting", "GIL"], [(r.interpreter, r.setting, state(r)) for r in rows],
                 "Is the GIL on? sys._is_gil_enabled() in a fresh process per setting")


def scaling_table(results) -> Table:
    counts = sorted({p.workers for r in results for p in r.points})
    rows = []
    for r in results:
        by = {p.workers: p for p in r.points}
        rows.append([r.workload, r.mode, r.interpreter] +
                    [f"{by[n].speedup:.2f}x" if n in by else "" for n in counts])
    cores = results[0].cores if results else 0
    return Table(["workload", "workers are", "interpreter"] + [f"{n} worker{'s' * (n > 1)}" for n in counts], rows,
                 f"Throughput relative to one worker (N means perfect scaling); this machine has {cores} cores")


def scaling_chart(results, width: int = 560) -> Figure:
    """Grouped bars: speedup per worker count, one bar per result, with the ideal marked."""
    counts = sorted({p.workers for r in results for p in r.points})
    top = max([n for n in counts] + [p.speedup for r in results for p in r.points]) * 1.1
    left, bottom, plot_h = 50, 60, 200
    legend_h = 16 * len(results)
    height = plot_h + bottom + 20 + legend_h
    group_w = (width - left - 20) / len(counts)
    bar_w = min(40.0, (group_w - 20) / max(1, len(results)))
    y = lambda v: 10 + plot_h * (1 - v / top)  # noqa: E731
    parts = [_svg_open(width, height)]
    for tick in range(0, int(top) + 1):
        parts.append(f'<line x1="{left}" x2="{width - 20}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">{tick}x</text>')
    for g, n in enumerate(counts):
        x0 = left + g * group_w + 10
        parts.append(f'<line x1="{x0 - 4:.1f}" x2="{x0 + bar_w * len(results) + 4:.1f}" y1="{y(n):.1f}" y2="{y(n):.1f}" '
                     f'stroke="#333" stroke-dasharray="4 3"/>')
        for i, r in enumerate(results):
            point = next((p for p in r.points if p.workers == n), None)
            if point is None:
                continue
            colour = PALETTE[i % len(PALETTE)]
            parts.append(f'<rect x="{x0 + i * bar_w:.1f}" y="{y(point.speedup):.1f}" width="{bar_w - 2:.1f}" '
                         f'height="{plot_h + 10 - y(point.speedup):.1f}" fill="{colour}"/>')
        parts.append(f'<text x="{x0 + bar_w * len(results) / 2:.1f}" y="{plot_h + 28}" text-anchor="middle">'
                     f'{n} worker{"s" * (n > 1)}</text>')
    parts.append(f'<text x="{left}" y="{plot_h + 46}" fill="#555">throughput relative to one worker; dashed line: perfect scaling</text>')
    for i, r in enumerate(results):
        ly = plot_h + bottom + 10 + 16 * i
        parts.append(f'<rect x="{left}" y="{ly - 10}" width="12" height="12" fill="{PALETTE[i % len(PALETTE)]}"/>')
        parts.append(f'<text x="{left + 18}" y="{ly}">{html.escape(f"{r.workload}, {r.mode}, {r.interpreter}")}</text>')
    parts.append("</svg>")
    alt = "Bar chart of speedup against worker count: " + "; ".join(
        f"{r.workload} on {r.mode} in {r.interpreter}: " + ", ".join(f"{p.workers} workers {p.speedup:.1f}x" for p in r.points)
        for r in results)
    return Figure("".join(parts), alt)


def latency_table(results) -> Table:
    rows = [(r.interpreter, r.background, ms(r.switch_interval), len(r.samples_ms), f"{r.median_ms:.3g} ms",
             f"{r.percentile(90):.3g} ms", f"{r.percentile(99):.3g} ms") for r in results]
    return Table(["interpreter", "neighbour thread", "switch interval", "samples", "median", "90th pct", "99th pct"], rows,
                 "Wake-up latency of an I/O thread: from the send to the moment it runs Python again")


def latency_chart(results, width: int = 560) -> Figure:
    """Cumulative distributions of latency on a log scale, one line per result."""
    left, right, top, plot_h = 50, 20, 10, 200
    height = top + plot_h + 50 + 16 * len(results)
    lo = math.floor(math.log10(max(1e-3, min(min(r.samples_ms) for r in results))))
    hi = math.ceil(math.log10(max(max(r.samples_ms) for r in results)))
    hi = hi if hi > lo else lo + 1
    x = lambda v: left + (math.log10(max(v, 10 ** lo)) - lo) / (hi - lo) * (width - left - right)  # noqa: E731
    y = lambda f: top + plot_h * (1 - f)  # noqa: E731
    parts = [_svg_open(width, height)]
    for e in range(lo, hi + 1):
        parts.append(f'<line x1="{x(10 ** e):.1f}" x2="{x(10 ** e):.1f}" y1="{top}" y2="{top + plot_h}" stroke="#ddd"/>')
        parts.append(f'<text x="{x(10 ** e):.1f}" y="{top + plot_h + 14}" text-anchor="middle">{10 ** e:g} ms</text>')
    for f in (0, 0.5, 0.9, 1):
        parts.append(f'<text x="{left - 6}" y="{y(f) + 4:.1f}" text-anchor="end">{int(f * 100)}%</text>')
    for i, r in enumerate(results):
        ordered = sorted(r.samples_ms)
        n = len(ordered)
        points = " ".join(f"{x(v):.1f},{y((k + 1) / n):.1f}" for k, v in enumerate(ordered))
        colour = PALETTE[i % len(PALETTE)]
        parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>')
        ly = top + plot_h + 46 + 16 * i
        parts.append(f'<rect x="{left}" y="{ly - 10}" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{left + 18}" y="{ly}">{html.escape(f"{r.interpreter}, {r.background} neighbour, switch interval {ms(r.switch_interval)}")}</text>')
    parts.append(f'<text x="{left}" y="{top + plot_h + 30}" fill="#555">latency (log scale); a line further left is faster</text>')
    parts.append("</svg>")
    alt = "Cumulative latency distributions: " + "; ".join(
        f"{r.interpreter} with an {r.background} neighbour: median {r.median_ms:.2g} ms, 99th percentile {r.percentile(99):.2g} ms"
        for r in results)
    return Figure("".join(parts), alt)


def timeline_chart(timeline, width: int = 560) -> Figure:
    """One row per thread; a bar where the thread was running Python code."""
    left, row_h, top = 80, 26, 10
    height = top + row_h * len(timeline.tracks) + 40
    scale = (width - left - 20) / timeline.duration_ms
    parts = [_svg_open(width, height)]
    for i, track in enumerate(timeline.tracks):
        y0 = top + i * row_h
        parts.append(f'<text x="{left - 6}" y="{y0 + 16}" text-anchor="end">{html.escape(track.thread)}</text>')
        parts.append(f'<rect x="{left}" y="{y0 + 4}" width="{width - left - 20}" height="{row_h - 8}" fill="#f2f2f2"/>')
        for start, end in track.segments:
            w = max(0.6, (end - start) * scale)
            parts.append(f'<rect x="{left + start * scale:.2f}" y="{y0 + 4}" width="{w:.2f}" height="{row_h - 8}" '
                         f'fill="{PALETTE[i % len(PALETTE)]}"/>')
    axis_y = top + row_h * len(timeline.tracks) + 14
    step = 10 if timeline.duration_ms > 40 else 5
    for t in range(0, int(timeline.duration_ms) + 1, step):
        parts.append(f'<text x="{left + t * scale:.1f}" y="{axis_y}" text-anchor="middle">{t} ms</text>')
    parts.append(f'<text x="{left}" y="{axis_y + 16}" fill="#555">{html.escape(timeline.interpreter)}: coloured where the thread ran Python code</text>')
    parts.append("</svg>")
    alt = (f"Timeline of {len(timeline.tracks)} CPU-bound threads over {timeline.duration_ms:.0f} ms on {timeline.interpreter}: "
           + "; ".join(f"{t.thread} ran {t.running_ms:.0f} ms in {len(t.segments)} stretches" for t in timeline.tracks)
           + f"; two or more ran at once for {timeline.overlap_ms():.0f} ms")
    return Figure("".join(parts), alt)


def race_table(results) -> Table:
    rows = [(r.interpreter, r.style, r.threads, f"{r.expected:,}", f"{r.observed:,}", f"{r.lost:,}",
             f"{100 * r.lost_fraction:.1f}%") for r in results]
    return Table(["interpreter", "update", "threads", "expected", "counted", "lost", "lost share"], rows,
                 "Threads adding 1 to a shared counter")


def overhead_table(overhead) -> Table:
    rows = [(r.program, ms(r.gil_seconds), ms(r.free_threaded_seconds), f"{r.ratio:.2f}x") for r in overhead.rows]
    rows.append(("geometric mean", "", "", f"{overhead.geometric_mean:.2f}x"))
    return Table(["program", overhead.gil, overhead.free_threaded, "time ratio (free-threaded / GIL)"], rows,
                 f"One thread, the same source built twice; best of {overhead.rounds} alternating rounds")


def extension_table(rows) -> Table:
    return Table(["module", "declares Py_MOD_GIL_NOT_USED", "setting", "GIL before import", "GIL after import", "warning"],
                 [(r.module, "yes" if r.declares_gil_not_used else "no", r.setting, "on" if r.gil_before else "off",
                   "on" if r.gil_after else "off", r.warning or "none") for r in rows],
                 "Importing a C extension in the free-threaded build")


def process_costs_table(rows) -> Table:
    return Table(["start method", "start a pool and hear from every process", "send one payload and back"],
                 [(r.start_method, ms(r.startup_seconds), f"{ms(r.roundtrip_seconds)} ({r.payload_bytes / 1e6:g} MB)")
                  for r in rows], f"What processes cost before they do any work ({rows[0].workers if rows else 0} workers)")
