"""What a worker runs for one student: the grading core, and a fallback report if it fails."""

import logging
import traceback

from ..core import Settings, grade_student
from ..sandbox.cgroups import release_orphans
from ..sandbox.scratch import remove_orphans

log = logging.getLogger("tensor_gears")


def grade_submission(student: str, notebooks: dict[str, bytes], settings: Settings) -> dict:
    """The core's report; if the core itself fails, a report in which every notebook's
    hidden cells score 0 with the grader-failed message (the gradebook then says so).
    First, the boxes and scratch folders of a worker that died on this machine are cleared."""
    release_orphans()
    remove_orphans()
    try:
        return grade_student(student, notebooks, settings)
    except Exception:
        detail = traceback.format_exc()
        log.error("%s: the grader failed on the whole submission:\n%s", student, detail)
        return failed_report(student, f"grader failed: {detail}")


def failed_report(student: str, error: str) -> dict:
    """A report with no notebook graded: each one's hidden cells score 0 when recorded."""
    return {"student": student, "notebooks": {}, "seconds": 0.0, "failed": error}
