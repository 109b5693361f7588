"""Timing that survives a noisy machine: `compare(...)` and the scaling runner.

Design: a measurement returns plain records (`Comparison`, `Scaling`); the `charts` module
draws them. `compare` refuses to time candidates that disagree (a fast wrong answer is not an
optimization), warms every candidate up, then takes repeats in rounds that alternate between
candidates, so a burst of load on the machine hits all of them rather than one. It reports the
median and the spread (interquartile range) and ratios to the baseline taken in the same run:
absolute times move from machine to machine, ratios much less.
"""
from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from ..deadline import time_limit

__all__ = ["Timing", "Comparison", "ResultMismatch", "compare", "Scaling", "scaling", "fit_exponent"]


class ResultMismatch(ValueError):
    """Raised when a candidate returns something different from the baseline."""


@dataclass(frozen=True)
class Timing:
    name: str
    median: float  # seconds per call
    spread: float  # interquartile range, seconds
    ratio: float  # median / baseline median
    runs: int


@dataclass(frozen=True)
class Comparison:
    baseline: str
    timings: list[Timing]
    title: str = ""

    def timing(self, name: str) -> Timing:
        for t in self.timings:
            if t.name == name:
                return t
        raise KeyError(f"no candidate named {name!r}; the candidates are {[t.name for t in self.timings]}")

    def ratio(self, name: str) -> float:
        return self.timing(name).ratio

    def table(self):
        from .charts import comparison_table
        return comparison_table(self)

    def chart(self):
        from .charts import comparison_chart
        return comparison_chart(self)

    def _repr_html_(self) -> str:
        return self.table()._repr_html_() + self.chart()._repr_html_()

    def __str__(self) -> str:
        return str(self.table())

    __repr__ = __str__


def _same(a: object, b: object) -> bool:
    try:
        result = a == b
        if hasattr(result, "all"):  # NumPy arrays compare element-wise
            return bool(result.all()) and getattr(a, "shape", None) == getattr(b, "shape", None)
        return bool(result)
    except Exception:
        return False


def _time_once(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def compare(
    candidates: Mapping[str, Callable[..., object]],
    *args: object,
    baseline: str | None = None,
    budget: float = 0.5,
    warmup: int = 1,
    min_runs: int = 5,
    max_runs: int = 200,
    equal: Callable[[object, object], bool] | None = None,
    title: str = "",
    check_results: bool = True,
    timeout: float | None = 120.0,
) -> Comparison:
    """Check that every candidate gives the baseline's result on `args`, then time them.

    `baseline` defaults to the first candidate. `budget` (seconds) bounds the timed rounds;
    at least `min_runs` repeats are taken however slow a candidate is. `equal(a, b)` replaces
    `==` for results that need a tolerance (floating-point sums in a different order). `check_results=False` skips the check, for
    candidates that are not meant to agree (the same function at different sizes). `timeout`
    bounds the whole call, checks and warm-up included (TimeLimitExceeded; None: no bound).
    """
    with time_limit(timeout, what="compare()"):
        return _compare(candidates, args, baseline, budget, warmup, min_runs, max_runs, equal, title,
                        check_results)


def _compare(candidates, args, baseline, budget, warmup, min_runs, max_runs, equal, title,
             check_results) -> Comparison:
    if not candidates:
        raise ValueError("compare() needs at least one candidate")
    for name, fn in candidates.items():
        if not callable(fn):
            raise TypeError(f"candidate {name!r} is not callable (it is a {type(fn).__name__})")
    names = list(candidates)
    baseline = names[0] if baseline is None else baseline
    if baseline not in candidates:
        raise ValueError(f"baseline {baseline!r} is not one of the candidates {names}")
    same = equal or _same
    expected = candidates[baseline](*args)
    for name in names if check_results else ():
        if name == baseline:
            continue
        got = candidates[name](*args)
        if not same(expected, got):
            raise ResultMismatch(
                f"candidate {name!r} returned {_short(got)}, but the baseline {baseline!r} "
                f"returned {_short(expected)}: fix {name!r} before timing it"
            )
    calls = {name: (lambda fn=fn: fn(*args)) for name, fn in candidates.items()}
    for _ in range(warmup):
        for call in calls.values():
            call()
    samples: dict[str, list[float]] = {name: [] for name in names}
    deadline = time.perf_counter() + budget
    while True:
        for name in names:  # one round: every candidate once, so load spikes hit all of them
            samples[name].append(_time_once(calls[name]))
        runs = len(samples[names[0]])
        if runs >= max_runs or (runs >= min_runs and time.perf_counter() > deadline):
            break
    base = statistics.median(samples[baseline])
    timings = []
    for name in names:
        xs = sorted(samples[name])
        q1, _, q3 = statistics.quantiles(xs, n=4) if len(xs) > 1 else (xs[0], xs[0], xs[0])
        med = statistics.median(xs)
        timings.append(Timing(name, med, q3 - q1, med / base if base > 0 else math.inf, len(xs)))
    return Comparison(baseline, timings, title)


def _short(value: object, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def fit_exponent(sizes: Sequence[float], times: Sequence[float]) -> float:
    """Least-squares slope of log(time) against log(size): time grows like size ** slope."""
    if len(sizes) != len(times) or len(sizes) < 2:
        raise ValueError("fit_exponent needs at least two (size, time) pairs of equal length")
    if min(sizes) <= 0 or min(times) <= 0:
        raise ValueError("sizes and times must be positive to fit on a log-log scale")
    xs = [math.log(s) for s in sizes]
    ys = [math.log(t) for t in times]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx == 0:
        raise ValueError("fit_exponent needs at least two different sizes")
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx


@dataclass(frozen=True)
class Scaling:
    name: str
    sizes: list[int]
    times: list[float]  # fastest of the repeats at each size, seconds
    exponent: float = field(default=0.0)

    def chart(self, *others: "Scaling"):
        from .charts import scaling_chart
        return scaling_chart([self, *others])

    def _repr_html_(self) -> str:
        return self.chart()._repr_html_()

    def __str__(self) -> str:
        return f"{self.name}: time ~ n^{self.exponent:.2f} over n = {self.sizes[0]}..{self.sizes[-1]}"

    __repr__ = __str__


def scaling(
    name: str,
    make_input: Callable[[int], object],
    run: Callable[[object], object],
    sizes: Sequence[int],
    repeats: int = 5,
    budget: float = 1.0,
) -> Scaling:
    """Time `run(make_input(n))` for each n (input built outside the timing) and fit the exponent.

    Each size keeps the fastest of up to `repeats` runs (noise from other processes only ever
    adds time, so the minimum is the steadiest estimate of the cost itself, which is what a
    growth exponent is about); the budget is shared across sizes, but every size gets at least
    three runs.
    """
    sizes = sorted(int(n) for n in sizes)
    if len(sizes) < 2:
        raise ValueError("scaling() needs at least two sizes")
    per_size = budget / len(sizes)
    times = []
    for n in sizes:
        data = make_input(n)
        run(data)  # warm-up (and specialization) at this size
        samples: list[float] = []
        start = time.perf_counter()
        while len(samples) < 3 or (len(samples) < repeats and time.perf_counter() - start < per_size):
            data = make_input(n)
            samples.append(_time_once(lambda: run(data)))
        times.append(min(samples))
    return Scaling(name, sizes, times, fit_exponent(sizes, times))
