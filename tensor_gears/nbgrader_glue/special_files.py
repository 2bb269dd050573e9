"""Submitted files are taken as plain files only (nbgrader's pre-convert hook)."""

import logging
import stat
from pathlib import Path

REFUSED = "refused by the grader: a submitted notebook must be a plain file, not a {}"


def refuse_special_files(assignment, student, notebooks, **_):
    """Before nbgrader copies a submission: remove every symbolic link, device, pipe or socket
    in it (a refused notebook becomes an unreadable file, graded as the blank version)."""
    for folder in {Path(notebook).parent for notebook in notebooks}:
        refuse_in(folder)


def refuse_in(folder: Path) -> None:
    """Remove every special file under a submission `folder` (see refuse_special_files)."""
    log = logging.getLogger("tensor_gears")
    for path in sorted(folder.rglob("*")):
        kind = special_kind(path)
        if kind is None:
            continue
        log.error("%s: the submitted %s is a %s; it was refused, not followed", folder.parent.name,
                  path.relative_to(folder), kind)
        path.unlink()
        if path.suffix == ".ipynb":
            path.write_text(REFUSED.format(kind))


def special_kind(path: Path) -> str | None:
    """'symbolic link', 'device', 'pipe' or 'socket', or None for plain files and folders."""
    if path.is_symlink():
        return "symbolic link"
    mode = path.lstat().st_mode
    for test, kind in ((stat.S_ISCHR, "device"), (stat.S_ISBLK, "device"), (stat.S_ISFIFO, "pipe"),
                       (stat.S_ISSOCK, "socket")):
        if test(mode):
            return kind
    return None
