"""VMFunction (vm/function_object.py) beyond what the differential corpus can show."""
from __future__ import annotations

import builtins

from internals_lab.vm import run


def test_binding_and_attributes_ignore_a_program_replacing_builtins():
    f = run("def f(a, b=2, /, *, c=3, **kw):\n    return a\n")["f"]

    def replaced(*args, **kwargs):
        raise AssertionError("the VM's own code called the program's replacement")
    saved = {name: getattr(builtins, name) for name in ("len", "isinstance", "getattr", "setattr", "type")}
    # dict.update: the test itself must not call a replaced builtin while replacing them.
    builtins.__dict__.update(dict.fromkeys(saved, replaced))
    try:
        localsplus = f.bind_arguments((1,), {"c": 4, "d": 5})
        f.__defaults__ = (7,)
        f.__qualname__ = "g"
        attributes = f.__defaults__, f.__qualname__, f.__reduce__()
    finally:
        builtins.__dict__.update(saved)
    assert localsplus[:4] == [1, 2, 4, {"d": 5}]
    assert attributes == ((7,), "g", "g")
