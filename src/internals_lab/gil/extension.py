"""An extension module that does not say it is thread-safe turns the GIL back on.

A free-threaded build cannot know whether a C extension was written for threads running in
parallel, so an extension module must declare it: the `Py_mod_gil` slot set to
`Py_MOD_GIL_NOT_USED` (multi-phase init), or `PyUnstable_Module_SetGIL` (single-phase). An
extension that says nothing is assumed to need the GIL, and importing it enables the GIL for
the whole process, with a RuntimeWarning, unless PYTHON_GIL=0 or -X gil=0 forces it off.

`extension_demo(interpreter)` compiles two tiny modules with that interpreter's headers and
the system C compiler, one with the slot and one without, imports each in a fresh process,
and reports `sys._is_gil_enabled()` before and after. The build directory is temporary.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import List

from ..children import run_child

__all__ = ["ExtensionImport", "extension_demo", "SOURCES"]

SOURCES = {
    "lab_legacy": r"""
#include <Python.h>
/* Single-phase initialisation, as most extensions written before 3.13: nothing about the GIL. */
static PyObject *answer(PyObject *self, PyObject *unused) { return PyLong_FromLong(42); }
static PyMethodDef methods[] = {{"answer", answer, METH_NOARGS, "Return 42."}, {NULL, NULL, 0, NULL}};
static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "lab_legacy", NULL, -1, methods};
PyMODINIT_FUNC PyInit_lab_legacy(void) { return PyModule_Create(&module); }
""",
    "lab_ready": r"""
#include <Python.h>
/* Multi-phase initialisation with the Py_mod_gil slot: "this module does not need the GIL". */
static PyObject *answer(PyObject *self, PyObject *unused) { return PyLong_FromLong(42); }
static PyMethodDef methods[] = {{"answer", answer, METH_NOARGS, "Return 42."}, {NULL, NULL, 0, NULL}};
static PyModuleDef_Slot slots[] = {
#ifdef Py_mod_gil
    {Py_mod_gil, Py_MOD_GIL_NOT_USED},
#endif
    {0, NULL}};
static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "lab_ready", NULL, 0, methods, slots};
PyMODINIT_FUNC PyInit_lab_ready(void) { return PyModuleDef_Init(&module); }
""",
}

_CONFIG = ("import json, sysconfig; print(json.dumps({'include': sysconfig.get_paths()['include'], "
           "'suffix': sysconfig.get_config_var('EXT_SUFFIX'), 'cc': sysconfig.get_config_var('CC')}))")

_IMPORT = """
import json, sys, warnings
before = getattr(sys, '_is_gil_enabled', lambda: True)()
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter('always')
    module = __import__(sys.argv[1])
after = getattr(sys, '_is_gil_enabled', lambda: True)()
print(json.dumps({'before': before, 'after': after, 'answer': module.answer(),
                  'warnings': [f'{w.category.__name__}: {w.message}' for w in caught]}))
"""


@dataclass(frozen=True)
class ExtensionImport:
    module: str
    declares_gil_not_used: bool
    setting: str               # "default" or "PYTHON_GIL=0"
    gil_before: bool
    gil_after: bool
    warning: str               # the warning printed at import, if any


class ExtensionBuildError(RuntimeError):
    """The demo extension could not be compiled (no compiler, no headers)."""


def _compile(executable: str, name: str, workdir: Path) -> None:
    config = json.loads(run_child([executable, "-c", _CONFIG], capture_output=True, text=True,
                                    check=True, timeout=60).stdout)
    compiler = shutil.which((config["cc"] or "cc").split()[0]) or shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        raise ExtensionBuildError("no C compiler found (install gcc, or build-essential on Debian)")
    if not Path(config["include"], "Python.h").exists():
        raise ExtensionBuildError(f"no Python.h under {config['include']} (install the interpreter's headers)")
    source = workdir / f"{name}.c"
    source.write_text(SOURCES[name])
    done = run_child([compiler, "-shared", "-fPIC", "-O1", f"-I{config['include']}", str(source),
                           "-o", str(workdir / f"{name}{config['suffix']}")], capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise ExtensionBuildError(f"compiling {name} failed: {done.stderr.strip()[-500:]}")


def extension_demo(interpreter: str, settings=("default", "PYTHON_GIL=0")) -> List[ExtensionImport]:
    """Compile both demo modules for `interpreter`, import each in a fresh process per setting."""
    from .interpreters import describe

    if not describe(interpreter).free_threaded:
        raise ValueError(f"{interpreter} is a GIL build; the GIL is always on there, so there is nothing to re-enable. "
                         "Pass a free-threaded interpreter (see internals_lab.gil.find_builds()).")
    rows = []
    with tempfile.TemporaryDirectory(prefix="internals-lab-ext-") as tmp:
        workdir = Path(tmp)
        for name in SOURCES:
            _compile(interpreter, name, workdir)
        for name in SOURCES:
            for setting in settings:
                env = {k: v for k, v in os.environ.items() if k != "PYTHON_GIL"}
                if setting == "PYTHON_GIL=0":
                    env["PYTHON_GIL"] = "0"
                elif setting != "default":
                    raise ValueError(f"setting must be 'default' or 'PYTHON_GIL=0', got {setting!r}")
                done = run_child([interpreter, "-s", "-c", _IMPORT, name], capture_output=True, text=True,
                                      cwd=workdir, env=env, timeout=60)
                if done.returncode != 0:
                    raise ExtensionBuildError(f"importing {name} failed: {done.stderr.strip()[-500:]}")
                facts = json.loads(done.stdout.strip().splitlines()[-1])
                rows.append(ExtensionImport(name, name == "lab_ready", setting, facts["before"], facts["after"],
                                            "; ".join(facts["warnings"])))
    return rows
