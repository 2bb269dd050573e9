"""tensor_gears.nbgrader_glue.apply_report: a worker's executed notebook put into the one nbgrader prepared,
cell by cell; no report means 0 for every hidden cell; other cells than prepared are the grader's failure."""

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from tensor_gears.core.hidden_cells import CHECKS_METADATA, GRADER_FAILED
from tensor_gears.errors import GraderError
from tensor_gears.nbgrader_glue.apply_report import ISOLATION, REPORTS, ApplyReport


def prepared():
    """01_elementwise's graded cells as nbgrader prepares them: no outputs yet."""
    cells = [new_markdown_cell("# ReLU", id="intro"),
             new_code_cell("def naive_relu(x): ...", id="answer", metadata={"nbgrader": {"grade_id": "naive_relu"}})]
    for grade_id, points in (("hidden_naive_relu", 6), ("hidden_naive_add", 6), ("hidden_vectorized_add_relu", 4),
                             ("hidden_vectorized_add_relu__timing", 2)):
        cells.append(new_code_cell("# hidden", id=grade_id, metadata={"nbgrader": {
            "grade_id": grade_id, "grade": True, "locked": True, "points": points}}))
    return new_notebook(cells=cells)


def executed():
    nb = prepared()
    nb.metadata["language_info"] = {"name": "python", "version": "3.11"}
    nb.cells[1].outputs = [new_output("stream", name="stdout", text="defined\n")]
    nb.cells[1].execution_count = 1
    nb.cells[2].outputs = [new_output("stream", name="stdout", text="hidden_naive_relu: 6 / 6 points\n")]
    nb.cells[2].metadata[CHECKS_METADATA] = {"checks": [{"name": "check_relu_values", "passed": True}]}
    return nb


def apply(report: dict, student="ada", notebook="01_elementwise"):
    REPORTS[student] = report
    try:
        return ApplyReport().preprocess(prepared(), {"nbgrader": {"student": student, "notebook": notebook}})
    finally:
        del REPORTS[student]


def test_each_code_cells_outputs_count_and_checks_come_from_the_workers_notebook():
    nb, resources = apply({"notebooks": {"01_elementwise": {"executed": nbformat.writes(executed())}},
                           "isolation": {"mode": "root", "description": "sandbox: ..."}})
    assert nb.cells[1].outputs[0].text == "defined\n" and nb.cells[1].execution_count == 1
    assert nb.cells[2].outputs[0].text.startswith("hidden_naive_relu: 6 / 6")
    assert nb.cells[2].metadata[CHECKS_METADATA]["checks"][0]["name"] == "check_relu_values"
    assert CHECKS_METADATA not in nb.cells[3].metadata
    assert nb.metadata.language_info.version == "3.11"
    assert resources[ISOLATION] == {"mode": "root", "description": "sandbox: ..."}


def test_a_notebook_the_worker_did_not_grade_scores_0_in_every_hidden_cell_saying_the_grader_failed():
    nb, resources = apply({"notebooks": {}})
    hidden = [cell for cell in nb.cells if cell.id.startswith("hidden_")]
    assert all(cell.outputs[-1].output_type == "error" for cell in hidden)
    assert all(cell.metadata[CHECKS_METADATA]["checks"][0]["message"] == GRADER_FAILED for cell in hidden)
    assert ISOLATION not in resources


def test_a_worker_notebook_with_other_cells_than_prepared_is_refused_as_the_graders_failure():
    other = executed()
    other.cells.append(new_code_cell("print('extra')", id="extra"))
    with pytest.raises(GraderError, match="ada / 01_elementwise: the worker graded other cells than nbgrader prepared"):
        apply({"notebooks": {"01_elementwise": {"executed": nbformat.writes(other)}}})
