"""The version-dependent measurements of post 6's tips, as one self-contained script.

`internals_lab.optimize.probes` runs this file's text with `python -c` under every installed
interpreter from 3.10 on, so it imports nothing but the standard library and keeps to syntax
3.10 understands; it prints one JSON object. It also runs by itself: `python version_probe.py`.
"""
import dis
import json
import math
import sys
import sysconfig
import time


def best(fn, arg, repeats=5):
    fn(arg)
    samples = []
    for _ in range(repeats):
        t = time.perf_counter(); fn(arg); samples.append(time.perf_counter() - t)
    return min(samples)  # other processes only add time

def slope(xs, ys):
    lx = [math.log(x) for x in xs]; ly = [math.log(y) for y in ys]
    mx = sum(lx) / len(lx); my = sum(ly) / len(ly)
    return sum((a - mx) * (b - my) for a, b in zip(lx, ly)) / sum((a - mx) ** 2 for a in lx)

def append_loop(n):
    out = []
    for x in range(n):
        out.append(x * x)
    return out

def comprehension(n):
    return [x * x for x in range(n)]

def local_concat(words):
    s = ""
    for w in words:
        s += w
    return s

MODULE = compile("s = ''\nfor w in words:\n    s += w\n", "<module>", "exec")
def module_concat(words):
    ns = {"words": words}
    exec(MODULE, ns)
    return ns["s"]

K = 3
def global_loop(n):
    t = 0
    for i in range(n):
        t += i * K
    return t

def local_loop(n):
    k = K
    t = 0
    for i in range(n):
        t += i * k
    return t

def concat_op(run, code):
    """The instruction += ran as, after warm-up (adaptive names exist from 3.11)."""
    for _ in range(3):
        run(["ab"] * 100)
    try:
        names = [i.opname for i in dis.get_instructions(code, adaptive=True)]
    except TypeError:  # 3.10: no specializing interpreter
        names = [i.opname for i in dis.get_instructions(code)]
    return next(n for n in names if n.startswith(("BINARY_OP", "INPLACE_ADD", "BINARY_ADD")))

sizes = [1000, 2000, 4000, 8000]
words = lambda n: ["x" * 8] * n  # strings stay under 64 KiB: past that the allocator adds its own growth
out = {
    "version": "%d.%d.%d" % sys.version_info[:3] + ("t" if sysconfig.get_config_var("Py_GIL_DISABLED") else ""),
    "comprehension makes a function": "MAKE_FUNCTION" in {i.opname for i in dis.get_instructions(comprehension)},
    "local += runs as": concat_op(local_concat, local_concat.__code__),
    "module += runs as": concat_op(module_concat, MODULE),
    "append/comprehension, n=10": best(append_loop, 10, 200) / best(comprehension, 10, 200),
    "append/comprehension, n=10000": best(append_loop, 10000) / best(comprehension, 10000),
    "module += exponent": slope(sizes, [best(module_concat, words(n), 3) for n in sizes]),
    "local += exponent": slope(sizes, [best(local_concat, words(n), 9) for n in sizes]),
    # time at 4n words over time at n: about 4 if the loop is linear, about 16 if quadratic
    "local += 4n/n": best(local_concat, words(4000), 9) / best(local_concat, words(1000), 9),
    "global/local loop": best(global_loop, 100000) / best(local_loop, 100000),
}
print(json.dumps(out))
