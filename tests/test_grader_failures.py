"""A grader failure costs only what it touches, through real `nbgrader autograde tensor_ops`.

The grader has a planted bug (tests/fault_injection: building the source rules crashes on
code that holds a marker), and one student's correct 01 holds that marker in a comment of
`naive_relu`. That notebook's hidden cells score 0 with a message for the student; the
traceback and a summary naming the notebook reach the instructor, and the command exits 1.
The student's other notebook (04) and a second student are graded as usual. Each student
hands in 01 and 04 only, so the run stays short: the other notebooks add no new path.
"""

import json
import os
from pathlib import Path

import pytest

from tensor_gears.contract import ASSIGNMENT, TASKS
from tensor_gears.core.hidden_cells import GRADER_FAILED
from tensor_gears.reference import solution
from tensor_gears.release import nbgrader

from .conftest import grades, make_course, submit

FAULTS = Path(__file__).resolve().parent / "fault_injection"
TRIGGER = "GRADER_BUG_TRIGGER"
HANDED_IN = ("01_elementwise", "04_reshaping")


def points_of(*notebooks: str) -> float:
    return sum(task.points for task in TASKS if task.notebook in notebooks)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = make_course(tmp_path_factory.mktemp("grader-failure"))
    nbgrader(course, "generate_assignment", ASSIGNMENT)
    every_answer = {task.name: "reference" for task in TASKS}
    crashing_relu = solution("naive_relu").replace("    return", f"    # {TRIGGER}\n    return", 1)
    assert crashing_relu != solution("naive_relu")
    submit(course, "crasher", {**every_answer, "naive_relu": crashing_relu}, HANDED_IN)
    submit(course, "perfect", every_answer, HANDED_IN)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(FAULTS), os.environ.get("PYTHONPATH")])))
        return course, nbgrader(course, "autograde", ASSIGNMENT, check=False)


def results(course, student) -> dict[str, dict]:
    data = json.loads((course / "autograded" / student / ASSIGNMENT / "results.json").read_text())
    return {test["name"]: test for test in data["tests"]}


def test_the_failed_notebooks_hidden_cells_score_0_with_a_message(graded):
    course, _ = graded
    tests = results(course, "crasher")
    for task in TASKS:
        for cell in task.hidden_cells:
            if task.notebook == "01_elementwise":
                assert tests[cell.grade_id]["score"] == 0
                assert GRADER_FAILED in tests[cell.grade_id]["output"]
            elif task.notebook in HANDED_IN:
                assert tests[cell.grade_id]["score"] == cell.points, tests[cell.grade_id]["output"]


def test_the_students_other_notebooks_and_the_other_student_are_graded(graded):
    course, _ = graded
    kept = sorted(path.stem for path in (course / "autograded" / "crasher" / ASSIGNMENT).glob("*.ipynb"))
    assert kept == list(HANDED_IN)
    assert sum(grades(course, "crasher").values()) == points_of("04_reshaping")
    assert sum(grades(course, "perfect").values()) == points_of(*HANDED_IN)


def test_the_instructor_is_told_which_notebook_and_the_command_fails(graded):
    _, run = graded
    assert run.returncode == 1
    assert "The grader failed on crasher / 01_elementwise" in run.stderr
    assert "a planted bug in the grader's rule analysis" in run.stderr
    assert "perfect / " not in run.stderr.split("The grader failed on")[-1]
