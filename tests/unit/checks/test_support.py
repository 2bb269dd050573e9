"""The checks' helpers: inputs on patterns the same for every student, and verdicts whose messages are
safe to show and carry the same as data."""

import numpy as np
import pytest

from tensor_gears.checks.support import (
    Call, about, call_label, describe, expect_ndarray, expect_returned, expect_rule, judged_if_it_works,
    random_array, returned, same_values, signed_uniform, type_name, views_of,
)
from tensor_gears.errors import CheckFailed, NotJudged
from tensor_gears.secret import rng_for
from tensor_gears.source_rules.violations import Place, Violation
from tensor_gears.student_code import Other, Outcome, Tensor


def students(check="check_values"):
    return rng_for("secret", "tensor_ops", "ada", check), rng_for("secret", "tensor_ops", "bo", check)


@pytest.mark.parametrize("dtype", [np.int64, np.int8, np.float64, np.float32])
def test_random_arrays_have_each_students_values_on_the_checks_pattern(dtype):
    ada, bo = (random_array(rng, (30, 40), dtype) for rng in students())
    assert ada.dtype == dtype and ada.shape == (30, 40)
    assert np.array_equal(np.sign(ada), np.sign(bo)) and not np.array_equal(ada, bo)
    assert (ada < 0).any() and (ada > 0).any()
    magnitudes = np.abs(ada[ada != 0])
    if np.issubdtype(dtype, np.integer):
        assert 0.05 < np.mean(ada == 0) < 0.2 and magnitudes.min() >= 1 and magnitudes.max() <= 9
    else:
        assert not (ada == 0).any() and magnitudes.min() >= 0.25 and magnitudes.max() < 8
        assert (magnitudes != np.round(magnitudes)).all()


def test_unsigned_arrays_have_no_negatives_and_another_check_another_pattern():
    assert (random_array(students()[0], (50,), np.uint8) >= 0).all()
    first, other = random_array(students()[0], (50,), np.int64), random_array(students("check_b")[0], (50,), np.int64)
    assert not np.array_equal(np.sign(first), np.sign(other))


def test_a_plain_generator_draws_both_values_and_pattern():
    signs = np.sign(signed_uniform(np.random.default_rng(1), 0.25, 8, (100,)))
    assert set(signs) == {-1.0, 1.0}


def test_views_are_non_contiguous_and_of_the_shape_asked():
    for view in views_of(students()[0], (3, 4), np.float64):
        assert view.array.shape == (3, 4) and not view.array.flags.c_contiguous
    assert [describe(view) for view in views_of(students()[0], (3, 4), np.int64)][:2] == [
        "(3, 4) int64 (a transposed view)", "(3, 4) int64 (a non-contiguous view)"]


def test_a_call_reads_as_words_and_as_data():
    label = call_label("naive_add", ("x", "y"), (np.ones((2, 3)), np.array(1.5)))
    assert str(label) == "`naive_add` on x: (2, 3) float64, y: a 0-d float64 array"
    assert label.as_data() == {"function": "naive_add", "inputs": ["x: (2, 3) float64", "y: a 0-d float64 array"]}
    assert str(Call("f", text="the timed call")) == "the timed call" and str(Call("f")) == "`f`"
    assert about(label) == {"call": label.as_data()} and about("words only") == {}
    assert describe((2, 3)) == "(2, 3)" and describe(3) == "int"


def test_type_names_say_what_came_back():
    assert type_name(np.ones(2)) == "numpy.ndarray" and type_name([1]) == "list"
    assert type_name(np.ones(2).view(np.matrix)) == "numpy.matrix"
    assert type_name(Other("pandas.DataFrame")) == "pandas.DataFrame"
    assert type_name(Tensor(np.ones(2), variable=True)) == "a TensorFlow variable"


def test_a_property_of_what_came_back_fails_with_words_and_data():
    label = Call("f", ("x: (3,) float64",))
    with pytest.raises(CheckFailed) as caught:
        expect_returned(False, label, "shape", (2,), (3,))
    assert str(caught.value) == "`f` on x: (3,) float64 returned shape (2,), expected (3,)"
    assert caught.value.details == {"call": label.as_data(), "returned": {"what": "shape", "got": "(2,)",
                                                                          "wanted": "(3,)"}}
    expect_returned(True, label, "shape", (3,), (3,))


def test_only_exactly_an_ndarray_of_the_shape_and_dtype_passes():
    assert expect_ndarray(np.ones(3), "`f`", (3,), np.float64).shape == (3,)
    with pytest.raises(CheckFailed, match=r"`f` returned list, expected exactly a numpy.ndarray"):
        expect_ndarray([1.0], "`f`")
    with pytest.raises(CheckFailed, match=r"returned dtype float32, expected float64"):
        expect_ndarray(np.ones(3, np.float32), "`f`", (3,), np.float64)


def test_what_was_raised_instead_of_a_value_is_the_failure():
    assert returned(Outcome(value=7), "`f`") == 7
    with pytest.raises(CheckFailed, match="^`f` raised ValueError: shapes differ$") as caught:
        returned(Outcome(raised="ValueError", raised_message="shapes differ"), "`f`")
    assert caught.value.details == {"raised": "ValueError"}


def test_a_property_is_not_judged_when_the_plain_call_fails_first():
    with pytest.raises(NotJudged) as caught:
        with judged_if_it_works("naive_add"):
            raise CheckFailed("`naive_add` raised ValueError", raised="ValueError")
    assert str(caught.value) == ("not judged: `naive_add` must first return the right result on a plain input "
                                 "(`naive_add` raised ValueError)")
    assert caught.value.details == {"raised": "ValueError"}
    inner = NotJudged("not judged: already")
    with pytest.raises(NotJudged) as caught, judged_if_it_works("naive_add"):
        raise inner
    assert caught.value is inner
    with pytest.raises(KeyError), judged_if_it_works("naive_add"):
        raise KeyError("the grader's own error is not the student's")
    with judged_if_it_works("naive_add"):
        pass


def test_values_compare_exactly_for_integers_and_within_a_tolerance_for_floats():
    assert same_values(np.array([1, 2]), np.array([1, 2])) and not same_values(np.array([1, 3]), np.array([1, 2]))
    assert same_values(np.array([1.0 + 1e-9]), np.array([1.0])) and not same_values(np.array([1.001]), np.array([1.0]))
    assert not same_values(np.ones(2), np.ones(3)) and not same_values(np.array(["a"]), np.array(["a"]))
    assert same_values(np.array([True]), np.array([1.0]))


def test_a_broken_rule_quotes_at_most_three_violations_and_carries_them_all_as_data():
    found = [Violation(f"a `for` loop (line {line})", Place("cell 3", line), "for") for line in range(1, 6)]
    with pytest.raises(CheckFailed) as caught:
        expect_rule(found, "no loops")
    assert str(caught.value) == "no loops: a `for` loop (line 1); a `for` loop (line 2); a `for` loop (line 3) ..."
    assert caught.value.details["rule"]["name"] == "no loops"
    assert len(caught.value.details["rule"]["violations"]) == 5
    assert caught.value.details["rule"]["violations"][4] == {"text": "a `for` loop (line 5)", "cell": "cell 3",
                                                             "line": 5, "quote": "for"}
    expect_rule([], "no loops")
