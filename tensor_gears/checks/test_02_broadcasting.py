"""Hidden checks of 02_broadcasting: repeat_along_new_axis, naive_add_matrix_and_vector, broadcast_shape."""

import numpy as np

from tensor_gears.checks import check
from tensor_gears.checks.support import (
    Call, about, array_of, call_label, expect, expect_array_result, expect_no_shared_memory, expect_rejects,
    expect_returned, expect_rule, expect_unchanged, expect_working, fail, judged_if_it_works, random_array, returned,
    structure, type_name, views_of,
)
from tensor_gears.source_rules import loops_only, no_numpy
from tensor_gears.student_code import View

# ---- repeat_along_new_axis ----


def verify_repeat(student, y, n):
    label = call_label("repeat_along_new_axis", ("y", "n"), [y, n])
    expected = np.stack([array_of(y)] * n)
    return expect_array_result(student.call("repeat_along_new_axis", y, n, label=label), expected, label), label


@check("hidden_repeat_along_new_axis", 1,
       "the walk-through's case: y of shape (10,) repeated 32 times gives shape (32, 10)")
def check_repeat_walkthrough(student, rng):
    verify_repeat(student, random_array(rng, (10,), np.float64), 32)


@check("hidden_repeat_along_new_axis", 2,
       "values on new inputs: y with 0 to 3 dimensions, empty arrays, int and float dtypes; n = 1 and larger")
def check_repeat_values(student, rng):
    for shape in [(), (1,), (5,), (3, 4), (2, 1, 3), (0,), (3, 0)]:
        for dtype, n in [(np.float64, 2 + len(shape)), (np.int64, 1)]:
            verify_repeat(student, random_array(rng, shape, dtype), n)


@check("hidden_repeat_along_new_axis", 1, "values on non-contiguous views of y")
def check_repeat_views(student, rng):
    for y in views_of(rng, (3, 5), np.float64):
        verify_repeat(student, y, 4)


@check("hidden_repeat_along_new_axis", 2,
       "the result is a writeable numpy.ndarray that shares no memory with y, and y is left unchanged")
def check_repeat_new_array(student, rng):
    for y, n in [(random_array(rng, (4, 3), np.float64), 3), (random_array(rng, (6,), np.int64), 1)]:
        label = call_label("repeat_along_new_axis", ("y", "n"), [y, n])
        outcome = student.call("repeat_along_new_axis", y, n, label=label)
        expect_array_result(outcome, np.stack([y] * n), label)
        expect(outcome.writeable, f"{label} returned a read-only array", **about(label))
        expect_no_shared_memory(outcome, ("y",), label)
        expect_unchanged(outcome, [y], ("y",), label)


# ---- naive_add_matrix_and_vector ----

def verify_add_vector(student, x, y):
    label = call_label("naive_add_matrix_and_vector", ("x", "y"), [x, y])
    outcome = student.call("naive_add_matrix_and_vector", x, y, label=label)
    expect_array_result(outcome, array_of(x) + array_of(y), label)
    return outcome, label


def add_vector_works(student, rng):
    x, y = random_array(rng, (3, 4), np.float64), random_array(rng, (4,), np.float64)
    expect_working(student, "naive_add_matrix_and_vector", ("x", "y"), [x, y], x + y)


@check("hidden_naive_add_matrix_and_vector", 2,
       "values x[i, j] + y[j] on new inputs: non-square and odd shapes, empty dimensions, int and float dtypes")
def check_add_vector_values(student, rng):
    for rows, cols in [(3, 5), (7, 1), (1, 9), (32, 10), (0, 4), (3, 0)]:
        for dtype in (np.float64, np.int64):
            verify_add_vector(student, random_array(rng, (rows, cols), dtype), random_array(rng, (cols,), dtype))


@check("hidden_naive_add_matrix_and_vector", 1, "values on non-contiguous views of x and y")
def check_add_vector_views(student, rng):
    for x in views_of(rng, (4, 6), np.float64):
        verify_add_vector(student, x, View(random_array(rng, (12,), np.float64), [[(None, None, 2)]]))


@check("hidden_naive_add_matrix_and_vector", 1,
       "returns a new numpy.ndarray with the shape of x, and leaves x and y unchanged")
def check_add_vector_new_array(student, rng):
    x, y = random_array(rng, (5, 3), np.float64), random_array(rng, (3,), np.float64)
    outcome, label = verify_add_vector(student, x, y)
    expect_unchanged(outcome, [x, y], ("x", "y"), label)
    expect_no_shared_memory(outcome, ("x", "y"), label)


@check("hidden_naive_add_matrix_and_vector", 1,
       "rejects x that is not 2-D, y that is not 1-D, and x.shape[1] != y.shape[0] (AssertionError or "
       "ValueError)")
def check_add_vector_rejects(student, rng):
    add_vector_works(student, rng)
    for shape_x, shape_y in [((3, 4), (3,)), ((3, 4), (1, 4)), ((4,), (4,)), ((2, 3, 4), (4,))]:
        args = [random_array(rng, shape_x, np.float64), random_array(rng, shape_y, np.float64)]
        expect_rejects(student, "naive_add_matrix_and_vector", args, ("x", "y"))


@check("hidden_naive_add_matrix_and_vector", 1, "loops only, read from your source code")
def check_add_vector_loops_only(student, rng, source):
    add_vector_works(student, rng)
    expect_rule(loops_only(source, "naive_add_matrix_and_vector", {"x": 2, "y": 1}), "not loops only")


# ---- broadcast_shape ----

FIXED_PAIRS = [((64, 3, 32, 10), (32, 10)), ((32, 10), (10,)), ((10,), (32, 10)), ((3, 1), (1, 4)),
               ((5,), ()), ((), ()), ((0,), (1,)), ((1,), (0,)), ((2, 0, 1), (5,)), ((8, 1, 6, 1), (7, 1, 5))]
INCOMPATIBLE = [((3,), (4,)), ((32, 10), (32,)), ((0,), (2,)), ((2, 1), (8, 4, 3)), ((5, 2), (0, 2))]


def broadcast_call(a, b) -> Call:
    return Call("broadcast_shape", (f"shape_a: {a}", f"shape_b: {b}"), f"`broadcast_shape{(a, b)}`")


def verify_broadcast(student, a, b):
    label = broadcast_call(a, b)
    value = returned(student.call("broadcast_shape", a, b, label=label), label)
    expected = np.broadcast_shapes(a, b)
    expect_returned(isinstance(value, tuple), label, "type", type_name(value), "a tuple",
                    f"{label} returned {type_name(value)}, expected a tuple")
    expect(value == expected, f"{label} returned {value}, which is not the broadcast shape", **about(label))
    return value, label


def zero_against_one_pair(rng):
    """Two compatible shapes where, at one axis, one has size 0 and the other size 1: the axis
    and which side loses leading axes are the same for every student, the other sizes not."""
    kinds = structure(rng)
    length = int(kinds.integers(1, 5))
    shape = [int(size) for size in rng.integers(2, 7, size=length)]
    axis = int(kinds.integers(length))
    zero, one = list(shape), list(shape)
    zero[axis], one[axis] = 0, 1
    pair = tuple(zero), tuple(one[int(kinds.integers(0, axis + 1)):])  # the one side may lose leading axes
    return pair if kinds.random() < 0.5 else pair[::-1]


def random_compatible_pair(rng):
    """Two compatible shapes: their lengths, where each has a 1 and where the result has a 0 are
    the same for every student; the other sizes (2 to 6) are the student's."""
    kinds = structure(rng)
    length = int(kinds.integers(1, 6))
    zeros = kinds.random(length) < 0.15
    result = tuple(0 if zero else int(size) for zero, size in zip(zeros, rng.integers(2, 7, size=length)))

    def side():
        kept = result[int(kinds.integers(0, length + 1)):]
        return tuple(1 if kinds.random() < 0.3 else size for size in kept)
    return side(), side()


def broadcast_works(student):
    with judged_if_it_works("broadcast_shape"):
        verify_broadcast(student, (4, 1, 3), (5, 1))


@check("hidden_broadcast_shape", 2,
       "the notebook's examples and corner cases: (64, 3, 32, 10) with (32, 10), the empty shape (), sizes 0 and"
       " 1")
def check_broadcast_fixed(student):
    for a, b in FIXED_PAIRS:
        verify_broadcast(student, a, b)


@check("hidden_broadcast_shape", 2,
       "random pairs of compatible shapes of different lengths, compared with NumPy's rule")
def check_broadcast_random(student, rng):
    for _ in range(24):
        verify_broadcast(student, *random_compatible_pair(rng))
    verify_broadcast(student, *zero_against_one_pair(rng))  # drawn or not, every student gets one


@check("hidden_broadcast_shape", 1, "returns a tuple of Python ints")
def check_broadcast_ints(student):
    broadcast_works(student)
    for a, b in [((7, 1, 3), (2, 1)), ((4, 5), (4, 5))]:
        value, label = verify_broadcast(student, a, b)
        expect(all(type(size) is int for size in value), f"{label} returned sizes that are not all Python ints",
               **about(label))


@check("hidden_broadcast_shape", 2,
       "raises ValueError on incompatible shapes, including 0 against a size other than 0 or 1")
def check_broadcast_incompatible(student):
    broadcast_works(student)
    for a, b in INCOMPATIBLE:
        label = broadcast_call(a, b)
        outcome = student.call("broadcast_shape", a, b, label=label)
        if outcome.returned:
            fail(f"{label} should raise ValueError, but it returned", **about(label))
        expect(outcome.raised_value_error, f"{label} should raise ValueError, but it raised {outcome.raised}",
               **about(label), raised=outcome.raised)


@check("hidden_broadcast_shape", 1, "pure Python: no NumPy at all, read from your source code")
def check_broadcast_pure_python(student, source):
    broadcast_works(student)
    expect_rule(no_numpy(source, "broadcast_shape"), "uses NumPy")
