"""An import tracer: every step of `import x`, recorded as plain data.

Design: `ImportTracer` is a context manager. On entry it snapshots the import system's global
state (`sys.modules`, `sys.meta_path`, `sys.path`, `sys.path_hooks`,
`sys.path_importer_cache`, `builtins.__import__`) and installs thin recording wrappers:

- `builtins.__import__` is wrapped, so each `import` statement records a *request* and whether
  `sys.modules` already had the module (a hit on a module whose body is still running is
  marked: that is the half-initialized module of a circular import);
- every finder on `sys.meta_path` is wrapped, in its place, so the trace lists each finder asked
  and its answer, in order;
- `sys.path_hooks` is wrapped and `sys.path_importer_cache` emptied for the duration, so the
  path finder's walk over `sys.path` shows which entry answered;
- the loader of each found spec is wrapped to time the module body, and a source loader is
  replaced by a subclass that reports reading, rejecting and writing the `.pyc`.

On exit everything is restored, also when the import raised: modules imported under the tracer
are removed from `sys.modules` (and from their parent package's attributes) so nothing
half-imported stays behind. One exception: an extension module from outside the standard
library may refuse to be initialised twice in a process (numpy raises "cannot load module more
than once per process"), so when the traced import loaded one, every module it loaded stays
in `sys.modules` and the trace lists them in `kept`. The trace is a list of `ImportStep` records; durations live in their
own field so a rendering without them is deterministic.
"""
from __future__ import annotations

import builtins
import importlib
import importlib.machinery
import importlib.util
import sys
import time
import contextlib
from dataclasses import asdict, dataclass, field

from .pyc import PycError, parse_header

__all__ = ["ImportStep", "ImportTrace", "ImportTracer", "trace_import"]


@dataclass(frozen=True)
class ImportStep:
    """One step of an import. `kind` is one of:

    request (an import statement or call; detail: a sys.modules hit or miss, and whether a hit
    module's body is still running), finder (a meta-path finder asked; detail: its answer, and
    for a spec its loader, origin and whether it is a package), path entry (a sys.path entry's
    finder asked), pyc (the bytecode cache: missing, read, accepted, rejected, written), compile
    (the source compiled, or the SyntaxError), exec (the module body: ran to the end, or the
    exception it raised), error (the traced import failed).
    """
    kind: str
    name: str
    detail: str
    depth: int = 0
    seconds: float | None = None  # only for exec steps; nondeterministic, kept out of renderings


@dataclass
class ImportTrace:
    steps: list[ImportStep] = field(default_factory=list)
    error: str | None = None  # "ExceptionType: message" when the traced import failed
    # Modules left in sys.modules after the trace because the import loaded an extension module
    # that cannot be initialised twice (and so its dependents must stay too); usually empty.
    kept: list[str] = field(default_factory=list)

    def rows(self, *, max_depth: int | None = None, kinds: tuple[str, ...] | None = None) -> list[tuple]:
        """(depth, kind, name, detail) rows: deterministic, no durations."""
        return [
            (s.depth, s.kind, s.name, s.detail) for s in self.steps
            if (max_depth is None or s.depth <= max_depth) and (kinds is None or s.kind in kinds)
        ]

    def durations(self) -> dict[str, float]:
        """Seconds each module body took (including the imports it made)."""
        return {s.name: s.seconds for s in self.steps if s.kind == "exec" and s.seconds is not None}

    def table(self, *, max_depth: int | None = None, kinds: tuple[str, ...] | None = None):
        from ..render import Table

        rows = [("  " * d + kind, name, detail) for d, kind, name, detail in self.rows(max_depth=max_depth, kinds=kinds)]
        return Table(["step", "module", "what happened"], rows, code_columns=("module",))

    def to_dict(self) -> dict:
        return {"steps": [asdict(s) for s in self.steps], "error": self.error, "kept": list(self.kept)}

    @classmethod
    def from_dict(cls, data: dict) -> ImportTrace:
        return cls([ImportStep(**s) for s in data["steps"]], data.get("error"), list(data.get("kept", [])))


_MACHINERY_FILES = frozenset({
    "<frozen importlib._bootstrap>", "<frozen importlib._bootstrap_external>", "<frozen zipimport>",
})


def _finder_name(finder: object) -> str:
    return finder.__name__ if isinstance(finder, type) else type(finder).__name__


def _describe_spec(spec) -> str:
    if spec is None:
        return "None (not mine)"
    loader = spec.loader
    loader_name = "no loader" if loader is None else _finder_name(loader)
    parts = [f"found: {loader_name}"]
    if spec.origin:
        parts.append(f"origin {spec.origin}")
    if spec.submodule_search_locations is not None:
        parts.append("package")
    return ", ".join(parts)


class _TracingSourceFileLoader(importlib.machinery.SourceFileLoader):
    """SourceFileLoader that reports what `get_code` does with the bytecode cache."""

    def __init__(self, fullname, path, tracer: ImportTracer):
        super().__init__(fullname, path)
        self._tracer = tracer

    def get_data(self, path):
        is_pyc = path.endswith(".pyc")
        try:
            # Reading a file makes CPython's C code import `_io` for io.open_code: machinery,
            # not the learner's import, so it stays out of the trace.
            with self._tracer._quiet():
                data = super().get_data(path)
        except OSError:
            if is_pyc:
                self._tracer._record("pyc", self.name, "no .pyc in __pycache__")
            raise
        if is_pyc:
            self._read_pyc = True
            self._tracer._record("pyc", self.name, f"read {len(data)} bytes: {_header_summary(data)}")
        return data

    def get_code(self, fullname):
        self._read_pyc = self._compiled = False
        code = super().get_code(fullname)
        if self._read_pyc and not self._compiled:
            self._tracer._record("pyc", self.name, "accepted: code object loaded from the .pyc, source not compiled")
        return code

    def source_to_code(self, data, path, *args, _optimize=-1):
        # 3.15 passes the module's name as a third argument (Lib/importlib/_bootstrap_external.py).
        # get_code compiles only when there is no usable .pyc, so a compile after a read means
        # the cached bytecode was rejected (stale mtime/size, wrong hash or magic number).
        self._compiled = True
        if getattr(self, "_read_pyc", False):
            self._tracer._record("pyc", self.name, "rejected: it does not match the source, so compile")
        self._tracer._record("compile", self.name, "compiling the source")
        try:
            return super().source_to_code(data, path, *args, _optimize=_optimize)
        except SyntaxError as error:
            self._tracer._record("compile", self.name, f"raised SyntaxError: {error.msg} (line {error.lineno})")
            raise

    def set_data(self, path, data, *, _mode=0o666):
        if path.endswith(".pyc"):
            self._tracer._record("pyc", self.name, f"wrote {len(data)} bytes: {_header_summary(data)}")
        return super().set_data(path, data, _mode=_mode)


def _header_summary(data: bytes) -> str:
    try:
        return parse_header(data).summary()
    except PycError as error:
        return f"unreadable header ({error})"


class _TimedLoader:
    """Delegates to a loader, timing exec_module (the module body)."""

    def __init__(self, inner, tracer: ImportTracer, original):
        self._inner = inner
        self._tracer = tracer
        self._original = original

    def __getattr__(self, name):
        return getattr(self._inner, name)

    def create_module(self, spec):
        return self._inner.create_module(spec)

    def exec_module(self, module):
        tracer, name = self._tracer, module.__name__
        tracer._executed.append((module, self._original))
        tracer._depth += 1
        start = time.perf_counter()
        try:
            self._inner.exec_module(module)
        except BaseException as error:
            tracer._depth -= 1
            if isinstance(error, SyntaxError):
                detail = "body never ran: the source does not compile"
            else:
                detail = f"body raised {type(error).__name__}: {error}"
            tracer._record("exec", name, detail, seconds=time.perf_counter() - start)
            raise
        tracer._depth -= 1
        tracer._record("exec", name, "body ran to the end", seconds=time.perf_counter() - start)


class _RecordingFinder:
    """Stands in for one meta-path finder and records its answer."""

    def __init__(self, inner, tracer: ImportTracer):
        self._inner = inner
        self._tracer = tracer

    def __getattr__(self, name):
        return getattr(self._inner, name)

    def find_spec(self, fullname, path=None, target=None):
        finder = getattr(self._inner, "find_spec", None)
        if finder is None:  # _bootstrap._find_spec skips such a finder too
            self._tracer._record("finder", fullname, f"{_finder_name(self._inner)}: skipped, it has no find_spec")
            return None
        spec = finder(fullname, path, target)
        self._tracer._record("finder", fullname, f"{_finder_name(self._inner)}: {_describe_spec(spec)}")
        if spec is not None:
            self._tracer._instrument(spec)
        return spec

    def invalidate_caches(self):
        method = getattr(self._inner, "invalidate_caches", None)
        if method is not None:
            method()


class _RecordingPathEntryFinder:
    def __init__(self, inner, entry: str, tracer: ImportTracer):
        self._inner, self._entry, self._tracer = inner, entry, tracer

    def __getattr__(self, name):
        return getattr(self._inner, name)

    def find_spec(self, fullname, target=None):
        spec = self._inner.find_spec(fullname, target)
        if spec is None:
            answer = "nothing here"
        elif spec.loader is None and spec.submodule_search_locations is not None:
            answer = "a directory without __init__.py (namespace portion)"
        else:
            answer = "found " + (spec.origin or "")
        self._tracer._record("path entry", fullname, f"{self._entry or '(current directory)'}: {answer}")
        return spec


class ImportTracer:
    """Trace the imports made inside a `with` block; restore import state on exit.

        with ImportTracer() as tracer:
            import json            # or tracer.import_module("json")
        tracer.trace.table()
    """

    def __init__(self) -> None:
        self.trace = ImportTrace()
        self._depth = 0
        self._active = False
        self._instrumented: list[tuple[object, object]] = []  # (spec, original loader)
        self._executed: list[tuple[object, object]] = []  # (module, original loader)
        self._first_request: str | None = None
        self._quiet_depth = 0

    # -- recording -------------------------------------------------------------------------
    @contextlib.contextmanager
    def _quiet(self):
        self._quiet_depth += 1
        try:
            yield
        finally:
            self._quiet_depth -= 1

    def _record(self, kind: str, name: str, detail: str, *, seconds: float | None = None) -> None:
        if self._active and not self._quiet_depth:
            self.trace.steps.append(ImportStep(kind, name, detail, self._depth, seconds))

    def _instrument(self, spec) -> None:
        loader = spec.loader
        if loader is None or isinstance(loader, (_TimedLoader, _TracingSourceFileLoader)):
            return
        if type(loader).__name__ == "NamespaceLoader":
            return  # nothing runs: a namespace package has no body
        inner = loader
        if type(loader) is importlib.machinery.SourceFileLoader:
            inner = _TracingSourceFileLoader(loader.name, loader.path, self)
        self._instrumented.append((spec, loader))
        spec.loader = _TimedLoader(inner, self, loader)

    def _import(self, name, globals=None, locals=None, fromlist=(), level=0):
        # The machinery's own lookups (zipimport reading a file makes C code import `_io`) are
        # not the learner's imports: they come from frames of the frozen import modules.
        caller = sys._getframe(1).f_code.co_filename
        if caller in _MACHINERY_FILES:
            return self._original_import(name, globals, locals, fromlist, level)
        absolute = name
        if level:
            package = (globals or {}).get("__package__") or ""
            try:
                absolute = importlib.util.resolve_name("." * level + name, package)
            except ImportError:
                pass
        self._note_request(absolute)
        return self._original_import(name, globals, locals, fromlist, level)

    def _note_request(self, name: str) -> None:
        if self._quiet_depth:
            return
        module = sys.modules.get(name)
        if module is None:
            detail = "sys.modules miss"
        elif getattr(getattr(module, "__spec__", None), "_initializing", False):
            detail = "sys.modules hit, but its body is still running (half-initialized)"
        else:
            detail = "sys.modules hit"
        if self._first_request is None:
            self._first_request = name
        self._record("request", name, detail)

    def import_module(self, name: str, package: str | None = None):
        """Like importlib.import_module, traced; failures are recorded, then re-raised."""
        if not self._active:
            raise RuntimeError("import_module() traces only inside `with ImportTracer() as tracer:`")
        absolute = importlib.util.resolve_name(name, package) if name.startswith(".") else name
        self._note_request(absolute)
        try:
            return importlib.import_module(name, package)
        except BaseException as error:
            self._fail(absolute, error)
            raise

    def _fail(self, name: str, error: BaseException) -> None:
        if self.trace.error is None:
            self.trace.error = f"{type(error).__name__}: {error}"
            self._record("error", name, f"import failed: {self.trace.error}")

    # -- global state ----------------------------------------------------------------------
    def __enter__(self) -> ImportTracer:
        if self._active:
            raise RuntimeError("this ImportTracer is already active; make a new one")
        self._saved_modules = dict(sys.modules)
        self._saved_meta_path = list(sys.meta_path)
        self._saved_path = list(sys.path)
        self._saved_path_hooks = list(sys.path_hooks)
        self._saved_path_importer_cache = dict(sys.path_importer_cache)
        self._original_import = builtins.__import__
        try:
            sys.meta_path[:] = [_RecordingFinder(f, self) for f in self._saved_meta_path]
            sys.path_hooks[:] = [self._wrap_hook(h) for h in self._saved_path_hooks]
            sys.path_importer_cache.clear()  # so each sys.path entry goes through our hooks
            builtins.__import__ = self._import
        except BaseException:
            self._restore()
            raise
        self._active = True
        return self

    def _wrap_hook(self, hook):
        def recording_hook(entry):
            return _RecordingPathEntryFinder(hook(entry), entry, self)
        return recording_hook

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc is not None and not isinstance(exc, (KeyboardInterrupt, SystemExit)):
            self._fail(getattr(exc, "name", None) or self._first_request or "?", exc)
        self._active = False
        self._restore()
        return False  # never swallow the learner's exception

    def _restore(self) -> None:
        builtins.__import__ = getattr(self, "_original_import", builtins.__import__)
        sys.meta_path[:] = self._saved_meta_path
        sys.path_hooks[:] = self._saved_path_hooks
        sys.path[:] = self._saved_path
        sys.path_importer_cache.clear()
        sys.path_importer_cache.update(self._saved_path_importer_cache)
        new = [name for name in sys.modules if name not in self._saved_modules]
        if any(_cannot_reinitialise(sys.modules[name]) for name in new):
            # Dropping such a module would break every later import of it (and of the modules that
            # import it) until a restart: keep everything this import loaded.
            self.trace.kept = sorted(name for name in new if sys.modules.get(name) is not None)
            new = []
        for name in new:
            module = sys.modules.pop(name)
            # `import pkg.sub` also binds `sub` on pkg; undo that on packages that stay.
            parent, _, child = name.rpartition(".")
            if parent in self._saved_modules and getattr(self._saved_modules[parent], child, None) is module:
                try:
                    delattr(self._saved_modules[parent], child)
                except AttributeError:
                    pass
        for name, module in self._saved_modules.items():
            if sys.modules.get(name) is not module:
                sys.modules[name] = module
        # Modules the learner keeps a reference to should not carry our wrappers.
        for spec, loader in self._instrumented:
            spec.loader = loader
        for module, loader in self._executed:
            if isinstance(getattr(module, "__loader__", None), _TimedLoader):
                module.__loader__ = loader
        self._instrumented.clear()
        self._executed.clear()


def _stdlib_dirs() -> tuple[str, ...]:
    import os
    import sysconfig
    paths = sysconfig.get_paths()
    return tuple({os.path.realpath(paths[k]) + os.sep for k in ("stdlib", "platstdlib") if k in paths})


def _cannot_reinitialise(module) -> bool:
    """An extension module from outside the standard library: it may keep process-wide state and
    refuse a second initialisation. The standard library's own extension modules (PEP 489
    multi-phase, or single-phase ones that CPython re-creates from its cache) import again."""
    import os
    spec = getattr(module, "__spec__", None)
    origin = getattr(spec, "origin", None) or getattr(module, "__file__", None)
    if not isinstance(origin, str) or not origin.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES)):
        return False
    path = os.path.realpath(origin)
    third_party = {"site-packages", "dist-packages"} & set(path.split(os.sep))
    return bool(third_party) or not path.startswith(_stdlib_dirs())


def trace_import(name: str) -> ImportTrace:
    """Trace `importlib.import_module(name)`; the trace records a failure instead of raising."""
    if not isinstance(name, str) or not name:
        raise ValueError(f"trace_import() needs a module name such as 'json', not {name!r}")
    tracer = ImportTracer()
    try:
        with tracer:
            tracer.import_module(name)
    except Exception:
        pass  # recorded in tracer.trace.error
    return tracer.trace
