"""What the hidden-check cells of a graded notebook show: each check's outcome, and a last
output that makes nbgrader's scoring rule give the cell exactly the points earned."""

from dataclasses import asdict

from nbformat.v4 import new_output

from ..contract import TASKS
from ..grading import CellResult, CheckResult
from ..notebooks import cells_by_grade_id, nbgrader_meta
from .execution import error_output

GRADER_FAILED = "the grader could not check this notebook; your instructor has been told"
CHECKS_METADATA = "tensor_gears"  # a hidden cell's metadata key: {"checks": [each check as data]}


def failed_results(notebook: str, description: str, reason: str) -> dict[str, CellResult]:
    """Every hidden cell of `notebook` at 0 points, with one failed check that says why."""
    results = {}
    for task in TASKS:
        if task.notebook == notebook:
            for cell in task.hidden_cells:
                check = CheckResult("notebook", description, cell.points, False, reason)
                results[cell.grade_id] = CellResult(cell.grade_id, cell.points, [check])
    return results


def write_results(nb, results: dict[str, CellResult]) -> None:
    """Put each hidden cell's report in its outputs (and its checks, as data, in its metadata);
    keep 0-point visible tests from scoring."""
    cells = cells_by_grade_id(nb)
    for grade_id, result in results.items():
        if grade_id in cells:
            cells[grade_id].outputs = outputs_for(result)
            cells[grade_id].metadata[CHECKS_METADATA] = {"checks": [asdict(check) for check in result.checks]}
    for cell in cells.values():
        if nbgrader_meta(cell).get("grade") and nbgrader_meta(cell).get("points") == 0:
            keep_visible_test_from_scoring(cell)


def outputs_for(result: CellResult) -> list:
    """The cell's outputs: the report, then nothing (full marks), the points, or an error (0)."""
    outputs = [new_output("stream", name="stdout", text=result.report() + "\n")]
    if result.points == 0 and result.max_points > 0:
        outputs.append(error_output("HiddenChecksFailed", f"0 of {result.max_points:g} points: see the checks above"))
    elif result.points < result.max_points:
        outputs.append(new_output("execute_result", data={"text/plain": f"{result.points:g}"}, execution_count=None))
    return outputs


def keep_visible_test_from_scoring(cell):
    """A 0-point visible test scores nothing; a number it displays must not break grading."""
    for out in cell.get("outputs", []):
        if out.output_type == "execute_result":
            out.output_type = "display_data"
            out.pop("execution_count", None)
