"""The grader's own solutions, read from the instructor notebooks in source/."""

import ast

import pytest

from tensor_gears import reference
from tensor_gears.contract import TASKS


@pytest.mark.parametrize("task", TASKS, ids=[task.name for task in TASKS])
def test_each_solution_defines_its_function_without_the_solution_markers(task):
    code = reference.solution(task.name)
    assert "### BEGIN SOLUTION" not in code and "### END SOLUTION" not in code
    definitions = [node for node in ast.parse(code).body if isinstance(node, ast.FunctionDef)]
    assert [node.name for node in definitions][-1] == task.name
    assert tuple(arg.arg for arg in definitions[-1].args.args) == task.params


def test_a_callee_runs_on_its_own_with_numpy_imported():
    namespace = {}
    exec(reference.callee("naive_vector_dot"), namespace)
    import numpy as np
    assert namespace["naive_vector_dot"](np.array([1.0, 2.0]), np.array([3.0, 4.0])) == 11.0


def test_a_reference_submission_holds_the_solutions_and_the_extra_code():
    submission = reference.submission("naive_relu", "naive_add", extra="LIMIT = 3")
    assert submission.problems == [] and submission.imports("numpy")
    assert submission.definition("naive_relu").name == "naive_relu"
    assert submission.definition("naive_add").name == "naive_add"
    assert any(statement.code.strip() == "LIMIT = 3" for statement in submission.statements)
