"""Containers from the inside: list over-allocation, dict and set growth, key sharing, interning.

A list keeps spare slots so that appending is cheap on average: `list_resize` in
`Objects/listobject.c` (v3.14) grows the array to `(n + (n >> 3) + 6) & ~3` slots when it runs
out. `predicted_capacity` is that formula, written out from the C source; `list_growth` reads
the real capacity back from `sys.getsizeof` as a list grows, so the two can be compared. Dicts
(`Objects/dictobject.c`) keep a compact array of entries beside a sparse index table, and
instances of one class can share one keys object (PEP 412); sets (`Objects/setobject.c`) are
open-addressed tables that grow when 3/5 full. `identity_cases` explains `is` results that come
from the small-int cache (-5 to 256 up to 3.14, to 1024 in 3.15: `_PY_NSMALLPOSINTS` in
`pycore_runtime_structs.h`) and string interning (`intern_constants` in `Objects/codeobject.c`:
identifier-like constants everywhere, every string constant on the free-threaded build).
"""
from __future__ import annotations

import sys
from typing import Any, Dict, List, Tuple

__all__ = ["list_growth", "predicted_capacity", "size_steps", "dict_growth", "set_growth",
           "sharing_cases", "identity_cases"]

_SLOT = 8 if sys.maxsize > 2**32 else 4


def list_growth(length: int = 64) -> List[Dict[str, int]]:
    """Append one item at a time; length, getsizeof and capacity (slots) after each append."""
    if not isinstance(length, int) or not 0 <= length <= 100_000:
        raise ValueError("list_growth() takes a length from 0 to 100,000")
    items: List[Any] = []
    empty = sys.getsizeof(items)
    rows = [{"length": 0, "size": empty, "capacity": 0}]
    for index in range(length):
        items.append(index)
        size = sys.getsizeof(items)
        rows.append({"length": index + 1, "size": size, "capacity": (size - empty) // _SLOT})
    return rows


def predicted_capacity(lengths: int) -> List[int]:
    """Capacity after each append from 1 to `lengths`, by listobject.c's list_resize (v3.14)."""
    allocated, out = 0, []
    for newsize in range(1, lengths + 1):
        if not (allocated >= newsize and newsize >= (allocated >> 1)):
            new_allocated = (newsize + (newsize >> 3) + 6) & ~3
            if newsize - (newsize - 1) > new_allocated - newsize:   # never for one append
                new_allocated = (newsize + 3) & ~3
            allocated = new_allocated
        out.append(allocated)
    return out


def size_steps(make: Any, add: Any, count: int) -> List[Tuple[int, int]]:
    """(items, getsizeof) at every point where adding one item changed the size."""
    container = make()
    steps = [(0, sys.getsizeof(container))]
    for index in range(count):
        add(container, index)
        size = sys.getsizeof(container)
        if size != steps[-1][1]:
            steps.append((index + 1, size))
    return steps


def dict_growth(count: int = 100) -> List[Tuple[int, int]]:
    return size_steps(dict, lambda d, i: d.__setitem__(f"k{i}", i), count)


def set_growth(count: int = 100) -> List[Tuple[int, int]]:
    return size_steps(set, lambda s, i: s.add(f"k{i}"), count)


class _Account:
    def __init__(self, owner: str, balance: int):
        self.owner, self.balance = owner, balance


class _SlotAccount:
    __slots__ = ("owner", "balance")

    def __init__(self, owner: str, balance: int):
        self.owner, self.balance = owner, balance


def _with_dict_asked_for() -> _Account:
    account = _Account("ada", 1)
    account.__dict__            # asking for __dict__ builds a dict object sharing the class's keys
    return account


def _with_a_non_string_key() -> _Account:
    account = _Account("ada", 1)
    account.__dict__[0] = "ledger"   # a split (key-sharing) table holds only str keys
    return account


def sharing_cases(count: int = 2000) -> Dict[str, float]:
    """Bytes per object (tracemalloc) for the same two attributes kept five ways.

    The last case breaks key sharing: a key that is not a str turns the instance's dict into an
    ordinary combined table of its own (`insertdict` in Objects/dictobject.c).
    """
    from .allocators import traced_per_object

    return {
        "instance (values inline or in a shared-key dict)": traced_per_object(lambda: _Account("ada", 1), count),
        "instance whose __dict__ was asked for": traced_per_object(_with_dict_asked_for, count),
        "plain dict with the same two keys": traced_per_object(lambda: {"owner": "ada", "balance": 1}, count),
        "instance of a class with __slots__": traced_per_object(lambda: _SlotAccount("ada", 1), count),
        "instance with a non-str key added to __dict__": traced_per_object(_with_a_non_string_key, count),
    }


def identity_cases() -> List[Dict[str, Any]]:
    """`is` between equal values built in different ways, with the mechanism behind each."""
    def runtime_int(text: str) -> int:
        return int(text)

    def joined(*parts: str) -> str:
        return "".join(parts)

    # Values held in variables: `is` against a literal is a SyntaxWarning, and the point here
    # is objects, not the compiler's constant folding.
    n256, n257, n1025, spam, a_b = 256, 257, 1025, "spam", "a b"
    cases = [
        ("256 is int('256')", n256 is runtime_int("256"), "small-int cache: -5 to 256 exist once"),
        ("257 is int('257')", n257 is runtime_int("257"),
         "outside the cache up to 3.14: a new int each time; 3.15's cache reaches 1024"),
        ("1025 is int('1025')", n1025 is runtime_int("1025"), "outside every version's cache"),
        ("'spam' is ''.join(['sp', 'am'])", spam is joined("sp", "am"),
         "a string built at run time is a new object"),
        ("'spam' is sys.intern(''.join(...))", spam is sys.intern(joined("sp", "am")),
         "sys.intern returns the one interned copy; identifier-like constants are interned"),
        ("'a b' is sys.intern('a b')", a_b is sys.intern(joined("a", " b")),
         "'a b' is not identifier-like: a GIL build leaves the constant uninterned, so sys.intern "
         "keeps the run-time copy; the free-threaded build interns every string constant"),
    ]
    return [{"expression": e, "result": r, "why": w} for e, r, w in cases]
