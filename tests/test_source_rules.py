"""The rules read from the source: not fooled by aliases, helpers or methods; no false alarms."""

import pytest

from tensor_gears.source_rules import Source, loops_only, no_loops, no_numpy, uses_gradient_tape
from tensor_gears.submission import Submission

LOOPS_ONLY_OK = {
    "nested loops": "def f(x):\n    out = x.copy()\n    for i in range(x.shape[0]):\n        for j in range(x.shape[1]):\n            out[i, j] = max(x[i, j], 0)\n    return out",
    "ndindex": "def f(x):\n    out = np.zeros_like(x)\n    for idx in np.ndindex(x.shape):\n        out[idx] = max(x[idx], 0)\n    return out",
    "ndindex unpacked": "def f(x):\n    out = np.zeros_like(x)\n    for i, j in np.ndindex(*x.shape):\n        out[i, j] = x[i, j] if x[i, j] > 0 else 0\n    return out",
    "comprehension": "def f(x):\n    return np.array([[max(v, 0) for v in row] for row in x], dtype=x.dtype)",
    "enumerate rows": "def f(x):\n    out = np.empty(x.shape, dtype=x.dtype)\n    for i, row in enumerate(x):\n        for j, v in enumerate(row):\n            out[i][j] = v if v > 0 else 0\n    return out",
    "while loop": "def f(x):\n    out = np.zeros(x.shape, dtype=x.dtype)\n    i = 0\n    while i < x.shape[0]:\n        j = 0\n        while j < x.shape[1]:\n            out[i, j] = max(x[i, j], 0)\n            j += 1\n        i += 1\n    return out",
    "element helper": "def relu1(v):\n    return v if v > 0 else 0\ndef f(x):\n    out = x.copy()\n    for i in range(len(x)):\n        for j in range(x.shape[1]):\n            out[i, j] = relu1(x[i, j])\n    return out",
}
LOOPS_ONLY_BAD = {
    "np.maximum": ("def f(x):\n    return np.maximum(x, 0)", "maximum"),
    "numpy alias": ("import numpy as xp\ndef f(x):\n    out = x.copy()\n    for i in range(len(x)):\n        out[i] = xp.maximum(x[i], 0)\n    return out", "maximum"),
    "from numpy import": ("from numpy import maximum\ndef f(x):\n    out = x.copy()\n    for i in range(len(x)):\n        for j in range(x.shape[1]):\n            out[i, j] = maximum(x[i, j], 0)\n    return out", "maximum"),
    "row arithmetic": ("def f(x):\n    out = x.copy()\n    for i in range(len(x)):\n        out[i] = x[i] * (x[i] > 0)\n    return out", "whole array, row or slice"),
    ".T": ("def f(x):\n    return x.T.copy()", ".T"),
    "helper on rows": ("def add(a, b):\n    return a + b\ndef f(x):\n    out = x.copy()\n    for i in range(len(x)):\n        out[i] = add(x[i], x[i])\n    return out", "a + b"),
    "column copy": ("def f(x):\n    out = np.empty((x.shape[1], x.shape[0]), dtype=x.dtype)\n    for j in range(x.shape[1]):\n        out[j] = x[:, j]\n    return out", "copied as a whole row"),
    "getattr": ("def f(x):\n    return getattr(np, 'maximum')(x, 0)", "cannot read"),
    "@": ("def f(x):\n    return x @ x", "`@`"),
    "builtin sum of a row": ("def f(x):\n    total = 0\n    for i in range(len(x)):\n        total += sum(x[i])\n    return total", "sum(x[i])"),
    "mask": ("def f(x):\n    out = x.copy()\n    out[out < 0] = 0\n    return out", "compares"),
}


def rules_source(code):
    return Source(Submission.from_source("import numpy as np\n" + code))


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
    assert no_loops(rules_source("def h(z):\n    for i in range(3):\n        pass\n    return z\ndef v(x, y):\n    return h(x + y)"), "v")
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
