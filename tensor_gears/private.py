"""Folders only the course staff can read, for everything that holds solutions, hidden checks,
a gradebook, submissions or feedback.

A checkout on a course hub is readable by students (they run the course's environment from
it), so each command that writes such things writes them below a folder that is private from
the moment it exists: made with mode 0700, then handed to the staff group
(`tensor-gears-staff`, hub/accounts.sh) as 2750 where that group exists and this account may
give it (root, or a member). What is made inside inherits the group and is out of everyone
else's reach, whatever modes nbgrader gives its files. An existing folder that others could
enter is closed before anything is written into it.

Usage from make: `python -m tensor_gears.private FOLDER...`.
"""

import grp
import os
import sys
from pathlib import Path

STAFF_GROUP = "tensor-gears-staff"  # the instructor and the TA (hub/accounts.sh, hub/private_folders.sh)
BUILD = "build"  # the checkout's folder for what the commands generate (.gitignore)


def staff_gid() -> int | None:
    """The staff group's id, where it exists and this account may give files to it."""
    try:
        group = grp.getgrnam(STAFF_GROUP)
    except KeyError:
        return None
    if os.geteuid() == 0 or group.gr_gid in os.getgroups():
        return group.gr_gid
    return None


def private_folder(path: Path) -> Path:
    """`path` as a folder the course staff alone can enter, made so along with any missing parent."""
    path = Path(path)
    if not path.is_dir():
        if not path.parent.is_dir():
            private_folder(path.parent)
        try:
            os.mkdir(path, 0o700)
        except FileExistsError:
            pass
    gid = staff_gid()
    try:
        if gid is not None:
            os.chown(path, -1, gid)
        os.chmod(path, 0o2750 if gid is not None else 0o700)
    except PermissionError:
        if not is_private(path):
            raise PermissionError(f"{path} can be read by other accounts, and this account cannot close it: "
                                  f"ask its owner to run `chmod 0700 {path}`, or remove it") from None
    return path


def is_private(path: Path) -> bool:
    """Whether nobody outside the owner and the staff group can enter or read `path`."""
    info = Path(path).stat()
    if info.st_mode & 0o007:
        return False
    if info.st_mode & 0o070:
        try:
            return grp.getgrgid(info.st_gid).gr_name == STAFF_GROUP
        except KeyError:
            return False
    return True


if __name__ == "__main__":
    for folder in sys.argv[1:]:
        private_folder(Path(folder))
