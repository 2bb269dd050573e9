"""Helpers the hidden checks share: inputs, and verdicts with messages safe to show students.

A message says which property failed and on what shapes and dtypes, never the inputs'
values or the expected answer.
"""

import numpy as np

from ..errors import CheckFailed
from ..student_code import Other, Outcome, StudentCode, Tensor, View


# The timing checks judge only a function that depends on its inputs alone (source_rules.state).
TIMED_ALONE = "not judged: the timing measures what a call does with its inputs alone, and this code keeps or reads more"


def fail(message: str):
    raise CheckFailed(message)


def expect(condition: bool, message: str):
    if not condition:
        raise CheckFailed(message)


# ---- inputs ----

def structure(rng):
    """Where a check draws the kinds of its inputs: the same for every student (secret.CheckRandom)."""
    return getattr(rng, "structure", rng)


def random_array(rng, shape, dtype) -> np.ndarray:
    """Values of both signs: small non-zero integers, or floats with a fractional part, on a
    pattern (which entries are negative, and for integers which are 0) the same for every student."""
    shape = tuple(shape)
    if np.issubdtype(dtype, np.integer):
        kinds = [0, 1] if np.issubdtype(dtype, np.unsignedinteger) else [-1, 0, 1]
        signs = structure(rng).choice(kinds, size=shape, p=[0.1, 0.9] if len(kinds) == 2 else [0.45, 0.1, 0.45])
        return np.asarray(signs * rng.integers(1, 10, size=shape), dtype=dtype)
    return np.asarray(signed_uniform(rng, 0.25, 8, shape), dtype=dtype)


def signed_uniform(rng, low: float, high: float, shape=None) -> np.ndarray | float:
    """Magnitudes drawn in [low, high) from the student's values, with signs the same for every student."""
    signs = structure(rng).choice([-1.0, 1.0], size=shape)
    return signs * rng.uniform(low, high, size=shape)


def views_of(rng: np.random.Generator, shape: tuple[int, int], dtype) -> list[View]:
    """Non-contiguous 2-D views of `shape`: a transpose, a strided slice, a reversed one."""
    rows, cols = shape
    return [
        View(random_array(rng, (cols, rows), dtype), ["T"]),
        View(random_array(rng, (rows, 2 * cols), dtype), [[(None, None), (None, None, 2)]]),
        View(random_array(rng, (rows, cols), dtype), [[(None, None, -1), (None, None)]]),
    ]


def array_of(value) -> np.ndarray:
    """The array a check input stands for."""
    return value.array if isinstance(value, View) else value


# ---- describing, for messages ----

def describe(value) -> str:
    if isinstance(value, View):
        kind = "a transposed view" if value.steps == ["T"] else "a non-contiguous view"
        return f"{value.array.shape} {value.array.dtype} ({kind})"
    if isinstance(value, np.ndarray):
        return f"{value.shape} {value.dtype}" if value.ndim else f"a 0-d {value.dtype} array"
    if isinstance(value, tuple):
        return str(value)
    return type(value).__name__


def call_label(function: str, names: tuple[str, ...], args) -> str:
    parts = ", ".join(f"{name}: {describe(arg)}" for name, arg in zip(names, args))
    return f"`{function}` on {parts}"


def type_name(value) -> str:
    if isinstance(value, Other):
        return value.type_name
    if isinstance(value, Tensor):
        return "a TensorFlow variable" if value.variable else "a TensorFlow tensor"
    kind = type(value)
    return "numpy.ndarray" if kind is np.ndarray else f"{kind.__module__}.{kind.__qualname__}".replace("builtins.", "")


# ---- verdicts ----

def returned(outcome: Outcome, label: str):
    """The value returned, or a failure saying what was raised instead."""
    if not outcome.returned:
        message = f": {outcome.raised_message}" if outcome.raised_message else ""
        fail(f"{label} raised {outcome.raised}{message}")
    return outcome.value


def expect_ndarray(value, label: str, shape=None, dtype=None) -> np.ndarray:
    expect(type(value) is np.ndarray, f"{label} returned {type_name(value)}, expected exactly a numpy.ndarray")
    if shape is not None:
        expect(value.shape == tuple(shape), f"{label} returned shape {value.shape}, expected {tuple(shape)}")
    if dtype is not None:
        expect(value.dtype == dtype, f"{label} returned dtype {value.dtype}, expected {np.dtype(dtype)}")
    return value


def same_values(got: np.ndarray, expected: np.ndarray) -> bool:
    """Exact for integers, a tolerance for floats."""
    if got.shape != expected.shape:
        return False
    if not (np.issubdtype(got.dtype, np.number) or got.dtype == bool):
        return False
    if np.issubdtype(expected.dtype, np.integer) and np.issubdtype(got.dtype, np.integer):
        return bool(np.array_equal(got, expected))
    return bool(np.allclose(got.astype(np.float64), expected.astype(np.float64), rtol=1e-6, atol=1e-9))


def expect_array_result(outcome: Outcome, expected: np.ndarray, label: str, dtype=None) -> np.ndarray:
    """The call returned exactly an ndarray of the expected shape (and dtype), with the right values."""
    value = expect_ndarray(returned(outcome, label), label, expected.shape, dtype)
    expect(same_values(value, expected), f"{label} returned wrong values")
    return value


def expect_unchanged(outcome: Outcome, args, names: tuple[str, ...], label: str):
    for name, before, after in zip(names, args, outcome.args_after):
        if isinstance(before, (np.ndarray, View)):
            original = array_of(before)
            same = type(after) is np.ndarray and after.shape == original.shape and np.array_equal(after, original)
            expect(same, f"{label} modified its input `{name}`")


def expect_no_shared_memory(outcome: Outcome, names: tuple[str, ...], label: str):
    entry = outcome.sharing[0] if outcome.sharing else None
    for name, sharing in zip(names, entry or []):
        if sharing is not None:
            expect(not sharing[0] and not sharing[1], f"{label} returned an array that shares memory with `{name}`")


def expect_rejects(student: StudentCode, function: str, args, names: tuple[str, ...]):
    label = call_label(function, names, args)
    outcome = student.call(function, *args, label=label)
    if outcome.returned:
        fail(f"{label} should raise AssertionError or ValueError, but it returned")
    expect(outcome.raised_assertion_or_value_error,
           f"{label} should raise AssertionError or ValueError, but it raised {outcome.raised}")


def expect_rule(violations: list[str], rule: str):
    expect(not violations, f"{rule}: " + "; ".join(violations[:3]) + (" ..." if len(violations) > 3 else ""))


def expect_working(student: StudentCode, function: str, names: tuple[str, ...], args, expected: np.ndarray):
    """Rule and rejection checks only score for a function that works: check one plain call."""
    label = call_label(function, names, args)
    outcome = student.call(function, *args, label=label)
    if not outcome.returned or type(outcome.value) is not np.ndarray or not same_values(outcome.value, expected):
        fail(f"not checked: `{function}` must first return the right result on a plain input ({label})")
