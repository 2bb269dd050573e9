"""Hidden checks of 01_elementwise: naive_relu, naive_add, vectorized_add_relu."""

import numpy as np

from tensor_gears.checks import check
from tensor_gears.checks.support import (
    TIMED_ALONE, array_of, call_label, describe, expect, expect_array_result, expect_no_shared_memory, expect_rejects,
    expect_rule, expect_unchanged, expect_working, random_array, views_of,
)
from tensor_gears.source_rules import keeps_state, loops_only, no_loops
from tensor_gears.timing import (
    ALONE_SPEEDUP_REQUIRED, FASTEST_VECTORIZED, SPEEDUP_REQUIRED, reference_side, speed_ratio, student_side,
)

SHAPES_2D = [(3, 5), (7, 1), (1, 9), (4, 4), (0, 3), (2, 0)]
DTYPES = [np.float64, np.int64, np.float32, np.int32]


def relu(x):
    return np.maximum(x, 0).astype(x.dtype)


def verify_relu_values(student, rng, inputs):
    for x in inputs:
        label = call_label("naive_relu", ("x",), [x])
        expect_array_result(student.call("naive_relu", x, label=label), relu(array_of(x)), label)


def verify_add_values(student, inputs):
    for x, y in inputs:
        label = call_label("naive_add", ("x", "y"), [x, y])
        expected = array_of(x) + array_of(y)
        expect_array_result(student.call("naive_add", x, y, label=label), expected, label)


def relu_works(student, rng):
    """Right on a plain 3 x 4 input with signs in a checkerboard: negatives in every row and column."""
    x = np.abs(random_array(rng, (3, 4), np.float64)) * np.where(np.indices((3, 4)).sum(axis=0) % 2, -1.0, 1.0)
    expect_working(student, "naive_relu", ("x",), [x], relu(x))


def add_works(student, rng, function="naive_add"):
    x, y = random_array(rng, (3, 4), np.float64), random_array(rng, (3, 4), np.float64)
    expected = x + y if function == "naive_add" else np.maximum(x + y, 0)
    expect_working(student, function, ("x", "y"), [x, y], expected)


# ---- naive_relu ----

@check("hidden_naive_relu", 2,
       "values max(x[i, j], 0) on new 2-D inputs: non-square, odd and empty shapes, int and float dtypes")
def check_naive_relu_values(student, rng):
    inputs = [random_array(rng, shape, dtype) for shape in SHAPES_2D for dtype in DTYPES[:2]]
    inputs += [random_array(rng, (5, 3), dtype) for dtype in DTYPES[2:]]
    verify_relu_values(student, rng, inputs)


@check("hidden_naive_relu", 1, "values on non-contiguous views (a transposed array, strided and reversed slices)")
def check_naive_relu_views(student, rng):
    verify_relu_values(student, rng, views_of(rng, (4, 6), np.float64) + views_of(rng, (5, 2), np.int64))


@check("hidden_naive_relu", 1, "returns a new numpy.ndarray with the shape and dtype of x, and leaves x unchanged")
def check_naive_relu_new_array(student, rng):
    for x in [random_array(rng, (6, 4), np.float64), random_array(rng, (3, 7), np.int32)]:
        label = call_label("naive_relu", ("x",), [x])
        outcome = student.call("naive_relu", x, label=label)
        expect_array_result(outcome, relu(x), label, dtype=x.dtype)
        expect_unchanged(outcome, [x], ("x",), label)
        expect_no_shared_memory(outcome, ("x",), label)


@check("hidden_naive_relu", 1, "rejects inputs that are not 2-D (AssertionError or ValueError)")
def check_naive_relu_rejects(student, rng):
    relu_works(student, rng)
    for shape in [(5,), (2, 3, 4)]:
        expect_rejects(student, "naive_relu", [random_array(rng, shape, np.float64)], ("x",))


@check("hidden_naive_relu", 1, "loops only, read from your source code")
def check_naive_relu_loops_only(student, rng, source):
    relu_works(student, rng)
    expect_rule(loops_only(source, "naive_relu", {"x": 2}), "not loops only")


# ---- naive_add ----

@check("hidden_naive_add", 2,
       "values x[i, j] + y[i, j] on new 2-D inputs: non-square, odd and empty shapes, int and float dtypes")
def check_naive_add_values(student, rng):
    inputs = [(random_array(rng, shape, dtype), random_array(rng, shape, dtype))
              for shape in SHAPES_2D for dtype in DTYPES[:2]]
    inputs += [(random_array(rng, (3, 5), dtype), random_array(rng, (3, 5), dtype)) for dtype in DTYPES[2:]]
    verify_add_values(student, inputs)


@check("hidden_naive_add", 1, "values on non-contiguous views (a transposed array, strided and reversed slices)")
def check_naive_add_views(student, rng):
    xs, ys = views_of(rng, (4, 6), np.float64), views_of(rng, (4, 6), np.float64)
    verify_add_values(student, list(zip(xs, ys[::-1])) + [(xs[0], random_array(rng, (4, 6), np.float64))])


@check("hidden_naive_add", 1, "returns a new numpy.ndarray of the inputs' shape, and leaves x and y unchanged")
def check_naive_add_new_array(student, rng):
    for dtype in (np.float64, np.int64):
        x, y = random_array(rng, (5, 3), dtype), random_array(rng, (5, 3), dtype)
        label = call_label("naive_add", ("x", "y"), [x, y])
        outcome = student.call("naive_add", x, y, label=label)
        expect_array_result(outcome, x + y, label)
        expect_unchanged(outcome, [x, y], ("x", "y"), label)
        expect_no_shared_memory(outcome, ("x", "y"), label)


@check("hidden_naive_add", 1, "rejects inputs that are not 2-D or whose shapes differ (AssertionError or ValueError)")
def check_naive_add_rejects(student, rng):
    add_works(student, rng)
    for shape_x, shape_y in [((3, 4), (4, 3)), ((3, 4), (3, 5)), ((6,), (6,)), ((2, 2, 2), (2, 2, 2))]:
        args = [random_array(rng, shape_x, np.float64), random_array(rng, shape_y, np.float64)]
        expect_rejects(student, "naive_add", args, ("x", "y"))


@check("hidden_naive_add", 1, "loops only, read from your source code")
def check_naive_add_loops_only(student, rng, source):
    add_works(student, rng)
    expect_rule(loops_only(source, "naive_add", {"x": 2, "y": 2}), "not loops only")


# ---- vectorized_add_relu ----

NAIVE_ADD_RELU = "def naive_add_relu(x, y):\n    return naive_relu(naive_add(x, y))\n"
NUMPY_ADD_RELU = "def numpy_add_relu(x, y):\n    return np.maximum(x + y, 0)\n"


def naive_add_relu(reference_child):
    """A clean child with the grader's naive_relu(naive_add(x, y)), to time against."""
    return reference_child("naive_relu", "naive_add", extra=NAIVE_ADD_RELU)


def add_relu(x, y):
    return np.maximum(x + y, 0)


@check("hidden_vectorized_add_relu", 2,
       "values relu(x + y) on new inputs of several shapes (1-D, 2-D, 3-D, empty), int and float dtypes, and "
       "non-contiguous views")
def check_vectorized_values(student, rng):
    inputs = [(random_array(rng, shape, dtype), random_array(rng, shape, dtype))
              for shape in [(7,), (20, 100), (3, 1, 5), (0, 4), (2, 3, 4, 2)] for dtype in (np.float64, np.int64)]
    inputs += list(zip(views_of(rng, (6, 5), np.float64), views_of(rng, (6, 5), np.float64)))
    for x, y in inputs:
        label = call_label("vectorized_add_relu", ("x", "y"), [x, y])
        expected = np.maximum(array_of(x) + array_of(y), 0)
        expect_array_result(student.call("vectorized_add_relu", x, y, label=label), expected, label)


@check("hidden_vectorized_add_relu", 1, "returns a numpy.ndarray of the inputs' shape, and leaves x and y unchanged")
def check_vectorized_unchanged(student, rng):
    x, y = random_array(rng, (8, 6), np.float64), random_array(rng, (8, 6), np.float64)
    label = call_label("vectorized_add_relu", ("x", "y"), [x, y])
    outcome = student.call("vectorized_add_relu", x, y, label=label)
    expect_array_result(outcome, np.maximum(x + y, 0), label)
    expect_unchanged(outcome, [x, y], ("x", "y"), label)


@check("hidden_vectorized_add_relu", 1, "no Python loops or comprehensions, read from your source code")
def check_vectorized_no_loops(student, rng, source):
    add_works(student, rng, "vectorized_add_relu")
    expect_rule(no_loops(source, "vectorized_add_relu"), "not vectorized")


@check("hidden_vectorized_add_relu__timing", 2,
       "at least 20 times faster than the grader's own naive_relu(naive_add(x, y)) on (20, 100) float64 inputs, "
       "called many times in a row and called once like any other check's call, with the right result on every "
       "timed call (each gets new inputs), both timed the same way as CPU time outside your code (best of "
       "several rounds)")
def check_vectorized_timing(student, rng, source, reference_child, measured):
    expect_rule(keeps_state(source, "vectorized_add_relu"), TIMED_ALONE)
    x, y = random_array(rng, (20, 100), np.float64), random_array(rng, (20, 100), np.float64)
    label = call_label("vectorized_add_relu", ("x", "y"), [x, y])
    expect_array_result(student.call("vectorized_add_relu", x, y, label=label), add_relu(x, y), label)
    found = speed_ratio(student_side(student, "vectorized_add_relu", add_relu, rng),
                        reference_side(naive_add_relu(reference_child), "naive_add_relu", rng),
                        reference_side(reference_child(extra=NUMPY_ADD_RELU), "numpy_add_relu", rng),
                        [x, y], SPEEDUP_REQUIRED)
    measurement = dict(kind="speedup", ratio=round(found.ratio, 1), alone=round(min(found.isolated, 1e6), 1),
                       alone_threshold=round(ALONE_SPEEDUP_REQUIRED, 1), numpy_ratio=round(found.numpy_ratio, 1),
                       threshold=SPEEDUP_REQUIRED, rounds=found.rounds, interfered=found.interfered)
    if found.interfered:
        message = (f"the timing was interfered with: it measured {found.ratio:.1f} times faster than the naive "
                   f"version, more than {FASTEST_VECTORIZED} times what NumPy's own answer reaches here "
                   f"({found.numpy_ratio:.1f} times); no honest code is that fast")
    elif found.ratio >= SPEEDUP_REQUIRED > found.isolated * SPEEDUP_REQUIRED / ALONE_SPEEDUP_REQUIRED:
        message = (f"measured: {found.ratio:.1f} times faster than the naive version on {describe(x)} inputs when "
                   f"called many times in a row, but {found.isolated:.1f} times when called once, as the other "
                   f"checks call it (at least {SPEEDUP_REQUIRED} needed, {ALONE_SPEEDUP_REQUIRED:.1f} for a single "
                   f"call, whose measurement is coarser)")
    else:
        message = (f"measured: {found.ratio:.1f} times faster than the naive version on {describe(x)} inputs "
                   f"(at least {SPEEDUP_REQUIRED} needed)")
    measured(message, **measurement)
    expect(not found.interfered and found.ratio >= SPEEDUP_REQUIRED and found.isolated >= ALONE_SPEEDUP_REQUIRED,
           message)
