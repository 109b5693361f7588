"""Which thread ran Python code when: a timeline in the style of David Beazley's GIL talks.

Each CPU-bound worker runs a tiny chunk of bytecode (a few microseconds) in a loop and writes
down the time after every chunk. Where consecutive stamps are close, the thread was running;
a gap longer than `gap` means it was not (on a GIL build: waiting for the GIL). The stamps
are folded into running segments inside the measured interpreter, so only segments travel.
"""
from __future__ import annotations

import sys
import time
from dataclasses import asdict, dataclass
from typing import Callable, Optional, Tuple

from . import remote
from .interpreters import current

__all__ = ["Track", "Timeline", "record_timeline"]


@dataclass(frozen=True)
class Track:
    thread: str
    segments: Tuple[Tuple[float, float], ...]   # (start, end) in ms from the common start

    @property
    def running_ms(self) -> float:
        return sum(end - start for start, end in self.segments)


@dataclass(frozen=True)
class Timeline:
    interpreter: str
    switch_interval: float
    duration_ms: float
    tracks: Tuple[Track, ...]

    def overlap_ms(self) -> float:
        """Time during which at least two threads were running at once."""
        events = sorted((t, delta) for track in self.tracks for s, e in track.segments for t, delta in ((s, 1), (e, -1)))
        running, last, overlap = 0, 0.0, 0.0
        for moment, delta in events:
            if running >= 2:
                overlap += moment - last
            running += delta
            last = moment
        return overlap

    def switches(self) -> int:
        """How many times a thread paused mid-run (on a GIL build: handed the GIL over)."""
        return sum(max(0, len(track.segments) - 1) for track in self.tracks)

    @classmethod
    def from_dict(cls, data: dict) -> "Timeline":
        tracks = tuple(Track(t["thread"], tuple(tuple(s) for s in t["segments"])) for t in data["tracks"])
        return cls(data["interpreter"], data["switch_interval"], data["duration_ms"], tracks)


def _segments(stamps, origin: int, gap_ns: int) -> Tuple[Tuple[float, float], ...]:
    segments = []
    if not stamps:
        return ()
    start = previous = stamps[0]
    for stamp in stamps[1:]:
        if stamp - previous > gap_ns:
            segments.append(((start - origin) / 1e6, (previous - origin) / 1e6))
            start = stamp
        previous = stamp
    segments.append(((start - origin) / 1e6, (previous - origin) / 1e6))
    return tuple(segments)


def record_timeline(threads: int = 2, duration: float = 0.06, *, gap: float = 0.0003,
                    switch_interval: Optional[float] = None, interpreter: Optional[str] = None,
                    clock: Callable[[], int] = time.perf_counter_ns) -> Timeline:
    """Run `threads` CPU-bound threads for `duration` seconds and record when each ran.

    Every thread records at least one chunk, however late the OS starts it, so every track
    has a segment (a thread started after the end shows a short segment past it). `clock`
    (nanoseconds) is there for tests, which drive the logic with a deterministic clock.
    """
    if not 1 <= threads <= 16:
        raise ValueError("threads must be between 1 and 16")
    if not 0 < duration <= 5:
        raise ValueError("duration must be between 0 and 5 seconds")
    if remote.elsewhere(interpreter):
        data = remote.call(interpreter, "timeline._timeline_as_dict", timeout=duration + 60, threads=threads,
                           duration=duration, gap=gap, switch_interval=switch_interval)
        return Timeline.from_dict(data)
    from .workers import run_threads

    length = int(duration * 1e9)
    origin_box = []

    def work(index: int):
        stamps = []
        append = stamps.append
        end = origin_box[0] + length
        while True:  # at least one chunk: a late thread still leaves a mark
            for _ in range(50):
                pass
            now = clock()
            append(now)
            if now >= end:
                return stamps

    previous = sys.getswitchinterval()
    try:
        if switch_interval is not None:
            sys.setswitchinterval(switch_interval)
        origin_box.append(clock())  # the common start, read once before the threads start
        _, all_stamps = run_threads(work, [(i,) for i in range(threads)], timeout=duration + 30)
        interval = sys.getswitchinterval()
    finally:
        sys.setswitchinterval(previous)
    origin = origin_box[0]
    tracks = tuple(Track(f"thread {i + 1}", _segments(s, origin, int(gap * 1e9))) for i, s in enumerate(all_stamps))
    label = current().label
    return Timeline(label, interval, duration * 1000, tracks)


def _timeline_as_dict(**kwargs) -> dict:
    return asdict(record_timeline(**kwargs))
