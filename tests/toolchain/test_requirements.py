"""Every module the labs and pages import is installable from requirements.txt alone.

Binder installs requirements.txt and nothing else, so a module that only requirements-dev.txt
brings in would break a live lab. The check walks the dependency closure of requirements.txt
through the installed distributions' metadata and finds, for each imported top-level module,
a distribution in that closure that provides it (or the standard library).
"""
import ast
import json
import re
import sys
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirements_closure() -> set[str]:
    roots = {"internals-lab"}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-"):
            roots.add(_normal(Requirement(line).name))
    seen, todo = set(), list(roots)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for spec in metadata.requires(name) or []:
            req = Requirement(spec)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                todo.append(_normal(req.name))
    return seen


def imported_modules() -> dict[str, str]:
    sources = []
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in json.loads(nb.read_text())["cells"]:
            if cell["cell_type"] == "code":
                sources.append((nb.name, "".join(cell["source"])))
    for page in sorted((ROOT / "book").glob("*.md")):
        for block in re.findall(r"```\{code-cell\}[^\n]*\n(.*?)```", page.read_text(), re.S):
            sources.append((page.name, re.sub(r"(?m)^:\w+:.*$", "", block)))
    modules = {}
    for where, source in sources:
        source = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    modules.setdefault(alias.name.split(".")[0], where)
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                modules.setdefault(node.module.split(".")[0], where)
    return modules


def test_every_imported_module_comes_from_requirements_txt():
    closure = requirements_closure()
    providers = metadata.packages_distributions()
    missing = []
    for module, where in imported_modules().items():
        if module in sys.stdlib_module_names:
            continue
        dists = {_normal(d) for d in providers.get(module, [])}
        if module == "internals_lab":
            dists.add("internals-lab")
        if not dists & closure:
            missing.append(f"{module} (imported in {where}; provided by {sorted(dists) or 'nothing installed'})")
    assert not missing, "not installable from requirements.txt alone: " + ", ".join(missing)


def test_the_check_sees_the_labs_imports():
    modules = imported_modules()
    assert {"internals_lab", "graphviz"} <= set(modules)


def test_the_lab_extra_matches_requirements_txt():
    """Colab installs `internals-lab[lab]`; Binder installs requirements.txt: the same packages."""
    import tomllib

    extra = {_normal(Requirement(r).name) for r in
             tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]["lab"]}
    listed = set()
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-"):
            listed.add(_normal(Requirement(line).name))
    assert extra == listed - {"ipykernel"}
