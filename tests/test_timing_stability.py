"""The timing code that the two timing checks call, through its API, under load: verdicts in
a row on correct, looping and too-slow implementations never change, and work done in
another process is counted. (The proof in the real flow is test_timing_in_real_grading.)
"""

import numpy as np
import pytest

from tensor_gears import reference
from tensor_gears.checks.test_01_elementwise import NAIVE_ADD_RELU, NUMPY_ADD_RELU, add_relu
from tensor_gears.sandbox.process import Child
from tensor_gears.student_code import StudentCode
from tensor_gears.submission import Submission
from tensor_gears.timing import (
    SLOWDOWN_ALLOWED, SPEEDUP_REQUIRED, reference_side, speed_ratio, student_side, within_budget,
)

from .bank_sections import variants
from .conftest import busy_cores

RUNS = 5
LOOPING_ADD_RELU = """
import numpy as np
def vectorized_add_relu(x, y):
    out = np.zeros(x.shape)
    for index in np.ndindex(x.shape):
        out[index] = max(x[index] + y[index], 0)
    return out
"""
VECTORIZED_ADD_RELU = "import numpy as np\ndef vectorized_add_relu(x, y):\n    return np.maximum(x + y, 0)\n"
(TOO_SLOW_MATRIX_DOT,) = [v.source for v in variants("buggy")
                         if v.function == "naive_matrix_dot" and "too slow" in v.label]
(FORKED_LOOPING_ADD_RELU,) = [v.source for v in variants("buggy")
                              if v.function == "vectorized_add_relu" and "forked" in v.label]


@pytest.fixture(scope="module", autouse=True)
def loaded_machine():
    with busy_cores():
        yield


def loaded_child(*functions: str, extra: str = "") -> Child:
    child = Child()
    child.request({"op": "load", "statements": reference.submission(*functions, extra=extra).wire()}, timeout=60)
    return child


def speedups(code: str, runs: int = RUNS) -> list[float]:
    rng = np.random.default_rng(7)
    x, y = rng.standard_normal((20, 100)), rng.standard_normal((20, 100))
    ratios = []
    for _ in range(runs):
        student = StudentCode(Submission.from_source(code))
        with loaded_child("naive_relu", "naive_add", extra=NAIVE_ADD_RELU) as naive, \
                loaded_child(extra=NUMPY_ADD_RELU) as numpy_own:
            found = speed_ratio(student_side(student, "vectorized_add_relu", add_relu, rng),
                                reference_side(naive, "naive_add_relu", rng),
                                reference_side(numpy_own, "numpy_add_relu", rng), [x, y], SPEEDUP_REQUIRED)
            ratios.append(found.ratio)
        student.close()
    return ratios


def slowdowns(code: str) -> list[tuple[bool, float]]:
    rng = np.random.default_rng(8)
    x, y = rng.standard_normal((40, 40)), rng.standard_normal((40, 40))
    verdicts = []
    for _ in range(RUNS):
        student = StudentCode(Submission.from_source(code), {"naive_vector_dot": reference.callee("naive_vector_dot")})
        with loaded_child("naive_vector_dot", "naive_matrix_dot") as naive:
            found = within_budget(student_side(student, "naive_matrix_dot", np.matmul, rng),
                                  reference_side(naive, "naive_matrix_dot", rng), [x, y], SLOWDOWN_ALLOWED)
            verdicts.append((found.within, found.ratio))
        student.close()
    return verdicts


def spread(values) -> str:
    finite = [v for v in values if v != float("inf")]
    if not finite:
        return "all stopped at the limit"
    return f"min {min(finite):.1f}, median {float(np.median(finite)):.1f}, max {max(finite):.1f}"


def test_vectorized_speedup_verdicts_never_change_under_load():
    fast, slow = speedups(VECTORIZED_ADD_RELU), speedups(LOOPING_ADD_RELU)
    print(f"\nvectorized_add_relu speed-up under load: vectorized {spread(fast)}; looping {spread(slow)}")
    assert all(ratio >= SPEEDUP_REQUIRED for ratio in fast), fast
    assert all(ratio < SPEEDUP_REQUIRED for ratio in slow), slow


def test_matrix_dot_budget_verdicts_never_change_under_load():
    honest, too_slow = slowdowns(reference.callee("naive_matrix_dot")), slowdowns(TOO_SLOW_MATRIX_DOT)
    print(f"\nnaive_matrix_dot slow-down under load: reference {spread([r for _, r in honest])}; "
          f"too slow {spread([r for _, r in too_slow])}")
    assert all(within for within, _ in honest), honest
    assert not any(within for within, _ in too_slow), too_slow


def test_work_done_in_other_processes_is_counted():
    forked = speedups(FORKED_LOOPING_ADD_RELU, runs=2)
    print(f"\nvectorized_add_relu that loops in a forked grandchild: {spread(forked)}")
    assert all(ratio < SPEEDUP_REQUIRED for ratio in forked), forked
