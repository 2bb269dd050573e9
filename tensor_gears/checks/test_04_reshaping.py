"""Hidden checks of 04_reshaping: flatten_images, naive_transpose, make_batches."""

import numpy as np

from tensor_gears.checks import check
from tensor_gears.checks.support import (
    Call, about, array_of, call_label, expect, expect_array_result, expect_ndarray, expect_no_shared_memory,
    expect_rejects, expect_returned, expect_rule, expect_unchanged, expect_working, fail, random_array, returned,
    same_values, type_name, views_of,
)
from tensor_gears.source_rules import loops_only
from tensor_gears.student_code import View

# ---- flatten_images ----

STACKS = [((5, 4, 3), np.uint8), ((3, 28, 28), np.uint8), ((2, 3, 5), np.float64), ((0, 4, 4), np.uint8),
          ((4, 0, 2), np.float32), ((1, 1, 7), np.int64)]


def verify_flatten(student, images):
    label = call_label("flatten_images", ("images",), [images])
    array = array_of(images)
    n, h, w = array.shape
    outcome = student.call("flatten_images", images, label=label)
    expect_array_result(outcome, array.reshape((n, h * w)), label, dtype=array.dtype)
    return outcome, label


def flatten_works(student, rng):
    images = random_array(rng, (3, 2, 4), np.uint8)
    expect_working(student, "flatten_images", ("images",), [images], images.reshape(3, 8))


@check("hidden_flatten_images", 2,
       "the (n, h * w) array in row-major order with the dtype of images, on new stacks including n = 0, uint8, "
       "int and float dtypes")
def check_flatten_values(student, rng):
    for shape, dtype in STACKS:
        verify_flatten(student, random_array(rng, shape, dtype))


@check("hidden_flatten_images", 1, "a view of images (no copy) when images is C-contiguous, and images left unchanged")
def check_flatten_view(student, rng):
    for shape, dtype in STACKS[:3]:
        images = random_array(rng, shape, dtype)
        outcome, label = verify_flatten(student, images)
        expect_unchanged(outcome, [images], ("images",), label)
        view = outcome.sharing and outcome.sharing[0] and outcome.sharing[0][0]
        expect(bool(view) and view[1], f"{label} returned a copy; a C-contiguous stack should give a view (no copy)",
               **about(label))


@check("hidden_flatten_images", 1,
       "values on stacks that are not contiguous (a transposed or strided view), where a copy is fine")
def check_flatten_non_contiguous(student, rng):
    verify_flatten(student, View(random_array(rng, (4, 3, 5), np.uint8), ["T"]))
    every_other_column = [[(None, None), (None, None), (None, None, 2)]]
    verify_flatten(student, View(random_array(rng, (3, 4, 10), np.float64), every_other_column))


@check("hidden_flatten_images", 1, "rejects inputs that are not 3-D (AssertionError or ValueError)")
def check_flatten_rejects(student, rng):
    flatten_works(student, rng)
    for shape in [(28, 28), (2, 3, 4, 1), (6,)]:
        expect_rejects(student, "flatten_images", [random_array(rng, shape, np.uint8)], ("images",))


# ---- naive_transpose ----

def verify_transpose(student, x):
    label = call_label("naive_transpose", ("x",), [x])
    outcome = student.call("naive_transpose", x, label=label)
    expect_array_result(outcome, array_of(x).T, label, dtype=array_of(x).dtype)
    return outcome, label


def transpose_works(student, rng):
    x = random_array(rng, (3, 4), np.float64)
    expect_working(student, "naive_transpose", ("x",), [x], x.T)


@check("hidden_naive_transpose", 2,
       "out[j, i] == x[i, j] with the dtype of x, on new non-square, odd and empty shapes, int and float dtypes")
def check_transpose_values(student, rng):
    for shape in [(3, 5), (5, 3), (1, 7), (7, 1), (4, 4), (0, 3), (2, 0)]:
        for dtype in (np.float64, np.int64, np.uint8):
            verify_transpose(student, random_array(rng, shape, dtype))


@check("hidden_naive_transpose", 1, "values on non-contiguous views (a transposed array, strided and reversed slices)")
def check_transpose_views(student, rng):
    for x in views_of(rng, (3, 6), np.float64) + views_of(rng, (5, 2), np.int32):
        verify_transpose(student, x)


@check("hidden_naive_transpose", 1, "a new array that shares no memory with x, and x left unchanged")
def check_transpose_new_array(student, rng):
    for x in [random_array(rng, (4, 6), np.float64), random_array(rng, (3, 3), np.int64)]:
        outcome, label = verify_transpose(student, x)
        expect_no_shared_memory(outcome, ("x",), label)
        expect_unchanged(outcome, [x], ("x",), label)


@check("hidden_naive_transpose", 1, "loops only, read from your source code")
def check_transpose_loops_only(student, rng, source):
    transpose_works(student, rng)
    expect_rule(loops_only(source, "naive_transpose", {"x": 2}), "not loops only")


# ---- make_batches ----

def verify_batches(student, x, batch_size):
    label = call_label("make_batches", ("x", "batch_size"), [x, batch_size])
    outcome = student.call("make_batches", x, batch_size, label=label)
    value = returned(outcome, label)
    array = array_of(x)
    expected = [array[start:start + batch_size] for start in range(0, len(array), batch_size)]
    expect_returned(type(value) is list, label, "type", type_name(value), "a list",
                    f"{label} returned {type_name(value)}, expected a list")
    expect_returned(len(value) == len(expected), label, "batches", len(value), len(expected),
                    f"{label} returned {len(value)} batches, expected {len(expected)}")
    for index, (batch, wanted) in enumerate(zip(value, expected)):
        where = Call(label.function, label.inputs, f"{label}, batch {index}")
        expect_ndarray(batch, where, wanted.shape)
        expect(same_values(batch, wanted), f"{where} holds the wrong items (batches are consecutive slices along axis "
                                           "0)",
               **about(label))
    return outcome, label, value


def batches_input(rng, length, item_shape=(), dtype=np.float64):
    return random_array(rng, (length,) + item_shape, dtype)


@check("hidden_make_batches", 2,
       "a list of consecutive slices of batch_size items along axis 0, the last one possibly shorter, on new "
       "arrays with 1 to 4 axes and several batch sizes")
def check_batches_values(student, rng):
    for length, item_shape, batch_size in [(10, (), 3), (12, (2,), 4), (7, (3, 2), 2), (300, (4, 4), 128),
                                           (5, (1, 2, 3), 1), (9, (), 9)]:
        verify_batches(student, batches_input(rng, length, item_shape, np.float64), batch_size)
    verify_batches(student, batches_input(rng, 11, (2,), np.uint8), 5)


@check("hidden_make_batches", 1, "[] for an empty x, and a single batch when batch_size >= len(x)")
def check_batches_edges(student, rng):
    verify_batches(student, batches_input(rng, 0, (3,)), 4)
    verify_batches(student, batches_input(rng, 0), 1)
    verify_batches(student, batches_input(rng, 5, (2,)), 50)


@check("hidden_make_batches", 1, "each batch is a view of x (no copy)")
def check_batches_views(student, rng):
    x = batches_input(rng, 10, (3,))
    outcome, label, batches = verify_batches(student, x, 4)
    for index, sharing in enumerate(outcome.sharing):
        if not (sharing and sharing[0] and sharing[0][1]):
            fail(f"{label}, batch {index} is a copy; each batch should be a view of x (a slice)", **about(label))


@check("hidden_make_batches", 1, "values on a non-contiguous x (a transposed or strided view), and x left unchanged")
def check_batches_non_contiguous(student, rng):
    for x in views_of(rng, (9, 4), np.float64)[:2]:
        verify_batches(student, x, 4)
    x = batches_input(rng, 8, (2,))
    outcome, label, _ = verify_batches(student, x, 3)
    expect_unchanged(outcome, [x], ("x",), label)
