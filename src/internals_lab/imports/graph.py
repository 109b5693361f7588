"""Which module of a package imports which: an import graph read from source, drawn by graphviz.

Design: `import_edges(package)` parses every .py file of a package with `ast` (nothing is
executed or imported) and returns `ImportEdge` records, relative imports resolved against the
package; `import_graph(edges)` draws them. Imports inside functions are marked, because they
run only when the function is called, not when the module is imported: that is how modules
defer an expensive import.
"""
from __future__ import annotations

import ast
import importlib.util
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ImportEdge", "import_edges", "import_graph"]


@dataclass(frozen=True)
class ImportEdge:
    importer: str
    imported: str
    line: int
    deferred: bool  # inside a function body: runs at call time, not import time
    internal: bool  # the imported module belongs to the same package


def _package_dir(package: str | Path) -> tuple[str, Path]:
    if isinstance(package, Path) or "/" in str(package):
        path = Path(package)
        if not (path / "__init__.py").is_file():
            raise ValueError(f"{path} is not a package directory (it has no __init__.py)")
        return path.name, path
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ValueError(f"{package!r} is not an importable package")
    return package, Path(next(iter(spec.submodule_search_locations)))


def _module_name(root_name: str, root: Path, file: Path) -> str:
    parts = list(file.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join([root_name, *parts])


class _Collector(ast.NodeVisitor):
    def __init__(self) -> None:
        self.found: list[tuple[str, int, bool, int, tuple[str, ...]]] = []
        self._functions = 0

    def _visit_function(self, node) -> None:
        self._functions += 1
        self.generic_visit(node)
        self._functions -= 1

    visit_FunctionDef = visit_AsyncFunctionDef = _visit_function

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self.found.append((alias.name, 0, self._functions > 0, node.lineno, ()))

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        names = tuple(a.name for a in node.names)
        self.found.append((node.module or "", node.level, self._functions > 0, node.lineno, names))


def import_edges(package: str | Path) -> list[ImportEdge]:
    """Import edges between the modules of `package` (a name or a directory) and to outside."""
    root_name, root = _package_dir(package)
    modules = {_module_name(root_name, root, f): f for f in sorted(root.rglob("*.py"))}
    edges: list[ImportEdge] = []
    for name, file in modules.items():
        is_package = file.name == "__init__.py"
        current = name if is_package else name.rpartition(".")[0]
        collector = _Collector()
        try:
            collector.visit(ast.parse(file.read_text(encoding="utf-8"), str(file)))
        except SyntaxError as error:
            raise ValueError(f"{file} does not parse, so its imports are unknown: {error.msg}") from None
        for target, level, deferred, line, names in collector.found:
            if level:
                base = current.rsplit(".", level - 1)[0] if level > 1 else current
                target = f"{base}.{target}" if target else base
            targets = [target]
            # `from . import sub` and `from pkg import sub` import the submodule itself.
            subs = [f"{target}.{n}" for n in names if f"{target}.{n}" in modules]
            if subs:
                targets = subs
            for t in targets:
                internal = t == root_name or t.startswith(root_name + ".")
                edges.append(ImportEdge(name, t if internal else t.split(".")[0], line, deferred, internal))
    unique = {(e.importer, e.imported, e.deferred, e.internal): e for e in edges if e.importer != e.imported}
    return sorted(unique.values(), key=lambda e: (e.importer, not e.internal, e.imported, e.deferred))


def import_graph(edges: list[ImportEdge], *, title: str = "", externals: bool = True):
    """A graphviz figure: package modules as boxes, other modules as grey ellipses,
    deferred (in-function) imports dashed. Returns an `internals_lab.render.Figure`."""
    from ..render import svg

    if not edges:
        raise ValueError("no import edges to draw")
    shown = [e for e in edges if externals or e.internal]
    internal = sorted({e.importer for e in edges} | {e.imported for e in shown if e.internal})
    external = sorted({e.imported for e in shown if not e.internal})
    lines = ["digraph imports {", '  rankdir=LR; node [fontname="monospace", fontsize=11];']
    for name in internal:
        lines.append(f'  "{name}" [shape=box, style=filled, fillcolor="#dde8ff"];')
    for name in external:
        lines.append(f'  "{name}" [shape=ellipse, color="#888888", fontcolor="#444444"];')
    for e in shown:
        style = "dashed" if e.deferred else "solid"
        lines.append(f'  "{e.importer}" -> "{e.imported}" [style={style}];')
    lines.append("}")
    deferred = sum(e.deferred for e in shown)
    alt = (f"Import graph{' of ' + title if title else ''}: {len(internal)} modules of the package "
           f"(boxes) and {len(external)} modules outside it (ellipses); an arrow goes from the "
           f"importing module to the imported one; {deferred} dashed arrows are imports inside functions.")
    return svg("\n".join(lines), alt)
