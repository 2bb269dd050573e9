"""The grader's scratch folders for boxes (a kernel's IPC sockets, a check child's working
folder), named after the grader process that made them, so that those a dead worker left
behind can be found and removed."""

import os
import shutil
import tempfile
from pathlib import Path

PREFIX = "tensor-gears-"


def scratch_folder(kind: str) -> Path:
    """A new private folder `tensor-gears-<kind>-<this pid>-<random>` in the temporary folder."""
    return Path(tempfile.mkdtemp(prefix=f"{PREFIX}{kind}-{os.getpid()}-"))


def remove_orphans() -> int:
    """Remove the scratch folders of grader processes that no longer run; returns how many."""
    removed = 0
    for folder in Path(tempfile.gettempdir()).glob(f"{PREFIX}*-*-*"):
        creator = folder.name.removeprefix(PREFIX).split("-")[1]
        if folder.is_dir() and creator.isdigit() and not Path(f"/proc/{creator}").exists():
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed
