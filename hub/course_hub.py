"""The hub's side of the courses, in nbgrader's documented shape ("Using nbgrader with
JupyterHub", several classes), for any JupyterHub configuration: `add_courses(c, roster, ...)`
adds to a config object `c` what hub/jupyterhub_config.py (`make hub`) and the TLJH snippet
(hub/tljh/tensor_gears.py) both need. Standard library only, Python 3.9+.

For each course of the roster (hub/roster.py):
- a hub service named after the course (nbgrader's course list finds a course's formgrader by
  that name): `jupyterhub-singleuser` run by the hub as the Unix account `grader-<course>`, in the
  course folder, with the formgrader and create-assignment (hub/grader/) and the exchange
  (hub/common/); it opens on the formgrader, in a tab of its own (JupyterHub 4.1 and later forbid
  the JupyterLab panel's frame, nbgrader#1870);
- the hub groups `formgrade-<course>` (its instructors and TAs: the role of the same name lets
  them use that service, and list it) and `nbgrader-<course>` (its students).
Nobody's personal server holds a course: instructors, TAs and students each run their own
server (hub/student/: the assignment list and Validate). Staff open their courses' formgraders
from the hub's Services menu (nbgrader's course list would open them in the blocked frame).
"""

import os
from pathlib import Path

HUB = Path(__file__).resolve().parent


def grader_service(course, env: Path, home: str, port: int, exchange: str) -> dict:
    """The course's formgrader: a managed service, as `grader-<course>` (its HOME set on the
    command line: the hub would set the account's own)."""
    folder = os.path.join(home, course.id)
    return {
        "name": course.id,
        "display": True,
        "info": {"course": course.id},
        "url": f"http://127.0.0.1:{port}",
        "user": course.grader,
        "cwd": folder,
        "command": ["/usr/bin/env", f"HOME={home}", str(env / "bin" / "jupyterhub-singleuser"),
                    f"--ServerApp.root_dir={folder}"],
        "environment": {
            "JUPYTER_CONFIG_PATH": f"{HUB / 'grader'}:{HUB / 'common'}",
            "JUPYTERHUB_DEFAULT_URL": "/formgrader",
            "TENSOR_GEARS_COURSE": folder,
            "TENSOR_GEARS_EXCHANGE": exchange,
            "PATH": f"{env / 'bin'}:/usr/local/bin:/usr/bin:/bin",
        },
        "oauth_no_confirm": True,  # the admin's own service: no "authorize" page for each grader
    }


def add_courses(c, roster, env: Path, grader_home, ports: list, exchange: str) -> None:
    """Services, groups and roles of every course in `roster`. `env`: the environment the graders'
    servers run from (the checkout's .venv); `grader_home(course)`: the grader's home, where the
    course folder is; `ports`: one local port per course, in the roster's order."""
    if len(ports) < len(roster.courses):
        raise ValueError(f"{len(roster.courses)} courses need as many ports for their formgraders, got {ports}")
    services, groups, roles = [], {}, []
    for course, port in zip(roster.courses, ports):
        services.append(grader_service(course, env, grader_home(course), port, exchange))
        groups[course.staff_group] = {"users": sorted(set(course.instructors + course.tas))}
        groups[course.students_group] = {"users": sorted(course.students)}
        roles.append({
            "name": course.staff_group,
            "description": f"Grade {course.id} in its formgrader",
            "groups": [course.staff_group],
            "scopes": [f"access:services!service={course.id}", f"read:services!service={course.id}",
                       "list:services"],
        })
    # extend/update: what the configuration already holds stays (TLJH's idle culler, say).
    c.JupyterHub.services.extend(services)
    c.JupyterHub.load_groups.update(groups)
    c.JupyterHub.load_roles.extend(roles)
    # A person's server token may also read their own groups (nbgrader's JupyterHubAuthPlugin:
    # which courses they are in).
    c.Spawner.server_token_scopes = ["users:activity!user", "access:servers!server", "read:users:name!user",
                                     "read:users:groups!user"]


def is_staff(roster, name: str) -> bool:
    return any(name in course.instructors + course.tas for course in roster.courses)

