"""The grading core: one student's submission in, a report out, as plain data.

`grade_student(request)` takes the notebooks' bytes, the student id and the course's
settings, runs each notebook in a sandboxed kernel while its hidden checks run alongside,
and returns per notebook the executed notebook, the hidden-check results and the errors.
Nothing here reads a course folder or a gradebook, or imports nbgrader: a worker on any
machine can run it, and `nbgrader_glue` translates its reports into nbgrader's records.
"""

from .student import Settings, grade_student

__all__ = ["Settings", "grade_student"]
