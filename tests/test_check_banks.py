"""The hidden checks are right: every correct variant keeps full marks, every buggy one fails
the checks its section names and passes the others. Run through the check API directly (no nbgrader)."""

import pytest

from tensor_gears.contract import task_named
from tensor_gears.grading import grade
from tensor_gears.submission import Submission

from .bank_sections import variants


def scores(variant, student="bank-student"):
    cells = grade(variant.notebook, Submission.from_source(variant.source), student, [variant.function])
    return cells, sum(cell.points for cell in cells.values())


def failures(cells) -> str:
    return "\n".join(cell.report() for cell in cells.values())


@pytest.mark.parametrize("variant", variants("correct"), ids=lambda v: f"{v.function}: {v.label}")
def test_correct_variant_keeps_full_marks(variant):
    cells, earned = scores(variant)
    assert earned == task_named(variant.function).points, failures(cells)


@pytest.mark.parametrize("student", ["bank-student", "another-student"])  # other random inputs, the same verdicts
@pytest.mark.parametrize("variant", variants("buggy"), ids=lambda v: f"{v.function}: {v.label}")
def test_buggy_variant_loses_points_on_its_function(variant, student):
    """It fails exactly the checks its section names, whoever hands it in: the checks' random
    inputs differ from student to student, the checks a mistake fails do not."""
    assert variant.fails, "a buggy section names the checks it fails on a `# fails:` line"
    cells, earned = scores(variant, student)
    failed = {check.name for cell in cells.values() for check in cell.checks if not check.passed}
    assert variant.fails <= failed, f"the mistake went unnoticed by {variant.fails - failed}:\n{failures(cells)}"
    assert failed == variant.fails, f"{failed - variant.fails} failed too:\n{failures(cells)}"
    assert earned < task_named(variant.function).points
