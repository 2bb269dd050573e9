"""A notebook that cannot be graded stands in as the blank student version, with a note saying why."""

import pytest

from tensor_gears.contract import NOTEBOOKS
from tensor_gears.core.stand_in import blank_student_version, stand_in, stand_in_reason
from tensor_gears.notebooks import STUB, nbgrader_meta, notebook_path, read
from tensor_gears.reference import SOURCE

RELEASE = SOURCE.parent / "release"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_the_blank_version_has_the_released_answer_cells(name):
    blank = blank_student_version(name)
    released = read(notebook_path(RELEASE, name))
    answers = [[cell.source for cell in nb.cells if nbgrader_meta(cell).get("solution")] for nb in (blank, released)]
    assert answers[0] == answers[1] and all(STUB.splitlines()[-1] in source for source in answers[0])


def test_a_stand_in_says_why_and_a_real_submission_does_not():
    nb = stand_in("01_elementwise", "the notebook file is not valid JSON")
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith(
        "**Not graded: the notebook file is not valid JSON.**")
    assert stand_in_reason(nb) == "the notebook file is not valid JSON."
    assert stand_in_reason(blank_student_version("01_elementwise")) is None
