"""The rule "loops only": element-by-element code passes; whole-array work is flagged, through
aliases, lambdas, partials and helpers."""

import pytest

from tensor_gears.source_rules import loops_only

from .sources import rules_source

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


@pytest.mark.parametrize("code", LOOPS_ONLY_OK.values(), ids=LOOPS_ONLY_OK.keys())
def test_loops_only_accepts_element_by_element_code(code):
    assert loops_only(rules_source(code), "f", {"x": 2}) == []


@pytest.mark.parametrize("code,quoted", LOOPS_ONLY_BAD.values(), ids=LOOPS_ONLY_BAD.keys())
def test_loops_only_flags_whole_array_work(code, quoted):
    violations = loops_only(rules_source(code), "f", {"x": 2})
    assert violations and any(quoted in v for v in violations), violations


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


def test_setting_an_attribute_does_not_hide_a_helper():
    code = ROW_HELPER + "def f(x):\n    _row.calls = 0\n" + ROW_LOOP.format("_row")
    assert loops_only(rules_source(code), "f", {"x": 2})
