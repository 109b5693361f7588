"""The import system, traced: the lab package of chapter 06.

One concept per module:
- `tracer`: `ImportTracer`, each step of an import as plain records, global state restored;
- `sandbox`: experiments in a fresh interpreter inside a temporary directory;
- `pyc`: the bytecode cache file's header (PEP 552) and code object;
- `importtime`: `python -X importtime` parsed into a tree, and its icicle chart;
- `graph`: which module of a package imports which, as a graphviz figure;
- `startup`: post 8's lesson, expensive set-up per request versus once at server start-up.
"""
from .graph import ImportEdge, import_edges, import_graph
from .importtime import ImportTimeNode, icicle_svg, measure_importtime, parse_importtime
from .pyc import MAGIC_NUMBERS, Pyc, PycError, PycHeader, magic_number_of, parse_header, read_pyc
from .sandbox import FreshRun, label_paths, run_fresh, trace_fresh
from .startup import ServerReport, compare_setup_placement, run_server_experiment
from .tracer import ImportStep, ImportTrace, ImportTracer, trace_import

__all__ = [
    "ImportStep", "ImportTrace", "ImportTracer", "trace_import",
    "FreshRun", "run_fresh", "trace_fresh", "label_paths",
    "MAGIC_NUMBERS", "Pyc", "PycError", "PycHeader", "magic_number_of", "parse_header", "read_pyc",
    "ImportTimeNode", "parse_importtime", "measure_importtime", "icicle_svg",
    "ImportEdge", "import_edges", "import_graph",
    "ServerReport", "run_server_experiment", "compare_setup_placement",
]
