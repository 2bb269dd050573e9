"""A course's grader server on the hub (the account grader-<course>): its course folder.

The course folder (made by hub/courses.py, by default `~grader-<course>/<course>/`) is the
formgrader's root; its `nbgrader_config.py` loads the checkout's (the hidden checks, the
sandbox, the feedback summary), sets the course id, and holds the course's own policies (a late
penalty, say). The hub gives the folder in TENSOR_GEARS_COURSE (a grader's terminal has it too).
"""

import os

c = get_config()  # noqa: F821 (provided by nbgrader)

course = os.environ.get("TENSOR_GEARS_COURSE", os.getcwd())
c.CourseDirectory.root = course
load_subconfig(os.path.join(course, "nbgrader_config.py"))  # noqa: F821 (provided by traitlets)
