"""What an object is made of: the header, the type pointer, and what `sys.getsizeof` counts.

Every CPython object starts with a header (`PyObject` in `Include/object.h`): a reference count
and a pointer to its type; a free-threaded build adds a thread id, flags, a per-object lock, GC
bits and a second (shared) count. Objects the cycle collector tracks also carry a GC pre-header
before the object, which `sys.getsizeof` adds to `__sizeof__` (`_PySys_GetSizeOf` in
`Python/sysmodule.c`). Nothing here prints an address.

Data only: `build_info`, `core_sizes` and `instance_layout` return JSON-ready dicts, so the same
functions run in any interpreter through `remote.call`; `sizes_across_versions` gathers them
from every interpreter this machine has; `deep_size` counts what `getsizeof` leaves out.
"""
from __future__ import annotations

import gc
import struct
import sys
import sysconfig
import types
from dataclasses import dataclass, field
from typing import Any, Dict, List, Sequence, Tuple

__all__ = ["build_info", "SAMPLES", "core_sizes", "instance_layout", "VersionSizes",
           "sizes_across_versions", "DeepSize", "deep_size", "VERSIONS"]

VERSIONS = ("3.11", "3.12", "3.13", "3.14", "3.15", "3.14t")

# Type flags from Include/object.h (v3.14): a managed dict lives before the object (3.12+),
# inline values keep the attributes in the object itself until someone asks for __dict__ (3.13+).
_INLINE_VALUES = 1 << 2
_MANAGED_DICT = 1 << 4


def free_threaded() -> bool:
    return bool(sysconfig.get_config_var("Py_GIL_DISABLED"))


def build_info() -> Dict[str, Any]:
    """The header sizes of this interpreter, read from objects, not from headers."""
    return {
        "version": ".".join(map(str, sys.version_info[:3])),
        "free_threaded": free_threaded(),
        "pointer": struct.calcsize("P"),
        "object_header": object().__sizeof__(),          # sizeof(PyObject): count(s) + type pointer
        "gc_header": sys.getsizeof([]) - [].__sizeof__(),  # what getsizeof adds for tracked objects
    }


class Point:
    def __init__(self, x, y):
        self.x, self.y = x, y


class SlotPoint:
    __slots__ = ("x", "y")

    def __init__(self, x, y):
        self.x, self.y = x, y


# (label, expression): evaluated in a namespace holding Point and SlotPoint.
SAMPLES: Tuple[Tuple[str, str], ...] = (
    ("object()", "object()"),
    ("int 0", "0"),
    ("int 1", "1"),
    ("int 2**30", "2**30"),
    ("int 2**60", "2**60"),
    ("float", "1.5"),
    ("str '' (ASCII)", "''"),
    ("str 'a' (ASCII)", "'a'"),
    ("str 'é' (1 byte/char)", "'\\u00e9'"),
    ("str '€' (2 bytes/char)", "'\\u20ac'"),
    ("str '😀' (4 bytes/char)", "'\\U0001F600'"),
    ("tuple ()", "()"),
    ("tuple (1,)", "(1,)"),
    ("tuple of 3", "(1, 2, 3)"),
    ("list []", "[]"),
    ("list of 3", "[1, 2, 3]"),
    ("dict {}", "{}"),
    ("dict of 1", "{'a': 1}"),
    ("set()", "set()"),
    ("instance", "Point(1, 2)"),
    ("instance with __slots__", "SlotPoint(1, 2)"),
)


def core_sizes() -> List[Dict[str, Any]]:
    """sys.getsizeof of each sample in this interpreter."""
    namespace = {"Point": Point, "SlotPoint": SlotPoint}
    return [{"label": label, "expr": expr, "size": sys.getsizeof(eval(expr, namespace))}
            for label, expr in SAMPLES]


def instance_layout() -> Dict[str, Any]:
    """Where a plain instance keeps its attributes, against a __slots__ instance."""
    plain, slotted = Point(1, 2), SlotPoint(1, 2)
    flags = Point.__flags__
    before = sys.getsizeof(plain)
    materialized = Point(1, 2)
    dict_size = sys.getsizeof(materialized.__dict__)   # asking for __dict__ builds a dict object
    return {
        "plain_basicsize": Point.__basicsize__,
        "slots_basicsize": SlotPoint.__basicsize__,
        "plain_getsizeof": before,
        "slots_getsizeof": sys.getsizeof(slotted),
        "managed_dict": bool(flags & _MANAGED_DICT),
        "inline_values": bool(flags & _INLINE_VALUES),
        "dict_getsizeof": dict_size,
        "slots_has_dict": hasattr(slotted, "__dict__"),
    }


@dataclass(frozen=True)
class VersionSizes:
    """core_sizes (and build_info) per interpreter found; how to get the missing ones."""
    sizes: Dict[str, List[Dict[str, Any]]]     # feature ("3.14t") -> core_sizes()
    builds: Dict[str, Dict[str, Any]]          # feature -> build_info()
    layouts: Dict[str, Dict[str, Any]]         # feature -> instance_layout()
    missing: Dict[str, str] = field(default_factory=dict)  # feature -> how to get one

    def table(self) -> Tuple[List[str], List[List[Any]]]:
        versions = [v for v in VERSIONS if v in self.sizes]
        rows = []
        for index, (label, _) in enumerate(SAMPLES):
            rows.append([label] + [self.sizes[v][index]["size"] for v in versions])
        return ["object"] + versions, rows


def sizes_across_versions(versions: Sequence[str] = VERSIONS, *, timeout: float = 60.0) -> VersionSizes:
    """Ask every interpreter this machine has for its sizes, in a fresh process each."""
    from .. import interpreters
    from .remote import ProbeError, call

    sizes, builds, layouts, missing = {}, {}, {}, {}
    for version in versions:
        found = interpreters.find(version)
        if found is None:
            missing[version] = interpreters.how_to_get(version)
            continue
        try:
            sizes[version] = call(found.executable, "layout.core_sizes", timeout=timeout)
            builds[version] = call(found.executable, "layout.build_info", timeout=timeout)
            layouts[version] = call(found.executable, "layout.instance_layout", timeout=timeout)
        except ProbeError as exc:
            missing[version] = str(exc)
    return VersionSizes(sizes, builds, layouts, missing)


@dataclass(frozen=True)
class DeepSize:
    shallow: int   # sys.getsizeof(obj)
    deep: int      # obj and everything it reaches, each object counted once
    objects: int   # how many objects that is


# Shared, long-lived objects a container points at but does not own.
_NOT_OWNED = (type, types.ModuleType, types.FunctionType, types.BuiltinFunctionType, types.CodeType)


def deep_size(obj: Any, *, limit: int = 100_000) -> DeepSize:
    """sys.getsizeof(obj) plus that of every object reachable from it (gc.get_referents).

    Classes, modules, functions and code objects are not counted: they are shared, not owned.
    Stops with ValueError after `limit` objects, so a huge graph gives a message, not a hang.
    """
    seen = set()
    pending = [obj]
    total = 0
    while pending:
        item = pending.pop()
        if id(item) in seen or isinstance(item, _NOT_OWNED):
            continue
        seen.add(id(item))
        if len(seen) > limit:
            raise ValueError(f"deep_size() stopped after {limit} objects; pass a larger limit")
        total += sys.getsizeof(item)
        pending.extend(gc.get_referents(item))
    return DeepSize(sys.getsizeof(obj), total, len(seen))
