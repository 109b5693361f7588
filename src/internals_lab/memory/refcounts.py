"""Reference counts: what `sys.getrefcount` reports, which objects never die, and when they do.

Every object's header carries its reference count (`Include/object.h`). `sys.getrefcount(x)`
reports it while its own argument holds a reference, hence one too many, unless the caller
pushed a *borrowed* reference: 3.14's compiler turns `LOAD_FAST` into `LOAD_FAST_BORROW` where
it can prove the local outlives the use (`Python/flowgraph.c`), and the count then excludes the
stack's copy. Immortal objects (PEP 683, 3.12+) carry a count the interpreter never changes.
The free-threaded build splits the count into a thread-local part for the owning thread and a
shared atomic part (biased reference counting, PEP 703), and marks some objects (top-level
functions, code, type objects) for deferred counting, leaving their counts at a huge constant.

Data only: each probe returns JSON-ready dicts, so the same function runs in a GIL build and a
free-threaded build through `remote.call`. `header_counts` reads the count fields of a live
object through ctypes at the offsets of `struct _object` in v3.14, and checks the offsets by
finding the object's type pointer where it must be.
"""
from __future__ import annotations

import dis
import gc
import sys
import sysconfig
import threading
import weakref
from typing import Any, Callable, Dict, List, Optional

__all__ = ["refcount_cases", "borrowed_loads", "is_immortal", "immortal_sample", "header_counts",
           "biased_counts", "deferred_counts", "lifecycle", "resurrection", "cycle_finalizers"]

FREE_THREADED = bool(sysconfig.get_config_var("Py_GIL_DISABLED"))


def _fresh_in_local() -> int:
    x = object()
    return sys.getrefcount(x)


def _two_names() -> int:
    x = object()
    y = x  # noqa: F841  (the second name is the point)
    return sys.getrefcount(x)


def _in_a_list() -> int:
    x = object()
    box = [x, x, x]  # noqa: F841
    return sys.getrefcount(x)


def _via_call_argument() -> int:
    return sys.getrefcount(object())   # the only reference is the argument itself


def refcount_cases() -> List[Dict[str, Any]]:
    """sys.getrefcount in small functions whose true count is known from the source."""
    cases = [
        ("a fresh object in one local", _fresh_in_local, 1),
        ("the same object in two locals", _two_names, 2),
        ("one local, and three times in a list", _in_a_list, 4),
        ("a temporary passed straight in", _via_call_argument, 0),
    ]
    return [{"case": label, "held_by_code": owners, "reported": fn(),
             "borrowed_load": borrowed_loads(fn) > 0} for label, fn, owners in cases]


def borrowed_loads(fn: Callable) -> int:
    """How many of fn's loads of locals push a borrowed reference (3.14+: LOAD_FAST_BORROW...)."""
    return sum(1 for ins in dis.get_instructions(fn) if ins.opname.startswith("LOAD_FAST_BORROW"))


def is_immortal(obj: Any) -> Optional[bool]:
    """sys._is_immortal on 3.14+; on 3.12/3.13 the count a GIL build pins immortals at; None on 3.11."""
    if hasattr(sys, "_is_immortal"):
        return sys._is_immortal(obj)
    if sys.version_info >= (3, 12):
        return sys.getrefcount(obj) >= (1 << 31) - 1
    return None   # no immortal objects before 3.12


def immortal_sample() -> List[Dict[str, Any]]:
    """Refcount and immortality of a few singletons, cached values and fresh objects."""
    big = int("1" * 4)   # 1111, built at run time: not from the small-int cache
    samples = [("None", None), ("True", True), ("small int 5", 5), ("int 1111 (run time)", big),
               ("'' (empty str)", ""), ("() (empty tuple)", ()),
               ("a fresh list", [])]
    return [{"object": label, "refcount": sys.getrefcount(value), "immortal": is_immortal(value)}
            for label, value in samples]


def header_counts(obj: Any) -> Dict[str, int]:
    """The count fields of obj's header, read in place (ctypes), v3.14 layout on 64-bit.

    GIL build: ob_refcnt (low 32 bits) at offset 0, type pointer at 8. Free-threaded build:
    ob_tid at 0, ob_ref_local (uint32) at 12, ob_ref_shared at 16 (shifted left by 2, the low
    bits are flags), type pointer at 24.
    """
    import ctypes

    address = id(obj)
    type_offset = 24 if FREE_THREADED else 8
    if ctypes.c_void_p.from_address(address + type_offset).value != id(type(obj)):
        raise RuntimeError("this build's object header is not the v3.14 layout header_counts() reads")
    if FREE_THREADED:
        shared = ctypes.c_ssize_t.from_address(address + 16).value
        return {"local": ctypes.c_uint32.from_address(address + 12).value,
                "shared": shared >> 2, "shared_flags": shared & 3,
                "owned_by_this_thread": ctypes.c_size_t.from_address(address).value == _thread_id()}
    return {"refcnt": ctypes.c_uint32.from_address(address).value}


def _thread_id() -> int:
    """This thread's ob_tid value: the id of an object this thread just created."""
    import ctypes

    probe = object()
    return ctypes.c_size_t.from_address(id(probe)).value


def biased_counts(extra_in_thread: int = 5, extra_here: int = 3) -> Dict[str, Any]:
    """Counts of one object before and after another thread, then this one, take references."""
    obj = object()
    before = header_counts(obj)
    holders: List[list] = []
    worker = threading.Thread(target=lambda: holders.append([obj] * extra_in_thread))
    worker.start()
    worker.join(30)
    if worker.is_alive():
        raise RuntimeError("the worker thread did not finish")
    after_thread = header_counts(obj)
    mine = [obj] * extra_here
    after_here = header_counts(obj)
    del mine
    return {"free_threaded": FREE_THREADED, "before": before, "after_other_thread": after_thread,
            "after_this_thread": after_here, "getrefcount": sys.getrefcount(obj) - 1}


def _top_level():
    return None


def deferred_counts() -> Dict[str, Any]:
    """A module-level function's count, and whether it is freed once deleted."""
    namespace: Dict[str, Any] = {}
    exec("def made_at_top_level():\n    return None\n", namespace)
    func = namespace["made_at_top_level"]
    alive = weakref.ref(func)
    count = sys.getrefcount(func)
    immortal = is_immortal(func)
    del func, namespace
    gc.collect()   # deferred counts are settled by the collector, not by Py_DECREF
    return {"free_threaded": FREE_THREADED, "getrefcount": count, "immortal": immortal,
            "freed_after_del": alive() is None}


class _Noisy:
    def __init__(self, name: str, log: List[str]):
        self.name, self.log = name, log

    def __del__(self):
        self.log.append(f"__del__ {self.name}")


def lifecycle() -> List[str]:
    """The order of events when the last reference to an object with __del__ and a weakref goes."""
    log: List[str] = []
    obj = _Noisy("a", log)
    ref = weakref.ref(obj, lambda r: log.append("weakref callback (referent is gone: "
                                                 f"{r() is None})"))
    log.append("del obj")
    del obj
    log.append(f"after del: weakref returns {ref()!r}")
    return log


def resurrection() -> Dict[str, Any]:
    """PEP 442: __del__ may resurrect its object; it is not called a second time."""
    calls: List[str] = []
    saved: List[Any] = []

    class Phoenix:
        def __del__(self):
            calls.append("__del__")
            saved.append(self)          # a new reference: the object lives on

    Phoenix()
    first = len(calls)
    alive = len(saved) == 1
    saved.clear()                       # the last reference goes a second time
    gc.collect()
    return {"del_calls_after_first_death": first, "resurrected": alive, "del_calls_in_total": len(calls)}


def cycle_finalizers() -> Dict[str, Any]:
    """Two objects with __del__ in a cycle: collected since 3.4 (PEP 442), not left in gc.garbage."""
    log: List[str] = []
    first, second = _Noisy("first", log), _Noisy("second", log)
    first.other, second.other = second, first
    del first, second
    before_collect = list(log)
    found = gc.collect()
    return {"log_before_collect": before_collect, "log_after_collect": sorted(log),
            "unreachable_found": found, "garbage": len(gc.garbage)}
