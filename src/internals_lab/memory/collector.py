"""The cycle collector: generations, thresholds, collection counts, freeze, and finding cycles.

Reference counting frees an object when its count reaches zero, which never happens inside a
reference cycle. The cycle collector (`Python/gc.c` on a GIL build, `Python/gc_free_threading.c`
on a free-threaded one) finds such groups. On a GIL build it is generational: allocating a
container adds to generation 0's count, and when that passes the first threshold the youngest
generation is collected; survivors move up. 3.14.0 to 3.14.4 shipped an incremental collector
with two generations; 3.14.5 reverted to 3.13's generational one (What's New in 3.14, "Garbage
collection"). The free-threaded build collects all objects at once, with every thread stopped.

`gc_state()` saves and restores everything a lab may change (enabled, thresholds, debug flags,
callbacks, freeze) even when the body raises. Probes count collections with a `gc.callbacks`
hook, so they return counts, never timings, and run in any interpreter through `remote.call`.
"""
from __future__ import annotations

import contextlib
import gc
import sys
import sysconfig
from dataclasses import dataclass
from typing import Any, Dict, Iterator, List, Optional

__all__ = ["gc_state", "collector_settings", "collection_counts", "CycleStep", "find_cycle",
           "freeze_effect"]


@contextlib.contextmanager
def gc_state() -> Iterator[None]:
    """Restore the collector's settings on exit, even when the body raises.

    Frozen objects cannot be put back one by one: if nothing was frozen on entry, everything
    frozen inside is unfrozen on exit; if something was, what the body froze stays frozen.
    """
    enabled, thresholds, debug = gc.isenabled(), gc.get_threshold(), gc.get_debug()
    callbacks = list(gc.callbacks)
    frozen = gc.get_freeze_count()
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.set_debug(debug)
        gc.callbacks[:] = callbacks
        if frozen == 0 and gc.get_freeze_count():
            gc.unfreeze()
        (gc.enable if enabled else gc.disable)()


def collector_settings() -> Dict[str, Any]:
    """Thresholds, generation count and build of this interpreter."""
    return {"version": ".".join(map(str, sys.version_info[:3])),
            "free_threaded": bool(sysconfig.get_config_var("Py_GIL_DISABLED")),
            "threshold": list(gc.get_threshold()), "generations": len(gc.get_stats()),
            "enabled": gc.isenabled()}


class _Node:
    def __init__(self):
        self.partner = None


def collection_counts(cycles: int = 20_000, keep_every: int = 0) -> Dict[str, Any]:
    """Build `cycles` two-object cycles, drop them, and count the automatic collections.

    A `gc.callbacks` hook counts each collection the interpreter starts on its own, by
    generation, and what it found. `keep_every=k` keeps every k-th cycle alive, so survivors
    reach the older generations. Nothing is timed.
    """
    by_generation: Dict[int, int] = {}
    found = {"collected": 0, "uncollectable": 0}

    def count(phase: str, info: Dict[str, int]) -> None:
        if phase == "stop":
            generation = info.get("generation", -1)
            by_generation[generation] = by_generation.get(generation, 0) + 1
            found["collected"] += info.get("collected", 0)
            found["uncollectable"] += info.get("uncollectable", 0)

    kept: List[_Node] = []
    with gc_state():
        gc.collect()
        gc.enable()
        gc.callbacks.append(count)
        for index in range(cycles):
            a, b = _Node(), _Node()
            a.partner, b.partner = b, a
            if keep_every and index % keep_every == 0:
                kept.append(a)
        gc.callbacks.remove(count)
    settings = collector_settings()
    return {**settings, "cycles": cycles, "kept": len(kept),
            "collections": {str(g): n for g, n in sorted(by_generation.items())}, **found}


@dataclass(frozen=True)
class CycleStep:
    holder: str     # type of the object holding the reference
    via: str        # how: attribute name, dict key, list index, or "referent"


def _edge_name(holder: Any, target: Any) -> str:
    """Name the reference from holder to target, for a human."""
    attrs = getattr(holder, "__dict__", None)
    if isinstance(attrs, dict):
        for key, value in attrs.items():
            if value is target:
                return f".{key}"
    if getattr(holder, "__self__", None) is target:
        return ".__self__"
    if isinstance(holder, dict):
        for key, value in holder.items():
            if value is target:
                return f"[{key!r}]"
    if isinstance(holder, (list, tuple)):
        for index, value in enumerate(holder):
            if value is target:
                return f"[{index}]"
    return "(internal reference)"


def _referents(obj: Any) -> List[Any]:
    """What obj refers to, with an instance's __dict__ looked through (3.13+ keeps it inline)."""
    out = list(gc.get_referents(obj))
    attrs = getattr(obj, "__dict__", None)
    if isinstance(attrs, dict) and not isinstance(obj, type):
        out.extend(attrs.values())
    return out


def find_cycle(obj: Any, *, limit: int = 10_000) -> Optional[List[CycleStep]]:
    """The shortest chain of references from obj back to obj, or None if obj is in no cycle.

    Breadth-first over references (gc.get_referents), skipping classes and modules, which
    everything reaches. Gives up after `limit` objects with ValueError.
    """
    import types

    skip = (type, types.ModuleType, types.FunctionType, types.CodeType)
    start = id(obj)
    parent: Dict[int, Any] = {}
    objects: Dict[int, Any] = {start: obj}
    queue = [obj]
    while queue:
        current = queue.pop(0)
        for child in _referents(current):
            if isinstance(child, skip):
                continue
            if id(child) == start:
                chain, node = [child], current
                while id(node) != start:
                    chain.append(node)
                    node = parent[id(node)]
                chain.append(obj)
                chain.reverse()    # obj, ..., current, obj
                return [CycleStep(type(h).__name__, _edge_name(h, t)) for h, t in zip(chain, chain[1:])]
            if id(child) not in objects:
                objects[id(child)] = child
                parent[id(child)] = current
                if len(objects) > limit:
                    raise ValueError(f"find_cycle() gave up after {limit} objects")
                queue.append(child)
    return None


def freeze_effect(objects: int = 10_000) -> Dict[str, Any]:
    """How gc.freeze moves every tracked object out of the collector's sight (3.7+)."""
    with gc_state():
        gc.collect()
        gc.disable()
        data = [[i] for i in range(objects)]    # `objects` tracked containers
        tracked_before = len(gc.get_objects())
        gc.freeze()
        frozen = gc.get_freeze_count()
        tracked_after = len(gc.get_objects())
        gc.unfreeze()
        unfrozen = gc.get_freeze_count()
        del data
    return {"tracked_before_freeze": tracked_before, "frozen": frozen,
            "tracked_after_freeze": tracked_after, "frozen_after_unfreeze": unfrozen}
