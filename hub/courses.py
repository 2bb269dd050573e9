"""The administrator's set-up of the hub's courses (as root, idempotent), from the roster
(hub/roster.py: hub/courses.json, or the file TENSOR_GEARS_COURSES names).

    python hub/courses.py accounts          # Unix groups and grader accounts, students' memberships
    python hub/courses.py exchange [ROOT]   # the exchange and each course's folders in it
    python hub/courses.py folders           # each course's folder and secret, in its grader's home
    python hub/courses.py folder COURSE DIR # a course folder for COURSE's grader at DIR (made once)

`make courses` runs all three (and `make setup` and `make hub` run it). For each course:
- the Unix group `nbgrader-<course>` holds exactly the roster's students (their Unix accounts:
  the roster's unix_account; an account that does not exist yet is named and skipped);
- the account `grader-<course>` (home 0700), in the staff group that may read the checkout's
  private folders, runs the course's formgrader and grades in the rootless box;
- the exchange (default /srv/nbgrader/exchange) is root's, 0755; the course's folders in it are
  the grader's, with the modes of tensor_gears/exchange/folders.py. A course folder someone else
  owns (a student who made it first, where the root was nbgrader's world-writable one) is
  refused, naming what to remove;
- the course folder `~grader-<course>/<course>/` (made once, then kept: it holds the gradebook
  and submissions): the checkout's source/, and an nbgrader_config.py that loads the checkout's
  and sets the course id (the course's own settings go below); and the course secret
  `~grader-<course>/.config/tensor-gears/secret` (0600, random, made once).
"""

import grp
import os
import pwd
import secrets
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import roster as rosters
from tensor_gears.exchange import folders

REPO = rosters.HUB.parent
EXCHANGE = "/srv/nbgrader/exchange"


class SetupError(Exception):
    """Something the set-up will not overwrite; the message says what to do."""


def run(*argv: str) -> None:
    subprocess.run(argv, check=True)


def group_exists(name: str) -> bool:
    try:
        grp.getgrnam(name)
        return True
    except KeyError:
        return False


def account_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def accounts(roster) -> None:
    if not group_exists(rosters.STAFF_GROUP):
        run("groupadd", "--system", rosters.STAFF_GROUP)
    for course in roster.courses:
        if not group_exists(course.students_group):
            run("groupadd", "--system", course.students_group)
        if not account_exists(course.grader):
            run("useradd", "--create-home", "--shell", "/bin/bash", course.grader)
        os.chmod(pwd.getpwnam(course.grader).pw_dir, 0o700)
        if course.grader not in grp.getgrnam(rosters.STAFF_GROUP).gr_mem:
            run("usermod", "-a", "-G", rosters.STAFF_GROUP, course.grader)
        members = [roster.account(name) for name in course.students]
        missing = [name for name in members if not account_exists(name)]
        if missing:
            print(f"{course.id}: no Unix account yet for {', '.join(missing)} (they join {course.students_group} "
                  f"when the account exists and this runs again, or at their server's start on TLJH)")
        present = ",".join(name for name in members if name not in missing)
        if sorted(grp.getgrnam(course.students_group).gr_mem) != sorted(filter(None, present.split(","))):
            run("gpasswd", "-M", present, course.students_group)


def owned_folder(path: Path, uid: int, gid: int, mode: int) -> None:
    """`path` a folder of uid's with `mode`: made, or kept if uid's already; refused otherwise."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        os.mkdir(path)
        info = os.lstat(path)
    else:
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != uid:
            owner = folders.owner_name(info)
            raise SetupError(f"{path} belongs to {owner}, not to {pwd.getpwuid(uid).pw_name}: someone made it before "
                             f"the set-up did. Look at it, remove it (rm -r {path}), and run the set-up again.")
    os.chown(path, uid, gid, follow_symlinks=False)
    os.chmod(path, mode)


def exchange(roster, root: str) -> None:
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    mode = stat.S_IMODE(root.stat().st_mode)
    if mode != folders.ROOT_MODE:
        print(f"{root}: mode {mode:o} -> {folders.ROOT_MODE:o} (only the set-up makes folders in it)")
    os.chown(root, 0, 0)
    os.chmod(root, folders.ROOT_MODE)
    for course in roster.courses:
        grader = pwd.getpwnam(course.grader)
        folder = root / course.id
        owned_folder(folder, grader.pw_uid, grp.getgrnam(course.students_group).gr_gid, folders.COURSE_MODE)
        for name, mode in folders.SUBFOLDERS.items():
            owned_folder(folder / name, grader.pw_uid, grader.pw_gid, mode)


COURSE_CONFIG = '''"""The course {id} on the hub (made by hub/courses.py): the course package's configuration,
the course id, and below them this course's own settings."""

c = get_config()  # noqa: F821 (provided by nbgrader)
load_subconfig({config!r})  # noqa: F821 (provided by traitlets)
c.CourseDirectory.course_id = {id!r}
'''


def course_folder(course, folder: Path) -> None:
    """The course folder at `folder`, the grader's (made once: it holds the gradebook)."""
    if folder.exists():
        return
    grader = pwd.getpwnam(course.grader)
    folder.mkdir(mode=0o700)
    config = COURSE_CONFIG.format(id=course.id, config=str(REPO / "nbgrader_config.py"))
    (folder / "nbgrader_config.py").write_text(config)
    shutil.copytree(REPO / "source", folder / "source")
    give(folder, grader)


def course_folders(roster) -> None:
    for course in roster.courses:
        grader = pwd.getpwnam(course.grader)
        home = Path(grader.pw_dir)
        course_folder(course, home / course.id)
        secret = home / ".config" / "tensor-gears" / "secret"
        if not secret.exists() or not secret.stat().st_size:
            secret.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            give(home / ".config", grader)
            secret.touch(mode=0o600)
            secret.write_text(secrets.token_hex(32))
            os.chown(secret, grader.pw_uid, grader.pw_gid)


def give(path: Path, account) -> None:
    for folder, dirs, files in os.walk(path):
        os.chown(folder, account.pw_uid, account.pw_gid)
        for name in dirs + files:
            os.chown(os.path.join(folder, name), account.pw_uid, account.pw_gid, follow_symlinks=False)


def main(argv: list) -> int:
    if os.geteuid() != 0:
        print("hub/courses.py runs as root (it makes accounts, groups and the exchange's folders)", file=sys.stderr)
        return 1
    if not argv or argv[0] not in ("accounts", "exchange", "folders", "folder"):
        print(__doc__, file=sys.stderr)
        return 2
    try:
        roster = rosters.read()
        if argv[0] == "accounts":
            accounts(roster)
        elif argv[0] == "exchange":
            exchange(roster, argv[1] if len(argv) > 1 else EXCHANGE)
        elif argv[0] == "folders":
            course_folders(roster)
        else:
            course_folder(roster.course(argv[1]), Path(argv[2]))
    except (rosters.RosterError, SetupError) as error:
        print(f"hub/courses.py {argv[0]}: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
