"""tensor_gears.nbgrader_glue.results_json: results.json in Gradescope's format, one test per grade cell in
contract order, scores from the gradebook, each hidden cell's checks as data, and the isolation it ran in."""

import json

from nbformat.v4 import new_code_cell, new_notebook, new_output

from tensor_gears.contract import TASKS
from tensor_gears.core.hidden_cells import CHECKS_METADATA
from tensor_gears.nbgrader_glue.apply_report import ISOLATION
from tensor_gears.nbgrader_glue.results_json import WriteResults, grade_ids_in_order, message

from ..gradebooks import class_of_three

CHECK = {"name": "check_relu_values", "passed": False, "message": "wrong values"}


def graded_01():
    """ada's 01_elementwise as autograde leaves it: a failed visible test, a hidden cell's report and checks."""
    def cell(grade_id, points, outputs, **metadata):
        made = new_code_cell("...", metadata={"nbgrader": {"grade_id": grade_id, "grade": True, "points": points},
                                              **metadata})
        made.outputs = outputs
        return made

    return new_notebook(cells=[
        cell("test_naive_relu", 0, [new_output("error", ename="AssertionError", evalue="not zero", traceback=[])]),
        cell("hidden_naive_relu", 6, [new_output("stream", name="stdout", text="hidden_naive_relu: 3 / 6 points\n")],
             **{CHECKS_METADATA: {"checks": [CHECK]}}),
        cell("test_naive_add", 0, []),
    ])


def write(tmp_path, notebook="01_elementwise", nb=None):
    folder = tmp_path / "autograded" / "ada" / "tensor_ops"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{notebook}.ipynb").write_text("{}")
    resources = {"nbgrader": {"student": "ada", "assignment": "tensor_ops", "notebook": notebook,
                              "db_url": class_of_three(tmp_path / "gradebook.db")},
                 "metadata": {"path": str(folder)}, ISOLATION: {"mode": "root", "description": "the box"}}
    WriteResults().preprocess(nb or graded_01(), resources)
    return json.loads((folder / "results.json").read_text())


def test_one_test_per_grade_cell_in_contract_order_with_the_gradebooks_scores(tmp_path):
    results = write(tmp_path)
    names = [test["name"] for test in results["tests"]]
    assert names == grade_ids_in_order() and len(names) == sum(1 + len(task.hidden_cells) for task in TASKS)
    scores = {test["name"]: (test["score"], test["max_score"]) for test in results["tests"]}
    assert scores["hidden_naive_relu"] == (3, 6) and scores["hidden_sgd_step"] == (8, 8)
    assert results["score"] == sum(score for score, _ in scores.values()) == 97
    assert results["extra_data"] == {"isolation": "the box", "isolation_mode": "root"}


def test_the_notebook_being_graded_gives_its_report_and_checks_the_others_say_when_they_are_graded(tmp_path):
    tests = {test["name"]: test for test in write(tmp_path)["tests"]}
    assert tests["hidden_naive_relu"]["output"] == "hidden_naive_relu: 3 / 6 points"
    assert tests["hidden_naive_relu"]["extra_data"] == {"checks": [CHECK]}
    assert tests["test_naive_relu"]["output"] == "visible test failed: AssertionError: not zero"
    assert tests["test_naive_add"]["output"] == "visible test passed"
    assert tests["hidden_broadcast_shape"]["output"] == "notebook not submitted"


def test_a_later_notebook_keeps_what_an_earlier_one_wrote(tmp_path):
    write(tmp_path)
    (tmp_path / "autograded" / "ada" / "tensor_ops" / "02_broadcasting.ipynb").write_text("{}")
    tests = {test["name"]: test for test in write(tmp_path, "02_broadcasting", new_notebook())["tests"]}
    assert tests["hidden_naive_relu"]["extra_data"] == {"checks": [CHECK]}
    assert tests["hidden_naive_relu"]["output"] == "hidden_naive_relu: 3 / 6 points"


def test_a_visible_tests_message_names_its_first_error():
    cell = new_code_cell("", metadata={"nbgrader": {"grade_id": "test_x"}})
    cell.outputs = [new_output("stream", name="stderr", text="warned\n")]
    assert message(cell) == "visible test failed: stderr: warned"
