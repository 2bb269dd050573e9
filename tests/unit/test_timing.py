"""The timing checks' pure parts: the grader's inputs for every timed call, the checksum each right
result must have, and the verdicts on measured figures. (Measuring in a child is tested in
tests/test_timing*.py.)"""

import numpy as np
import pytest

from tensor_gears.errors import CheckFailed
from tensor_gears.sandbox.inside.protocol import checksum, npy_load
from tensor_gears.timing import (
    DELTAS, FASTEST_NAIVE, FASTEST_VECTORIZED, Budget, Plan, Side, SpeedUp, expected_sums, moved_inputs,
)


def add_relu(x, y):
    return np.maximum(x + y, 0)


def inputs(rng):
    return [rng.normal(size=(4, 5)), rng.normal(size=(4, 5)).astype(np.float32)]


def test_a_plan_moves_one_element_of_each_float_input_before_every_call():
    rng = np.random.default_rng(1)
    args = [np.ones((4, 5)), np.arange(3), 7, np.ones((4, 5), np.float32), np.ones(0)]
    plan = Plan.draw(rng, args, 200, (4, 5))
    assert plan.moved == [0, 3]  # the int array, the number and the empty array stay
    assert plan.deltas.shape == (200, 2) and plan.index.shape == (200,)
    assert np.all((np.abs(plan.deltas) >= DELTAS[0]) & (np.abs(plan.deltas) <= DELTAS[1]))
    assert (plan.deltas > 0).any() and (plan.deltas < 0).any()
    assert plan.index.min() >= 0 and plan.index.max() < 20 and len(set(plan.index)) > 10
    assert plan.weights.shape == (4, 5) and np.all((np.abs(plan.weights) >= 1) & (np.abs(plan.weights) < 2))


def test_every_batch_draws_new_inputs_and_weights():
    rng = np.random.default_rng(2)
    first, second = Plan.draw(rng, inputs(rng), 10, (4, 5)), Plan.draw(rng, inputs(rng), 10, (4, 5))
    assert not np.array_equal(first.deltas, second.deltas) and not np.array_equal(first.weights, second.weights)


def test_the_request_names_the_blobs_it_adds():
    plan = Plan.draw(np.random.default_rng(3), inputs(np.random.default_rng(4)), 5, (4, 5))
    blobs = [b"an input"]
    repeat = plan.request(blobs, dry=True)
    assert repeat == {"calls": 5, "weights": 1, "dry": True, "index": 2, "deltas": 3, "moved": [0, 1]}
    assert np.array_equal(npy_load(blobs[1]), plan.weights) and np.array_equal(npy_load(blobs[3]), plan.deltas)
    assert npy_load(blobs[2]).dtype == np.int64
    single = Plan.single(np.random.default_rng(5), (4, 5))
    assert single.request([]) == {"calls": 1, "weights": 0, "dry": False}


def test_the_expected_checksums_are_those_of_the_right_result_of_each_moved_call():
    rng = np.random.default_rng(6)
    args = inputs(rng)
    plan = Plan.draw(rng, args, 50, (4, 5))
    wanted, tolerance = expected_sums(add_relu, args, plan)
    for call in range(plan.calls):
        moved = [arg.astype(np.float64) for arg in args]
        for column, position in enumerate(plan.moved):
            moved[position].flat[plan.index[call]] += plan.deltas[call, column]
        right = checksum(add_relu(*moved), plan.weights)
        assert abs(right - wanted[call]) <= tolerance[call], call
    assert np.all(tolerance < 1e-4)


def test_a_result_off_in_one_element_misses_its_checksum():
    rng = np.random.default_rng(7)
    args = inputs(rng)
    plan = Plan.draw(rng, args, 1, (4, 5))
    wanted, tolerance = expected_sums(add_relu, args, plan)
    moved = [arg.astype(np.float64) for arg in args]
    for column, position in enumerate(plan.moved):
        moved[position].flat[plan.index[0]] += plan.deltas[0, column]
    wrong = add_relu(*moved)
    wrong.flat[3] += 1e-3
    assert abs(checksum(wrong, plan.weights) - wanted[0]) > tolerance[0]


def side() -> Side:
    return Side("yours", "vectorized_add_relu", None, None, None, np.random.default_rng(0))


def test_one_wrong_timed_result_fails_the_check_and_says_which():
    wanted, tolerance = np.array([1.0, 2.0, 3.0]), np.full(3, 1e-6)
    side().verify(wanted + 1e-7, wanted, tolerance, 3)
    with pytest.raises(CheckFailed, match=r"returned a wrong result \(timed call 2 of 3; 1 of 3 wrong\)"):
        side().verify(np.array([1.0, 2.1, 3.0]), wanted, tolerance, 3)
    with pytest.raises(CheckFailed, match=r"a call timed on its own; 1 of 1 wrong"):
        side().verify(np.array([np.nan]), wanted[:1], tolerance[:1], 1)


def test_moved_inputs_are_new_each_time_and_leave_the_originals_alone():
    args = [np.zeros((3, 3)), np.arange(4), 2.0]
    new = moved_inputs(np.random.default_rng(8), args)
    first, second = new(), new()
    assert np.array_equal(args[0], np.zeros((3, 3))) and first[1] is not args[1] and first[2] == 2.0
    for fresh in (first, second):
        changed = np.flatnonzero(fresh[0])
        assert len(changed) == 1 and DELTAS[0] <= abs(fresh[0].flat[changed[0]]) <= DELTAS[1]
        assert np.array_equal(fresh[1], args[1])
    assert not np.array_equal(first[0], second[0])


def test_a_speed_up_far_beyond_numpys_own_is_interference():
    assert not SpeedUp(ratio=300, isolated=100, rounds=2, numpy_ratio=300).interfered
    assert not SpeedUp(ratio=FASTEST_VECTORIZED * 300, isolated=100, rounds=2, numpy_ratio=300).interfered
    assert SpeedUp(ratio=FASTEST_VECTORIZED * 300 + 1, isolated=100, rounds=2, numpy_ratio=300).interfered


def test_a_naive_product_far_faster_than_the_graders_loops_is_interference():
    assert not Budget(True, 1 / FASTEST_NAIVE).interfered and not Budget(False, float("inf")).interfered
    assert Budget(True, 1 / FASTEST_NAIVE / 2).interfered
