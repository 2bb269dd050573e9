"""The rule of the timing checks: a timed function keeps nothing between calls and reads no clock."""

import pytest

from tensor_gears.source_rules import keeps_state

from .sources import rules_source

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
