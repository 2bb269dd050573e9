"""An exchange as the administrator's set-up makes it (hub/courses.py), in a temporary folder, graded
by this process's account; and the steps of the exchange on it, as nbgrader's apps build them."""

import grp
import os
import pwd
import tempfile
from pathlib import Path

import pytest
from nbgrader.auth import Authenticator
from nbgrader.coursedir import CourseDirectory

from tensor_gears.contract import ASSIGNMENT
from tensor_gears.exchange import folders

from ..gradebooks import new_gradebook

COURSE = "dl101"


def account(name: str) -> pwd.struct_passwd:
    """A course test account (`make accounts`); the test is skipped where it does not exist."""
    try:
        return pwd.getpwnam(name)
    except KeyError:
        pytest.skip(f"no account {name}: make accounts (as root) creates the course's test accounts")


def owned(path: Path, name: str) -> Path:
    """`path` and everything under it given to the account `name` (links not followed)."""
    who = account(name)
    for item in [path, *path.rglob("*")]:
        os.chown(item, who.pw_uid, who.pw_gid, follow_symlinks=False)
    return path


@pytest.fixture
def exchange() -> Path:
    """The exchange root, with the course's folders this account's, in the set-up's modes; the
    inbound setgid to the grader's group (tg-grader's, so that it differs from this account's). It is
    in a folder every account may enter (pytest's own temporary folders are root's alone)."""
    if os.geteuid() != 0:
        pytest.skip("the exchange's folders belong to several accounts: run as root")
    with tempfile.TemporaryDirectory(prefix="tg-unit-exchange-") as folder:
        os.chmod(folder, 0o755)
        root = Path(folder) / "exchange"
        root.mkdir()
        os.chmod(root, folders.ROOT_MODE)
        course = root / COURSE
        course.mkdir()
        os.chmod(course, folders.COURSE_MODE)
        for name, mode in folders.SUBFOLDERS.items():
            (course / name).mkdir()
            os.chmod(course / name, mode)
        os.chown(course / "inbound", -1, grp.getgrnam(account("tg-grader").pw_name).gr_gid)
        os.chmod(course / "inbound", folders.INBOUND_MODE)  # chown clears setgid
        yield root


def step(cls, exchange: Path, course_root: Path, **coursedir):
    """The exchange step `cls` for the course at `course_root` (its gradebook there), as nbgrader's app makes it."""
    course_root.mkdir(exist_ok=True)
    gradebook = course_root / "gradebook.db"
    db_url = f"sqlite:///{gradebook}" if gradebook.exists() else new_gradebook(gradebook)
    directory = CourseDirectory(root=str(course_root), course_id=COURSE, assignment_id=ASSIGNMENT, db_url=db_url,
                                **coursedir)
    return cls(coursedir=directory, authenticator=Authenticator(), root=str(exchange),
               cache=str(course_root / "cache"))
