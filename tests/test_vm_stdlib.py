"""Larger differential checks: real standard-library modules, run from source in the VM.

Each module's source (from the running interpreter's own stdlib) is executed as a module in
the VM and in CPython, then the same calls are made on both; results must be equal. These
exercise classes, closures, generators, comprehensions and exceptions written by others.
"""
from __future__ import annotations

import pathlib
import re
import sys
import sysconfig

import pytest

from internals_lab.vm import UnimplementedOpcode, VirtualMachine
from internals_lab.vm.interpreter import recursion_room

STDLIB = pathlib.Path(sysconfig.get_paths()["stdlib"])

CHECKS = {
    "textwrap": "wrap('The quick brown fox jumps over the lazy dog ' * 3, 20), dedent('   a\\n    b'), shorten('Hello  world, this is long', 15)",
    "fractions": "Fraction(3, 4) + Fraction(1, 6), Fraction('1.25').limit_denominator(3), str(Fraction(-7, 3) // 2)",
    "bisect": "bisect_left([1, 2, 4], 3), bisect_right([1, 2, 2, 3], 2), insort_left([1, 3], 2)",
    "statistics": "mean([1, 2, 3, 4]), median([3, 1, 2]), round(stdev([1, 2, 3, 4]), 12), mode('abbc')",
    "colorsys": "rgb_to_hsv(0.2, 0.4, 0.4), hls_to_rgb(0.5, 0.5, 0.5)",
    "string": "Template('$a-${b}').substitute(a=1, b=2), capwords(' hello   world ')",
    "json/encoder": "JSONEncoder(indent=1, sort_keys=True).encode({'b': [1, 2.5, None, 'x\\u00e9'], 'a': True})",
    "difflib": "list(unified_diff(['a\\n', 'b\\n'], ['a\\n', 'c\\n'])), SequenceMatcher(None, 'abcd', 'bcde').ratio()",
    "shlex": "split('a \"b c\" d'), join(['x y', 'z'])",
    "heapq": "nlargest(2, [3, 9, 1], key=lambda v: -v), list(merge([1, 4], [2, 3]))",
}


LAZY_IMPORT = re.compile(r"^\s*lazy\s+(import|from)\s", re.MULTILINE)


def run_module(source: str, path: str, name: str, expression: str, in_vm: bool):
    code = compile(source, path, "exec", dont_inherit=True)  # no future flags from this file
    namespace = {"__name__": name.replace("/", "."), "__file__": path}
    if in_vm:
        vm = VirtualMachine()
        with recursion_room(vm):
            vm.run_code(code, namespace)
            return repr(VirtualMachine().run_code(compile(expression, "<check>", "eval", dont_inherit=True),
                                                  namespace))
    exec(code, namespace)
    return repr(eval(expression, namespace))


@pytest.mark.parametrize("module", sorted(CHECKS))
def test_stdlib_module_behaves_the_same_in_the_vm(module):
    path = STDLIB / f"{module}.py"
    if not path.exists():  # a package on this version (3.14 made `string` one)
        path = STDLIB / module / "__init__.py"
    source = path.read_text(encoding="utf-8")
    expected = run_module(source, str(path), module, CHECKS[module], in_vm=False)
    if sys.version_info >= (3, 15) and LAZY_IMPORT.search(source):
        # 3.15's stdlib uses PEP 810 lazy imports, which the VM refuses rather than imports eagerly.
        with pytest.raises(UnimplementedOpcode, match="lazy import"):
            run_module(source, str(path), module, CHECKS[module], in_vm=True)
        return
    assert run_module(source, str(path), module, CHECKS[module], in_vm=True) == expected
