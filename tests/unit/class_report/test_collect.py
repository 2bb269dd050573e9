"""tensor_gears.class_report.collect: the gradebook's scores and each results.json's checks, per student."""

import json

import pytest

from tensor_gears.class_report.collect import collect
from tensor_gears.contract import ASSIGNMENT

from ..gradebooks import class_of_three, new_gradebook

CHECKS = [{"name": "check_relu_values", "description": "values", "points": 3, "passed": True, "message": ""},
          {"name": "check_naive_relu_loops_only", "description": "loops only", "points": 3, "passed": False,
           "message": "uses NumPy", "rule": {"name": "not loops only", "violations": []}}]


def graded_course(tmp_path):
    class_of_three(tmp_path / "gradebook.db")
    for student, notebooks in (("ada", ("01_elementwise", "02_broadcasting")), ("cy", ("01_elementwise",))):
        folder = tmp_path / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        for notebook in notebooks:
            (folder / f"{notebook}.ipynb").write_text("{}")
    results = tmp_path / "autograded" / "ada" / ASSIGNMENT
    results.mkdir(parents=True)
    (results / "results.json").write_text(json.dumps({"score": 97, "extra_data": {"isolation": "the box"}, "tests": [
        {"name": "test_naive_relu", "score": 0, "output": "visible test failed: AssertionError"},
        {"name": "test_naive_add", "score": 0, "output": "visible test passed"},
        {"name": "hidden_naive_relu", "score": 3, "output": "", "extra_data": {"checks": CHECKS}}]}))
    return tmp_path


def test_every_student_of_the_gradebook_with_their_scores_and_who_submitted(tmp_path):
    data = collect(graded_course(tmp_path))
    students = {student.id: student for student in data.students}
    assert list(students) == ["ada", "bo", "cy"] and data.max_score == 100
    assert [student.id for student in data.graded] == ["ada", "cy"]
    assert students["ada"].name == "Ada Lovelace" and students["ada"].lms_user_id == "1001"
    assert students["ada"].total == 97 and students["ada"].notebooks["01_elementwise"] == 15
    assert students["cy"].total == 12 and students["cy"].cells["hidden_naive_add"] == 6
    assert data.cell_points["hidden_naive_matrix_dot__timing"] == 2
    assert students["ada"].handed_in == ("01_elementwise", "02_broadcasting")
    assert students["cy"].handed_in == ("01_elementwise",) and not students["bo"].submitted


def test_checks_visible_tests_and_the_isolation_come_from_results_json(tmp_path):
    data = collect(graded_course(tmp_path))
    ada, cy = data.students[0], data.students[2]
    assert [(check.name, check.passed, check.function) for check in ada.checks] == [
        ("check_relu_values", True, "naive_relu"), ("check_naive_relu_loops_only", False, "naive_relu")]
    assert ada.checks[1].rule == {"name": "not loops only", "violations": []}
    assert ada.visible == {"naive_relu": False, "naive_add": True}
    assert data.isolation == "the box"
    assert not cy.has_results and cy.checks == []


def test_a_course_without_a_gradebook_is_refused_and_none_is_created(tmp_path):
    with pytest.raises(FileNotFoundError, match=f"no gradebook at {tmp_path.resolve() / 'gradebook.db'}: grade"):
        collect(tmp_path)
    assert not (tmp_path / "gradebook.db").exists()


def test_a_gradebook_without_the_assignment_is_refused(tmp_path):
    new_gradebook(tmp_path / "gradebook.db")
    with pytest.raises(LookupError, match=f"the gradebook has no assignment {ASSIGNMENT}: grade the course first"):
        collect(tmp_path)
