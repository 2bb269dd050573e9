"""The courses on The Littlest JupyterHub: a jupyterhub_config.d snippet.

Installed by hub/tljh/install.sh as a symbolic link, /opt/tljh/config/jupyterhub_config.d/
tensor_gears.py -> <checkout>/hub/tljh/tensor_gears.py (TLJH loads every *.py there after its
own configuration and tljh-config's; the link lets this file find its checkout). It adds, from
the roster (TENSOR_GEARS_COURSES, by default /opt/tljh/config/tensor-gears-courses.json, with
"unix_account": "jupyter-{name}", TLJH's naming):

- each course's formgrader, groups and roles, as on the course's own hub (hub/course_hub.py):
  a hub service run as `grader-<course>` from the checkout's environment, which holds the hidden
  checks (the checkout's private folders are the staff's alone, hub/private_folders.sh);
- the courses' Unix groups for TLJH's own user creation (UserCreatingSpawner.user_groups, what
  tljh-config's users.extra_user_groups sets): a student's account `jupyter-<name>` joins
  `nbgrader-<course>` when their server starts, which lets it into the course's exchange folders;
- what every user's server needs: the exchange and Validate (hub/student/, hub/common/), run from
  TLJH's shared environment /opt/tljh/user, where install.sh installs nbgrader and this package
  (editable: its files stay in the checkout, so students import the exchange and Validate, and
  cannot read tensor_gears/checks/ or the solutions).
"""

import os
import pwd
import sys
from pathlib import Path

HUB = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(HUB))

import course_hub  # noqa: E402 (hub/, put on the path above)
import roster as rosters  # noqa: E402

PREFIX = Path(os.environ.get("TLJH_INSTALL_PREFIX", "/opt/tljh"))
ROSTER = rosters.read(os.environ.get("TENSOR_GEARS_COURSES") or PREFIX / "config" / "tensor-gears-courses.json")
EXCHANGE = "/srv/nbgrader/exchange"
FIRST_PORT = 8101

c = get_config()  # noqa: F821 (provided by JupyterHub)

course_hub.add_courses(c, ROSTER, HUB.parent / ".venv", lambda course: pwd.getpwnam(course.grader).pw_dir,
                       [FIRST_PORT + index for index in range(len(ROSTER.courses))], EXCHANGE)
c.UserCreatingSpawner.user_groups.update({course.students_group: list(course.students) for course in ROSTER.courses})
c.Spawner.environment.update({
    "JUPYTER_CONFIG_PATH": f"{HUB / 'student'}:{HUB / 'common'}",
    "TENSOR_GEARS_EXCHANGE": EXCHANGE,
})
