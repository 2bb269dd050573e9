"""tensor_gears.nbgrader_glue.hidden_checks: the hidden-checks step of `nbgrader autograde`, on what needs no
check child: notebooks outside the course pass through, a notebook graded as the blank version scores 0 with
its reason, and a grader failure in the `nbgrader` command ends it with status 1, naming the notebook."""

import logging
import os
import sys

from tensor_gears.core.hidden_cells import CHECKS_METADATA
from tensor_gears.core.stand_in import stand_in
from tensor_gears.nbgrader_glue.hidden_checks import GraderFailures, HiddenChecks


def resources(notebook):
    return {"nbgrader": {"student": "ada", "notebook": notebook}}


def test_a_notebook_that_is_not_the_courses_is_left_as_it_is():
    nb = stand_in("01_elementwise", "anything")
    before = nb.copy()
    assert HiddenChecks().preprocess(nb, resources("scratch")) == (before, resources("scratch"))


def test_a_notebook_graded_as_the_blank_version_scores_0_in_each_hidden_cell_with_its_reason():
    nb, _ = HiddenChecks().preprocess(stand_in("02_broadcasting", "the file was empty"), resources("02_broadcasting"))
    hidden = [cell for cell in nb.cells if CHECKS_METADATA in cell.get("metadata", {})]
    assert {cell.metadata.nbgrader.grade_id for cell in hidden} == {
        "hidden_repeat_along_new_axis", "hidden_naive_add_matrix_and_vector", "hidden_broadcast_shape"}
    for cell in hidden:
        [check] = cell.metadata[CHECKS_METADATA]["checks"]
        assert not check["passed"] and check["message"] == "the file was empty."
        assert cell.outputs[-1].output_type == "error"


def test_the_call_time_limit_is_a_documented_trait():
    trait = HiddenChecks.class_traits()["call_time_limit"]
    assert trait.metadata.get("config") and "Seconds one call" in trait.help


def test_outside_the_nbgrader_command_a_grader_failure_is_only_recorded(monkeypatch):
    monkeypatch.setattr(sys, "argv", ["tensor-gears"])
    failures = GraderFailures()
    failures.add("ada", "01_elementwise", logging.getLogger("test"))
    assert failures.failed == [("ada", "01_elementwise")]


def test_at_exit_the_nbgrader_command_names_each_failed_notebook_and_ends_with_status_1():
    reading, writing = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into the tests
        try:
            log = logging.getLogger("tensor_gears.test_exit")
            log.addHandler(logging.StreamHandler(os.fdopen(writing, "w")))
            failures = GraderFailures()
            failures.add("ada", "03_tensor_product", log)
            failures.report()
        finally:
            os._exit(99)
    os.close(writing)
    with os.fdopen(reading) as said:
        text = said.read()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 1
    assert ("The grader failed on ada / 03_tensor_product: its hidden cells scored 0. Fix the cause shown in the "
            "traceback above, then regrade: nbgrader autograde tensor_ops --student ada --force") in text
