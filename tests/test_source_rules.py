"""The rules read from the source: not fooled by aliases, helpers or methods; no false alarms."""

import ast

import pytest

from tensor_gears.source_rules import (
    Source, inspects_grader, keeps_state, loops_only, no_loops, no_numpy, uses_gradient_tape,
)
from tensor_gears.submission import Submission

LOOPS_ONLY_OK = {
    "nested loops": "def f(x):\n    out = x.copy()\n    for i in range(x.shape[0]):\n"
                    "        for j in range(x.shape[1]):\n            out[i, j] = max(x[i, j], 0)\n    return out",
    "ndindex": "def f(x):\n    out = np.zeros_like(x)\n    for idx in np.ndindex(x.shape):\n"
               "        out[idx] = max(x[idx], 0)\n    return out",
    "ndindex unpacked": "def f(x):\n    out = np.zeros_like(x)\n    for i, j in np.ndindex(*x.shape):\n"
                        "        out[i, j] = x[i, j] if x[i, j] > 0 else 0\n    return out",
    "comprehension": "def f(x):\n    return np.array([[max(v, 0) for v in row] for row in x], dtype=x.dtype)",
    "enumerate rows": "def f(x):\n    out = np.empty(x.shape, dtype=x.dtype)\n    for i, row in enumerate(x):\n"
                      "        for j, v in enumerate(row):\n            out[i][j] = v if v > 0 else 0\n    return out",
    "while loop": "def f(x):\n    out = np.zeros(x.shape, dtype=x.dtype)\n    i = 0\n    while i < x.shape[0]:\n"
                  "        j = 0\n        while j < x.shape[1]:\n            out[i, j] = max(x[i, j], 0)\n"
                  "            j += 1\n        i += 1\n    return out",
    "element helper": "def relu1(v):\n    return v if v > 0 else 0\ndef f(x):\n    out = x.copy()\n"
                      "    for i in range(len(x)):\n        for j in range(x.shape[1]):\n"
                      "            out[i, j] = relu1(x[i, j])\n    return out",
}
LOOPS_ONLY_BAD = {
    "np.maximum": ("def f(x):\n    return np.maximum(x, 0)", "maximum"),
    "numpy alias": ("import numpy as xp\ndef f(x):\n    out = x.copy()\n    for i in range(len(x)):\n"
                    "        out[i] = xp.maximum(x[i], 0)\n    return out", "maximum"),
    "from numpy import": ("from numpy import maximum\ndef f(x):\n    out = x.copy()\n    for i in range(len(x)):\n"
                          "        for j in range(x.shape[1]):\n            out[i, j] = maximum(x[i, j], 0)\n"
                          "    return out", "maximum"),
    "row arithmetic": ("def f(x):\n    out = x.copy()\n    for i in range(len(x)):\n"
                       "        out[i] = x[i] * (x[i] > 0)\n    return out", "whole array, row or slice"),
    ".T": ("def f(x):\n    return x.T.copy()", ".T"),
    "helper on rows": ("def add(a, b):\n    return a + b\ndef f(x):\n    out = x.copy()\n    for i in range(len(x)):\n"
                       "        out[i] = add(x[i], x[i])\n    return out", "a + b"),
    "column copy": ("def f(x):\n    out = np.empty((x.shape[1], x.shape[0]), dtype=x.dtype)\n"
                    "    for j in range(x.shape[1]):\n        out[j] = x[:, j]\n    return out",
                    "copied as a whole row"),
    "getattr": ("def f(x):\n    return getattr(np, 'maximum')(x, 0)", "cannot read"),
    "@": ("def f(x):\n    return x @ x", "`@`"),
    "builtin sum of a row": ("def f(x):\n    total = 0\n    for i in range(len(x)):\n        total += sum(x[i])\n"
                             "    return total", "sum(x[i])"),
    "mask": ("def f(x):\n    out = x.copy()\n    out[out < 0] = 0\n    return out", "compares"),
}


def rules_source(code):
    return Source(Submission.from_source("import numpy as np\n" + code).statements)


@pytest.mark.parametrize("code", LOOPS_ONLY_OK.values(), ids=LOOPS_ONLY_OK.keys())
def test_loops_only_accepts_element_by_element_code(code):
    assert loops_only(rules_source(code), "f", {"x": 2}) == []


@pytest.mark.parametrize("code,quoted", LOOPS_ONLY_BAD.values(), ids=LOOPS_ONLY_BAD.keys())
def test_loops_only_flags_whole_array_work(code, quoted):
    violations = loops_only(rules_source(code), "f", {"x": 2})
    assert violations and any(quoted in v for v in violations), violations


def test_no_loops():
    assert no_loops(rules_source("def v(x, y):\n    return np.maximum(x + y, 0)"), "v") == []
    assert no_loops(rules_source("def v(x, y):\n    return np.array([a + b for a, b in zip(x, y)])"), "v")
    assert no_loops(rules_source("def h(z):\n    for i in range(3):\n        pass\n    return z\ndef v(x, y):\n"
                                 "    return h(x + y)"), "v")
    assert no_loops(rules_source("def v(x, y):\n    return np.vectorize(max)(x + y, 0)"), "v")


def test_no_numpy():
    assert no_numpy(rules_source("def b(a, c):\n    return tuple(a)"), "b") == []
    assert no_numpy(rules_source("def b(a, c):\n    return np.broadcast_shapes(a, c)"), "b")
    assert no_numpy(rules_source("def b(a, c):\n    import numpy\n    return numpy.broadcast_shapes(a, c)"), "b")
    assert no_numpy(rules_source("def b(a, c):\n    return __import__('numpy').broadcast_shapes(a, c)"), "b")


def test_uses_gradient_tape_through_aliases():
    tape = "with {}() as t:\n        t.watch(x)\n        y = f(x)\n    return t.gradient(y, x)"
    ok = "import tensorflow as tf\ndef g(f, x):\n    " + tape.format("tf.GradientTape")
    aliased = "from tensorflow import GradientTape as Tape\ndef g(f, x):\n    " + tape.format("Tape")
    assert uses_gradient_tape(rules_source(ok), "g") == []
    assert uses_gradient_tape(rules_source(aliased), "g") == []
    assert uses_gradient_tape(rules_source("def g(f, x):\n    return 2 * x"), "g")


# ---- the resolver ----

def resolved(code, name="f"):
    """What each name read in the last line of `f` resolves to."""
    source = rules_source(code)
    function = source.function(name)
    last = function.body[-1]
    return {node.id: source.resolve(node) for node in ast.walk(last) if isinstance(node, ast.Name)}


def test_alias_cycles_terminate_and_resolve_to_what_ran():
    source = rules_source("def _f(x):\n    return x\n_g = _f\n_f = _g\n_h = _h\n")
    assert source.function("_f").name == "_f" and source.function("_g").name == "_f"
    assert source.function("_h") is None
    local = "def f(x):\n    a = b\n    b = a\n    c = np.maximum\n    c = c\n    return a(x) + c(x)"
    names = resolved(local)
    assert names["a"].qualified is None and names["a"].node is None
    assert names["c"].qualified == "numpy.maximum"


def test_aliases_resolve_flow_sensitively():
    code = "h = np.transpose\ng = h\nh = max\ndef f(x):\n    return g(x) + h(x)"
    names = resolved(code)
    assert names["g"].qualified == "numpy.transpose" and names["h"].qualified == "max"
    shadow = "m = np.maximum\ndef f(x, m=min):\n    return m(x)"
    assert resolved(shadow)["m"].qualified == "min"


def test_imports_lambdas_partials_and_defaults_resolve():
    code = """import functools
from functools import partial
from numpy import maximum as mx
def _row(r):
    return r
one = lambda r: r
two = partial(_row)
three = functools.partial(np.add, 1)
def f(x, _t=np.transpose):
    import numpy as xp
    from math import fsum
    four = __import__('numpy').flip
    return mx(_t(xp.abs(fsum(one(two(three(four(x)))))))), _row"""
    names = resolved(code)
    assert names["mx"].qualified == "numpy.maximum" and names["_t"].qualified == "numpy.transpose"
    assert names["xp"].qualified == "numpy" and names["fsum"].qualified == "math.fsum"
    assert isinstance(names["one"].node, ast.Lambda)
    assert names["two"].node is names["_row"].node and names["two"].node.name == "_row"
    assert names["three"].qualified == "numpy.add" and len(names["three"].bound) == 1
    assert names["four"].qualified == "numpy.flip"


def test_tensorflow_aliases_resolve():
    code = ("import tensorflow as tflib\nTape = tflib.GradientTape\nfrom tensorflow import GradientTape as T2\n"
            "def f(x):\n    return Tape, T2")
    names = resolved(code)
    assert names["Tape"].qualified == names["T2"].qualified == "tensorflow.GradientTape"


def test_alias_assignments_are_kept_in_the_submission():
    code = "import functools\n_flip = np.transpose\n_add = functools.partial(np.add)\n_x = np.zeros(3)\n"
    kept = [statement.code.strip() for statement in Submission.from_source(code).statements]
    assert "_flip = np.transpose" in kept and "_add = functools.partial(np.add)" in kept
    assert "_x = np.zeros(3)" not in kept


# ---- the sidesteps, each flagged ----

ROW_HELPER = "def _row(r):\n    return r * (r > 0)\n"
ROW_LOOP = "    out = x.copy()\n    for i in range(len(x)):\n        out[i] = {}(x[i])\n    return out"
SIDESTEPS = {
    "assignment alias at module level": ROW_HELPER + "helper = _row\ndef f(x):\n" + ROW_LOOP.format("helper"),
    "assignment alias in the function": ROW_HELPER + "def f(x):\n    helper = _row\n" + ROW_LOOP.format("helper"),
    "lambda at module level": "row_relu = lambda r: r * (r > 0)\ndef f(x):\n" + ROW_LOOP.format("row_relu"),
    "lambda in the function": "def f(x):\n    row_relu = lambda r: np.maximum(r, 0)\n" + ROW_LOOP.format("row_relu"),
    "partial of a helper": ("import functools\n" + ROW_HELPER + "p = functools.partial(_row)\ndef f(x):\n"
                            + ROW_LOOP.format("p")),
    "numpy alias at module level": "_flip = np.transpose\ndef f(x):\n    return _flip(x).copy()",
    "numpy alias as a default": "def f(x, _t=np.transpose):\n    return _t(x).copy()",
    "partial of np.add": "from functools import partial\n_add = partial(np.add)\ndef f(x):\n    return _add(x, x)",
}


@pytest.mark.parametrize("code", SIDESTEPS.values(), ids=SIDESTEPS.keys())
def test_loops_only_follows_aliases_lambdas_and_partials(code):
    assert loops_only(rules_source(code), "f", {"x": 2})


def test_no_loops_and_no_numpy_follow_aliases():
    comprehension = ("_loop = lambda x, y: [max(a + b, 0) for a, b in zip(x.ravel(), y.ravel())]\n"
                     "def v(x, y):\n    return np.array(_loop(x, y))")
    assert any("comprehension" in v for v in no_loops(rules_source(comprehension), "v"))
    assert no_numpy(rules_source("_b = np.broadcast_shapes\ndef b(a, c):\n    return _b(a, c)"), "b")
    assert no_numpy(rules_source("import numpy as xp\ndef b(a, c, _s=xp.broadcast_shapes):\n    return _s(a, c)"), "b")


def test_cyclic_aliases_do_not_crash_the_rules():
    code = "def _f(x):\n    return x\n_g = _f\n_f = _g\ndef f(x):\n    return _f(_g(x)).copy()"
    source = rules_source(code)
    assert loops_only(source, "f", {"x": 2}) == []
    assert no_loops(source, "f") == [] and no_numpy(source, "f") == []
    assert uses_gradient_tape(source, "f")


# ---- the tape ----

TF = "import tensorflow as tf\n"
DENSE_FORWARD = "    with tf.GradientTape() as tape:\n        y = tf.matmul(x, W) + b\n"
TAPE_OK = {
    "returns tape.gradient": "def g(x, W, b):\n" + DENSE_FORWARD + "    return tape.gradient(y, [W, b])",
    "unpacked then returned": "def g(x, W, b):\n" + DENSE_FORWARD + "    dW, db = tape.gradient(y, [W, b])\n"
                                                                    "    return dW, db",
    "persistent tape, then with t": "def g(x, W, b):\n    t = tf.GradientTape(persistent=True)\n    with t:\n"
                                    "        y = x @ W + b\n    return [t.gradient(y, W), t.gradient(y, b)]",
    "tape in a helper": "def _grads(x, W, b):\n" + DENSE_FORWARD + "    return tape.gradient(y, [W, b])\n"
                                                                   "def g(x, W, b):\n    return _grads(x, W, b)",
    "aliased tape class": "from tensorflow import GradientTape as Recorder\ndef g(x, W, b):\n"
                          "    with Recorder() as r:\n        y = x @ W + b\n    return list(r.gradient(y, (W, b)))",
}
TAPE_BAD = {
    "closed form beside an unused tape": ("def g(x, W, b):\n" + DENSE_FORWARD + "    return [tf.matmul(x, "
                                                                                "tf.ones_like(y), transpose_a=True), "
                                                                                "tf.fill(b.shape, 2.0)]", "returns "
                                                                                                          "values not "
                                                                                                          "computed"),
    "one closed-form element": ("def g(x, W, b):\n" + DENSE_FORWARD + "    dW = tape.gradient(y, W)\n"
                                                                      "    return [dW, tf.ones_like(b)]", "returns "
                                                                                                          "values not "
                                                                                                          "computed"),
    "target computed after the block": ("def g(x, W, b):\n    with tf.GradientTape() as tape:\n        tape.watch(W)\n"
                                        "    y = x @ W + b\n    return tape.gradient(y, [W, b])", "records no target"),
    "target not from the inputs": ("def g(x, W, b):\n    with tf.GradientTape() as tape:\n"
                                   "        y = tf.constant(1.0)\n    return tape.gradient(y, [W, b])", "records no "
                                                                                                        "target"),
    "no tape at all": ("def g(x, W, b):\n    return [x, b]", "opens no tf.GradientTape"),
}


@pytest.mark.parametrize("code", TAPE_OK.values(), ids=TAPE_OK.keys())
def test_tape_gradients_are_accepted(code):
    assert uses_gradient_tape(rules_source(TF + code), "g") == []


@pytest.mark.parametrize("code,quoted", TAPE_BAD.values(), ids=TAPE_BAD.keys())
def test_gradients_not_from_the_tape_are_flagged(code, quoted):
    violations = uses_gradient_tape(rules_source(TF + code), "g")
    assert violations and any(quoted in v for v in violations), violations


SGD_LOSS = "    with tf.GradientTape() as tape:\n        loss = tf.reduce_mean(tf.square(y - (x @ W + b)))\n"


def test_applied_gradients_must_be_the_tapes():
    head = "def s(W, b, x, y, lr):\n" + SGD_LOSS
    assign = head + ("    grads = tape.gradient(loss, [W, b])\n    W.assign_sub(lr * grads[0])\n"
                     "    b.assign_sub(lr * grads[1])\n    return float(loss)")
    optimizer = head + ("    grads = tape.gradient(loss, [W, b])\n"
                        "    tf.keras.optimizers.SGD(lr).apply_gradients(zip(grads, [W, b]))\n    return float(loss)")
    closed = head + ("    g = tape.gradient(loss, [W, b])\n"
                     "    W.assign_sub(lr * tf.matmul(x, x @ W + b - y, transpose_a=True))\n"
                     "    b.assign_sub(lr * g[1])\n    return float(loss)")
    nothing = "def s(W, b, x, y, lr):\n" + SGD_LOSS + "    return float(loss)"
    assert uses_gradient_tape(rules_source(TF + assign), "s", applies=True) == []
    assert uses_gradient_tape(rules_source(TF + optimizer), "s", applies=True) == []
    violations = uses_gradient_tape(rules_source(TF + closed), "s", applies=True)
    assert len(violations) == 1 and violations[0].startswith("`W.assign_sub(lr * tf.matmul(")
    assert "(line 7) applies" in violations[0]
    assert "updates no variable" in uses_gradient_tape(rules_source(TF + nothing), "s", applies=True)[0]


def test_setting_an_attribute_does_not_hide_a_helper():
    code = ROW_HELPER + "def f(x):\n    _row.calls = 0\n" + ROW_LOOP.format("_row")
    assert loops_only(rules_source(code), "f", {"x": 2})


GRADER_ACCESS_OK = {
    "numpy and constants of sys": "import sys\ndef f(x):\n    return np.maximum(x, 0) + sys.float_info.epsilon * 0",
    "a docstring that names dunders": "def f(x):\n    '''Like __add__, with f_back in the text.'''\n    return x",
    "a tape entered by hand": "def f(x):\n    t = x\n    t.__enter__()\n    t.__exit__(None, None, None)\n    return x",
    "getattr with a plain name": "def f(x):\n    return getattr(x, 'shape')",
    "an unused import at load": "import gc\ndef f(x):\n    return x",
    "a stray helper that is never run": "import sys\ndef spy():\n    return sys._getframe()\ndef f(x):\n    return x",
}
GRADER_ACCESS_BAD = {
    "the caller's frame": ("import sys\ndef f(x):\n    return sys._getframe(1).f_code", "sys._getframe"),
    "an aliased frame getter": ("from sys import _getframe as g\nh = g\ndef f(x):\n    return h(1)", "sys._getframe"),
    "the garbage collector": ("import gc\ndef f(x):\n    return gc.isenabled()", "garbage collector"),
    "inspect's stack": ("import inspect\ndef f(x):\n    return inspect.stack()", "inspect.stack"),
    "a traceback's frame": ("def f(x):\n    try:\n        raise ValueError\n    except ValueError as e:\n"
                            "        return e.__traceback__.tb_frame", ".tb_frame"),
    "a generator's frame": ("def f(x):\n    g = (i for i in [1])\n    return g.gi_frame", ".gi_frame"),
    "ctypes through an array": ("def f(x):\n    return x.ctypes.data", ".ctypes"),
    "sys reached through numpy": ("def f(x):\n    return np.lib._utils_impl.sys.modules", "sys.modules"),
    "the harness module": ("import sys\ndef f(x, h=sys.modules['__main__']):\n    return x", "sys.modules"),
    "a decorator run at load": ("import gc\ndef spy(g):\n    gc.get_objects()\n    return g\n@spy\ndef f(x):\n"
                                "    return x", "gc.get_objects"),
    "a class body run at load": ("class P:\n    import sys\n    sys.setprofile(None)\ndef f(x):\n    return x",
                                 "sys.setprofile"),
    "subclasses from a literal": ("def f(x):\n    return ().__class__.__base__.__subclasses__()", ".__subclasses__"),
    "a name built at run time": ("def f(x):\n    return getattr(x, '__cl' + 'ass__')", "built at run time"),
    "a format string's attribute walk": ("def f(x):\n    return '{0.__globals__}'.format(f)", "names the interpreter"),
    "eval": ("def f(x):\n    return eval('x')", "cannot read"),
    "/proc of its own process": ("def f(x):\n    return open('/proc/self/status').read()", "names the interpreter"),
}


@pytest.mark.parametrize("code", GRADER_ACCESS_OK.values(), ids=GRADER_ACCESS_OK.keys())
def test_graded_code_that_only_computes_is_left_alone(code):
    assert inspects_grader(rules_source(code), "f") == []


@pytest.mark.parametrize("code, quoted", GRADER_ACCESS_BAD.values(), ids=GRADER_ACCESS_BAD.keys())
def test_code_that_looks_at_the_grader_is_caught(code, quoted):
    found = inspects_grader(rules_source(code), "f")
    assert any(quoted in violation for violation in found), found


def test_code_run_at_load_counts_against_the_functions_it_belongs_to():
    """A default or a decorator counts against its own function; a stray class body against every one."""
    own = "import gc\ndef g(x):\n    return x\ndef f(x, o=gc.get_objects()):\n    return x"
    assert inspects_grader(rules_source(own), "g", ("f", "g")) == []
    assert inspects_grader(rules_source(own), "f", ("f", "g")) != []
    stray = "class P:\n    import gc\n    gc.collect()\ndef g(x):\n    return x\ndef f(x):\n    return x"
    assert inspects_grader(rules_source(stray), "g", ("f", "g")) != []


STATELESS = {
    "local containers": "def f(x):\n    out = np.zeros(x.shape)\n    rows = []\n    for i in range(3):\n"
                        "        out[i] = 1\n        rows.append(i)\n    return out",
    "a closure over a local": "def f(x):\n    acc = []\n    def add(v):\n        acc.append(v)\n    add(1)\n"
                              "    return x",
    "a read-only default": "def f(x, axes=[0, 1]):\n    return x.transpose(axes)",
    "numpy's own functions": "def f(x, y):\n    return np.add(x, y, out=np.empty_like(x))",
    "a module-level constant read": "TABLE = [1, 2, 3]\ndef f(x):\n    return x * TABLE[0]",
}
KEEPS_STATE = {
    "a counter in a default": ("def f(x, _n=[0]):\n    _n[0] += 1\n    return x", "changes `_n`"),
    "global": ("N = 0\ndef f(x):\n    global N\n    N += 1\n    return x", "global N"),
    "a module-level list": ("SEEN = []\ndef f(x):\n    SEEN.append(id(x))\n    return x", "changes `SEEN`"),
    "a function attribute": ("def f(x):\n    f.calls = 1\n    return x", "changes `f`"),
    "a clock": ("import time\ndef f(x):\n    time.perf_counter()\n    return x", "reads a clock"),
    "a cache": ("import functools\n@functools.lru_cache(None)\ndef g(n):\n    return n\ndef f(x):\n    return g(3)",
                "keeps results"),
    "a random state": ("def f(x):\n    return x + np.random.rand()", "persists between calls"),
    "a file": ("def f(x):\n    open('/tmp/n', 'a').write('1')\n    return x", "persists between calls"),
}


@pytest.mark.parametrize("code", STATELESS.values(), ids=STATELESS.keys())
def test_a_function_of_its_inputs_alone_keeps_no_state(code):
    assert keeps_state(rules_source(code), "f") == []


@pytest.mark.parametrize("code, quoted", KEEPS_STATE.values(), ids=KEEPS_STATE.keys())
def test_state_kept_between_calls_or_a_clock_is_caught(code, quoted):
    found = keeps_state(rules_source(code), "f")
    assert any(quoted in violation for violation in found), found
