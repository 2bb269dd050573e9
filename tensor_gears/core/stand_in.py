"""A notebook that cannot be graded as submitted is graded as the blank student version,
with a note at the top saying why, so it scores 0 and the student's other notebooks count."""

import re
import textwrap

from nbformat.v4 import new_markdown_cell

from ..notebooks import STUB, nbgrader_meta, notebook_path, read
from ..reference import SOURCE

UNREADABLE_CELL = "tensor-gears-unreadable"
SOLUTION = re.compile(r"^([ \t]*)### BEGIN SOLUTION\n.*?### END SOLUTION", re.S | re.M)


def blank_student_version(name: str):
    """The source notebook with every solution replaced by the stub, as in the release."""
    nb = read(notebook_path(SOURCE, name))
    for cell in nb.cells:
        if nbgrader_meta(cell).get("solution"):
            cell.source = SOLUTION.sub(lambda marker: textwrap.indent(STUB, marker.group(1)), cell.source)
    return nb


def stand_in(name: str, reason: str):
    """The blank version of notebook `name`, headed by the note that says why it stands in."""
    nb = blank_student_version(name)
    nb.cells.insert(0, new_markdown_cell(f"**Not graded: {reason}.** This is the blank student version, "
                                         "so it scores 0. Your other notebooks were graded as usual.",
                                         id=UNREADABLE_CELL))
    return nb


def stand_in_reason(nb) -> str | None:
    """Why `nb` is a stand-in, or None for a real submission."""
    for cell in nb.cells:
        if cell.get("id") == UNREADABLE_CELL:
            return cell.source.split("**")[1].removeprefix("Not graded: ")
    return None
