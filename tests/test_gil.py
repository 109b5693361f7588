"""Tests of the GIL lab (internals_lab.gil). They run on the kernel's CPython (3.14, and any of
3.11 to 3.15) and on the free-threaded 3.14t and 3.15t builds (`make test` runs this file there
too), and never assert on timing: only on counts, on the shape of results, on cleanup, and on
what each build reports about itself."""
import multiprocessing
import os
import shutil
import platform
import sys
import sysconfig
import threading
import time
import types
import xml.etree.ElementTree as ET

import pytest

from internals_lab.gil import charts, interpreters, remote
from internals_lab.gil import latency as latency_module
from internals_lab.gil.latency import LatencyResult, measure_latency
from internals_lab.gil.overhead import PROGRAMS, measure_overhead
from internals_lab.gil.races import race_counter
from internals_lab.gil.scaling import Scaling, ScalingPoint, measure_scaling, process_costs
from internals_lab.gil.status import concatenation, gil_status, immortalization, specialization, start_method
from internals_lab.gil.timeline import Timeline, Track, _segments, record_timeline
from internals_lab.gil.workers import WorkerError, WorkerTimeout, run_processes, run_threads
from internals_lab.gil.workloads import WORKLOADS, available, get

FREE_THREADED_HERE = bool(sysconfig.get_config_var("Py_GIL_DISABLED"))
GIL_ON_HERE = getattr(sys, "_is_gil_enabled", lambda: True)()


def lab_threads():
    return [t.name for t in threading.enumerate() if t.name.startswith("lab-")]


def other_free_threaded():
    interpreters.find_builds.cache_clear()
    found = interpreters.find_builds().free_threaded
    return found.executable if found else None


# --- workers: results, errors, deadlines, cleanup ---------------------------------------------

def test_run_threads_returns_each_workers_result_in_order():
    elapsed, results = run_threads(lambda a, b: a * b, [(1, 2), (3, 4), (5, 6)])
    assert results == [2, 12, 30]
    assert elapsed >= 0
    assert lab_threads() == []


def test_run_threads_names_the_worker_that_raised():
    def work(i):
        if i == 2:
            raise KeyError("boom")
        return i

    with pytest.raises(WorkerError, match="worker 2 raised KeyError") as caught:
        run_threads(work, [(0,), (1,), (2,)])
    assert isinstance(caught.value.__cause__, KeyError)
    assert lab_threads() == []


def test_run_threads_reports_a_worker_past_its_deadline():
    release = threading.Event()
    try:
        with pytest.raises(WorkerTimeout, match="still running"):
            run_threads(release.wait, [(30,)], timeout=0.2)
    finally:
        release.set()
    for thread in threading.enumerate():
        if thread.name.startswith("lab-"):
            thread.join(5)
    assert lab_threads() == []


def test_run_threads_refuses_zero_workers():
    with pytest.raises(ValueError, match="at least one worker"):
        run_threads(print, [])


def _fail_in_child(x):
    raise ZeroDivisionError(f"child {x}")


def test_run_processes_returns_results_and_leaves_no_child_behind():
    _, results = run_processes(abs, [(-3,), (-4,)])
    assert results == [3, 4]
    assert multiprocessing.active_children() == []


def test_run_processes_reports_a_failing_child_and_terminates_the_pool():
    with pytest.raises(WorkerError, match="process worker 0 raised ZeroDivisionError: child 7"):
        run_processes(_fail_in_child, [(7,)])
    assert multiprocessing.active_children() == []


def test_run_processes_names_unknown_start_methods():
    with pytest.raises(ValueError, match="start method 'teleport'"):
        run_processes(abs, [(1,)], start_method="teleport")


# --- workloads --------------------------------------------------------------------------------

@pytest.mark.parametrize("name", [n for n, w in WORKLOADS.items() if not w.needs])
def test_stdlib_workloads_are_deterministic(name):
    function = get(name).function
    assert function(2) == function(2)


def test_python_loop_checksum_matches_a_closed_form():
    # i & 7 cycles 0..7, summing to 28 per 8 iterations; 10,000 iterations per unit
    assert get("python_loop").function(3) == 28 * (30_000 // 8)


def test_hash_large_is_above_the_size_where_hashlib_releases_the_gil():
    from internals_lab.gil import workloads

    # Modules/hashlib.h: HASHLIB_GIL_MINSIZE is 2048; larger buffers are hashed without the GIL
    assert len(workloads._LARGE) > 2048 >= len(workloads._SMALL)


def test_unknown_workload_lists_the_choices():
    with pytest.raises(ValueError, match="python_loop"):
        get("quantum_loop")


# --- scaling --------------------------------------------------------------------------------

def test_scaling_measures_every_worker_count_and_normalises_to_one_worker():
    result = measure_scaling("sleep_io", (1, 2), units=3, repeats=1)
    assert [p.workers for p in result.points] == [1, 2]
    assert result.speedup(1) == pytest.approx(1.0)
    assert result.free_threaded is FREE_THREADED_HERE
    assert result.cores == os.cpu_count()
    assert lab_threads() == []


def test_scaling_with_processes():
    result = measure_scaling("python_loop", (1, 2), units=1, repeats=1, mode="processes")
    assert result.mode == "processes" and len(result.points) == 2
    assert multiprocessing.active_children() == []


@pytest.mark.skipif(sys.version_info < (3, 13), reason="_interpreters is new in 3.13")
def test_scaling_with_subinterpreters_destroys_them():
    import _interpreters

    before = len(_interpreters.list_all())
    result = measure_scaling("python_loop", (1, 2), units=1, repeats=1, mode="interpreters")
    assert [p.workers for p in result.points] == [1, 2]
    assert len(_interpreters.list_all()) == before


@pytest.mark.skipif(sys.version_info >= (3, 13), reason="3.13 has _interpreters")
def test_subinterpreters_before_313_get_a_clear_message():
    with pytest.raises(ValueError, match="needs CPython 3.13"):
        measure_scaling("python_loop", (1,), units=1, repeats=1, mode="interpreters")


@pytest.mark.parametrize("kwargs, message", [
    ({"mode": "fibres"}, "mode must be one of"),
    ({"workers": (0, 2)}, "positive counts"),
    ({"repeats": 0}, "repeats"),
    ({"units": 0}, "units"),
])
def test_scaling_rejects_bad_input_clearly(kwargs, message):
    with pytest.raises(ValueError, match=message):
        measure_scaling("python_loop", **kwargs)


def test_process_costs_cover_the_available_start_methods():
    rows = process_costs(("fork", "spawn", "no-such-method"), payload_bytes=1000, repeats=1)
    assert [r.start_method for r in rows] == [m for m in ("fork", "spawn") if m in multiprocessing.get_all_start_methods()]
    assert multiprocessing.active_children() == []


# --- races ----------------------------------------------------------------------------------

def test_a_lock_never_loses_an_update_on_this_build():
    result = race_counter("locked", threads=4, increments=20_000, switch_interval=1e-5)
    assert result.expected == 80_000
    assert result.observed == result.expected and result.lost == 0


def test_race_counter_restores_the_switch_interval():
    before = sys.getswitchinterval()
    race_counter("call-between", threads=2, increments=1000, switch_interval=1e-5)
    assert sys.getswitchinterval() == before


def test_race_counter_counts_what_it_lost():
    result = race_counter("call-between", threads=3, increments=5000)
    assert 0 < result.observed <= result.expected == 15_000
    assert result.lost == result.expected - result.observed


def test_only_the_call_between_style_has_a_call_between_load_and_store():
    from internals_lab.gil.races import loop_body

    def between(style):
        body = loop_body(style)
        return body[body.index("LOAD_ATTR"):body.index("STORE_ATTR")]

    assert "CALL" in between("call-between")
    assert "CALL" not in between("plain") and "CALL" not in between("locked")
    assert loop_body("plain")[-1] == "JUMP_BACKWARD"


def test_race_counter_rejects_unknown_styles():
    with pytest.raises(ValueError, match="style must be one of"):
        race_counter("atomic")


# --- latency and timeline -------------------------------------------------------------------

def test_latency_probe_collects_samples_and_cleans_up():
    before = sys.getswitchinterval()
    result = measure_latency("cpu", samples=5, period=0.001, switch_interval=0.001)
    assert len(result.samples_ms) == 5 and min(result.samples_ms) >= 0
    assert result.switch_interval == pytest.approx(0.001)
    assert sys.getswitchinterval() == before
    assert lab_threads() == []


def _failing_start(monkeypatch, name, error):
    original = threading.Thread.start

    def start(self):
        if self.name == name:
            raise error
        return original(self)

    monkeypatch.setattr(threading.Thread, "start", start)


def _recording_socketpair(monkeypatch):
    import socket as socket_module

    made = []
    original = socket_module.socketpair

    def socketpair(*args):
        pair = original(*args)
        made.extend(pair)
        return pair

    monkeypatch.setattr(latency_module.socket, "socketpair", socketpair)
    return made


def _mp_server(pid: str) -> bool:
    """multiprocessing's forkserver (3.14's default start method) and resource tracker: started
    by the first pool of any test and meant to live as long as this process."""
    try:
        cmdline = open(f"/proc/{pid}/cmdline", "rb").read()
    except OSError:
        return False
    return b"multiprocessing.forkserver" in cmdline or b"multiprocessing.resource_tracker" in cmdline


def _live_children():
    """Processes whose parent is this one, zombies left out (Linux /proc), else []."""
    if not os.path.isdir("/proc"):
        return []
    found = []
    for entry in os.listdir("/proc"):
        try:
            stat = open(f"/proc/{entry}/stat").read() if entry.isdigit() else ""
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split() if stat else []
        if fields and int(fields[1]) == os.getpid() and fields[0] not in "ZX" and not _mp_server(entry):
            found.append(int(entry))
    return found


def _wait_for_no_lab_threads():
    for thread in threading.enumerate():
        if thread.name.startswith("lab-"):
            thread.join(30)
    return lab_threads()


def test_latency_keeps_the_error_when_a_helper_cannot_start(monkeypatch):
    before = sys.getswitchinterval()
    sockets = _recording_socketpair(monkeypatch)
    _failing_start(monkeypatch, "lab-cpu", RuntimeError("can't start new thread"))
    with pytest.raises(RuntimeError, match="can't start new thread"):
        measure_latency("cpu", samples=3, switch_interval=0.0005)
    assert sys.getswitchinterval() == before
    assert len(sockets) == 2 and all(s.fileno() == -1 for s in sockets)
    assert _wait_for_no_lab_threads() == []
    assert _live_children() == []  # the sender process is gone too


def test_latency_cleans_up_when_interrupted(monkeypatch):
    before = sys.getswitchinterval()
    sockets = _recording_socketpair(monkeypatch)

    def interrupted(seconds):
        raise KeyboardInterrupt

    fake_time = types.SimpleNamespace(sleep=interrupted, perf_counter=time.perf_counter,
                                      perf_counter_ns=time.perf_counter_ns, monotonic_ns=time.monotonic_ns)
    monkeypatch.setattr(latency_module, "time", fake_time)
    with pytest.raises(KeyboardInterrupt):
        measure_latency("cpu", samples=3, switch_interval=0.0005)
    assert sys.getswitchinterval() == before
    assert all(s.fileno() == -1 for s in sockets)
    assert _wait_for_no_lab_threads() == []
    assert _live_children() == []


def test_run_threads_sends_waiting_workers_home_when_interrupted(monkeypatch):
    class InterruptedBarrier(threading.Barrier):
        def wait(self, timeout=None):
            if timeout is None:
                return super().wait()  # a worker
            # the caller: interrupted once every worker waits at the start line
            deadline = time.monotonic() + 60
            while self.n_waiting < self.parties - 1 and time.monotonic() < deadline:
                time.sleep(0.01)
            raise KeyboardInterrupt

    monkeypatch.setattr(threading, "Barrier", InterruptedBarrier)
    with pytest.raises(KeyboardInterrupt):
        run_threads(lambda: None, [(), (), ()])
    assert _wait_for_no_lab_threads() == []


def test_run_threads_sends_started_workers_home_when_one_cannot_start(monkeypatch):
    _failing_start(monkeypatch, "lab-worker-2", RuntimeError("can't start new thread"))
    with pytest.raises(RuntimeError, match="can't start new thread"):
        run_threads(lambda: None, [(), (), ()])
    assert _wait_for_no_lab_threads() == []


def test_latency_timestamps_come_from_another_process(monkeypatch):
    # The probe's point (issue 19): the sender must not need this process's GIL. Record the
    # processes started; the one sender runs this interpreter with the sender script.
    from internals_lab import children

    started = []
    original = children.start_child

    def recording(argv, **kwargs):
        started.append(list(argv))
        return original(argv, **kwargs)

    monkeypatch.setattr(latency_module, "start_child", recording)
    result = measure_latency("idle", samples=20, period=0.001)
    assert len(started) == 1 and started[0][0] == sys.executable
    assert "sendall" in started[0][started[0].index("-c") + 1]
    assert len(result.samples_ms) == 20 and min(result.samples_ms) >= 0
    assert _live_children() == [] and lab_threads() == []


def test_latency_percentiles_come_from_the_samples():
    result = LatencyResult("idle", 0.005, "x", tuple(float(v) for v in range(1, 101)))
    assert result.median_ms == 50.5
    assert result.percentile(90) == 91.0 and result.percentile(100) == 100.0


@pytest.mark.parametrize("kwargs", [{"background": "gpu"}, {"samples": 0}, {"switch_interval": 0}])
def test_latency_rejects_bad_input(kwargs):
    with pytest.raises(ValueError):
        measure_latency(**kwargs)


def test_segments_split_where_the_gap_is_longer_than_the_threshold():
    ms = 1_000_000
    stamps = [0, 1 * ms // 10, 2 * ms // 10, 5 * ms, 5 * ms + ms // 10]
    assert _segments(stamps, 0, ms) == ((0.0, 0.2), (5.0, 5.1))
    assert _segments([], 0, ms) == ()


def test_timeline_overlap_and_switches():
    timeline = Timeline("x", 0.005, 20.0, (Track("a", ((0.0, 10.0), (12.0, 14.0))), Track("b", ((5.0, 15.0),))))
    assert timeline.overlap_ms() == pytest.approx(5.0 + 2.0)
    assert timeline.switches() == 1


class PerThreadClock:
    """A deterministic clock (ns): each thread's own time advances `step` per reading, plus a
    pause after its reading number `at` for the threads named in `pauses` {name: (at, ns)}."""

    def __init__(self, step: int, pauses=None):
        self.step, self.pauses, self.readings = step, pauses or {}, {}
        self.lock = threading.Lock()

    def __call__(self) -> int:
        name = threading.current_thread().name
        with self.lock:
            count, now = self.readings.get(name, (0, 0))
            at, pause = self.pauses.get(name, (None, 0))
            now += self.step + (pause if count == at else 0)
            self.readings[name] = (count + 1, now)
            return now


def test_record_timeline_folds_each_threads_clock_into_segments():
    # 0.1 ms per chunk, 1 ms of recording: with a gap threshold of 0.3 ms every thread runs
    # one unbroken segment, except thread 2, whose clock jumps 2 ms after its 4th reading.
    clock = PerThreadClock(100_000, pauses={"lab-worker-1": (4, 2_000_000)})
    timeline = record_timeline(threads=2, duration=0.001, gap=0.0003, clock=clock)
    assert [t.thread for t in timeline.tracks] == ["thread 1", "thread 2"]
    # The caller reads the origin (its own clock: 0.1 ms), so the run ends at 1.1 ms. Thread 1
    # stamps 0.1, 0.2, ... 1.1 ms; thread 2 stamps 0.1 to 0.4 ms, then its 5th reading is
    # 0.5 + 2 ms = 2.5 ms, past the end. Relative to the origin:
    def rounded(track):
        return tuple((round(a, 6), round(b, 6)) for a, b in track.segments)

    assert rounded(timeline.tracks[0]) == ((0.0, 1.0),)
    assert rounded(timeline.tracks[1]) == ((0.0, 0.3), (2.4, 2.4))
    assert timeline.switches() == 1
    assert lab_threads() == []


def test_record_timeline_gives_a_late_thread_a_segment():
    # Thread 2's clock jumps 5 ms before its first reading (the OS started it after the run
    # had ended): it still records one chunk, at 5.1 ms, instead of leaving an empty track.
    clock = PerThreadClock(100_000, pauses={"lab-worker-1": (0, 5_000_000)})
    timeline = record_timeline(threads=2, duration=0.001, clock=clock)
    assert [tuple((round(a, 6), round(b, 6)) for a, b in t.segments) for t in timeline.tracks] == \
        [((0.0, 1.0),), ((5.0, 5.0),)]
    assert lab_threads() == []


def test_record_timeline_runs_in_real_time_and_cleans_up():
    # Real time: only the shape is asserted (how much each thread ran depends on the machine).
    before = sys.getswitchinterval()
    timeline = record_timeline(threads=2, duration=0.02, switch_interval=0.001)
    assert [t.thread for t in timeline.tracks] == ["thread 1", "thread 2"]
    for track in timeline.tracks:
        assert track.segments and all(0 <= s <= e for s, e in track.segments)
    assert sys.getswitchinterval() == before
    assert lab_threads() == []


# --- other interpreters ---------------------------------------------------------------------

def test_remote_errors_carry_the_other_sides_message():
    with pytest.raises(remote.RemoteError, match="unknown workload 'nope'"):
        remote.call(sys.executable, "workloads.get", name="nope")


def test_remote_reports_a_missing_interpreter():
    with pytest.raises(remote.RemoteError, match="no interpreter at"):
        remote.call("/nonexistent/python", "workloads.get", name="python_loop")


def test_remote_kills_a_call_that_overstays():
    with pytest.raises(remote.RemoteError, match="did not finish within"):
        remote.call(sys.executable, "workloads.sleep_io", timeout=1, units=5000)


def test_describe_agrees_with_sysconfig():
    me = interpreters.describe(sys.executable)
    assert me.free_threaded is FREE_THREADED_HERE
    assert me.version == platform.python_version()


def test_describe_explains_a_broken_path():
    with pytest.raises(ValueError, match="cannot run"):
        interpreters.describe("/nonexistent/python3.14t")


def test_a_gil_build_named_as_free_threaded_is_reported_not_trusted(monkeypatch):
    if FREE_THREADED_HERE:
        pytest.skip("needs a GIL interpreter to misname")
    monkeypatch.setenv("INTERNALS_LAB_PYTHON_FT", sys.executable)
    monkeypatch.setenv("INTERNALS_LAB_CPYTHON_CACHE", "/nonexistent")
    monkeypatch.setenv("PATH", "/nonexistent")
    interpreters.find_builds.cache_clear()
    try:
        builds = interpreters.find_builds()
    finally:
        interpreters.find_builds.cache_clear()
    assert builds.free_threaded is None
    assert any("is a GIL build" in note for note in builds.notes)
    assert interpreters.HOW_TO_GET_ONE in builds.notes


def test_status_of_this_interpreter_matches_the_running_process():
    default = gil_status(settings=("default",))[0]
    assert default.started and default.gil_enabled == GIL_ON_HERE


@pytest.mark.skipif(sys.version_info < (3, 13) or FREE_THREADED_HERE, reason="GIL builds of 3.13+ only")
def test_a_gil_build_refuses_to_disable_the_gil():
    row = gil_status(settings=("PYTHON_GIL=0",))[0]
    assert not row.started and "not supported by this build" in row.message


def test_free_threaded_build_honours_the_switches():
    executable = sys.executable if FREE_THREADED_HERE else other_free_threaded()
    if executable is None:
        pytest.skip("no free-threaded interpreter found")
    rows = {r.setting: r.gil_enabled for r in gil_status(executable)}
    assert rows == {"default": False, "PYTHON_GIL=0": False, "PYTHON_GIL=1": True, "-X gil=0": False, "-X gil=1": True}


def test_measurements_travel_to_the_free_threaded_build():
    executable = other_free_threaded()
    if executable is None or FREE_THREADED_HERE:
        pytest.skip("needs a free-threaded interpreter other than this one")
    result = measure_scaling("python_loop", (1, 2), units=1, repeats=1, interpreter=executable)
    assert result.free_threaded and not result.gil_enabled
    locked = race_counter("locked", threads=4, increments=20_000, interpreter=executable)
    assert "free-threaded" in locked.interpreter and locked.lost == 0
    assert len(record_timeline(duration=0.01, interpreter=executable).tracks) == 2


# --- what each build does differently: probes answered by the interpreter itself --------------

def _other_free_threaded_314():
    found = interpreters.find_builds().free_threaded
    if found is None or found.version_info[:2] < (3, 14):
        return None
    return found.executable


def test_the_free_threaded_build_finds_its_twin_and_knows_the_kernel_is_not_it():
    interpreters.find_builds.cache_clear()
    builds = interpreters.find_builds()
    if builds.free_threaded is None or builds.gil_twin is None:
        pytest.skip("needs a free-threaded build and its GIL twin (make python)")
    assert builds.free_threaded.free_threaded and not builds.gil_twin.free_threaded
    assert builds.free_threaded.version == builds.gil_twin.version
    # the twin's configure flags are the free-threaded build's, without --disable-gil
    ft_flags = builds.free_threaded.build["configure"]
    assert [f for f in ft_flags if f != "--disable-gil"] == builds.gil_twin.build["configure"]
    if FREE_THREADED_HERE:
        assert not builds.kernel_is_twin


@pytest.mark.skipif(sys.version_info < (3, 14), reason="3.14 specializes in both builds")
def test_a_local_string_concatenation_is_specialized_in_place_here():
    # Python/specialize.c (3.14): += on an exact str whose result is stored by STORE_FAST into
    # the same local becomes BINARY_OP_INPLACE_ADD_UNICODE; stored into a global it cannot be
    rows = {r.variant: r for r in concatenation(n=200, repeats=1).rows}
    assert rows["local"].instruction == "BINARY_OP_INPLACE_ADD_UNICODE"
    assert rows["global"].instruction == "BINARY_OP_ADD_UNICODE"
    assert rows["local"].seconds_n > 0 and rows["local"].growth > 0


def test_the_free_threaded_314_build_specializes():
    executable = sys.executable if FREE_THREADED_HERE and sys.version_info >= (3, 14) else _other_free_threaded_314()
    if executable is None:
        pytest.skip("no free-threaded 3.14+ interpreter found")
    probe = specialization(executable)
    assert "free-threaded" in probe.interpreter
    # 3.13t ran these generic (ENABLE_SPECIALIZATION was 0); 3.14t specializes them
    assert ("LOAD_ATTR", "LOAD_ATTR_INSTANCE_VALUE") in probe.replaced
    assert ("BINARY_OP", "BINARY_OP_ADD_INT") in probe.replaced
    local = concatenation(executable, n=200, repeats=1).row("local")
    assert local.instruction == "BINARY_OP_INPLACE_ADD_UNICODE"


def test_a_module_level_function_is_freed_after_del_on_this_build():
    if FREE_THREADED_HERE and sys.version_info < (3, 14):
        pytest.skip("3.13t makes it immortal once a second thread starts")
    probe = immortalization()
    assert probe.freed_after_del and not probe.immortal
    if not FREE_THREADED_HERE:
        assert probe.freed_at_del       # plain reference counting frees it at the del itself


def test_the_314_free_threaded_build_frees_a_function_with_a_deferred_refcount():
    executable = sys.executable if FREE_THREADED_HERE and sys.version_info >= (3, 14) else _other_free_threaded_314()
    if executable is None:
        pytest.skip("no free-threaded 3.14+ interpreter found")
    probe = immortalization(executable)
    # deferred reference counting (PEP 703) shows as a count near 2**60, not a count of real
    # references, and leaves the freeing to the collector: not at the del, but after gc.collect()
    assert probe.refcount_after_thread > 2 ** 32
    assert not probe.freed_at_del
    assert probe.freed_after_del and not probe.immortal


def test_start_method_reports_what_multiprocessing_says_in_a_fresh_process():
    method = start_method()
    assert method.default in multiprocessing.get_all_start_methods()
    assert set(method.available) == set(multiprocessing.get_all_start_methods())
    if sys.platform == "linux" and sys.version_info >= (3, 14):
        assert method.default == "forkserver"       # 3.14 changed Linux's default from fork
    elif sys.platform == "linux":
        assert method.default == "fork"


@pytest.mark.skipif(sys.version_info < (3, 14), reason="concurrent.interpreters is new in 3.14")
def test_concurrent_interpreters_keep_their_own_globals():
    from concurrent import interpreters as subinterpreters

    sub = subinterpreters.create()
    try:
        queue = subinterpreters.create_queue()
        sub.prepare_main(queue=queue)
        sub.exec("import sys; sys.lab_marker = 1; queue.put(hasattr(sys, 'lab_marker'))")
        assert queue.get(timeout=10) is True
        assert not hasattr(sys, "lab_marker")
    finally:
        sub.close()


@pytest.mark.skipif(shutil.which("cc") is None and shutil.which("gcc") is None, reason="no C compiler")
def test_an_extension_without_py_mod_gil_turns_the_gil_back_on():
    from internals_lab.gil.extension import extension_demo

    executable = sys.executable if FREE_THREADED_HERE else other_free_threaded()
    if executable is None:
        pytest.skip("no free-threaded interpreter found")
    rows = {(r.module, r.setting): r for r in extension_demo(executable)}
    legacy = rows["lab_legacy", "default"]
    assert (legacy.gil_before, legacy.gil_after) == (False, True)
    assert "lab_legacy" in legacy.warning and "RuntimeWarning" in legacy.warning
    assert rows["lab_legacy", "PYTHON_GIL=0"].gil_after is False
    assert rows["lab_ready", "default"].gil_after is False and rows["lab_ready", "default"].warning == ""


def test_extension_demo_explains_a_gil_build():
    from internals_lab.gil.extension import extension_demo

    if FREE_THREADED_HERE:
        pytest.skip("needs a GIL interpreter")
    with pytest.raises(ValueError, match="is a GIL build"):
        extension_demo(sys.executable)


def test_overhead_refuses_the_builds_in_the_wrong_order():
    if FREE_THREADED_HERE:
        pytest.skip("needs a GIL interpreter")
    with pytest.raises(ValueError, match="is a GIL build"):
        measure_overhead(sys.executable, sys.executable)


def test_overhead_compares_every_program_on_both_builds():
    interpreters.find_builds.cache_clear()
    builds = interpreters.find_builds()
    if builds.free_threaded is None or builds.gil_twin is None:
        pytest.skip("needs a free-threaded build and its GIL twin (make python)")
    overhead = measure_overhead(builds.free_threaded.executable, builds.gil_twin.executable, rounds=1, inner=1)
    assert [r.program for r in overhead.rows] == list(PROGRAMS)
    assert all(r.ratio > 0 for r in overhead.rows) and overhead.geometric_mean > 0


# --- renderers ------------------------------------------------------------------------------

def test_charts_draw_valid_svg_with_alt_text_that_carries_the_numbers():
    scaling = Scaling("python_loop", "cpu", "threads", "3.14.7 free-threaded", True, False, 2,
                      (ScalingPoint(1, 0.1, 1.0), ScalingPoint(2, 0.11, 1.82)))
    latency = LatencyResult("cpu", 0.005, "3.14.7 GIL", (0.05, 4.9, 5.1))
    timeline = Timeline("3.14.7 GIL", 0.005, 20.0, (Track("thread 1", ((0.0, 5.0),)), Track("thread 2", ((5.0, 10.0),))))
    for figure, fact in ((charts.scaling_chart([scaling]), "2 workers 1.8x"),
                         (charts.latency_chart([latency]), "median 4.9 ms"),
                         (charts.timeline_chart(timeline), "thread 2 ran 5 ms")):
        assert fact in figure.alt
        ET.fromstring(figure.svg_text)


def test_tables_render_every_result():
    result = race_counter("locked", threads=2, increments=10)
    table = charts.race_table([result])
    assert "20" in str(table)
