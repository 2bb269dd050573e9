"""A user of its own for each box whose processes no cgroup caps (root without a pids cgroup:
a container's read-only cgroups, say). RLIMIT_NPROC counts the processes of a user, so with a
user per box it caps that one box (as isolate does), where one shared sandbox user would let a
fork bomb in one box take the processes of every other, and root has no cap at all.

The ids come from a range no account uses; a lock file per id (`LOCKS`) marks it taken by a
live grader process, which holds the lock for the box's life (the kernel drops it however the
process ends, so a dead grader's ids come free again).
"""

import fcntl
import os
import pwd
from pathlib import Path

FIRST_ID = 1_990_000_000  # uids and gids FIRST_ID .. FIRST_ID + COUNT - 1: one per live box
COUNT = 4096
LOCKS = Path("/run/tensor-gears/box-users")


class BoxUserUnavailable(RuntimeError):
    """Every id of the range is taken (COUNT boxes at once)."""


class BoxUser:
    """One box's user: `ids` (uid, gid) until `release`."""

    def __init__(self):
        LOCKS.mkdir(parents=True, mode=0o700, exist_ok=True)
        start = os.getpid() % COUNT  # concurrent graders start their search at different ids
        for offset in range(COUNT):
            index = (start + offset) % COUNT
            if taken_by_an_account(FIRST_ID + index):
                continue
            fd = os.open(LOCKS / str(FIRST_ID + index), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue
            self.fd, self.ids = fd, (FIRST_ID + index, FIRST_ID + index)
            return
        raise BoxUserUnavailable(f"all {COUNT} box users ({FIRST_ID}..{FIRST_ID + COUNT - 1}) are in use")

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def taken_by_an_account(uid: int) -> bool:
    try:
        pwd.getpwuid(uid)
        return True
    except KeyError:
        return False
