"""Helpers the hidden checks share: inputs, and verdicts with messages safe to show students.

A message says which property failed and on what shapes and dtypes, never the inputs'
values or the expected answer; a failure also carries the same as data (the call, what came
back instead, the rule broken), which the feedback and the class report show.
"""

import contextlib
from dataclasses import dataclass

import numpy as np

from ..errors import CheckFailed, NotJudged
from ..student_code import Other, Outcome, StudentCode, Tensor, View

# The timing checks judge only a function that depends on its inputs alone (source_rules.state).
TIMED_ALONE = ("not judged: the timing measures what a call does with its inputs alone, and this code keeps or "
               "reads more")


@dataclass(frozen=True)
class Call:
    """A call a check makes: as the student reads it, and as data (the function, its inputs'
    shapes and dtypes). `text`: the check's own words for it."""

    function: str
    inputs: tuple[str, ...] = ()
    text: str = ""

    def __str__(self) -> str:
        return self.text or (f"`{self.function}` on {', '.join(self.inputs)}" if self.inputs else f"`{self.function}`")

    def as_data(self) -> dict:
        return {"function": self.function, "inputs": list(self.inputs)}


def about(call) -> dict:
    """The details of a failure of `call` (a Call, or a check's own words)."""
    return {"call": call.as_data()} if isinstance(call, Call) else {}


def fail(message: str, **details):
    raise CheckFailed(message, **details)


def expect(condition: bool, message: str, **details):
    if not condition:
        raise CheckFailed(message, **details)


@contextlib.contextmanager
def judged_if_it_works(function: str, what: str = "the right result"):
    """A plain call made first: where it fails, the check cannot judge its own property."""
    try:
        yield
    except NotJudged:
        raise
    except CheckFailed as error:
        raise NotJudged(f"not judged: `{function}` must first return {what} on a plain input ({error})",
                        **error.details) from None


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


def call_label(function: str, names: tuple[str, ...], args) -> Call:
    return Call(function, tuple(f"{name}: {describe(arg)}" for name, arg in zip(names, args)))


def type_name(value) -> str:
    if isinstance(value, Other):
        return value.type_name
    if isinstance(value, Tensor):
        return "a TensorFlow variable" if value.variable else "a TensorFlow tensor"
    kind = type(value)
    return "numpy.ndarray" if kind is np.ndarray else f"{kind.__module__}.{kind.__qualname__}".replace("builtins.", "")


# ---- verdicts ----

def returned(outcome: Outcome, label):
    """The value returned, or a failure saying what was raised instead."""
    if not outcome.returned:
        message = f": {outcome.raised_message}" if outcome.raised_message else ""
        fail(f"{label} raised {outcome.raised}{message}", **about(label), raised=outcome.raised)
    return outcome.value


def expect_returned(condition: bool, label, what: str, got, wanted, message: str = ""):
    """A property of what came back (its `what`: type, shape, dtype...), as words and as data."""
    expect(condition, message or f"{label} returned {what} {got}, expected {wanted}", **about(label),
           returned={"what": what, "got": str(got), "wanted": str(wanted)})


def expect_ndarray(value, label, shape=None, dtype=None) -> np.ndarray:
    expect_returned(type(value) is np.ndarray, label, "type", type_name(value), "exactly a numpy.ndarray",
                    f"{label} returned {type_name(value)}, expected exactly a numpy.ndarray")
    if shape is not None:
        expect_returned(value.shape == tuple(shape), label, "shape", value.shape, tuple(shape))
    if dtype is not None:
        expect_returned(value.dtype == dtype, label, "dtype", value.dtype, np.dtype(dtype))
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


def expect_array_result(outcome: Outcome, expected: np.ndarray, label, dtype=None) -> np.ndarray:
    """The call returned exactly an ndarray of the expected shape (and dtype), with the right values."""
    value = expect_ndarray(returned(outcome, label), label, expected.shape, dtype)
    expect(same_values(value, expected), f"{label} returned wrong values", **about(label))
    return value


def expect_unchanged(outcome: Outcome, args, names: tuple[str, ...], label):
    for name, before, after in zip(names, args, outcome.args_after):
        if isinstance(before, (np.ndarray, View)):
            original = array_of(before)
            same = type(after) is np.ndarray and after.shape == original.shape and np.array_equal(after, original)
            expect(same, f"{label} modified its input `{name}`", **about(label))


def expect_no_shared_memory(outcome: Outcome, names: tuple[str, ...], label):
    entry = outcome.sharing[0] if outcome.sharing else None
    for name, sharing in zip(names, entry or []):
        if sharing is not None:
            expect(not sharing[0] and not sharing[1], f"{label} returned an array that shares memory with `{name}`",
                   **about(label))


def expect_rejects(student: StudentCode, function: str, args, names: tuple[str, ...]):
    label = call_label(function, names, args)
    outcome = student.call(function, *args, label=label)
    if outcome.returned:
        fail(f"{label} should raise AssertionError or ValueError, but it returned", **about(label))
    expect(outcome.raised_assertion_or_value_error,
           f"{label} should raise AssertionError or ValueError, but it raised {outcome.raised}", **about(label),
           raised=outcome.raised)


def expect_rule(violations: list, rule: str):
    """No violation of `rule` (each a source_rules Violation: a sentence, with its cell, line and quote)."""
    expect(not violations, f"{rule}: " + "; ".join(violations[:3]) + (" ..." if len(violations) > 3 else ""),
           rule={"name": rule, "violations": [violation.as_data() for violation in violations]})


def expect_working(student: StudentCode, function: str, names: tuple[str, ...], args, expected: np.ndarray):
    """Rule and rejection checks only judge a function that works: check one plain call."""
    label = call_label(function, names, args)
    with judged_if_it_works(function):
        expect_array_result(student.call(function, *args, label=label), expected, label)
