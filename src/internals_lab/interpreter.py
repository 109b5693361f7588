"""Facts about the interpreter that is running this code.

Design: one function, `interpreter_facts()`, reads everything from `sys` and `sysconfig`
and returns a frozen dataclass of plain values; nothing here prints or imports a renderer.
Every chapter's lab starts from these facts, so a stored notebook output says which
interpreter produced it.

Where the facts come from (CPython 3.13):
- free-threaded build: the `Py_GIL_DISABLED` config variable, set by `--disable-gil`
  (PEP 703); `sys._is_gil_enabled()` (3.13+) says whether the GIL is on *now*, because a
  free-threaded build turns it back on for an extension module that does not declare
  `Py_mod_gil`, or when started with `-X gil=1` / `PYTHON_GIL=1`.
- JIT: 3.13's `--enable-experimental-jit` compiles the core with `-D_Py_JIT`, which lands
  in `PY_CORE_CFLAGS`; whether a JIT build runs it is up to the configure option's default
  and the `PYTHON_JIT` variable, which 3.13 offers no API to read back. 3.14 adds
  `sys._jit.is_available()` and `is_enabled()`, used when present.
"""
from __future__ import annotations

import platform
import sys
import sysconfig
from dataclasses import dataclass, fields

__all__ = ["InterpreterFacts", "interpreter_facts", "Implementation", "IMPLEMENTATIONS", "skip_in_browser"]


def skip_in_browser(needs: str) -> bool:
    """True, after printing one sentence, when this runs in the browser (Pyodide: CPython compiled
    to WebAssembly, in JupyterLite), which cannot provide what the cell `needs`; False elsewhere,
    silently. A lab cell guards itself with `if not skip_in_browser("..."):`, so Run All goes on."""
    if sys.platform != "emscripten":
        return False
    print(f"Skipped in your browser: this cell needs {needs}, which CPython compiled to WebAssembly "
          "cannot provide here; run the lab on Binder, Colab or your machine to see it.")
    return True


@dataclass(frozen=True)
class InterpreterFacts:
    implementation: str          # sys.implementation.name: "cpython", "pypy", ...
    version: str                 # "3.13.0"
    version_info: tuple[int, int, int]
    cache_tag: str | None        # "cpython-313": names the .pyc files in __pycache__
    free_threaded_build: bool    # compiled with --disable-gil
    gil_enabled: bool            # the GIL is on right now in this process
    jit_built: bool              # compiled with the experimental JIT (3.13+)
    jit_enabled: bool | None     # ... and it is switched on now (None: 3.13 cannot tell)
    compiler: str                # the C compiler that built the interpreter
    machine: str                 # CPU architecture: "x86_64", "aarch64", ...

    @property
    def build(self) -> str:
        return "free-threaded" if self.free_threaded_build else "default (with the GIL)"

    def as_rows(self) -> list[tuple[str, str]]:
        """The facts as (name, value) rows, in declaration order, for a table."""
        rows = [(f.name, _show(getattr(self, f.name))) for f in fields(self)]
        rows.insert(4, ("build", self.build))
        return rows


def _show(value: object) -> str:
    if isinstance(value, tuple):
        return ".".join(map(str, value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None:
        return "unknown on this version"
    return str(value)


def _config_flag(name: str) -> bool:
    value = sysconfig.get_config_var(name)
    return bool(value) and value != "0"


def _jit_built() -> bool:
    jit = getattr(sys, "_jit", None)
    if jit is not None and hasattr(jit, "is_available"):  # 3.14+
        return bool(jit.is_available())
    flags = " ".join(str(sysconfig.get_config_var(v) or "") for v in ("PY_CORE_CFLAGS", "CFLAGS_NODIST"))
    return "-D_Py_JIT" in flags


def _jit_enabled(built: bool) -> bool | None:
    if not built:
        return False
    jit = getattr(sys, "_jit", None)
    if jit is not None and hasattr(jit, "is_enabled"):  # 3.14+
        return bool(jit.is_enabled())
    # 3.13 has no API for it: the PYTHON_JIT variable and the configure option decide.
    return None


def interpreter_facts() -> InterpreterFacts:
    free_threaded = _config_flag("Py_GIL_DISABLED")
    is_gil_enabled = getattr(sys, "_is_gil_enabled", None)
    gil_enabled = bool(is_gil_enabled()) if is_gil_enabled is not None else True
    jit_built = _jit_built()
    return InterpreterFacts(
        implementation=sys.implementation.name,
        version=platform.python_version(),
        version_info=tuple(sys.version_info[:3]),
        cache_tag=sys.implementation.cache_tag,
        free_threaded_build=free_threaded,
        gil_enabled=gil_enabled,
        jit_built=jit_built,
        jit_enabled=_jit_enabled(jit_built),
        compiler=platform.python_compiler(),
        machine=platform.machine(),
    )


@dataclass(frozen=True)
class Implementation:
    name: str
    written_in: str
    runs_code_by: str
    where: str


# From each project's documentation (not something this machine can run): what
# "Python is a specification" means in practice.
IMPLEMENTATIONS = (
    Implementation(
        "CPython", "C",
        "compiling source to CPython bytecode, which its evaluation loop interprets; from 3.11 the "
        "interpreter specializes instructions as it runs (PEP 659); 3.13 added an experimental JIT, "
        "present only in builds configured with --enable-experimental-jit, and 3.14 reports it in "
        "sys._jit (off unless PYTHON_JIT=1 where it is built in)",
        "the reference implementation, from python.org and most package managers",
    ),
    Implementation(
        "PyPy", "RPython (a restricted subset of Python) translated to C",
        "interpreting its own bytecode and compiling hot loops to machine code with a tracing JIT "
        "generated from the interpreter itself",
        "a drop-in replacement for long-running pure-Python programs",
    ),
    Implementation(
        "MicroPython", "C, small enough for microcontrollers",
        "compiling to MicroPython's own bytecode (.mpy files, not CPython's .pyc) and interpreting it; "
        "decorated functions can be compiled to machine code (native and viper emitters)",
        "boards with kilobytes of RAM; implements Python 3.4 plus selected later features",
    ),
    Implementation(
        "GraalPy", "Java, on GraalVM's Truffle framework",
        "compiling to its own bytecode, run by a Truffle bytecode interpreter whose hot parts "
        "GraalVM's partial evaluator compiles to machine code",
        "the JVM, with Java interoperability",
    ),
    Implementation(
        "Pyodide", "CPython itself, compiled to WebAssembly with Emscripten",
        "exactly as CPython does (same bytecode), inside a browser or Node.js",
        "the browser: JupyterLite runs notebooks on it",
    ),
    Implementation(
        "IronPython", "C#",
        "compiling to .NET's intermediate language, which the .NET runtime compiles to machine code",
        "the .NET runtime; IronPython 3 targets Python 3.4",
    ),
)
