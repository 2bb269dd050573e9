"""Hidden checks of 03_tensor_product: the naive dot products.

naive_matrix_vector_dot, naive_matrix_vector_dot_by_rows and naive_matrix_dot run with the
grader's own naive_vector_dot in place of the student's (one bug costs points once).
"""

import numpy as np

from tensor_gears.checks import check
from tensor_gears.checks.support import (
    TIMED_ALONE, about, array_of, call_label, describe, expect, expect_array_result, expect_no_shared_memory,
    expect_rejects, expect_returned, expect_rule, expect_unchanged, expect_working, judged_if_it_works, random_array,
    returned, same_values, type_name, views_of,
)
from tensor_gears.source_rules import keeps_state, loops_only
from tensor_gears.student_code import View
from tensor_gears.timing import FASTEST_NAIVE, SLOWDOWN_ALLOWED, reference_side, student_side, within_budget

MATRIX_SHAPES = [(3, 5), (5, 3), (7, 1), (1, 9), (4, 4), (0, 3), (3, 0)]
DTYPES = (np.float64, np.int64)


def strided_vector(rng, length, dtype):
    return View(random_array(rng, (2 * length,), dtype), [[(None, None, 2)]])


# ---- naive_vector_dot ----

def verify_vector_dot(student, x, y):
    label = call_label("naive_vector_dot", ("x", "y"), [x, y])
    outcome = student.call("naive_vector_dot", x, y, label=label)
    value = returned(outcome, label)
    number = isinstance(value, (int, float, np.generic)) and not isinstance(value, bool)
    expect_returned(number, label, "type", type_name(value), "a single number",
                    f"{label} returned {type_name(value)}, expected a single number")
    expect(same_values(np.asarray(value), np.asarray(np.dot(array_of(x), array_of(y)))), f"{label} returned a wrong "
                                                                                         "value",
           **about(label))
    return outcome, label


def vector_dot_works(student, rng):
    x, y = random_array(rng, (5,), np.float64), random_array(rng, (5,), np.float64)
    with judged_if_it_works("naive_vector_dot"):
        verify_vector_dot(student, x, y)


@check("hidden_naive_vector_dot", 2,
       "values: the sum of x[i] * y[i] on new 1-D inputs of several lengths (empty vectors give 0), int and "
       "float dtypes, non-contiguous views")
def check_vector_dot_values(student, rng):
    for length in (1, 2, 7, 20, 0):
        for dtype in DTYPES:
            verify_vector_dot(student, random_array(rng, (length,), dtype), random_array(rng, (length,), dtype))
    reversed_vector = View(random_array(rng, (6,), np.float64), [[(None, None, -1)]])
    verify_vector_dot(student, strided_vector(rng, 6, np.float64), reversed_vector)


@check("hidden_naive_vector_dot", 1,
       "returns a single number (a Python or NumPy scalar, not an array), and leaves x and y unchanged")
def check_vector_dot_scalar(student, rng):
    for dtype in DTYPES:
        x, y = random_array(rng, (8,), dtype), random_array(rng, (8,), dtype)
        outcome, label = verify_vector_dot(student, x, y)
        expect_unchanged(outcome, [x, y], ("x", "y"), label)


@check("hidden_naive_vector_dot", 1,
       "rejects inputs that are not 1-D or whose lengths differ (AssertionError or ValueError)")
def check_vector_dot_rejects(student, rng):
    vector_dot_works(student, rng)
    for shape_x, shape_y in [((3,), (4,)), ((2, 3), (2, 3)), ((4,), (4, 1))]:
        args = [random_array(rng, shape_x, np.float64), random_array(rng, shape_y, np.float64)]
        expect_rejects(student, "naive_vector_dot", args, ("x", "y"))


@check("hidden_naive_vector_dot", 1, "loops only, read from your source code")
def check_vector_dot_loops_only(student, rng, source):
    vector_dot_works(student, rng)
    expect_rule(loops_only(source, "naive_vector_dot", {"x": 1, "y": 1}), "not loops only")


# ---- naive_matrix_vector_dot ----

def verify_matrix_vector(student, function, x, y):
    label = call_label(function, ("x", "y"), [x, y])
    outcome = student.call(function, x, y, label=label)
    expect_array_result(outcome, array_of(x) @ array_of(y), label)
    return outcome, label


def matrix_vector_inputs(rng):
    inputs = [(random_array(rng, (rows, cols), dtype), random_array(rng, (cols,), dtype))
              for rows, cols in MATRIX_SHAPES for dtype in DTYPES]
    return inputs + [(x, strided_vector(rng, 6, np.float64)) for x in views_of(rng, (4, 6), np.float64)]


def matrix_vector_works(student, rng):
    x, y = random_array(rng, (3, 4), np.float64), random_array(rng, (4,), np.float64)
    expect_working(student, "naive_matrix_vector_dot", ("x", "y"), [x, y], x @ y)


@check("hidden_naive_matrix_vector_dot", 2,
       "values equal to np.dot(x, y) on new inputs: non-square and odd shapes, int and float dtypes")
def check_matrix_vector_values(student, rng):
    for x, y in matrix_vector_inputs(rng)[:10]:
        verify_matrix_vector(student, "naive_matrix_vector_dot", x, y)


@check("hidden_naive_matrix_vector_dot", 1,
       "values on empty dimensions (x.shape[0] == 0 or x.shape[1] == 0) and non-contiguous views such as a "
       "transposed x")
def check_matrix_vector_edges(student, rng):
    for x, y in matrix_vector_inputs(rng)[10:]:
        verify_matrix_vector(student, "naive_matrix_vector_dot", x, y)


@check("hidden_naive_matrix_vector_dot", 1,
       "returns a new numpy.ndarray of shape (x.shape[0],), and leaves x and y unchanged")
def check_matrix_vector_new_array(student, rng):
    x, y = random_array(rng, (5, 3), np.int64), random_array(rng, (3,), np.int64)
    outcome, label = verify_matrix_vector(student, "naive_matrix_vector_dot", x, y)
    expect_unchanged(outcome, [x, y], ("x", "y"), label)
    expect_no_shared_memory(outcome, ("x", "y"), label)


@check("hidden_naive_matrix_vector_dot", 1,
       "rejects an x that is not 2-D, a y that is not 1-D, or x.shape[1] != y.shape[0] (AssertionError or "
       "ValueError)")
def check_matrix_vector_rejects(student, rng):
    matrix_vector_works(student, rng)
    for shape_x, shape_y in [((3, 4), (3,)), ((4,), (4,)), ((3, 4), (4, 1))]:
        args = [random_array(rng, shape_x, np.float64), random_array(rng, shape_y, np.float64)]
        expect_rejects(student, "naive_matrix_vector_dot", args, ("x", "y"))


@check("hidden_naive_matrix_vector_dot", 1, "loops only, read from your source code")
def check_matrix_vector_loops_only(student, rng, source):
    matrix_vector_works(student, rng)
    expect_rule(loops_only(source, "naive_matrix_vector_dot", {"x": 2, "y": 1}), "not loops only")


# ---- naive_matrix_vector_dot_by_rows ----

@check("hidden_naive_matrix_vector_dot_by_rows", 2,
       "values equal to np.dot(x, y) on new inputs: non-square and odd shapes, empty dimensions, int and float "
       "dtypes, non-contiguous views")
def check_by_rows_values(student, rng):
    for x, y in matrix_vector_inputs(rng):
        verify_matrix_vector(student, "naive_matrix_vector_dot_by_rows", x, y)


@check("hidden_naive_matrix_vector_dot_by_rows", 2,
       "calls the grader's naive_vector_dot exactly once per row of x (x.shape[0] calls)")
def check_by_rows_calls(student, rng):
    for rows, cols in [(4, 3), (1, 5), (6, 2), (0, 3)]:
        x, y = random_array(rng, (rows, cols), np.float64), random_array(rng, (cols,), np.float64)
        outcome, label = verify_matrix_vector(student, "naive_matrix_vector_dot_by_rows", x, y)
        calls = outcome.calls.get("naive_vector_dot", 0)
        expect(calls == rows, f"{label} called naive_vector_dot {calls} times, expected one call per row ({rows})",
               **about(label))


@check("hidden_naive_matrix_vector_dot_by_rows", 1,
       "returns a new numpy.ndarray of shape (x.shape[0],), and leaves x and y unchanged")
def check_by_rows_new_array(student, rng):
    x, y = random_array(rng, (5, 3), np.float64), random_array(rng, (3,), np.float64)
    outcome, label = verify_matrix_vector(student, "naive_matrix_vector_dot_by_rows", x, y)
    expect_unchanged(outcome, [x, y], ("x", "y"), label)
    expect_no_shared_memory(outcome, ("x", "y"), label)


# ---- naive_matrix_dot ----

def verify_matrix_dot(student, x, y):
    label = call_label("naive_matrix_dot", ("x", "y"), [x, y])
    outcome = student.call("naive_matrix_dot", x, y, label=label)
    expect_array_result(outcome, array_of(x) @ array_of(y), label)
    return outcome, label


def matrix_dot_works(student, rng):
    x, y = random_array(rng, (3, 4), np.float64), random_array(rng, (4, 2), np.float64)
    expect_working(student, "naive_matrix_dot", ("x", "y"), [x, y], x @ y)


@check("hidden_naive_matrix_dot", 2,
       "values equal to np.dot(x, y) on new inputs: non-square and odd shapes, int and float dtypes")
def check_matrix_dot_values(student, rng):
    for a, b, c in [(3, 4, 5), (5, 1, 2), (1, 7, 1), (4, 4, 4), (2, 3, 9)]:
        for dtype in DTYPES:
            verify_matrix_dot(student, random_array(rng, (a, b), dtype), random_array(rng, (b, c), dtype))


@check("hidden_naive_matrix_dot", 1,
       "values on empty dimensions (a, b or c equal to 0) and non-contiguous views such as transposed arrays")
def check_matrix_dot_edges(student, rng):
    for a, b, c in [(0, 3, 2), (2, 0, 3), (3, 2, 0)]:
        verify_matrix_dot(student, random_array(rng, (a, b), np.float64), random_array(rng, (b, c), np.float64))
    for x, y in zip(views_of(rng, (3, 5), np.float64), views_of(rng, (5, 4), np.float64)[::-1]):
        verify_matrix_dot(student, x, y)


@check("hidden_naive_matrix_dot", 1,
       "returns a new numpy.ndarray of shape (x.shape[0], y.shape[1]), and leaves x and y unchanged")
def check_matrix_dot_new_array(student, rng):
    x, y = random_array(rng, (4, 3), np.int64), random_array(rng, (3, 5), np.int64)
    outcome, label = verify_matrix_dot(student, x, y)
    expect_unchanged(outcome, [x, y], ("x", "y"), label)
    expect_no_shared_memory(outcome, ("x", "y"), label)


@check("hidden_naive_matrix_dot", 1,
       "rejects inputs that are not both 2-D, or with x.shape[1] != y.shape[0] (AssertionError or ValueError)")
def check_matrix_dot_rejects(student, rng):
    matrix_dot_works(student, rng)
    for shape_x, shape_y in [((3, 4), (3, 4)), ((4,), (4, 2)), ((3, 4), (4,))]:
        args = [random_array(rng, shape_x, np.float64), random_array(rng, shape_y, np.float64)]
        expect_rejects(student, "naive_matrix_dot", args, ("x", "y"))


@check("hidden_naive_matrix_dot", 1,
       "loops only, read from your source code (calling naive_vector_dot is allowed: it gets the grader's "
       "version)")
def check_matrix_dot_loops_only(student, rng, source):
    matrix_dot_works(student, rng)
    expect_rule(loops_only(source, "naive_matrix_dot", {"x": 2, "y": 2}), "not loops only")


@check("hidden_naive_matrix_dot__timing", 2,
       "on inputs of about (40, 40) @ (40, 40), called once like any other check's call, with the right result "
       "on every timed call (each gets new inputs), finishes within 50 times the time of the grader's own naive "
       "version, both timed the same way as CPU time outside your code; the grader stops it at that limit")
def check_matrix_dot_timing(student, rng, source, reference_child, measured):
    expect_rule(keeps_state(source, "naive_matrix_dot"), TIMED_ALONE)
    x, y = random_array(rng, (40, 40), np.float64), random_array(rng, (40, 40), np.float64)
    verify_matrix_dot(student, x, y)
    naive = reference_child("naive_vector_dot", "naive_matrix_dot")
    found = within_budget(student_side(student, "naive_matrix_dot", np.matmul, rng),
                          reference_side(naive, "naive_matrix_dot", rng), [x, y], factor=SLOWDOWN_ALLOWED)
    if found.ratio == float("inf"):
        message = (f"measured: `naive_matrix_dot` on {describe(x)} inputs took more than {SLOWDOWN_ALLOWED} times "
                   f"the naive version's time and was stopped")
    elif found.interfered:
        message = (f"the timing was interfered with: `naive_matrix_dot` on {describe(x)} inputs took "
                   f"{found.ratio:.3f} times the naive version's time, more than {FASTEST_NAIVE} times faster "
                   f"than any loop; no honest code is that fast")
    else:
        message = (f"measured: `naive_matrix_dot` on {describe(x)} inputs took {found.ratio:.1f} times the naive "
                   f"version's time (at most {SLOWDOWN_ALLOWED} allowed)")
    stopped = found.ratio == float("inf")
    measured(message, kind="budget", ratio=None if stopped else round(found.ratio, 3), threshold=SLOWDOWN_ALLOWED,
             stopped=stopped, interfered=found.interfered)
    expect(found.within and not found.interfered, message)
