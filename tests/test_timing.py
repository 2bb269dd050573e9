"""timing.py's own guarantees, through its API with real children: every timed call's result
is checked, a function fast only when called many times in a row is seen when called alone,
and the measurements name what they found. The source rules that keep such code out of
grading (its state) are bypassed here on purpose: these are the checks behind them. (The
proofs in the real flow: test_timing_attacks.py, test_timing_in_real_grading.py.)"""

import numpy as np
import pytest

from tensor_gears import reference
from tensor_gears.checks.test_01_elementwise import NAIVE_ADD_RELU, NUMPY_ADD_RELU, add_relu
from tensor_gears.errors import CheckFailed
from tensor_gears.sandbox.process import Child
from tensor_gears.student_code import StudentCode
from tensor_gears.submission import Submission
from tensor_gears.timing import (
    ALONE_SPEEDUP_REQUIRED, SPEEDUP_REQUIRED, Budget, SpeedUp, reference_side, speed_ratio, student_side,
)

SLOW = """
    out = np.zeros(x.shape)
    for index in np.ndindex(x.shape):
        out[index] = max(x[index] + y[index], 0)
    return out
"""
STALE_NOW_AND_THEN = """import numpy as np
def vectorized_add_relu(x, y, _calls=[0], _last=[None]):
    _calls[0] += 1
    if _calls[0] % 97 == 0 and _last[0] is not None:
        return _last[0]
    _last[0] = np.maximum(x + y, 0)
    return _last[0]
"""
FAST_ONLY_IN_A_ROW = """import numpy as np
def vectorized_add_relu(x, y, _calls=[0]):
    _calls[0] += 1
    if _calls[0] > 100:
        return np.maximum(x + y, 0)
""" + SLOW


def loaded_child(*functions: str, extra: str = "") -> Child:
    child = Child()
    child.request({"op": "load", "statements": reference.submission(*functions, extra=extra).wire()}, timeout=60)
    return child


def speed_up(code: str) -> SpeedUp:
    rng = np.random.default_rng(11)
    x, y = rng.standard_normal((20, 100)), rng.standard_normal((20, 100))
    student = StudentCode(Submission.from_source(code))
    try:
        with loaded_child("naive_relu", "naive_add", extra=NAIVE_ADD_RELU) as naive, \
                loaded_child(extra=NUMPY_ADD_RELU) as numpy_own:
            return speed_ratio(student_side(student, "vectorized_add_relu", add_relu, rng),
                               reference_side(naive, "naive_add_relu", rng),
                               reference_side(numpy_own, "numpy_add_relu", rng), [x, y], SPEEDUP_REQUIRED)
    finally:
        student.close()


def test_a_wrong_result_inside_a_timed_batch_fails_the_timing():
    # Every 97th call is stale: how many a batch holds depends on its size and the calls before it.
    wrong = r"returned a wrong result \(timed call [0-9]+ of [0-9]+; [0-9]+ of [0-9]+ wrong\)"
    with pytest.raises(CheckFailed, match=wrong):
        speed_up(STALE_NOW_AND_THEN)


def test_a_function_fast_only_when_called_many_times_in_a_row_is_seen_alone():
    found = speed_up(FAST_ONLY_IN_A_ROW)
    assert found.ratio >= SPEEDUP_REQUIRED > ALONE_SPEEDUP_REQUIRED > found.isolated, found


def test_an_honest_vectorized_function_passes_both_ways_and_is_not_taken_for_interference():
    found = speed_up("import numpy as np\ndef vectorized_add_relu(x, y):\n    return np.maximum(x + y, 0)\n")
    assert found.ratio >= SPEEDUP_REQUIRED and found.isolated >= ALONE_SPEEDUP_REQUIRED and not found.interfered
    assert found.numpy_ratio >= SPEEDUP_REQUIRED


def test_measurements_no_honest_code_produces_are_flagged():
    assert SpeedUp(ratio=3000, isolated=3000, rounds=2, numpy_ratio=300).interfered
    assert not SpeedUp(ratio=600, isolated=600, rounds=2, numpy_ratio=300).interfered
    assert Budget(within=True, ratio=0.01).interfered and not Budget(within=True, ratio=0.4).interfered
