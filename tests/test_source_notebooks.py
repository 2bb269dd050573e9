"""The instructor notebooks are clean, complete and follow the task contract."""

import ast
import os
import re
import subprocess
import sys

import nbformat
import pytest

from tensor_gears.checks import declared_checks
from tensor_gears.contract import NOTEBOOKS, TASKS, TOTAL_POINTS, tasks_of
from tensor_gears.notebooks import cells_by_grade_id, nbgrader_meta, notebook_path, read
from tensor_gears.tidy import tidy

from .conftest import REPO

SOURCE = REPO / "source"
NBGRADER_KEYS = {"schema_version", "grade", "solution", "locked", "grade_id", "points", "task"}


@pytest.fixture(params=NOTEBOOKS)
def notebook(request):
    return request.param, read(notebook_path(SOURCE, request.param))


def test_exactly_the_contract_notebooks():
    found = sorted(path.stem for path in (SOURCE / "tensor_ops").iterdir())
    assert found == sorted(NOTEBOOKS)


def test_contract_totals_100_points():
    assert sum(task.points for task in TASKS) == TOTAL_POINTS
    for task in TASKS:
        assert sum(cell.points for cell in task.hidden_cells) == task.points


def test_clean_and_stable(notebook):
    name, nb = notebook
    nbformat.validate(nb)
    ids = [cell.get("id") for cell in nb.cells]
    assert all(ids), f"{name}: every cell needs a stable id"
    assert len(set(ids)) == len(ids), f"{name}: duplicate cell ids"
    assert not tidy(nb), f"{name}: has outputs, execution counts or run metadata; run `make tidy`"


def test_nbgrader_metadata_is_valid(notebook):
    name, nb = notebook
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if not meta:
            continue
        assert set(meta) <= NBGRADER_KEYS, f"{name}/{cell.id}: unexpected nbgrader keys {set(meta) - NBGRADER_KEYS}"
        assert meta["schema_version"] == 3
        assert {"grade", "solution", "locked"} <= set(meta)
        if meta["grade"] or meta["solution"] or meta["locked"]:
            assert re.fullmatch(r"[A-Za-z0-9_-]+", meta["grade_id"]), f"{name}/{cell.id}: bad grade_id"
        if meta["grade"]:
            assert meta["points"] >= 0


def test_every_contract_function_has_its_cells(notebook):
    name, nb = notebook
    cells = cells_by_grade_id(nb)
    expected = set()
    for task in tasks_of(name):
        answer = cells[task.answer_id]
        assert answer.cell_type == "code"
        assert nbgrader_meta(answer) == {"schema_version": 3, "grade": False, "solution": True,
                                         "locked": False, "grade_id": task.answer_id}
        test = cells[task.test_id]
        assert test.cell_type == "code"
        assert nbgrader_meta(test) == {"schema_version": 3, "grade": True, "solution": False,
                                       "locked": True, "grade_id": task.test_id, "points": 0}
        for hidden in task.hidden_cells:
            cell = cells[hidden.grade_id]
            assert cell.cell_type == "code", f"{hidden.grade_id} must be a code cell"
            assert nbgrader_meta(cell) == {"schema_version": 3, "grade": True, "solution": False,
                                           "locked": True, "grade_id": hidden.grade_id, "points": hidden.points}
        expected |= {task.answer_id, task.test_id, *(cell.grade_id for cell in task.hidden_cells)}
    assert set(cells) == expected, f"{name}: nbgrader cells outside the contract: {set(cells) - expected}"
    for grade_id, cell in cells.items():
        assert cell.id == grade_id, f"{name}: cell {cell.id} should use its grade id {grade_id} as its id"


def test_answer_cells_keep_signature_and_docstring_outside_the_solution(notebook):
    name, nb = notebook
    cells = cells_by_grade_id(nb)
    for task in tasks_of(name):
        source = cells[task.answer_id].source
        assert source.count("### BEGIN SOLUTION") == 1 and source.count("### END SOLUTION") == 1
        outside = source.split("### BEGIN SOLUTION")[0]
        tree = ast.parse(outside.rstrip() + "\n    pass\n")
        (function,) = [node for node in tree.body if isinstance(node, ast.FunctionDef)]
        assert function.name == task.name
        assert tuple(arg.arg for arg in function.args.args) == task.params, f"signature of {task.name}"
        assert ast.get_docstring(function), f"{task.name} needs a docstring outside the solution"


def run_cell(source: str, execution: str | None) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key != "NBGRADER_EXECUTION"}
    if execution:
        env["NBGRADER_EXECUTION"] = execution
    return subprocess.run([sys.executable, "-c", source], env=env, capture_output=True, text=True)


def test_hidden_cells_describe_and_fail_closed(notebook):
    """Students see a cell that only prints what is checked; the guard that makes it fail under
    an nbgrader with no hidden checks wired in is a hidden-tests block, restored at grading."""
    name, nb = notebook
    cells = cells_by_grade_id(nb)
    for task in tasks_of(name):
        for hidden in task.hidden_cells:
            source = cells[hidden.grade_id].source
            assert "assert" not in source and f"({hidden.points} points)" in source
            assert source.count("### BEGIN HIDDEN TESTS") == source.count("### END HIDDEN TESTS") == 1
            students_see = re.sub(r"### BEGIN HIDDEN TESTS\n.*?### END HIDDEN TESTS\n", "", source, flags=re.S)
            assert "NBGRADER_EXECUTION" not in students_see
            for execution in (None, "validate", "autograde"):
                student_run = run_cell(students_see, execution)
                assert student_run.returncode == 0 and student_run.stderr == "", student_run.stderr
                assert task.name in student_run.stdout
            assert run_cell(source, None).stdout == run_cell(students_see, None).stdout
            assert run_cell(source, "validate").returncode == 0
            graded_without_checks = run_cell(source, "autograde")
            assert graded_without_checks.returncode != 0, f"{hidden.grade_id} must fail closed under autograde"


def test_tensorflow_logs_are_silenced_before_import(notebook):
    name, nb = notebook
    code = "\n".join(cell.source for cell in nb.cells if cell.cell_type == "code")
    if "import tensorflow" not in code:
        return
    assert code.index('os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"') < code.index("import tensorflow")
    assert 'tf.get_logger().setLevel("ERROR")' in code


def test_hidden_cells_list_exactly_their_checks(notebook):
    name, nb = notebook
    cells = cells_by_grade_id(nb)
    declared = declared_checks(name)
    for task in tasks_of(name):
        for hidden in task.hidden_cells:
            checks = [check for check in declared if check.cell == hidden.grade_id]
            assert sum(check.points for check in checks) == hidden.points, f"{hidden.grade_id}: check points"
            listed = [line.removesuffix('""")') for line in cells[hidden.grade_id].source.splitlines()
                      if line.startswith("- (")]
            expected = [f"- ({c.points:g} {'point' if c.points == 1 else 'points'}) {c.description}" for c in checks]
            assert listed == expected, f"{hidden.grade_id} must list its checks as the check module declares them"
