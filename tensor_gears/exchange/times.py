"""When a submission was handed in, by a clock its student cannot set.

nbgrader's submit runs as the student and writes its time twice, in the folder's name and in
`timestamp.txt`; its collect and autograde believe both (nbgrader#1104), so a student's shell
can hand in after the deadline with any time before it. What a student cannot set is an inode's
change time: the kernel stamps it with its own clock whenever a file or folder is made, written,
renamed, linked or has its mode changed, and no unprivileged call sets it back (`touch -d` and
utimes set the other two times, and the change time to now). The latest change time over a
submission's folder and everything in it is therefore no earlier than the moment its content
was last written.
"""

import datetime
import os

# How nbgrader writes a time (its Exchange.timestamp_format, in UTC).
FORMAT = "%Y-%m-%d %H:%M:%S.%f UTC"


def written_at(folder: str) -> datetime.datetime:
    """The latest change time of `folder` and of every entry under it (links not followed), as a
    naive UTC datetime (what nbgrader's parse_utc returns)."""
    latest = os.lstat(folder).st_ctime
    for _, dirs, files, folder_fd in os.fwalk(folder, follow_symlinks=False):
        for name in dirs + files:
            latest = max(latest, os.stat(name, dir_fd=folder_fd, follow_symlinks=False).st_ctime)
    return datetime.datetime.fromtimestamp(latest, datetime.timezone.utc).replace(tzinfo=None)


def as_text(moment: datetime.datetime) -> str:
    """A naive UTC datetime as nbgrader writes a timestamp."""
    return moment.strftime(FORMAT)
