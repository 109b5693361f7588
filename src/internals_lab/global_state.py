"""Put back the interpreter-wide state a reader's program can change, when the program ends.

Design: `global_state_restored()` is a context manager. On entry it records the process-wide
settings a program can change with one call; on exit, also when the program raised, it puts
each one back. The browser's runtime (internals_lab.web) runs every program of a visit in one
long-lived interpreter, so without this a finder the reader put on `sys.meta_path`, a trace
function or `gc.disable()` would change every later run on the page, and the lab's own tools.

What is restored, in this order (tracing first, so the rest runs untraced):

- `sys.settrace` / `sys.setprofile` functions of this thread;
- `sys.monitoring` (PEP 669, 3.12+): a tool id the program claimed is released, its events and
  callbacks cleared; a tool id in use before that the program freed is claimed again under its
  name with its global events (its callbacks cannot be read back without replacing them);
- the recursion limit;
- the cycle collector: enabled or not, its thresholds, and `gc.freeze()` if the program froze
  objects (all of them are unfrozen when nothing was frozen before; `gc` cannot unfreeze part);
- `tracemalloc`: stopped if the program started it, restarted with the old frame count if the
  program stopped or restarted it (the traces recorded before are gone: tracemalloc keeps none);
- `sys.meta_path`, `sys.path_hooks`, `sys.path` and `sys.path_importer_cache`: the same list and
  dict objects (the import system holds them) with their old contents, also if the program
  rebound the names;
- `sys.modules`: modules the program added are removed (and from their parent package's
  attributes, so `package.sub` does not keep a stale module), replaced or removed ones put back;
- the builtins module's names (`builtins.print = ...` would change every later run), the hooks
  `sys.excepthook`, `sys.displayhook`, `sys.unraisablehook` and `sys.breakpointhook`, the
  integer-string conversion limit (`sys.set_int_max_str_digits`) and `os.environ`;
- the current directory.

Each item is restored even if restoring another one fails; the first failure is raised after all.
"""
from __future__ import annotations

import builtins
import contextlib
import gc
import os
import sys

__all__ = ["global_state_restored"]

_IMPORT_LISTS = ("meta_path", "path_hooks", "path")
_HOOKS = ("excepthook", "displayhook", "unraisablehook", "breakpointhook")


def _monitoring_snapshot():
    monitoring = getattr(sys, "monitoring", None)
    if monitoring is None:
        return None
    return {tool: (monitoring.get_tool(tool), monitoring.get_events(tool))
            for tool in range(6)}   # ids 0-5 are the ones a program may claim (PEP 669)


def _release_tool(monitoring, tool: int) -> None:
    monitoring.set_events(tool, 0)
    for event in vars(monitoring.events).values():
        # Each single event is a power of two; the named combinations are not callbacks' keys.
        if isinstance(event, int) and event and event & (event - 1) == 0:
            monitoring.register_callback(tool, event, None)
    monitoring.free_tool_id(tool)


def _restore_monitoring(saved) -> None:
    if saved is None:
        return
    monitoring = sys.monitoring
    for tool, (name, events) in saved.items():
        now = monitoring.get_tool(tool)
        if name is None and now is not None:
            _release_tool(monitoring, tool)
        elif name is not None:
            if now != name:
                if now is not None:
                    _release_tool(monitoring, tool)
                monitoring.use_tool_id(tool, name)
            if monitoring.get_events(tool) != events:
                monitoring.set_events(tool, events)


def _restore_modules(saved: dict) -> None:
    modules = sys.modules
    for name in [name for name in modules if name not in saved]:
        module = modules.pop(name, None)
        parent, _, child = name.rpartition(".")
        if parent and parent in saved and getattr(saved[parent], child, None) is module:
            with contextlib.suppress(AttributeError, TypeError):
                delattr(saved[parent], child)
    for name, module in saved.items():
        if modules.get(name) is not module:
            modules[name] = module


def _put_back_mapping(mapping, contents: dict) -> None:
    """Make `mapping` hold `contents` again, touching only the keys that changed."""
    for key in [key for key in mapping if key not in contents]:
        del mapping[key]
    for key, value in contents.items():
        if key not in mapping or mapping[key] is not value:
            mapping[key] = value


def _restore_gc(enabled: bool, threshold: tuple, frozen: int) -> None:
    gc.set_threshold(*threshold)
    (gc.enable if enabled else gc.disable)()
    if hasattr(gc, "get_freeze_count") and gc.get_freeze_count() > frozen and frozen == 0:
        gc.unfreeze()


def _restore_tracemalloc(was_tracing: bool, frames: int) -> None:
    import _tracemalloc as tracemalloc   # the C half: built in, cheap, and what `tracemalloc` calls

    if tracemalloc.is_tracing() and (not was_tracing or tracemalloc.get_traceback_limit() != frames):
        tracemalloc.stop()
    if was_tracing and not tracemalloc.is_tracing():
        tracemalloc.start(frames)


@contextlib.contextmanager
def global_state_restored():
    """Record the interpreter's global settings now; put every one back when the block ends."""
    import _tracemalloc as tracemalloc
    saved_trace, saved_profile = sys.gettrace(), sys.getprofile()
    saved_monitoring = _monitoring_snapshot()
    saved_limit = sys.getrecursionlimit()
    saved_lists = {name: (getattr(sys, name), list(getattr(sys, name))) for name in _IMPORT_LISTS}
    saved_cache = (sys.path_importer_cache, dict(sys.path_importer_cache))
    saved_modules = (sys.modules, dict(sys.modules))
    saved_gc = (gc.isenabled(), gc.get_threshold(),
                gc.get_freeze_count() if hasattr(gc, "get_freeze_count") else 0)
    saved_tracemalloc = (tracemalloc.is_tracing(), tracemalloc.get_traceback_limit())
    saved_builtins = dict(vars(builtins))
    saved_hooks = {name: getattr(sys, name) for name in _HOOKS}
    saved_digits = sys.get_int_max_str_digits() if hasattr(sys, "get_int_max_str_digits") else None
    saved_environ = dict(os.environ)
    saved_cwd = os.getcwd()
    try:
        yield
    finally:
        steps = [
            lambda: sys.settrace(saved_trace),
            lambda: sys.setprofile(saved_profile),
            lambda: _restore_monitoring(saved_monitoring),
            lambda: sys.setrecursionlimit(saved_limit),
            lambda: _restore_gc(*saved_gc),
            lambda: _restore_tracemalloc(*saved_tracemalloc),
        ]
        for name, (original, contents) in saved_lists.items():
            def put_back_list(name=name, original=original, contents=contents):
                original[:] = contents
                setattr(sys, name, original)
            steps.append(put_back_list)

        def put_back_cache(original=saved_cache[0], contents=saved_cache[1]):
            _put_back_mapping(original, contents)
            sys.path_importer_cache = original

        def put_back_modules(original=saved_modules[0], contents=saved_modules[1]):
            sys.modules = original
            _restore_modules(contents)

        steps += [put_back_cache, put_back_modules,
                  lambda: _put_back_mapping(vars(builtins), saved_builtins),
                  *[lambda name=name, hook=hook: setattr(sys, name, hook) for name, hook in saved_hooks.items()],
                  lambda: saved_digits is not None and sys.set_int_max_str_digits(saved_digits),
                  lambda: _put_back_mapping(os.environ, saved_environ),
                  lambda: os.chdir(saved_cwd)]
        failures = []
        for restore in steps:
            try:
                restore()
            except Exception as exc:     # keep restoring the rest; report the first failure after
                failures.append(exc)
        if failures:
            raise failures[0]
