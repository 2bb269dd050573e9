"""Real `nbgrader autograde tensor_ops` from a course root, end to end."""

import shutil

import pytest
from nbgrader.api import Gradebook

from tensor_gears.contract import ASSIGNMENT, TASKS
from tensor_gears.release import nbgrader
from tensor_gears.sample_class.job import run

from .conftest import REPO, make_course


def scores(course, student):
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        submission = gradebook.find_submission(ASSIGNMENT, student)
        return {grade.name: grade.score for notebook in submission.notebooks for grade in notebook.grades}


@pytest.fixture(scope="module")
def course_without_checks(tmp_path_factory):
    """The reference solutions autograded by nbgrader with no hidden checks wired in."""
    course = make_course(tmp_path_factory.mktemp("unwired"))
    (course / "nbgrader_config.py").write_text(
        'c = get_config()\nc.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\\nraise NotImplementedError()"}\n'
    )
    nbgrader(course, "generate_assignment", ASSIGNMENT)
    shutil.copytree(course / "source" / ASSIGNMENT, course / "submitted" / "reference" / ASSIGNMENT)
    nbgrader(course, "autograde", ASSIGNMENT)
    return course


def test_hidden_cells_fail_closed_without_the_checks(course_without_checks):
    graded = scores(course_without_checks, "reference")
    for task in TASKS:
        for cell in task.hidden_cells:
            assert graded[cell.grade_id] == 0, f"{cell.grade_id} scored without the hidden checks"
        assert graded[task.test_id] == 0


def test_main_job_releases_and_grades_the_sample_class(tmp_path, capsys):
    root = make_course(tmp_path / "repo")
    shutil.copytree(REPO / "release", root / "release")
    run(root)
    printed = capsys.readouterr().out
    course = root / "build" / "sample_class"
    for student in ("reference", "untouched"):
        graded = scores(course, student)
        assert set(graded) >= {cell.grade_id for task in TASKS for cell in task.hidden_cells}
    for task in TASKS:
        (row,) = [line for line in printed.splitlines() if line.split()[:1] == [task.name]]
        assert row.split()[1:3] == ["test", "pass,"] and row.split()[4:6] == ["test", "FAIL,"], row
    assert (root / "release" / ASSIGNMENT / "01_elementwise.ipynb").read_text() == (
        REPO / "release" / ASSIGNMENT / "01_elementwise.ipynb"
    ).read_text()
