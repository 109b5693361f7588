"""internals_lab: the package behind Python Internals Lab.

Each chapter has its own module; this package re-exports only the few names every lab uses.
Modules import their renderers (graphviz, matplotlib, ipywidgets) lazily, so the data layer
works on any supported interpreter with nothing but the standard library.
"""
from .interpreter import InterpreterFacts, interpreter_facts

__all__ = ["InterpreterFacts", "interpreter_facts", "__version__"]
__version__ = "0.1.0"
