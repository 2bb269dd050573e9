"""tensor_gears.class_report.outcomes: what a check's outcome means, read from its data (never its message)."""

import pytest

from tensor_gears.class_report.collect import Check
from tensor_gears.class_report.outcomes import (
    NOTEBOOK_CHECK, broken_rule, notebook_failure, rule_of, rules, stopped_because, timing_of,
)
from tensor_gears.contract import TASKS
from tensor_gears.core.hidden_cells import GRADER_FAILED


def check(name="check_naive_relu_loops_only", passed=False, message="", **data) -> Check:
    return Check("ada", "hidden_naive_relu", name, "", 2.0, passed, message, **data)


def test_the_rule_each_check_enforces_is_read_from_the_check_modules():
    found = rules()
    assert found["check_naive_relu_loops_only"] == "not loops only"
    assert found["check_vectorized_no_loops"] == "not vectorized"
    assert found["check_broadcast_pure_python"] == "uses NumPy"
    assert found["check_sgd_tape"] == "no gradient tape"
    assert set(found.values()) == {"not loops only", "not vectorized", "uses NumPy", "no gradient tape"}
    assert rule_of(check("check_relu_values")) is None


def test_a_rule_counts_as_broken_only_when_the_check_failed_on_the_rule_itself():
    rule = {"name": "not loops only", "violations": []}
    assert broken_rule(check(rule=rule)) == "not loops only"
    assert broken_rule(check()) is None  # failed first on wrong results: no rule data
    assert broken_rule(check(passed=True, rule=rule)) is None


@pytest.mark.parametrize("measured, slowness, higher", [
    ({"kind": "speedup", "ratio": 10.0, "threshold": 20}, 2.0, True),
    ({"kind": "speedup", "ratio": 0, "threshold": 20}, float("inf"), True),
    ({"kind": "budget", "ratio": 25.0, "threshold": 50}, 0.5, False),
    ({"kind": "budget", "ratio": None, "threshold": 50}, float("inf"), False),
])
def test_slowness_is_the_distance_from_the_threshold_in_either_direction(measured, slowness, higher):
    timing = timing_of(check("check_vectorized_timing", measured=measured))
    assert timing.slowness == slowness and timing.higher_is_better is higher


def test_a_check_without_a_ratio_and_threshold_is_no_timing():
    assert timing_of(check()) is None
    assert timing_of(check(measured={"ratio": 2.0})) is None


def test_only_a_failed_untimed_check_can_have_been_stopped_by_the_sandbox():
    assert stopped_because(check(stopped="killed by SIGKILL")) == "killed by SIGKILL"
    assert stopped_because(check(passed=True, stopped="killed by SIGKILL")) is None
    slow = check(stopped="stopped at the limit", measured={"kind": "budget", "ratio": None, "threshold": 50})
    assert stopped_because(slow) is None


def test_a_whole_notebook_at_0_is_a_grader_failure_or_an_unreadable_file():
    assert notebook_failure(check(NOTEBOOK_CHECK, message=GRADER_FAILED)) == "grader failed"
    assert notebook_failure(check(NOTEBOOK_CHECK, message="the file is not JSON")) == "unreadable"
    assert notebook_failure(check(NOTEBOOK_CHECK, passed=True)) is None
    assert notebook_failure(check("check_relu_values", message=GRADER_FAILED)) is None
    assert check().function == "naive_relu" and check().notebook == TASKS[0].notebook
