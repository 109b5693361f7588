"""Tests of the memory lab (internals_lab.memory). They run on 3.11 to 3.15 and on the
free-threaded 3.14t and 3.15t (`make test` runs this file there too). Nothing is timed: they
assert sizes, counts, orders of events, restored state, and properties of resident memory.
Expected values come from CPython's C source (struct layouts, listobject.c's growth formula,
pymalloc's 16-byte size classes), not from the lab's code."""
import gc
import os
import struct
import sys
import sysconfig
import tracemalloc
import weakref

import pytest

from internals_lab.memory import (allocators, charts, collector, containers, idle, layout, refcounts,
                                  remote)

FREE_THREADED = bool(sysconfig.get_config_var("Py_GIL_DISABLED"))
PY = sys.version_info[:2]
POINTER = struct.calcsize("P")
needs_linux = pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="reads /proc")


# --- layout --------------------------------------------------------------------------------

@pytest.mark.skipif(POINTER != 8, reason="64-bit layout")
def test_header_is_two_words_or_the_free_threaded_header():
    info = layout.build_info()
    # struct _object: ob_refcnt + ob_type (16 bytes); free-threaded: ob_tid, flags, mutex,
    # gc bits, local count, shared count, ob_type (32 bytes). Tracked objects add a 16-byte
    # GC pre-header on a GIL build; the free-threaded build keeps GC state in the header.
    assert info["object_header"] == (32 if FREE_THREADED else 16)
    assert info["gc_header"] == (0 if FREE_THREADED else 16)
    assert sys.getsizeof(object()) == info["object_header"]


def test_core_sizes_follow_the_layouts():
    sizes = {row["label"]: row["size"] for row in layout.core_sizes()}
    assert len(sizes) == len(layout.SAMPLES)
    assert sizes["str 'a' (ASCII)"] - sizes["str '' (ASCII)"] == 1          # one byte per char
    assert sizes["tuple (1,)"] - sizes["tuple ()"] == POINTER               # one pointer per item
    assert sizes["tuple of 3"] - sizes["tuple ()"] == 3 * POINTER
    assert sizes["int 2**60"] > sizes["int 1"]                              # more 30-bit digits
    spare = sizes["list of 3"] - sizes["list []"]       # a list may hold spare slots
    assert spare % POINTER == 0 and spare >= 3 * POINTER


def test_instance_layout_by_version():
    info = layout.instance_layout()
    assert info["managed_dict"] is True
    assert info["inline_values"] is (PY >= (3, 13))   # Py_TPFLAGS_INLINE_VALUES arrived in 3.13
    assert info["slots_has_dict"] is False
    assert info["slots_basicsize"] > info["plain_basicsize"]   # slots live in the object itself


def test_sizes_across_versions_names_what_is_missing(monkeypatch):
    from internals_lab import interpreters

    monkeypatch.setattr(interpreters, "find", lambda feature: None)
    result = layout.sizes_across_versions(("3.12",))
    assert result.sizes == {} and "3.12" in result.missing and "3.12" in result.missing["3.12"]


def test_sizes_across_versions_asks_this_interpreter(monkeypatch):
    from internals_lab import interpreters

    here = interpreters.current()
    monkeypatch.setattr(interpreters, "find", lambda feature: here)
    result = layout.sizes_across_versions(("3.14",))
    assert result.sizes["3.14"] == layout.core_sizes()
    columns, rows = result.table()
    assert columns == ["object", "3.14"] and len(rows) == len(layout.SAMPLES)


def test_deep_size_counts_the_contents_once():
    text = "x" * 1000
    shallow = sys.getsizeof([text, text])
    found = layout.deep_size([text, text])
    assert found.shallow == shallow
    assert found.deep == shallow + sys.getsizeof(text) and found.objects == 2
    with pytest.raises(ValueError, match="limit"):
        layout.deep_size([[i] for i in range(50)], limit=10)


# --- reference counts ----------------------------------------------------------------------

def test_getrefcount_is_one_high_unless_the_load_was_borrowed():
    for case in refcounts.refcount_cases():
        if case["held_by_code"] == 0:          # only the argument holds the temporary
            assert case["reported"] == 1
        elif case["borrowed_load"]:
            assert PY >= (3, 14) and case["reported"] == case["held_by_code"]
        else:
            assert case["reported"] == case["held_by_code"] + 1


def test_borrowed_loads_arrived_in_314():
    def f(x):
        return x
    assert (refcounts.borrowed_loads(f) > 0) is (PY >= (3, 14))


def test_immortals_are_the_singletons_not_fresh_objects():
    rows = {r["object"]: r for r in refcounts.immortal_sample()}
    if PY < (3, 12):
        assert all(r["immortal"] is None for r in rows.values())
        return
    for name in ("None", "True", "small int 5", "'' (empty str)", "() (empty tuple)"):
        assert rows[name]["immortal"] is True, name
    assert rows["a fresh list"]["immortal"] is False
    assert rows["int 1111 (run time)"]["immortal"] is False


@pytest.mark.skipif(POINTER != 8 or PY < (3, 14), reason="reads the v3.14 64-bit header")
def test_biased_counts_split_local_and_shared_only_when_free_threaded():
    data = refcounts.biased_counts(extra_in_thread=5, extra_here=3)
    if FREE_THREADED:
        assert data["after_other_thread"]["shared"] - data["before"]["shared"] == 5
        assert data["after_other_thread"]["local"] == data["before"]["local"]
        assert data["after_this_thread"]["local"] - data["after_other_thread"]["local"] == 3
        assert data["before"]["owned_by_this_thread"] is True
    else:
        assert data["after_other_thread"]["refcnt"] - data["before"]["refcnt"] == 5
        assert data["after_this_thread"]["refcnt"] - data["after_other_thread"]["refcnt"] == 3


@pytest.mark.skipif(PY < (3, 14), reason="3.14's deferred reference counting")
def test_deferred_functions_read_huge_but_are_freed():
    data = refcounts.deferred_counts()
    assert data["freed_after_del"] is True and data["immortal"] is False
    if FREE_THREADED:
        assert data["getrefcount"] >= sys.maxsize // 8    # _Py_REF_DEFERRED, pycore_object.h
    else:
        assert data["getrefcount"] < 10


def test_del_runs_before_the_weakref_callback():
    assert refcounts.lifecycle() == ["del obj", "__del__ a", "weakref callback (referent is gone: True)",
                                     "after del: weakref returns None"]


def test_resurrected_objects_are_finalized_once():
    assert refcounts.resurrection() == {"del_calls_after_first_death": 1, "resurrected": True,
                                        "del_calls_in_total": 1}


def test_cycles_with_finalizers_are_collected():
    data = refcounts.cycle_finalizers()
    assert data["log_before_collect"] == []
    assert data["log_after_collect"] == ["__del__ first", "__del__ second"]
    assert data["garbage"] == 0


# --- the collector -------------------------------------------------------------------------

def test_gc_state_restores_everything_even_on_error():
    gc.unfreeze()   # some interpreters start with frozen objects; gc_state undoes a freeze only from zero
    before = (gc.isenabled(), gc.get_threshold(), gc.get_debug(), list(gc.callbacks), gc.get_freeze_count())
    with pytest.raises(RuntimeError):
        with collector.gc_state():
            gc.disable()
            gc.set_threshold(5, 5, 5)
            gc.set_debug(gc.DEBUG_UNCOLLECTABLE)
            gc.callbacks.append(lambda phase, info: None)
            gc.freeze()
            raise RuntimeError("the reader's code failed")
    assert (gc.isenabled(), gc.get_threshold(), gc.get_debug(), list(gc.callbacks), gc.get_freeze_count()) == before


def test_collection_counts_follow_the_threshold():
    data = collector.collection_counts(cycles=20_000)
    assert data["cycles"] == 20_000 and data["uncollectable"] == 0
    assert gc.callbacks == [] or all(cb.__name__ != "count" for cb in gc.callbacks)
    total = sum(data["collections"].values())
    if FREE_THREADED:
        assert total >= 0     # also gated by the process's memory growth (gc_free_threading.c)
        return
    young = data["threshold"][0]
    expected = 2 * 20_000 / young          # two tracked objects per cycle
    assert 0.5 * expected <= data["collections"]["0"] + data["collections"].get("1", 0) <= 1.5 * expected + 1
    assert data["collected"] >= 2 * (20_000 - young)


def test_find_cycle_names_the_references():
    class Node:
        pass

    a, b = Node(), Node()
    a.child, b.back = b, [0, a]
    steps = collector.find_cycle(a)
    assert [(s.holder, s.via) for s in steps] == [("Node", ".child"), ("Node", ".back"), ("list", "[1]")]
    assert collector.find_cycle(Node()) is None
    assert charts.cycle_text(steps).startswith("Node .child -> Node .back -> list [1]")
    del a.child


def test_freeze_hides_objects_and_is_undone():
    data = collector.freeze_effect(5000)
    assert data["frozen"] >= 5000 and data["tracked_after_freeze"] < data["tracked_before_freeze"]
    assert data["frozen_after_unfreeze"] == 0 and gc.get_freeze_count() == 0


# --- allocators ----------------------------------------------------------------------------

SAMPLE_STATS = """Small block threshold = 512, in 32 size classes.

class   size   num pools   blocks in use  avail blocks
-----   ----   ---------   -------------  ------------
    0     16           1              29           992
    4     80          21            4080           204

# arenas allocated total           =                    2
# bytes in allocated blocks        =              353,584
"""


def test_parse_mallocstats():
    stats = allocators.parse_mallocstats(SAMPLE_STATS)
    assert stats.allocator == "pymalloc"
    assert [(c.index, c.size, c.pools, c.in_use, c.available) for c in stats.classes] == [
        (0, 16, 1, 29, 992), (4, 80, 21, 4080, 204)]
    assert stats.totals == {"# arenas allocated total": 2, "# bytes in allocated blocks": 353584}
    with pytest.raises(ValueError):
        allocators.parse_mallocstats("hello")


def test_mallocstats_restores_stderr_and_reads_the_allocator():
    fd_target = os.readlink("/proc/self/fd/2") if os.path.exists("/proc/self/fd/2") else None
    stats = allocators.mallocstats()
    assert stats.allocator == ("mimalloc" if FREE_THREADED else "pymalloc")
    if fd_target is not None:
        assert os.readlink("/proc/self/fd/2") == fd_target
    if not FREE_THREADED and POINTER == 8:
        assert [c.size for c in stats.classes][:3] == [16, 32, 48]   # ALIGNMENT 16


@pytest.mark.skipif(FREE_THREADED or POINTER != 8, reason="pymalloc on 64-bit")
def test_a_request_lands_in_the_next_multiple_of_16():
    result = remote.call(sys.executable, "allocators.size_class_growth", payload=100, count=2000)
    request = result["request"]
    assert request == sys.getsizeof(bytes(101))
    assert [g["size"] for g in result["grew"]] == [-(-request // 16) * 16]


def test_tracing_leaves_tracemalloc_as_found_even_on_error():
    assert not tracemalloc.is_tracing()
    with pytest.raises(KeyError):
        with allocators.tracing():
            assert tracemalloc.is_tracing()
            raise KeyError("boom")
    assert not tracemalloc.is_tracing()
    tracemalloc.start()
    try:
        with allocators.tracing():
            pass
        assert tracemalloc.is_tracing()
    finally:
        tracemalloc.stop()


def test_slots_instances_are_smaller_under_tracemalloc():
    class Plain:
        def __init__(self):
            self.x, self.y = 1, 2

    class Slotted:
        __slots__ = ("x", "y")

        def __init__(self):
            self.x, self.y = 1, 2

    plain = allocators.traced_per_object(Plain, 2000)
    slotted = allocators.traced_per_object(Slotted, 2000)
    assert slotted < plain
    assert abs(slotted - sys.getsizeof(Slotted())) < 8      # getsizeof is the whole story here
    with pytest.raises(ValueError):
        allocators.traced_per_object(Plain, 10)


def test_a_generator_peaks_lower_than_a_list():
    as_list = allocators.peak_traced(lambda: sum([x * x for x in range(100_000)]))
    as_generator = allocators.peak_traced(lambda: sum(x * x for x in range(100_000)))
    assert as_list > 100_000 * POINTER          # the list's pointer array alone
    assert as_generator < as_list / 10


def test_top_allocations_points_at_the_allocating_line():
    def build():
        return [str(i) * 3 for i in range(5000)]   # this line allocates

    rows = allocators.top_allocations(build)
    assert rows and rows[0]["file"] == os.path.basename(__file__) and rows[0]["count"] >= 5000


@needs_linux
@pytest.mark.skipif(FREE_THREADED, reason="mimalloc keeps freed pages for reuse")
def test_pymalloc_returns_empty_arenas_but_not_pinned_ones():
    freed = remote.call(sys.executable, "allocators.rss_after_free", objects=600_000)
    grown = freed["peak"] - freed["baseline"]
    assert grown > 20 * 2**20
    assert freed["after_free"] - freed["baseline"] < grown / 2
    pinned = remote.call(sys.executable, "allocators.rss_after_free", objects=600_000, keep_every=64)
    assert pinned["after_free"] - pinned["baseline"] > (pinned["peak"] - pinned["baseline"]) / 2


# --- containers ----------------------------------------------------------------------------

def test_list_growth_matches_listobject_c():
    rows = containers.list_growth(200)
    assert [r["capacity"] for r in rows[1:]] == containers.predicted_capacity(200)
    assert rows[0]["capacity"] == 0
    with pytest.raises(ValueError):
        containers.list_growth(-1)


def test_dict_and_set_sizes_step_up():
    for steps in (containers.dict_growth(100), containers.set_growth(100)):
        sizes = [size for _, size in steps]
        assert sizes == sorted(sizes) and len(sizes) >= 3


def test_sharing_cases_order():
    costs = containers.sharing_cases(1000)
    assert costs["instance of a class with __slots__"] < costs["instance (values inline or in a shared-key dict)"]
    assert costs["instance whose __dict__ was asked for"] < costs["plain dict with the same two keys"]
    # An unshared dict of its own costs more than the shared one plus the instance.
    assert costs["instance with a non-str key added to __dict__"] > costs["instance whose __dict__ was asked for"]


def test_identity_cases():
    results = [c["result"] for c in containers.identity_cases()]
    # _PY_NSMALLPOSINTS is 257 up to 3.14 and 1025 in 3.15; the free-threaded build interns
    # every string constant (intern_constants in Objects/codeobject.c, gh-130851).
    assert results == [True, PY >= (3, 15), False, False, True, FREE_THREADED]


# --- idle, remote, charts ------------------------------------------------------------------

@needs_linux
def test_idle_process_is_killed_and_measured(monkeypatch):
    import subprocess

    started = []
    real_popen = subprocess.Popen

    def recording_popen(*args, **kwargs):
        started.append(real_popen(*args, **kwargs))
        return started[-1]

    monkeypatch.setattr(subprocess, "Popen", recording_popen)
    rss = idle.idle_process_rss()
    assert rss > 1 * 2**20
    assert len(started) == 1 and started[0].returncode is not None   # killed and reaped


def test_suspended_coroutine_is_small():
    per = idle.suspended_coroutine_bytes(500)
    assert 100 < per < 5000


def test_idle_costs_in_a_fresh_process():
    with pytest.raises(ValueError):
        idle.idle_costs(10)
    costs = idle.idle_costs(200)
    assert costs.n == 200 and costs.coroutine_traced < costs.task_traced
    assert costs.process_rss > costs.thread_rss > 0
    assert [r["unit"] for r in costs.rows()] == ["suspended coroutine", "parked Task", "parked thread", "idle process"]


def test_remote_errors_are_messages():
    with pytest.raises(remote.ProbeError, match="no interpreter"):
        remote.call("/nonexistent/python", "layout.build_info")
    with pytest.raises(remote.ProbeError, match="failed in"):
        remote.call(sys.executable, "layout.no_such_probe")
    with pytest.raises(ValueError):
        remote.call(sys.executable, "nodot")


def test_list_growth_slider_has_a_panel_per_state():
    pytest.importorskip("ipywidgets")
    rows = containers.list_growth(10)
    widget = charts.list_growth_slider(rows)
    control, stack = widget.children
    assert control.max == len(rows) - 1 and len(stack.children) == len(rows)
    figure = charts.list_slots_figure(rows[5])
    assert "viewBox" in figure.svg_text and "length 5" in figure.alt
