"""The optimization lab's data layer: no test here depends on how long anything takes."""
from __future__ import annotations

import math
import shutil
import sys
import tracemalloc
from fractions import Fraction

import pytest

from internals_lab.claims import VERDICTS, load_claims
from internals_lab.interpreters import current

from internals_lab.optimize import cyclic41, measure, probes, profilers, tips, verdicts
from internals_lab.optimize.charts import comparison_chart, scaling_chart
from internals_lab.optimize.measure import ResultMismatch, compare, fit_exponent, scaling


# --- compare -----------------------------------------------------------------------------------

def test_compare_names_the_candidate_that_differs():
    with pytest.raises(ResultMismatch, match="'off by one'.*'loop'"):
        compare({"loop": lambda n: sum(range(n)), "fine": lambda n: n * (n - 1) // 2,
                 "off by one": lambda n: sum(range(n - 1))}, 100, budget=0.0)


def test_compare_returns_one_row_per_candidate_with_the_baseline_at_ratio_one():
    result = compare({"a": lambda n: sorted(range(n)), "b": lambda n: list(range(n))}, 50,
                     budget=0.0, min_runs=3)
    assert [t.name for t in result.timings] == ["a", "b"]
    assert result.ratio("a") == 1.0
    assert all(t.runs >= 3 for t in result.timings)
    assert "time / a" in str(result.table())
    assert "a" in comparison_chart(result).alt and "<svg" in comparison_chart(result).svg_text


def test_compare_accepts_a_tolerance_and_numpy_results():
    np = pytest.importorskip("numpy")
    result = compare({"sum": lambda xs: float(sum(xs)), "np": lambda xs: float(np.sum(xs))},
                     [0.1] * 1000, budget=0.0, min_runs=1, equal=lambda a, b: math.isclose(a, b))
    assert len(result.timings) == 2
    compare({"a": lambda: np.arange(3), "b": lambda: np.arange(3)}, budget=0.0, min_runs=1)
    with pytest.raises(ResultMismatch):
        compare({"a": lambda: np.arange(3), "b": lambda: np.arange(4)}, budget=0.0, min_runs=1)


def test_compare_refuses_bad_input_with_a_sentence():
    with pytest.raises(ValueError, match="at least one candidate"):
        compare({})
    with pytest.raises(ValueError, match="baseline 'c' is not one of"):
        compare({"a": len}, "x", baseline="c")
    with pytest.raises(TypeError, match="'a' is not callable"):
        compare({"a": 3})
    with pytest.raises(KeyError, match="no candidate named 'z'"):
        compare({"a": len}, "x", budget=0.0, min_runs=1).timing("z")


def test_check_results_false_times_candidates_that_disagree():
    result = compare({"small": lambda: sum(range(10)), "big": lambda: sum(range(100))},
                     budget=0.0, min_runs=1, check_results=False)
    assert len(result.timings) == 2


# --- scaling -----------------------------------------------------------------------------------

@pytest.mark.parametrize("power", [1, 2, 0.5])
def test_fit_exponent_recovers_an_exact_power_law(power):
    sizes = [10, 100, 1000, 10_000]
    assert fit_exponent(sizes, [3e-9 * n ** power for n in sizes]) == pytest.approx(power)


def test_fit_exponent_rejects_unusable_data():
    with pytest.raises(ValueError, match="two"):
        fit_exponent([10], [1.0])
    with pytest.raises(ValueError, match="positive"):
        fit_exponent([0, 10], [1.0, 2.0])
    with pytest.raises(ValueError, match="different sizes"):
        fit_exponent([10, 10], [1.0, 2.0])


def test_scaling_returns_sorted_sizes_and_a_time_per_size():
    curve = scaling("sort", lambda n: list(range(n, 0, -1)), sorted, [400, 100, 200], budget=0.0)
    assert curve.sizes == [100, 200, 400] and len(curve.times) == 3
    assert curve.exponent == pytest.approx(fit_exponent(curve.sizes, curve.times))
    figure = scaling_chart([curve])
    assert "sort" in figure.alt and "polyline" in figure.svg_text
    with pytest.raises(ValueError, match="two sizes"):
        scaling("x", list, len, [5])


# --- profilers ---------------------------------------------------------------------------------

def test_call_counts_are_exact():
    # fib(n) makes 2*F(n+1) - 1 calls; F(11) = 89.
    assert profilers.call_counts(tips.fib, 10)["fib"] == 2 * 89 - 1
    assert profilers.call_counts(tips.fib_cached, 10)["_fib_cached_inner"] == 11


def test_cprofile_top_sorts_by_calls_and_restores_the_profiler_hook():
    before = sys.getprofile()
    entries = profilers.cprofile_top(tips.fib, 12, limit=3, sort="calls")
    assert sys.getprofile() is before
    assert entries[0].function == "fib" and entries[0].calls == 2 * 233 - 1
    assert entries[0].primitive_calls == 1  # one outside call; the rest are recursive
    with pytest.raises(ValueError, match="sort must be"):
        profilers.cprofile_top(len, "x", sort="speed")


def test_pyinstrument_finds_the_function_doing_the_work():
    pytest.importorskip("pyinstrument")

    def busy():
        return sum(i * i for i in range(300_000))

    names = [e.function for e in profilers.pyinstrument_top(busy)]
    assert "<genexpr>" in names or "busy" in names


@pytest.mark.parametrize("tracing_before", [False, True])
def test_peak_memory_sees_a_big_list_and_restores_tracemalloc(tracing_before):
    if tracing_before:
        tracemalloc.start()
    try:
        assert profilers.peak_memory(lambda: [0] * 100_000) >= 8 * 100_000
        assert tracemalloc.is_tracing() == tracing_before
    finally:
        if tracing_before:
            tracemalloc.stop()


def test_peak_memory_keeps_the_readers_own_peak():
    tracemalloc.start()
    try:
        big = bytearray(20_000_000)
        del big
        readers_peak = tracemalloc.get_traced_memory()[1]
        assert readers_peak >= 20_000_000
        assert profilers.peak_memory(lambda: [0] * 1000) < 20_000_000  # measured from its own start
        assert tracemalloc.get_traced_memory()[1] >= readers_peak
    finally:
        tracemalloc.stop()


def test_compare_bounds_a_candidate_that_never_returns():
    from internals_lab.deadline import TimeLimitExceeded

    def endless():
        while True:
            pass

    with pytest.raises(TimeLimitExceeded, match="pass a larger timeout="):
        compare({"fine": lambda: 1, "endless": endless}, timeout=0.3)


# --- tips --------------------------------------------------------------------------------------

def test_a_tips_verdict_is_the_claims_registrys_for_this_interpreter():
    # One source per verdict: the tip reads claims.toml, per version and build.
    registry = {c.id: c for c in load_claims()}
    here = current().feature
    for t in tips.TIPS:
        assert t.claim in registry, t.claim
        assert t.verdict == registry[t.claim].verdict_on(here)


def test_every_tip_has_a_verdict_and_a_reason():
    assert [t.number for t in tips.TIPS] == list(range(1, 15))
    assert {t.verdict for t in tips.TIPS} <= set(VERDICTS)
    assert all(len(t.why) > 40 for t in tips.TIPS)
    with pytest.raises(ValueError, match="no tip 15"):
        tips.tip(15)
    with pytest.raises(ValueError, match="measured elsewhere"):
        tips.tip_comparison(8)


def test_executed_instructions_grow_linearly_and_restore_hooks():
    counts = [tips.executed_instructions(tips._loop_sum, n) for n in (1000, 2000, 3000)]
    assert counts[1] - counts[0] == counts[2] - counts[1] > 1000 * 3
    assert tips.executed_instructions(tips._builtin_sum, 3000) < 20
    assert sys.gettrace() is None


def test_executed_instructions_cleans_up_when_the_function_raises():
    def boom():
        raise RuntimeError("learner's bug")

    with pytest.raises(RuntimeError, match="learner's bug"):
        tips.executed_instructions(boom)
    assert sys.gettrace() is None
    if hasattr(sys, "monitoring"):
        assert all(sys.monitoring.get_tool(i) is None for i in range(6))


def test_membership_comparisons_counted():
    assert tips.eq_calls(list, 500, 499) == 500
    assert tips.eq_calls(set, 500, 499) == 1


def test_string_concatenation_specializes_in_place_only_for_locals():
    local = verdicts._concat_op(tips.concat_local, tips.concat_local.__code__)
    module = verdicts._concat_op(tips.concat_module_level, tips._MODULE_CONCAT)
    assert module == "BINARY_OP_ADD_UNICODE"
    # The in-place instruction exists only where the build specializes (not 3.13t); tip 6's
    # verdict is computed from exactly this fact, so the two must agree.
    assert tips.tip(6).verdict == verdicts.concat_verdict(local, module)
    assert tips.tip(6).verdict == ("partly true" if local == "BINARY_OP_INPLACE_ADD_UNICODE" else "true")
    assert tips.concat_module_level(["ab", "c"]) == tips.concat_local(["ab", "c"]) == "abc"


def test_concat_verdict_follows_the_instructions():
    assert verdicts.concat_verdict("INPLACE_ADD", "INPLACE_ADD") == "false"  # 3.10
    assert verdicts.concat_verdict("BINARY_OP_INPLACE_ADD_UNICODE", "BINARY_OP_ADD_UNICODE") == "partly true"
    assert verdicts.concat_verdict("BINARY_OP", "BINARY_OP") == "true"  # no specialization (3.13t)
    with pytest.raises(ValueError):
        verdicts.concat_verdict("BINARY_OP", "INPLACE_ADD")


def test_comprehension_is_a_function_only_before_312():
    import dis
    makes = "MAKE_FUNCTION" in {i.opname for i in dis.get_instructions(tips._comprehension)}
    assert makes == (sys.version_info < (3, 12))


def test_verdict_table_has_a_row_per_tip():
    table = verdicts.verdict_table()
    assert len(table.rows) == 14
    assert "LOAD_GLOBAL_MODULE" in str(table)


def test_missing_interpreters_are_reported_not_run():
    found = probes.probe_versions(versions=("2.0",))
    assert found[0].found is False and "not installed" in found[0].note
    assert "not installed" in str(probes.probe_table(found))


# --- post 5 --------------------------------------------------------------------------------------

def _by_definition(count):
    """floor(x * r) mod 1681 with exact rational r: the post's definition, not the integer form."""
    x, out = Fraction(123), []
    for n in range(count):
        out.append(int(x))
        x = Fraction(math.floor(x * (Fraction(3, 2), 2, 3)[n % 3]) % 1681)
    return out


def test_sequence_matches_the_definition_with_exact_ratios():
    assert cyclic41.sequence(200) == _by_definition(200)


def test_cycle_finders_agree_with_a_dictionary_search():
    seen, state, n = {}, (123, 0), 0
    while state not in seen:
        seen[state] = n
        state, n = (cyclic41.step(*state), (state[1] + 1) % 3), n + 1
    tail, period = seen[state], n - seen[state]
    assert (cyclic41.brent().tail, cyclic41.brent().period) == (tail, period)
    assert (cyclic41.floyd().tail, cyclic41.floyd().period) == (tail, period)
    assert tail + period <= cyclic41.STATES == 5043


def test_collisions_and_birthday_bound():
    values = cyclic41.sequence(1682)
    index, value = cyclic41.first_repeat(values)
    assert values.index(value) < index and len(set(values[:index])) == index
    assert cyclic41.first_repeat([1, 2, 3]) is None
    assert cyclic41.birthday_probability(1) == 0.0 and cyclic41.birthday_probability(1682) == 1.0
    k = cyclic41.birthday_median()
    assert cyclic41.birthday_probability(k) >= 0.5 > cyclic41.birthday_probability(k - 1)
    assert abs(k - math.sqrt(2 * math.log(2) * 1681)) < 2


def test_stabilizer_is_a_plain_ratio():
    ratio, value = cyclic41.stabilizer()
    assert ratio * 63_632 == 309_390 and round(value, 4) == 4.8622


def test_numpy_streams_match_pure_python():
    np = pytest.importorskip("numpy")
    seeds = np.arange(0, 1681, 37)
    got = cyclic41.streams_numpy(seeds, 50)
    assert [int(v) for v in got] == [cyclic41.sequence(51, int(s))[-1] for s in seeds]


def test_sequence_refuses_a_negative_count():
    with pytest.raises(ValueError, match="zero or more"):
        cyclic41.sequence(-1)


# --- kernels -------------------------------------------------------------------------------------

def test_numba_kernels_match_python():
    pytest.importorskip("numba")
    import numba

    from internals_lab.optimize import kernels

    xs = kernels.kernel_input(5_000)
    expected = kernels.python_kernel(xs)
    for fn in (kernels.numba_kernel(), kernels.numba_kernel(nogil=True), kernels.numba_parallel_kernel()):
        assert isinstance(fn, numba.core.registry.CPUDispatcher)
        assert math.isclose(fn(xs), expected, rel_tol=1e-9)
    assert math.isclose(kernels.numpy_kernel(xs), expected, rel_tol=1e-9)
    assert kernels.folded_sum()(10**9) == 10**9 * (10**9 - 1) // 2
    assert list(cyclic41.sequence_numba(1000)) == cyclic41.sequence(1000)


@pytest.mark.skipif(shutil.which("cc") is None and shutil.which("gcc") is None, reason="no C compiler")
def test_c_kernel_matches_python_and_checks_its_argument():
    pytest.importorskip("numpy")
    from internals_lab.optimize import kernels

    xs = kernels.kernel_input(5_000)
    compiled = kernels.c_kernel()
    assert compiled is not None
    assert math.isclose(compiled(xs), kernels.python_kernel(xs), rel_tol=1e-12)
    with pytest.raises(TypeError, match="contiguous float64"):
        compiled([0.5, 0.25])


def test_c_kernel_reports_a_failed_compile():
    pytest.importorskip("numpy")
    from internals_lab.optimize import kernels

    if kernels.compiler() is None:
        pytest.skip("no C compiler")
    assert kernels.c_kernel(("-fno-such-flag-at-all",)) is None
    assert "failed" in kernels.C_UNAVAILABLE[("-fno-such-flag-at-all",)]
