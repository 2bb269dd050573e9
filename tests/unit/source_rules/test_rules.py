"""The rules "no loops" and "no NumPy", through aliases, helpers and dynamic code."""

from tensor_gears.source_rules import no_loops, no_numpy

from .sources import rules_source


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


def test_no_loops_and_no_numpy_follow_aliases():
    comprehension = ("_loop = lambda x, y: [max(a + b, 0) for a, b in zip(x.ravel(), y.ravel())]\n"
                     "def v(x, y):\n    return np.array(_loop(x, y))")
    assert any("comprehension" in v for v in no_loops(rules_source(comprehension), "v"))
    assert no_numpy(rules_source("_b = np.broadcast_shapes\ndef b(a, c):\n    return _b(a, c)"), "b")
    assert no_numpy(rules_source("import numpy as xp\ndef b(a, c, _s=xp.broadcast_shapes):\n    return _s(a, c)"), "b")


def test_no_numpy_flags_an_import_of_numpy_even_unused():
    found = no_numpy(rules_source("def b(a, c):\n    from numpy import linalg\n    return tuple(a)"), "b")
    assert found == ["`from numpy import linalg` (line 3) imports NumPy"]


def test_no_loops_names_each_kind_of_loop_and_its_line():
    while_loop = "def v(x, y):\n    while False:\n        pass\n    return x + y"
    assert no_loops(rules_source(while_loop), "v") == ["a `while` loop (line 3)"]
    recursive = "def v(x, y):\n    return x + y if x.ndim == 0 else v(x[0], y[0])"
    assert no_loops(rules_source(recursive), "v") == ["a recursive call `v(x[0], y[0])` (line 3)"]
    dynamic = "def v(x, y):\n    return eval('x + y')"
    assert no_loops(rules_source(dynamic), "v") == ["`eval('x + y')` (line 3) runs code the grader cannot read"]
