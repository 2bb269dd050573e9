"""What the hidden-check cells show: each check's outcome, and a last output that makes nbgrader's
scoring give the cell exactly the points earned (nothing: full marks; a number: partial; an error: 0)."""

from nbformat.v4 import new_code_cell, new_notebook, new_output

from tensor_gears.core.hidden_cells import CHECKS_METADATA, failed_results, outputs_for, write_results
from tensor_gears.grading import CellResult, CheckResult


def cell(points_earned: list[tuple[float, bool]], max_points: float = 6) -> CellResult:
    checks = [CheckResult(f"check_{i}", f"property {i}", points, passed, "" if passed else "why not")
              for i, (points, passed) in enumerate(points_earned)]
    return CellResult("hidden_naive_relu", max_points, checks)


def test_full_marks_show_the_report_alone():
    (report,) = outputs_for(cell([(4, True), (2, True)]))
    assert report.output_type == "stream" and report.text.startswith("hidden_naive_relu: 6 / 6 points\n")


def test_partial_points_end_with_the_number_earned():
    report, points = outputs_for(cell([(4, True), (2, False)]))
    assert "[FAILED] (2 pt) property 1\n         why not" in report.text
    assert points.output_type == "execute_result" and points.data == {"text/plain": "4"}


def test_no_points_end_with_an_error():
    report, error = outputs_for(cell([(4, False), (2, False)]))
    assert error.output_type == "error" and error.evalue == "0 of 6 points: see the checks above"


def test_a_notebook_the_grader_failed_on_scores_zero_in_every_hidden_cell_and_says_why():
    results = failed_results("01_elementwise", "the notebook was checked", "the grader could not check it")
    assert {grade_id: result.max_points for grade_id, result in results.items()} == {
        "hidden_naive_relu": 6, "hidden_naive_add": 6, "hidden_vectorized_add_relu": 4,
        "hidden_vectorized_add_relu__timing": 2}
    for result in results.values():
        (check,) = result.checks
        assert result.points == 0 and not check.passed and check.message == "the grader could not check it"


def test_results_go_into_their_cells_and_visible_tests_cannot_score():
    shown = new_output("execute_result", data={"text/plain": "3"}, execution_count=4)
    nb = new_notebook(cells=[
        new_code_cell("test_f()", metadata={"nbgrader": {"grade_id": "test_naive_relu", "grade": True, "points": 0}},
                      outputs=[shown]),
        new_code_cell("", metadata={"nbgrader": {"grade_id": "hidden_naive_relu", "grade": True, "points": 6}}),
    ])
    write_results(nb, {"hidden_naive_relu": cell([(4, True), (2, False)]), "hidden_not_here": cell([(6, True)])})
    visible, hidden = nb.cells
    assert visible.outputs[0].output_type == "display_data" and "execution_count" not in visible.outputs[0]
    assert [out.output_type for out in hidden.outputs] == ["stream", "execute_result"]
    checks = hidden.metadata[CHECKS_METADATA]["checks"]
    assert [(check["name"], check["passed"], check["message"]) for check in checks] == [
        ("check_0", True, ""), ("check_1", False, "why not")]


def test_a_cell_worth_nothing_shows_its_report_and_no_error():
    (report,) = outputs_for(CellResult("hidden_naive_relu", 0, []))
    assert report.output_type == "stream"
