"""Frames as data: describe values without addresses, snapshot one paused generator or
coroutine (`frame_snapshot`), and follow its `cr_await` / `gi_yieldfrom` chain (`await_chain`).
Nothing here runs code or touches global state: it only reads objects.

Part of `internals_lab.coroutines`; the package's docstring gives the design and the
global state it restores.
"""
from __future__ import annotations

import asyncio
import dis
import gc
import inspect
import types
from dataclasses import dataclass
from typing import Any

__all__ = ["CoroutineLabError", "FrameSnapshot", "describe", "frame_snapshot", "await_chain"]


class CoroutineLabError(ValueError):
    """A learner passed something this lab cannot drive; the message says what to pass."""


# ---------------------------------------------------------------------------------------------
# Describing values without addresses
# ---------------------------------------------------------------------------------------------

_SCALARS = (type(None), bool, int, float, complex, str, bytes)


def describe(value: Any, *, width: int = 40) -> str:
    """A short, deterministic description of `value`: repr for plain values, no addresses."""
    if isinstance(value, _SCALARS):
        text = repr(value)
        return text if len(text) <= width else text[: width - 3] + "..."
    if isinstance(value, asyncio.Task):
        return f"Task({_qualname(value.get_coro())}, {_future_state(value)})"
    if isinstance(value, asyncio.Future):
        # asyncio's own subclasses (gather's _GatheringFuture) keep their names; the C and the
        # pure-Python Future both print as "Future".
        name = "Future" if type(value).__name__ == "Future" else type(value).__name__
        return f"{name}({_future_state(value)})"
    if isinstance(value, types.CoroutineType):
        return f"<coroutine {value.__qualname__}>"
    if isinstance(value, types.GeneratorType):
        return f"<generator {value.__qualname__}>"
    if isinstance(value, (list, tuple)) and len(value) <= 5:
        inner = ", ".join(describe(v, width=width) for v in value)
        return f"[{inner}]" if isinstance(value, list) else f"({inner}{',' if len(value) == 1 else ''})"
    if isinstance(value, (types.FunctionType, types.BuiltinFunctionType, types.MethodType)):
        return f"<function {getattr(value, '__qualname__', '?')}>"
    return f"<{type(value).__name__}>"


def _future_state(future: asyncio.Future) -> str:
    if future.cancelled():
        return "cancelled"
    if not future.done():
        return "pending"
    if future.exception() is not None:
        return f"raised {type(future.exception()).__name__}"
    return f"done, result={describe(future.result(), width=20)}"


def _qualname(obj: Any) -> str:
    return getattr(obj, "__qualname__", None) or type(obj).__name__


# ---------------------------------------------------------------------------------------------
# Snapshots of one frame and of a chain of awaits
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FrameSnapshot:
    name: str                     # __qualname__ of the generator/coroutine, or the type's name
    kind: str                     # "coroutine", "generator" or "iterator" (the end of a chain)
    state: str                    # CREATED, RUNNING, SUSPENDED, CLOSED (inspect's names, no prefix)
    line: int | None              # f_lineno of the saved frame
    offset: int | None            # f_lasti: byte offset of the saved instruction pointer
    instruction: str | None       # the opname at that offset
    locals: tuple[tuple[str, str], ...]   # (name, describe(value)) in the code's order
    awaiting: str | None          # what cr_await / gi_yieldfrom points to, described
    has_f_back: bool | None       # does the saved frame link to a caller? (None: no frame)

    @property
    def where(self) -> str:
        if self.line is None:
            return self.name
        return f"{self.name} line {self.line} @{self.offset} {self.instruction}"


_OPNAMES: dict[types.CodeType, dict[int, str]] = {}


def _opname_at(code: types.CodeType, offset: int) -> str | None:
    table = _OPNAMES.get(code)
    if table is None:
        table = _OPNAMES[code] = {i.offset: i.opname for i in dis.get_instructions(code)}
    return table.get(offset)


def _state(obj: Any) -> str:
    if isinstance(obj, types.CoroutineType):
        return inspect.getcoroutinestate(obj).removeprefix("CORO_")
    return inspect.getgeneratorstate(obj).removeprefix("GEN_")


def _awaiting(obj: Any) -> Any:
    if isinstance(obj, types.CoroutineType):
        return obj.cr_await
    if isinstance(obj, types.GeneratorType):
        return obj.gi_yieldfrom
    return None


def _frame(obj: Any) -> types.FrameType | None:
    return obj.cr_frame if isinstance(obj, types.CoroutineType) else obj.gi_frame


def _check_drivable(obj: Any, what: str = "this function") -> None:
    if isinstance(obj, (types.CoroutineType, types.GeneratorType)):
        return
    if inspect.iscoroutinefunction(obj) or inspect.isgeneratorfunction(obj):
        raise CoroutineLabError(
            f"{what} takes a generator or coroutine object, not the function "
            f"{obj.__qualname__}: call it first, e.g. {obj.__name__}()"
        )
    raise CoroutineLabError(
        f"{what} takes a generator or coroutine object (from calling a `def` with `yield` "
        f"or an `async def`), not {type(obj).__name__}"
    )


def frame_snapshot(obj: Any) -> FrameSnapshot:
    """The saved state of one generator or coroutine, as plain data."""
    _check_drivable(obj, "frame_snapshot()")
    kind = "coroutine" if isinstance(obj, types.CoroutineType) else "generator"
    frame = _frame(obj)  # None once the generator/coroutine has finished
    awaited = _awaiting(obj)
    if frame is None:
        return FrameSnapshot(obj.__qualname__, kind, _state(obj), None, None, None, (), None, None)
    # f_locals: in 3.13 a write-through proxy (PEP 667), before that a dict snapshot; either way
    # it lists bound locals in the code object's order, which keeps snapshots deterministic.
    local_items = tuple((name, describe(value)) for name, value in frame.f_locals.items())
    return FrameSnapshot(
        name=obj.__qualname__,
        kind=kind,
        state=_state(obj),
        line=frame.f_lineno,
        offset=frame.f_lasti,
        instruction=_opname_at(frame.f_code, frame.f_lasti),
        locals=local_items,
        awaiting=None if awaited is None else describe(awaited),
        has_f_back=frame.f_back is not None,
    )


def _leaf_snapshot(obj: Any) -> FrameSnapshot:
    # The end of an await chain is usually a Future's iterator (`_asyncio.FutureIter`), which
    # has no public attribute for its future; gc.get_referents shows what it holds.
    held = [r for r in gc.get_referents(obj) if isinstance(r, asyncio.Future)]
    local_items = (("refers to (gc.get_referents)", describe(held[0])),) if held else ()
    return FrameSnapshot(type(obj).__name__, "iterator", "-", None, None, None, local_items, None, None)


def await_chain(obj: Any) -> list[FrameSnapshot]:
    """Follow cr_await (coroutines) and gi_yieldfrom (generators) links from `obj` to the end."""
    chain: list[FrameSnapshot] = []
    current = obj
    seen: set[int] = set()
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, (types.CoroutineType, types.GeneratorType)):
            chain.append(frame_snapshot(current))
            current = _awaiting(current)
        else:
            chain.append(_leaf_snapshot(current))
            break
    return chain


def _chain_objects(obj: Any) -> list[Any]:
    objects = [obj]
    while isinstance(objects[-1], (types.CoroutineType, types.GeneratorType)):
        nxt = _awaiting(objects[-1])
        if nxt is None:
            break
        objects.append(nxt)
    return objects
