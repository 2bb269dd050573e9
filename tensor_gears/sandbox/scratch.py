"""The grader's scratch folders for boxes (a kernel's IPC sockets, a check child's working
folder), named after the grader process that made them, so that those a dead worker left
behind can be found and removed."""

import os
import shutil
import tempfile
from pathlib import Path

PREFIX = "tensor-gears-"
KINDS = ("kernel", "child", "template")  # the only folders made here: nothing else in /tmp is touched


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
