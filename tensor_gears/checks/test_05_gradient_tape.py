"""Hidden checks of 05_gradient_tape: gradient_of, dense_gradients, sgd_step.

Expected gradients are derived by hand and computed in float64 NumPy, independently of
TensorFlow; the student's float32 results are compared with a tolerance.
"""

import numpy as np

from tensor_gears.checks import check
from tensor_gears.checks.support import (
    Call, about, describe, expect, expect_returned, expect_rule, fail, judged_if_it_works, returned, signed_uniform,
    type_name,
)
from tensor_gears.source_rules import uses_gradient_tape
from tensor_gears.student_code import GradientFunction, Other, Tensor, TfConstant, TfVariable

# ---- gradient_of ----


def random_function(rng, name: str) -> tuple[GradientFunction, callable]:
    """A function of one tensor of the kind `name`, with random coefficients (their signs the
    same for every student, none near 0) and a large offset, which moves its values and not its
    gradient (a gradient by finite differences in float32 is then far off for every student),
    and its gradient
    (of the sum of its values) as NumPy code. The kind is fixed by each check, not drawn, so
    that a mistake fails the same checks for every student: a `polynomial` works element by
    element (a tape that averages instead of summing is seen on any x with more than one
    value), `sin_plus_square` and `exp_mean` return a scalar (where the two agree)."""
    offset = float(np.round(signed_uniform(rng, 50, 100), 1))
    if name == "polynomial":
        coefficients = [float(c) for c in np.round(signed_uniform(rng, 0.5, 2, 4), 2)]
        gradient = lambda t: sum(k * c * t ** (k - 1) for k, c in enumerate(coefficients) if k)  # noqa: E731
        return GradientFunction("polynomial", {"coefficients": coefficients, "offset": offset}), gradient
    a, b = (float(v) for v in np.round(signed_uniform(rng, 0.5, 2, 2), 2))
    if name == "sin_plus_square":
        return (GradientFunction("sin_plus_square", {"a": a, "b": b, "offset": offset}),
                lambda t: a * np.cos(t) + 2 * b * t)
    return GradientFunction("exp_mean", {"a": a, "offset": offset}), lambda t: a * np.exp(a * t) / max(t.size, 1)


def as_array(value, label) -> np.ndarray:
    if isinstance(value, Tensor):
        return value.value
    if type(value) is np.ndarray:
        return value
    if isinstance(value, np.generic):
        return np.asarray(value)
    if value is None:
        fail(f"{label} returned None: the tape recorded nothing for x (watch x, and call f(x) inside the `with` block)",
             **about(label), returned={"what": "type", "got": "None", "wanted": "a tensor or an array"})
    fail(f"{label} returned {type_name(value)}, expected a tensor or an array", **about(label),
         returned={"what": "type", "got": type_name(value), "wanted": "a tensor or an array"})


def close(got: np.ndarray, expected: np.ndarray, dtype) -> bool:
    tolerance = 1e-4 if np.dtype(dtype) == np.float32 else 1e-9
    scale = max(1.0, float(np.max(np.abs(expected), initial=0.0)))
    return got.shape == expected.shape and bool(np.allclose(got.astype(np.float64), expected, rtol=tolerance,
                                                            atol=tolerance * scale))


def verify_gradient(student, rng, make_input, kind: str, shape, dtype=np.float32, function="polynomial", values=None):
    """`function`: a kind of random_function, or (f, its gradient); `values`: x's, else random."""
    x = np.asarray(signed_uniform(rng, 0.1, 1.5, shape) if values is None else values, dtype=dtype)
    f, gradient = random_function(rng, function) if isinstance(function, str) else function
    label = Call("gradient_of", (f"f: {f.name}", f"x: {shape} {np.dtype(dtype)} ({kind})"),
                 f"`gradient_of` on {kind} x of shape {shape} {np.dtype(dtype)} with f = {f.name}")
    got = as_array(returned(student.call("gradient_of", f, make_input(x), label=label), label), label)
    expect_returned(got.shape == x.shape, label, "shape", got.shape, x.shape,
                    f"{label} returned shape {got.shape}, expected the shape of x {x.shape}")
    expect(close(got, gradient(x.astype(np.float64)), dtype), f"{label} returned a wrong gradient", **about(label))


def gradient_works(student, rng):
    with judged_if_it_works("gradient_of", "the right gradient"):
        verify_gradient(student, rng, TfVariable, "a trainable variable", (3,), function="exp_mean")


@check("hidden_gradient_of", 2,
       "a trainable float32 tf.Variable of several shapes, with new functions f (polynomials, sin, exp): values "
       "of the gradient, shape of x")
def check_gradient_variable(student, rng):
    for shape, function in [((), "polynomial"), ((4,), "sin_plus_square"), ((2, 3), "exp_mean")]:
        verify_gradient(student, rng, TfVariable, "a trainable variable", shape, function=function)


@check("hidden_gradient_of", 1, "a non-trainable tf.Variable (the tape does not watch it by itself)")
def check_gradient_untrainable(student, rng):
    verify_gradient(student, rng, lambda x: TfVariable(x, trainable=False), "a non-trainable variable", (3, 2))


@check("hidden_gradient_of", 2, "a constant tf.Tensor (the tape must be told to watch it)")
def check_gradient_constant(student, rng):
    for shape, function in [((), "sin_plus_square"), ((5,), "polynomial")]:
        verify_gradient(student, rng, TfConstant, "a constant tensor", shape, function=function)


@check("hidden_gradient_of", 1, "a function f whose result is not a scalar (the tape sums it)")
def check_gradient_non_scalar(student, rng):
    coefficients = [0.0, float(rng.uniform(0.5, 2)), float(signed_uniform(rng, 0.25, 1))]
    f = GradientFunction("polynomial", {"coefficients": coefficients})
    verify_gradient(student, rng, TfVariable, "a trainable variable", (2, 2),
                    function=(f, lambda t: coefficients[1] + 2 * coefficients[2] * t))


@check("hidden_gradient_of", 1, "float64 inputs")
def check_gradient_float64(student, rng):
    # A fixed cubic first: only a gradient exact in float64 is within the tolerance there
    # (finite differences are 2e-8 off, whoever's inputs; x = 0 is avoided: TF's gradient of
    # x ** 0 is NaN there).
    cubic = GradientFunction("polynomial", {"coefficients": [0.0, 0.0, 0.0, 2.0]}), lambda t: 6 * t ** 2
    verify_gradient(student, rng, TfVariable, "a trainable variable", (3,), dtype=np.float64, function=cubic,
                    values=[0.25, 0.5, -1.0])
    verify_gradient(student, rng, TfConstant, "a constant tensor", (2,), dtype=np.float64)


@check("hidden_gradient_of", 1, "uses tf.GradientTape, read from your source code")
def check_gradient_tape(student, rng, source):
    gradient_works(student, rng)
    expect_rule(uses_gradient_tape(source, "gradient_of"), "no gradient tape")


# ---- dense_gradients ----

def dense_inputs(rng, batch, n, m):
    x = signed_uniform(rng, 0.1, 1, (batch, n)).astype(np.float32)
    W = signed_uniform(rng, 0.1, 1, (n, m)).astype(np.float32)
    b = signed_uniform(rng, 0.1, 1, (m,)).astype(np.float32)
    return x, W, b


def verify_dense(student, rng, batch, n, m):
    x, W, b = dense_inputs(rng, batch, n, m)
    label = Call("dense_gradients", (f"x: {describe(x)}", f"W: {describe(W)}", f"b: {describe(b)}"))
    outcome = student.call("dense_gradients", TfConstant(x), TfVariable(W), TfVariable(b), label=label)
    value = returned(outcome, label)
    expect_returned(type(value) in (list, tuple) and len(value) == 2, label, "type", type_name(value),
                    "a list or tuple [dy/dW, dy/db]",
                    f"{label} returned {type_name(value)}, expected a list or tuple [dy/dW, dy/db]")
    d_W, d_b = (as_array(item, label) for item in value)
    expect_returned(d_W.shape == W.shape and d_b.shape == b.shape, label, "shapes", (d_W.shape, d_b.shape),
                    (W.shape, b.shape), f"{label} returned gradients of shapes {d_W.shape} and {d_b.shape}, expected "
                    f"{W.shape} and {b.shape}")
    expected_W = x.astype(np.float64).T @ np.ones((batch, m))
    expected_b = np.full(m, float(batch))
    expect(close(d_W, expected_W, np.float32), f"{label}: dy/dW is wrong", **about(label))
    expect(close(d_b, expected_b, np.float32), f"{label}: dy/db is wrong", **about(label))
    return outcome, label, (x, W, b)


@check("hidden_dense_gradients", 1, "the notebook's example: x, W of shape (2, 2) and b of shape (2,)")
def check_dense_example(student, rng):
    verify_dense(student, rng, 2, 2, 2)


@check("hidden_dense_gradients", 3, "values of dy/dW and dy/db on new shapes (batch, n) @ (n, m), non-square and odd")
def check_dense_values(student, rng):
    for batch, n, m in [(3, 4, 2), (5, 1, 3), (1, 6, 5)]:
        verify_dense(student, rng, batch, n, m)


@check("hidden_dense_gradients", 1, "returns a list or tuple [dy/dW, dy/db] shaped like W and b")
def check_dense_structure(student, rng):
    verify_dense(student, rng, 4, 3, 2)


@check("hidden_dense_gradients", 1, "leaves x, W and b unchanged")
def check_dense_unchanged(student, rng):
    outcome, label, inputs = verify_dense(student, rng, 3, 2, 4)
    for name, before, after in zip(("x", "W", "b"), inputs, outcome.args_after):
        expect(isinstance(after, Tensor) and np.array_equal(after.value, before), f"{label} modified `{name}`",
               **about(label))


@check("hidden_dense_gradients", 1, "uses tf.GradientTape, read from your source code")
def check_dense_tape(student, rng, source):
    with judged_if_it_works("dense_gradients", "the right gradients"):
        verify_dense(student, rng, 2, 3, 2)
    expect_rule(uses_gradient_tape(source, "dense_gradients"), "no gradient tape")


# ---- sgd_step ----

def verify_sgd(student, rng, batch, n, m, learning_rate):
    x, W, b = dense_inputs(rng, batch, n, m)
    y_true = signed_uniform(rng, 0.1, 2, (batch, m)).astype(np.float32)
    label = Call("sgd_step", (f"W: {describe(W)}", f"b: {describe(b)}", f"x: {describe(x)}",
                              f"y_true: {describe(y_true)}", f"learning_rate={learning_rate}"))
    outcome = student.call("sgd_step", TfVariable(W), TfVariable(b), TfConstant(x), TfConstant(y_true), learning_rate,
                           label=label)
    loss = returned(outcome, label)
    x64, W64, b64, y64 = (a.astype(np.float64) for a in (x, W, b, y_true))
    error = y64 - (x64 @ W64 + b64)
    expected_loss = float(np.mean(error ** 2))
    grad_W = -2 * x64.T @ error / error.size
    grad_b = -2 * error.sum(axis=0) / error.size
    updated = (W64 - learning_rate * grad_W, b64 - learning_rate * grad_b)
    return outcome, label, loss, expected_loss, updated, (x, y_true)


def as_number(loss, label):
    if isinstance(loss, Tensor):
        if loss.value.size != 1:
            fail(f"{label} returned a tensor of shape {loss.value.shape}", **about(label),
                 returned={"what": "shape", "got": str(loss.value.shape), "wanted": "a single number"})
        return float(loss.value)
    if isinstance(loss, (int, float, np.generic)) and not isinstance(loss, bool):
        return float(loss)
    if type(loss) is np.ndarray and loss.size == 1:
        return float(loss)
    fail(f"{label} returned {type_name(loss)}, expected the loss as a number", **about(label),
         returned={"what": "type", "got": type_name(loss), "wanted": "a number"})


@check("hidden_sgd_step", 2, "returns the mean squared error computed before the update, on new inputs")
def check_sgd_loss(student, rng):
    for batch, n, m, rate in [(4, 3, 2, 0.1), (6, 2, 1, 0.05)]:
        _, label, loss, expected_loss, _, _ = verify_sgd(student, rng, batch, n, m, rate)
        expect(np.isclose(as_number(loss, label), expected_loss, rtol=1e-4, atol=1e-5),
               f"{label} returned a wrong loss (it must be the mean squared error before the update)", **about(label))


@check("hidden_sgd_step", 3,
       "updates W and b in place (the same variables) by -learning_rate * gradient, for several learning rates")
def check_sgd_update(student, rng):
    for batch, n, m, rate in [(5, 3, 2, 0.1), (3, 4, 3, 0.01), (8, 2, 2, 0.5)]:
        outcome, label, _, _, (new_W, new_b), _ = verify_sgd(student, rng, batch, n, m, rate)
        W_after, b_after = outcome.args_after[0], outcome.args_after[1]
        expect(isinstance(W_after, Tensor) and isinstance(b_after, Tensor), f"{label}: W and b are no longer variables",
               **about(label))
        expect(close(W_after.value, new_W, np.float32),
               f"{label}: W was not updated in place by -learning_rate * dloss/dW", **about(label))
        expect(close(b_after.value, new_b, np.float32),
               f"{label}: b was not updated in place by -learning_rate * dloss/db", **about(label))


@check("hidden_sgd_step", 1, "returns exactly a Python float (float(loss)), not a tensor or a NumPy number")
def check_sgd_float(student, rng):
    _, label, loss, _, _, _ = verify_sgd(student, rng, 4, 2, 2, 0.1)
    expect_returned(type(loss) is float, label, "type", type_name(loss), "a Python float",
                    f"{label} returned {type_name(loss)}, expected a Python float")


@check("hidden_sgd_step", 1, "leaves x and y_true unchanged")
def check_sgd_unchanged(student, rng):
    outcome, label, _, _, _, (x, y_true) = verify_sgd(student, rng, 3, 3, 2, 0.1)
    for name, before, after in zip(("x", "y_true"), (x, y_true), outcome.args_after[2:4]):
        expect(isinstance(after, Tensor) and np.array_equal(after.value, before), f"{label} modified `{name}`",
               **about(label))


@check("hidden_sgd_step", 1, "uses tf.GradientTape, read from your source code")
def check_sgd_tape(student, rng, source):
    with judged_if_it_works("sgd_step", "the right loss"):
        _, label, loss, expected_loss, _, _ = verify_sgd(student, rng, 4, 3, 2, 0.1)
        expect(not isinstance(loss, Other) and np.isclose(as_number(loss, label), expected_loss, rtol=1e-4, atol=1e-5),
               f"{label} returned a wrong loss", **about(label))
    expect_rule(uses_gradient_tape(source, "sgd_step"), "no gradient tape")
