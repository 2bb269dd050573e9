"""tensor_gears.nbgrader_glue.validate_dialog: what the students' Validate dialog shows of a failed cell: its
error (the exception and its whole message, without terminal colours), then the cell's first lines.
nbgrader's Validator on a released notebook: tests/test_validate_dialog.py."""

from tensor_gears.nbgrader_glue.validate_dialog import CELL_LINES, _jupyter_server_extension_points, error_first


def test_a_message_over_several_lines_is_kept_whole():
    traceback = "\x1b[0;31mAssertionError\x1b[0m  Traceback\nCell In[3], line 2\n----> 2 assert x\n" \
                "\x1b[0;31mAssertionError\x1b[0m: broadcast_shape((2, 1), (1, 3)) should be (2, 3)\ngot (2, 1)"
    shown = error_first(traceback, "assert x\n")
    assert shown.startswith("AssertionError: broadcast_shape((2, 1), (1, 3)) should be (2, 3)\ngot (2, 1)\n\n")
    assert shown.endswith("in the cell that begins:\n    assert x")


def test_the_last_exception_of_a_chained_traceback_leads():
    traceback = ("KeyError: 'x'\n\nDuring handling of the above exception, another exception occurred:\n\n"
                 "Traceback (most recent call last):\n  File \"<cell>\", line 3\nnumpy.exceptions.AxisError: axis 2")
    assert error_first(traceback, "f()").startswith("numpy.exceptions.AxisError: axis 2\n\n")


def test_a_long_cell_shows_its_first_lines_then_an_ellipsis():
    source = "\n".join(f"line_{number} = {number}" for number in range(CELL_LINES + 4))
    shown = error_first("ValueError: no", source).split("in the cell that begins:\n")[1]
    assert shown.splitlines() == [f"    line_{number} = {number}" for number in range(CELL_LINES)] + ["    ..."]


def test_without_an_exception_line_the_last_line_of_the_error_leads_and_an_empty_one_says_so():
    assert error_first("the kernel died\nrestarting", "x").startswith("restarting\n\n")
    assert error_first("", "x").startswith("(no error message)\n\n")


def test_the_extension_is_this_module():
    assert _jupyter_server_extension_points() == [{"module": "tensor_gears.nbgrader_glue.validate_dialog"}]
