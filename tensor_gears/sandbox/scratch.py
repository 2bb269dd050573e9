"""The grader's scratch folders for boxes (a kernel's IPC sockets, a check child's working
folder), named after the grader process that made them, so that those a dead worker left
behind can be found and removed."""

import os
import shutil
import tempfile
from pathlib import Path

from ..errors import TemporaryFolderTooDeep

PREFIX = "tensor-gears-"
KINDS = ("kernel", "child", "template")  # the only folders made here: nothing else in /tmp is touched
SOCKET_PATH_BYTES = 107  # the longest path of a Unix socket (sun_path, less its NUL)
# The deepest socket below the temporary folder: a kernel's (kernel.py), forked from a template.
DEEPEST_SOCKET = f"/{PREFIX}template-{'9' * 7}-{'x' * 8}/tmp{'x' * 8}/ipc/kernel-99"


def check_temporary_folder() -> None:
    """Refuse a temporary folder too deep for a kernel's sockets: zmq cannot bind them, and
    grading would stall on the kernels instead of failing."""
    folder = tempfile.gettempdir()
    if len(os.fsencode(folder)) + len(DEEPEST_SOCKET) > SOCKET_PATH_BYTES:
        raise TemporaryFolderTooDeep(
            f"the temporary folder {folder} is too deep for the kernels' sockets: a socket's path holds at most "
            f"{SOCKET_PATH_BYTES} bytes, and a kernel's needs {len(DEEPEST_SOCKET)} below that folder; set TMPDIR "
            f"to a folder of at most {SOCKET_PATH_BYTES - len(DEEPEST_SOCKET)} bytes, such as /tmp")


def scratch_folder(kind: str) -> Path:
    """A new private folder `tensor-gears-<kind>-<this pid>-<random>` (kind: one of KINDS) in /tmp."""
    return Path(tempfile.mkdtemp(prefix=f"{PREFIX}{kind}-{os.getpid()}-"))


def remove_orphans() -> int:
    """Remove the scratch folders of grader processes that no longer run; returns how many."""
    removed = 0
    for kind in KINDS:
        for folder in Path(tempfile.gettempdir()).glob(f"{PREFIX}{kind}-*-*"):
            creator = folder.name.removeprefix(f"{PREFIX}{kind}-").split("-")[0]
            if folder.is_dir() and creator.isdigit() and not Path(f"/proc/{creator}").exists():
                shutil.rmtree(folder, ignore_errors=True)
                removed += not folder.exists()  # another account's folder stays: not ours to remove
    return removed
