"""Real `nbgrader autograde tensor_ops` from a course root, end to end: the main job on the
bundled sample class, the results it prints and writes, and the feedback students get."""

import json
import re

import pytest
from nbgrader.api import Gradebook

from tensor_gears.contract import ASSIGNMENT, NOTEBOOKS, TASKS
from tensor_gears.notebooks import STUB
from tensor_gears.reference import solution
from tensor_gears.release import nbgrader
from tensor_gears.sample_class.job import COURSE, student_names

from .conftest import REPO, make_course, submit

# Expected points per notebook (01 to 05), then the total, for each sample student.
EXPECTED = {
    "broken_file": [18, 20, 24, 0, 23, 85],
    "loop_vectorized": [18 - 3, 20, 24, 15, 23, 97],
    "mistakes": [18 - 2, 6, 24, 5, 23 - 1, 73],
    "partial": [18, 20, 5, 0, 0, 43],
    "perfect": [18, 20, 24, 15, 23, 100],
    "untouched": [0, 0, 0, 0, 0, 0],
}
HIDDEN_CHECK_CODE = ("def check_", "verify_", "random_array(", "views_of(", "expect_", "CheckFailed")


def scores(course, student):
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        submission = gradebook.find_submission(ASSIGNMENT, student)
        return {grade.name: grade.score for notebook in submission.notebooks for grade in notebook.grades}


@pytest.fixture(scope="module")
def sample_class(main_job):
    return main_job


def test_main_job_prints_each_students_points_per_notebook(sample_class):
    _, printed = sample_class
    for student, expected in EXPECTED.items():
        (row,) = [line.split() for line in printed.splitlines() if line.startswith(student + " ")]
        assert row[1:] == [f"{points:g}" for points in expected[:-1]] + [f"{expected[-1]}/100"], row
    assert "broken_file:\n  - 04_reshaping: the submitted file 04_reshaping.ipynb is not a readable notebook" in printed
    assert "grades.csv" in printed and "feedback" in printed
    assert "student code runs in: sandbox: bubblewrap" in printed
    assert "public default secret" in printed


def test_every_sample_student_lands_in_the_gradebook_with_its_expected_total(sample_class):
    root, _ = sample_class
    course = root / COURSE
    assert sorted(EXPECTED) == student_names()
    for student, expected in EXPECTED.items():
        graded = scores(course, student)
        assert set(graded) == {cell for task in TASKS
                               for cell in (task.test_id, *(h.grade_id for h in task.hidden_cells))}
        assert sum(graded.values()) == expected[-1], student
    export = (course / "grades.csv").read_text()
    assert export.count("tensor_ops") == len(EXPECTED)


def test_results_json_follows_the_gradescope_format(sample_class):
    root, _ = sample_class
    for student, expected in EXPECTED.items():
        results = json.loads((root / COURSE / "autograded" / student / ASSIGNMENT / "results.json").read_text())
        assert results["score"] == expected[-1]
        assert len(results["tests"]) == sum(1 + len(task.hidden_cells) for task in TASKS)
        for test in results["tests"]:
            assert set(test) - {"extra_data"} == {"name", "score", "max_score", "output", "visibility"}
            assert ("extra_data" in test) == test["name"].startswith("hidden_")
            for check in test.get("extra_data", {}).get("checks", []):
                assert set(check) == {"name", "description", "points", "passed", "message", "judged", "call",
                                      "returned", "raised", "rule", "measured", "stopped"}
            assert test["visibility"] == "visible" and 0 <= test["score"] <= test["max_score"]
        assert sum(test["score"] for test in results["tests"]) == results["score"]
    mistakes = json.loads((root / COURSE / "autograded" / "mistakes" / ASSIGNMENT / "results.json").read_text())
    (relu,) = [test for test in mistakes["tests"] if test["name"] == "hidden_naive_relu"]
    assert "[FAILED] (1 pt) returns a new numpy.ndarray" in relu["output"]
    assert "modified its input `x`" in relu["output"]
    perfect = json.loads((root / COURSE / "autograded" / "perfect" / ASSIGNMENT / "results.json").read_text())
    (timing,) = [test for test in perfect["tests"] if test["name"] == "hidden_vectorized_add_relu__timing"]
    (measured,) = [check["measured"] for check in timing["extra_data"]["checks"] if check["measured"]]
    assert measured["kind"] == "speedup" and measured["ratio"] >= measured["threshold"] == 20
    # a rule broken, as data (the mistakes student's naive_add adds whole arrays): its cell, line and code
    rules = [check["rule"] for test in mistakes["tests"] for check in test.get("extra_data", {}).get("checks", [])
             if check["rule"]]
    assert rules and all(v["line"] and v["cell"] and v["quote"] for rule in rules for v in rule["violations"]), rules


def test_feedback_shows_what_failed_but_no_hidden_code_inputs_or_solutions(sample_class):
    root, _ = sample_class
    feedback = root / COURSE / "feedback"
    solutions = {line.strip() for task in TASKS for line in _solution_lines(task.name)}
    for student in ("untouched", "mistakes"):
        for notebook in NOTEBOOKS:
            html = (feedback / student / ASSIGNMENT / f"{notebook}.html").read_text()
            text = re.sub(r"<[^>]+>", "", html)
            for marker in HIDDEN_CHECK_CODE:
                assert marker not in text, f"{student}/{notebook} feedback shows hidden check code {marker!r}"
            if student == "untouched":
                public = (REPO / "release" / ASSIGNMENT / f"{notebook}.ipynb").read_text()
                leaked = [line for line in solutions if len(line) > 25 and line in text and line not in public]
                assert not leaked, f"{notebook} feedback shows solution lines {leaked[:3]}"
    mistakes = (feedback / "mistakes" / ASSIGNMENT / "02_broadcasting.html").read_text()
    assert "FAILED" in mistakes and "repeat_along_new_axis" in mistakes
    # broadcast_shape's rule check could not judge a function that fails on a plain input: it says so
    summary = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", mistakes.split("Broadcasting")[0]))
    pure = summary.split("FAILED 1 pt pure Python: no NumPy at all")[1]
    assert pure.startswith(", read from your source code Not judged: broadcast_shape must first return"), pure[:300]


def _solution_lines(function):
    body = solution(function).split('"""')[-1]
    return [line for line in body.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def course_without_checks(tmp_path_factory):
    """The reference solutions autograded by nbgrader with no hidden checks wired in."""
    course = make_course(tmp_path_factory.mktemp("unwired"))
    (course / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.ClearSolutions.code_stub = {{'python': {STUB!r}}}\n"
    )
    nbgrader(course, "generate_assignment", ASSIGNMENT)
    submit(course, "reference", {task.name: "reference" for task in TASKS})
    nbgrader(course, "autograde", ASSIGNMENT)
    return course


def test_hidden_cells_fail_closed_without_the_checks(course_without_checks):
    graded = scores(course_without_checks, "reference")
    for task in TASKS:
        for cell in task.hidden_cells:
            assert graded[cell.grade_id] == 0, f"{cell.grade_id} scored without the hidden checks"
        assert graded[task.test_id] == 0
