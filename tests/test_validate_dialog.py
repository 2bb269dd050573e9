"""The students' Validate (tensor_gears.nbgrader_glue.validate_dialog): nbgrader's own Validator
on a released notebook, each failure reshaped so that the dialog leads with the error. The
dialog itself is checked in Chromium (test_browser.py, test_semester_in_browser.py); the reshaping
alone, without a kernel, in tests/unit/nbgrader_glue/test_validate_dialog.py."""

from nbgrader.validator import Validator

from tensor_gears.contract import ASSIGNMENT
from tensor_gears.nbgrader_glue.validate_dialog import CELL_LINES, error_first

from .conftest import REPO


def test_each_failure_leads_with_its_error_then_the_cells_first_lines():
    failed = Validator().validate(str(REPO / "release" / ASSIGNMENT / "04_reshaping.ipynb"))["failed"]
    assert failed
    for cell in failed:
        shown = error_first(cell["raw_error"], cell["source"])
        assert shown.startswith("NotImplementedError: replace this line with your code\n\nin the cell that begins:\n")
        first_lines = cell["source"].splitlines()[:CELL_LINES]
        assert shown.split("in the cell that begins:\n")[1].startswith("\n".join(f"    {line}" for line in first_lines))
        assert "\x1b[" not in shown

