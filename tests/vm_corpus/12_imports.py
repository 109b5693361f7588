# %% import_module
import math
result = (math.sqrt(16), math.pi > 3)
# %% import_as_and_from
import collections as c
from os.path import join as pjoin, basename
result = (c.Counter("aab").most_common(1), pjoin("a", "b"), basename("/x/y.txt"))
# %% import_submodule
import os.path
import xml.etree.ElementTree
result = (os.path.splitext("f.tar.gz"), xml.etree.ElementTree.fromstring("<a>t</a>").text)
# %% from_import_star
from string import *
result = (ascii_lowercase[:5], capwords("hello world"))
# %% import_error_missing_module
import definitely_not_a_module_xyz
# %% from_import_missing_name
from math import not_a_function
# %% import_inside_function
def f():
    import json
    from json import dumps
    return json.loads(dumps({"a": [1, 2]}))
result = f()
# %% import_uses_custom_import_hook
import builtins
seen = []
real_import = builtins.__import__
def spy(name, *args, **kwargs):
    seen.append(name)
    return real_import(name, *args, **kwargs)
builtins.__import__ = spy
try:
    import json
    from collections import OrderedDict
finally:
    builtins.__import__ = real_import
result = seen
# %% module_dunder_name
result = (__name__, "math" in dir(__import__("math")) or True)
# %% importlib_usage
import importlib
m = importlib.import_module("statistics")
result = m.mean([1, 2, 3, 4])
