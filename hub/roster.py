"""The hub's courses, from one roster file (hub/courses.json, or the file TENSOR_GEARS_COURSES
names), read alike by the set-up (hub/courses.py, as root) and the hub's configuration
(hub/jupyterhub_config.py, hub/tljh/tensor_gears.py). Standard library only, Python 3.9+: TLJH's
hub environment reads it too.

    {"unix_account": "{name}",             # a hub user's Unix account; TLJH: "jupyter-{name}"
     "courses": {"dl101": {"instructors": ["ana"], "tas": ["tom"], "students": ["ada", "bo"]}}}

Names are hub user names. For each course, nbgrader's documented shape: the Unix account
`grader-<course>` runs the course's formgrader (a hub service named after the course) and holds
its folder, gradebook and secret; its instructors and TAs are the hub group `formgrade-<course>`,
its students `nbgrader-<course>`, also a Unix group: the exchange lets only that group into the
course's folders (tensor_gears/exchange/folders.py).
"""

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

HUB = Path(__file__).resolve().parent
DEFAULT = HUB / "courses.json"
# A course id names a folder, a hub service and group, and the Unix account grader-<course>
# (at most 32 characters).
COURSE_ID = re.compile(r"^[a-z][a-z0-9-]{0,24}$")
NAME = re.compile(r"^[a-z_][a-z0-9_.-]*$")
STAFF_GROUP = "tensor-gears-staff"  # may read the checkout's private folders (hub/private_folders.sh)


class RosterError(ValueError):
    """The roster says something the set-up cannot do; the message says what to change."""


@dataclass(frozen=True)
class Course:
    id: str
    instructors: tuple
    tas: tuple
    students: tuple

    @property
    def grader(self) -> str:
        """The Unix account (and hub service user) that holds the course."""
        return f"grader-{self.id}"

    @property
    def staff_group(self) -> str:
        """The hub group that reaches the course's formgrader."""
        return f"formgrade-{self.id}"

    @property
    def students_group(self) -> str:
        """The hub group, and the Unix group, of the course's students."""
        return f"nbgrader-{self.id}"


@dataclass(frozen=True)
class Roster:
    unix_account: str
    courses: tuple

    def account(self, name: str) -> str:
        """The Unix account of the hub user `name`."""
        return self.unix_account.format(name=name)

    def course(self, course_id: str) -> Course:
        for course in self.courses:
            if course.id == course_id:
                return course
        raise RosterError(f"no course {course_id!r} in the roster (it has {', '.join(c.id for c in self.courses)})")

    def people(self) -> set:
        return {name for course in self.courses for name in course.instructors + course.tas + course.students}


def path() -> Path:
    return Path(os.environ.get("TENSOR_GEARS_COURSES") or DEFAULT)


def read(file=None) -> Roster:
    file = Path(file or path())
    try:
        data = json.loads(file.read_text())
    except (OSError, ValueError) as error:
        raise RosterError(f"cannot read the roster {file}: {error}") from error
    unix_account = data.get("unix_account", "{name}")
    if "{name}" not in unix_account:
        raise RosterError(f"{file}: unix_account must contain {{name}}, e.g. \"jupyter-{{name}}\"")
    courses = []
    for course_id, entry in sorted(data.get("courses", {}).items()):
        if not COURSE_ID.match(course_id):
            raise RosterError(f"{file}: the course id {course_id!r} must be lower-case letters, digits and '-', "
                              f"starting with a letter, at most 25 characters")
        lists = {}
        for role in ("instructors", "tas", "students"):
            names = entry.get(role, [])
            bad = [name for name in names if not isinstance(name, str) or not NAME.match(name)]
            if bad:
                raise RosterError(f"{file}: {course_id}'s {role} has names that are not user names: {bad}")
            lists[role] = tuple(names)
        courses.append(Course(course_id, **lists))
    if not courses:
        raise RosterError(f"{file}: no courses")
    return Roster(unix_account, tuple(courses))
