"""A misbehaving submission costs only what it breaks: through real `nbgrader autograde`.

The saboteur (tests/students/saboteur) loops forever, kills its kernel, ends the checks'
process, exhausts memory, floods its output, returns objects that lie about equality,
renames a function, submits a numpy.py, deletes a test cell and edits a hidden cell.
Everything it did right still scores, and a reference student graded in the same run is
untouched by it.
"""

import json
from pathlib import Path

import nbformat
import pytest

from tensor_gears.contract import ASSIGNMENT
from tensor_gears.notebooks import cells_by_grade_id, read
from tensor_gears.release import nbgrader
from tensor_gears.sample_class.job import STUDENTS, stage_student

from .conftest import REPO, make_course
from .processes import left_behind

SABOTEUR = Path(__file__).resolve().parent / "students" / "saboteur"
EXPECTED_HIDDEN = {
    "hidden_naive_relu": 6, "hidden_naive_add": 0, "hidden_vectorized_add_relu": 0,
    "hidden_vectorized_add_relu__timing": 0, "hidden_repeat_along_new_axis": 6,
    "hidden_naive_add_matrix_and_vector": 6, "hidden_broadcast_shape": 0, "hidden_naive_vector_dot": 5,
    "hidden_naive_matrix_vector_dot": 0, "hidden_naive_matrix_vector_dot_by_rows": 5, "hidden_naive_matrix_dot": 0,
    "hidden_naive_matrix_dot__timing": 0, "hidden_flatten_images": 5, "hidden_naive_transpose": 0,
    "hidden_make_batches": 0, "hidden_gradient_of": 8, "hidden_dense_gradients": 7, "hidden_sgd_step": 0,
}
MESSAGES = {
    "hidden_naive_add": "the process running your code exited",
    "hidden_vectorized_add_relu": "raised SystemExit",
    "hidden_broadcast_shape": "expected a tuple",
    "hidden_naive_matrix_vector_dot": "expected exactly a numpy.ndarray",
    "hidden_naive_matrix_dot": "`naive_matrix_dot` is not defined in your notebook",
    "hidden_naive_transpose": "MemoryError",
    "hidden_make_batches": "expected a list",
    "hidden_sgd_step": "did not finish within 3 s",
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = make_course(tmp_path_factory.mktemp("saboteurs"))
    nbgrader(course, "generate_assignment", ASSIGNMENT)
    folder = stage_student(course, SABOTEUR)
    stage_student(course, STUDENTS / "perfect")
    product = folder / "03_tensor_product.ipynb"
    nb = read(product)
    nb.cells = [cell for cell in nb.cells if cell.get("id") != "test_naive_vector_dot"]
    cells_by_grade_id(nb)["hidden_naive_vector_dot"].source = "print('all points, please')"
    product.write_text(nbformat.writes(nb))
    run = nbgrader(course, "autograde", ASSIGNMENT, "--Execute.timeout=5", "--HiddenChecks.call_time_limit=3",
                   check=False)
    return course, run


def results(course, student):
    return json.loads((course / "autograded" / student / ASSIGNMENT / "results.json").read_text())


def test_the_run_completes_and_grades_both_students(graded):
    course, run = graded
    assert run.returncode == 0, run.stderr[-3000:]
    assert results(course, "perfect")["score"] == 100


def test_the_saboteur_keeps_exactly_what_it_earned(graded):
    course, _ = graded
    tests = {test["name"]: test for test in results(course, "saboteur")["tests"]}
    assert {name: tests[name]["score"] for name in EXPECTED_HIDDEN} == EXPECTED_HIDDEN
    for name, message in MESSAGES.items():
        assert message in tests[name]["output"], f"{name}: {tests[name]['output']}"


def test_deleted_and_edited_course_cells_are_restored(graded):
    course, _ = graded
    nb = read(course / "autograded" / "saboteur" / ASSIGNMENT / "03_tensor_product.ipynb")
    source = cells_by_grade_id(read(REPO / "source" / ASSIGNMENT / "03_tensor_product.ipynb"))
    cells = cells_by_grade_id(nb)
    assert "test_naive_vector_dot" in cells
    assert cells["hidden_naive_vector_dot"].source == source["hidden_naive_vector_dot"].source


def test_kernel_failures_are_reported_and_contained(graded):
    course, run = graded
    assert "the kernel died" in run.stderr or "kernel stopped" in run.stderr
    nb = read(course / "autograded" / "saboteur" / ASSIGNMENT / "02_broadcasting.ipynb")
    errors = [out for cell in nb.cells for out in cell.get("outputs", []) if out.output_type == "error"]
    assert any(out.ename == "DeadKernelError" for out in errors)
    assert any(out.ename == "NotRun" for out in errors)
    relu = read(course / "autograded" / "saboteur" / ASSIGNMENT / "01_elementwise.ipynb")
    assert any(out.get("ename") == "CellTimeoutError" for cell in relu.cells for out in cell.get("outputs", []))


def test_no_child_process_outlives_the_run(graded):
    """No process running student code is left without the grader that started it (other
    test workers' children, still attached to their grader, are not leftovers)."""
    assert left_behind() == []
