"""The instructor's nbgrader configuration on the hub: the course folder and its config.

The course folder (a copy of the repository's `nbgrader_config.py` and `source/`, in the
instructor's home) is the root of the formgrader; its own `nbgrader_config.py` wires the
hidden checks, the sandbox and the feedback summary into the formgrader's buttons.
"""

import os

c = get_config()  # noqa: F821 (provided by nbgrader)

# TENSOR_GEARS_COURSE is set by the hub's spawner (make hub: ~tg-instructor/tensor-gears).
course = os.environ.get("TENSOR_GEARS_COURSE", os.path.expanduser("~/tensor-gears"))
c.CourseDirectory.root = course
load_subconfig(os.path.join(course, "nbgrader_config.py"))  # noqa: F821 (provided by traitlets)
