"""The import chapter's lab package: tracer, sandbox, .pyc reader, importtime, graph, server."""
import builtins
import importlib
import importlib.util
import py_compile
import sys
import textwrap

import pytest

from internals_lab.imports import (
    ImportTracer, PycError, compare_setup_placement, import_edges, label_paths, magic_number_of,
    parse_header, parse_importtime, read_pyc, run_fresh, run_server_experiment, trace_fresh,
    trace_import,
)


def _state():
    return (dict(sys.modules), list(sys.meta_path), list(sys.path), list(sys.path_hooks),
            dict(sys.path_importer_cache), builtins.__import__)


def _assert_restored(before):
    modules, meta_path, path, hooks, cache, imp = before
    assert sys.modules == modules
    assert sys.meta_path == meta_path
    assert sys.path == path
    assert sys.path_hooks == hooks
    assert sys.path_importer_cache == cache
    assert builtins.__import__ is imp


@pytest.fixture
def modules_dir(tmp_path, monkeypatch):
    files = {
        "good_mod.py": "import colorsys\nVALUE = 42\n",
        "raising_mod.py": "import colorsys\nimport good_mod\nraise RuntimeError('boom at import')\n",
        "syntax_mod.py": "def broken(:\n",
        "pkg_a/__init__.py": "from . import sub\n",
        "pkg_a/sub.py": "X = 1\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(text)
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()
    return tmp_path


def test_successful_import_is_traced_in_order_and_then_forgotten(modules_dir):
    before = _state()
    with ImportTracer() as tracer:
        import good_mod  # noqa: F401
        assert good_mod.VALUE == 42
    _assert_restored(before)
    assert "good_mod" not in sys.modules and "colorsys" not in sys.modules or "colorsys" in before[0]
    rows = tracer.trace.rows(max_depth=0)
    assert rows[0] == (0, "request", "good_mod", "sys.modules miss")
    finders = [detail.split(":")[0] for _, kind, name, detail in rows if kind == "finder" and name == "good_mod"]
    # sys.meta_path's finders, in its order, up to the first that answers (the path finder):
    # later finders (pytest's plugins add some) are never asked.
    names = [getattr(f, "__name__", type(f).__name__) for f in sys.meta_path]
    assert finders == names[: names.index("PathFinder") + 1]
    assert rows[-1][1:] == ("exec", "good_mod", "body ran to the end")
    assert "good_mod" in tracer.trace.durations()
    # The module the learner keeps does not carry the tracer's wrappers.
    assert type(good_mod.__loader__) is importlib.machinery.SourceFileLoader
    assert type(good_mod.__spec__.loader) is importlib.machinery.SourceFileLoader


def test_sys_modules_hit_is_recorded(modules_dir):
    with ImportTracer() as tracer:
        import sys as again  # noqa: F401
    assert tracer.trace.rows() == [(0, "request", "sys", "sys.modules hit")]


def test_missing_module_fails_in_the_trace_and_restores_state(modules_dir):
    before = _state()
    with pytest.raises(ModuleNotFoundError):
        with ImportTracer():
            import no_such_module_here  # noqa: F401
    _assert_restored(before)
    trace = trace_import("no_such_module_here")
    _assert_restored(before)
    assert trace.error == "ModuleNotFoundError: No module named 'no_such_module_here'"
    kinds = [kind for _, kind, _, _ in trace.rows()]
    assert kinds[0] == "request" and kinds[-1] == "error" and "exec" not in kinds
    assert all("None" in d for _, k, _, d in trace.rows() if k == "finder")


def test_module_that_raises_leaves_nothing_half_imported(modules_dir):
    before = _state()
    trace = trace_import("raising_mod")
    _assert_restored(before)
    assert trace.error == "RuntimeError: boom at import"
    for name in ("raising_mod", "good_mod"):
        assert name not in sys.modules
    execs = {name: detail for _, kind, name, detail in trace.rows() if kind == "exec"}
    assert execs["good_mod"] == "body ran to the end"  # imported by the failing body...
    assert execs["raising_mod"] == "body raised RuntimeError: boom at import"
    # ...and removed again with it: a fresh import runs its body again.
    assert trace_import("good_mod").rows()[0][3] == "sys.modules miss"


def test_syntax_error_shows_at_compile_and_restores(modules_dir):
    before = _state()
    trace = trace_import("syntax_mod")
    _assert_restored(before)
    assert trace.error.startswith("SyntaxError")
    assert any(k == "compile" and d.startswith("raised SyntaxError") for _, k, _, d in trace.rows())


def test_learner_code_that_raises_inside_the_block_restores_everything(modules_dir):
    before = _state()
    with pytest.raises(ZeroDivisionError):
        with ImportTracer():
            import good_mod  # noqa: F401
            sys.path.insert(0, "/nonexistent")
            sys.meta_path.append(object())
            1 / 0
    _assert_restored(before)


def test_submodule_attribute_removed_from_parent_that_stays(modules_dir):
    import pkg_a  # outside the tracer: stays
    try:
        del pkg_a.sub
        sys.modules.pop("pkg_a.sub")
        with ImportTracer():
            import pkg_a.sub  # noqa: F401
        assert not hasattr(pkg_a, "sub") and "pkg_a.sub" not in sys.modules
    finally:
        sys.modules.pop("pkg_a", None)


def test_import_module_outside_block_is_a_clear_error():
    with pytest.raises(RuntimeError, match="inside"):
        ImportTracer().import_module("json")
    with pytest.raises(ValueError, match="module name"):
        trace_import("")


# -- fresh interpreters ----------------------------------------------------------------------

def test_local_json_shadows_stdlib_but_local_itertools_does_not():
    files = {"json.py": "SHADOW = True\n", "itertools.py": "SHADOW = True\n"}
    run = run_fresh(files, "import json, itertools\nprint(hasattr(json, 'SHADOW'), hasattr(itertools, 'SHADOW'))")
    assert run.stdout.split() == ["True", "False"], run.stderr
    trace, _ = trace_fresh(files, "import json, itertools")
    answers = {(name, detail.split(":")[0]) for _, kind, name, detail in trace.rows() if kind == "finder" and "found" in detail}
    assert answers == {("json", "PathFinder"), ("itertools", "BuiltinImporter")}
    # -P (3.11+) stops the current directory from being put first.
    assert run_fresh(files, "import json\nprint(hasattr(json, 'SHADOW'))", flags=("-S", "-E", "-P")).stdout.strip() == "False"


def test_circular_import_sees_half_initialized_module():
    files = {"a.py": "import b\nLATE = 1\n", "b.py": "import a\nprint(hasattr(a, 'LATE'))\n"}
    trace, printed = trace_fresh(files, "import a")
    assert printed.strip() == "False"
    assert (2, "request", "a", "sys.modules hit, but its body is still running (half-initialized)") in trace.rows()


def test_pyc_written_then_accepted_then_rejected_after_edit():
    files = {"m.py": "X = 1\n"}
    first, _ = trace_fresh(files, "import m")
    pyc_first = [d for _, k, n, d in first.rows() if k == "pyc"]
    assert pyc_first[0] == "no .pyc in __pycache__" and pyc_first[1].startswith("wrote")
    second, _ = trace_fresh(files, "import m", setup="import m")
    pyc_second = [d for _, k, n, d in second.rows() if k == "pyc"]
    assert pyc_second[0].startswith("read") and pyc_second[1].startswith("accepted")
    assert not any(k == "compile" for _, k, _, _ in second.rows())
    # Source changed (size differs) after the .pyc was written: rejected, compiled, rewritten.
    edit = "import m, pathlib\npathlib.Path('m.py').write_text('X = 22\\n')"
    third, _ = trace_fresh(files, "import m", setup=edit)
    pyc_third = [d for _, k, n, d in third.rows() if k == "pyc"]
    assert pyc_third[0].startswith("read") and pyc_third[1].startswith("rejected") and pyc_third[2].startswith("wrote")
    # -B: compiled but never written.
    fourth, _ = trace_fresh(files, "import m", flags=("-S", "-E", "-B"))
    assert [d for _, k, n, d in fourth.rows() if k == "pyc"] == ["no .pyc in __pycache__"]


def test_label_paths_hides_machine_paths():
    import sysconfig
    stdlib = sysconfig.get_paths()["stdlib"]
    assert label_paths(f"{stdlib}/json/__init__.py and /tmp/xyz/a.py", "/tmp/xyz") == "<stdlib>/json/__init__.py and <tmp>/a.py"


# -- .pyc reader -----------------------------------------------------------------------------

@pytest.mark.parametrize("mode, flags", [
    (py_compile.PycInvalidationMode.TIMESTAMP, 0),
    (py_compile.PycInvalidationMode.CHECKED_HASH, 0b11),
    (py_compile.PycInvalidationMode.UNCHECKED_HASH, 0b01),
])
def test_pyc_reader_agrees_with_py_compile(tmp_path, mode, flags):
    source = tmp_path / "sample.py"
    text = "def double(x):\n    return 2 * x\nRESULT = double(21)\n"
    source.write_text(text)
    pyc_path = py_compile.compile(str(source), cfile=str(tmp_path / "sample.pyc"), invalidation_mode=mode, doraise=True)
    pyc = read_pyc(pyc_path)
    header = pyc.header
    assert header.magic == importlib.util.MAGIC_NUMBER
    assert header.python == f"{sys.version_info.major}.{sys.version_info.minor}"
    assert header.flags == flags
    if mode is py_compile.PycInvalidationMode.TIMESTAMP:
        stat = source.stat()
        assert (header.source_mtime, header.source_size) == (int(stat.st_mtime) & 0xFFFFFFFF, stat.st_size)
        assert header.source_hash is None
    else:
        assert header.source_hash == importlib.util.source_hash(source.read_bytes())
        assert header.source_mtime is None
    namespace = {}
    exec(pyc.code, namespace)
    assert namespace["RESULT"] == 42
    assert pyc.code.co_filename == str(source)


def test_pyc_reader_rejects_bad_input(tmp_path):
    with pytest.raises(PycError, match="16 bytes"):
        parse_header(b"\x00" * 5)
    with pytest.raises(PycError, match="magic"):
        parse_header(b"abcd" + bytes(12))
    with pytest.raises(PycError, match="cannot read"):
        read_pyc(tmp_path / "missing.pyc")
    with pytest.raises(TypeError):
        parse_header("not bytes")
    other = (3495 if sys.version_info[:2] != (3, 11) else 3571).to_bytes(2, "little") + b"\r\n" + bytes(12)
    assert read_pyc(other).code is None  # another version's marshal format is not unpacked


def test_magic_number_matches_importlib():
    assert magic_number_of(importlib.util.MAGIC_NUMBER) == int.from_bytes(importlib.util.MAGIC_NUMBER[:2], "little")


# -- importtime, graph, server ---------------------------------------------------------------

IMPORTTIME = textwrap.dedent("""\
    import time: self [us] | cumulative | imported package
    import time:        10 |         10 |     c
    import time:        20 |         30 |   b
    import time:         5 |          5 |   d
    import time:       100 |        135 | a
    import time:         7 |          7 | e
    """)


def test_parse_importtime_rebuilds_the_tree():
    root = parse_importtime(IMPORTTIME)
    assert root.outline() == "<all imports>\n  a\n    b\n      c\n    d\n  e"
    a = root.find("a")
    assert (a.self_us, a.cumulative_us) == (100, 135)
    assert a.cumulative_us == a.self_us + sum(c.cumulative_us for c in a.children)
    with pytest.raises(ValueError, match="importtime"):
        parse_importtime("nothing here")


def test_import_edges_of_json_match_its_source():
    edges = {(e.importer, e.imported) for e in import_edges("json")}
    assert {("json", "json.decoder"), ("json", "json.encoder"), ("json.decoder", "json.scanner"),
            ("json.scanner", "_json")} <= edges
    with pytest.raises(ValueError, match="package"):
        import_edges("colorsys")


def test_server_counts_setup_calls_per_placement():
    tiny = lambda: {str(i): str(i * i) for i in range(100)}  # noqa: E731
    per_request = run_server_experiment("per request", requests=5, warmup=1, setup=tiny)
    at_startup = run_server_experiment("at start-up", requests=5, warmup=1, setup=tiny)
    assert per_request.setup_calls == 6 and at_startup.setup_calls == 1
    assert per_request.answers_ok and at_startup.answers_ok
    assert len(per_request.latencies) == len(at_startup.latencies) == 5
    with pytest.raises(ValueError, match="placement"):
        run_server_experiment("sometimes")


def test_icicle_by_count_draws_one_bar_per_module_and_names_the_count():
    from internals_lab.imports import icicle_svg

    root = parse_importtime(IMPORTTIME)
    figure = icicle_svg(root, weight="count")
    assert figure.svg_text.count("<rect") == 6  # five modules and the root
    assert "5 modules" in figure.alt
    # Widths by count: a has 4 of the 6 nodes in the tree, so 4/6 of the root's 720 px (minus the 1 px gap).
    assert 'width="479.0"' in figure.svg_text
    with pytest.raises(ValueError, match="weight"):
        icicle_svg(root, weight="colour")


def test_import_edges_resolve_relative_and_mark_deferred_imports(tmp_path):
    from internals_lab.imports import import_graph

    pkg = tmp_path / "shop"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("from . import cart\n")
    (pkg / "cart.py").write_text("import json\nfrom .sub import prices\n\ndef checkout():\n    import decimal\n")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "sub" / "prices.py").write_text("from ..cart import checkout\n")
    edges = {(e.importer, e.imported, e.deferred, e.internal) for e in import_edges(pkg)}
    assert edges == {
        ("shop", "shop.cart", False, True),
        ("shop.cart", "json", False, False),
        ("shop.cart", "shop.sub.prices", False, True),
        ("shop.cart", "decimal", True, False),
        ("shop.sub.prices", "shop.cart", False, True),
    }
    figure = import_graph(import_edges(pkg), title="shop")
    assert "1 dashed" in figure.alt and "<svg" in figure.svg_text


@pytest.mark.parametrize("mode, after_edit", [("CHECKED_HASH", "rejected"), ("UNCHECKED_HASH", "accepted")])
def test_hash_based_pyc_checked_against_source_only_when_checked(mode, after_edit):
    files = {"h.py": "X = 1\n"}
    make = f"import py_compile\npy_compile.compile('h.py', invalidation_mode=py_compile.PycInvalidationMode.{mode})"
    fresh, _ = trace_fresh(files, "import h", setup=make)
    pycs = [d for _, k, n, d in fresh.rows() if k == "pyc" and n == "h"]
    assert pycs[0].startswith("read") and mode.lower().replace("_", "-") in pycs[0] and pycs[1].startswith("accepted")
    # Edit the source (same size, so only a hash can tell): checked-hash notices, unchecked does not.
    edit = make + "\nimport pathlib\npathlib.Path('h.py').write_text('X = 2\\n')"
    edited, printed = trace_fresh(files, "import h\nprint(h.X)", setup=edit)
    pycs = [d for _, k, n, d in edited.rows() if k == "pyc" and n == "h"]
    assert pycs[1].startswith(after_edit)
    assert printed.strip() == ("2" if after_edit == "rejected" else "1")
