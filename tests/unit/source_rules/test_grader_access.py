"""The rule "graded code computes": code that reaches frames, the garbage collector, ctypes, the
interpreter's internals or the grader is caught, in the function, its helpers and what runs at load."""

import pytest

from tensor_gears.source_rules import inspects_grader

from .sources import rules_source

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
