"""Reading submitted notebooks for nbgrader: a file that is not a readable notebook (or that
nbgrader's own checks reject) is graded as the blank student version with a note saying
why, so that notebook scores 0 and the student's other notebooks are still graded."""

import nbformat
from nbconvert.exporters import NotebookExporter
from nbgrader.converters.base import NbGraderException

from ..contract import NOTEBOOKS, TASKS
from ..core.stand_in import stand_in
from ..errors import TemporaryFolderTooDeep
from ..notebooks import nbgrader_meta
from ..sandbox.box import SandboxUnavailable
from ..sandbox.launch import describe_isolation
from ..sandbox.scratch import check_temporary_folder
from ..secret import NoSecret, course_secret


class TolerantNotebookExporter(NotebookExporter):
    """Reads a submitted notebook; if it cannot be used, grades the blank version instead.
    Autograde creates it once, before any student: that is where grading states what
    protects it, and refuses to start without a sandbox, a course secret, or room below the
    temporary folder for the kernels' sockets."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        try:
            course_secret()
            check_temporary_folder()
            self.log.info("Isolation of student code: %s", describe_isolation())
        except (NoSecret, SandboxUnavailable, TemporaryFolderTooDeep) as error:
            self.log.error("Grading refused: %s", error)
            raise NbGraderException(str(error)) from None

    def from_file(self, file_stream, resources=None, **kw):
        name = (resources or {}).get("metadata", {}).get("name", "")
        try:
            nb = nbformat.reads(file_stream.read(), as_version=4)
            nbformat.validate(nb)
        except Exception as error:
            return self.stand_in(name, f"the submitted file {name}.ipynb is not a readable notebook "
                                       f"({type(error).__name__}: {short(error)})", resources, **kw)
        unmark_unknown_and_repeated_cells(nb, name)
        try:
            return self.from_notebook_node(nb, resources, **kw)
        except Exception as error:
            if name not in NOTEBOOKS or not getattr(self.parent, "_sanitizing", True):
                raise
            return self.stand_in(name, f"the submitted notebook {name}.ipynb could not be prepared for grading "
                                       f"({type(error).__name__}: {short(error)})", resources, **kw)

    def stand_in(self, name: str, reason: str, resources, **kw):
        if name not in NOTEBOOKS:
            raise ValueError(reason)
        self.log.error("%s: %s; it is graded as the blank student version (0 points)",
                       (resources or {}).get("nbgrader", {}).get("student", "?"), reason)
        return self.from_notebook_node(stand_in(name, reason), resources, **kw)


def unmark_unknown_and_repeated_cells(nb, name: str):
    """Make plain cells of nbgrader cells the course does not know, and of copies of a known
    one (a copied test cell would otherwise crash nbgrader's OverwriteCells)."""
    known = {cell_id for task in TASKS if task.notebook == name
             for cell_id in (task.answer_id, task.test_id, *(c.grade_id for c in task.hidden_cells))}
    seen = set()
    for cell in nb.cells:
        grade_id = nbgrader_meta(cell).get("grade_id")
        if "nbgrader" in cell.get("metadata", {}) and (grade_id not in known or grade_id in seen):
            del cell.metadata["nbgrader"]
        seen.add(grade_id)


def short(error: Exception) -> str:
    text = str(error).splitlines()[0] if str(error) else ""
    return text[:200]
