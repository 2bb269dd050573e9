"""The one resolver every rule shares: imports, aliases, lambdas, partials and defaults, flow-sensitive,
and it cannot loop."""

import ast

from tensor_gears.source_rules import Source, loops_only, no_loops, no_numpy, uses_gradient_tape
from tensor_gears.source_rules.names import Target
from tensor_gears.submission import Submission

from .sources import rules_source


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


def test_cyclic_aliases_do_not_crash_the_rules():
    code = "def _f(x):\n    return x\n_g = _f\n_f = _g\ndef f(x):\n    return _f(_g(x)).copy()"
    source = rules_source(code)
    assert loops_only(source, "f", {"x": 2}) == []
    assert no_loops(source, "f") == [] and no_numpy(source, "f") == []
    assert uses_gradient_tape(source, "f")


def test_a_star_import_of_numpy_binds_its_names_until_rebound():
    assert resolved("from numpy import *\ndef f(x):\n    return maximum(x, 0)")["maximum"].qualified == "numpy.maximum"
    before = "maximum = print\nfrom numpy import *\ndef f(x):\n    return maximum(x, 0)"
    assert resolved(before)["maximum"].qualified == "numpy.maximum"
    after = "from numpy import *\nmaximum = print\ndef f(x):\n    return maximum(x, 0)"
    assert resolved(after)["maximum"].qualified == "print"


def test_a_relative_import_is_opaque():
    assert resolved("from .helpers import relu\ndef f(x):\n    return relu(x)")["relu"] == Target()


def test_a_function_body_sees_the_last_binding():
    assert resolved("g = np.add\ndef f(x):\n    return g(x)\ng = max")["g"].qualified == "max"


def test_a_name_declared_global_is_the_modules_not_the_enclosing_functions():
    code = ("g = np.add\ndef f(x):\n    def inner():\n        global g\n        return g(x)\n    g = max\n"
            "    return inner()")
    source = rules_source(code)
    inner = source.function("f").body[0]
    assert source.resolve(inner.body[-1].value.func).qualified == "numpy.add"


def test_the_graders_callee_is_bound_after_the_submission_loads():
    code = "def naive_vector_dot(a, b):\n    return 0\ndef f(x):\n    return naive_vector_dot(x, x)"
    source = Source(Submission.from_source(code).statements, provided=("naive_vector_dot",))
    call = source.function("f").body[-1].value
    assert source.resolve(call.func).qualified == "grader.naive_vector_dot"


def test_reachable_follows_helpers_and_load_time_takes_decorators_defaults_and_class_bodies():
    source = rules_source("def deco(h):\n    return h\ndef helper():\n    return 1\ndef unused():\n    return 2\n"
                          "@deco\ndef f(x, d=helper()):\n    def inner():\n        return 2\n    return x\n"
                          "class C:\n    y = helper()\n")
    assert [node.name for node in source.reachable("f")] == ["f", "helper", "deco"]
    loaded = source.load_time(source.statements)
    assert {node.name for node in loaded if hasattr(node, "name")} == {"deco", "helper"}
    assert any(isinstance(node, ast.Assign) for node in loaded)  # the class body's statement
    f = source.function("f")
    assert source.names.is_nested(f.body[0]) and not source.names.is_nested(f)
