"""One exception hierarchy: the student's failures apart from the grader's, all under TensorGearsError."""

import pytest

from tensor_gears import errors
from tensor_gears.errors import CheckFailed, ChildError, ChildTimeout, GraderError, NotJudged, TensorGearsError


def test_every_exception_of_the_package_is_a_tensor_gears_error():
    raised = [value for value in vars(errors).values() if isinstance(value, type) and issubclass(value, Exception)]
    assert len(raised) == 7 and all(issubclass(kind, TensorGearsError) for kind in raised)


def test_a_failed_check_is_an_assertion_that_carries_its_details_as_data():
    with pytest.raises(AssertionError) as caught:
        raise CheckFailed("`f` returned shape (2,), expected (3,)", call={"function": "f"}, raised=None)
    assert str(caught.value) == "`f` returned shape (2,), expected (3,)"
    assert caught.value.details == {"call": {"function": "f"}, "raised": None}
    assert CheckFailed("no details").details == {}


def test_the_students_failures_and_the_graders_are_apart():
    assert issubclass(NotJudged, CheckFailed) and issubclass(ChildTimeout, ChildError)
    assert not issubclass(GraderError, (CheckFailed, ChildError)) and not issubclass(ChildError, CheckFailed)
