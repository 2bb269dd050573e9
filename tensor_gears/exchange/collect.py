"""Collect: nbgrader's, but a submission counts only when its folder belongs to the account
whose name it carries, and only its plain files and folders owned by that account are copied.

nbgrader's own collect only warns when the owner differs ("cheating attempt?") and copies it
anyway, and it follows symbolic links as the instructor: a student could hand in another
student's name, or a link to the instructor's own files.
"""

import os
import pwd
import shutil
import stat
import tempfile

from nbgrader.exchange.default.collect import ExchangeCollect as DefaultCollect

OPEN_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK


def owner_of(path: str) -> str:
    """The account that owns the folder `path` (not following links), or why there is none."""
    info = os.lstat(path)
    if not stat.S_ISDIR(info.st_mode):
        return "nobody (it is not a folder)"
    try:
        return pwd.getpwuid(info.st_uid).pw_name
    except KeyError:
        return f"uid {info.st_uid}"


def genuine(record: dict) -> bool:
    return record["owner"] == record["username"]


class ExchangeCollect(DefaultCollect):
    """nbgrader's collect (the latest submission counts, timestamps and due dates as nbgrader
    reads them), over the genuine submissions only."""

    def _path_to_record(self, path):
        record = super()._path_to_record(path)
        record["owner"] = owner_of(path)
        if not genuine(record):
            self.log.error("Refused %s: it carries the name %s but belongs to %s",
                           record["filename"], record["username"], record["owner"])
        return record

    def _sort_by_timestamp(self, records):
        return super()._sort_by_timestamp([r for r in records if genuine(r)] or records)

    def init_src(self):
        super().init_src()
        self.src_records = [record for record in self.src_records if genuine(record)]

    def do_copy(self, src, dest, log=None):
        """Copy what the student owns into a private staging folder, then nbgrader's own copy
        from there (its ignore and include globs and size limits)."""
        uid = pwd.getpwnam(os.path.basename(src).rsplit("+", 3)[0]).pw_uid
        with tempfile.TemporaryDirectory(prefix=".collecting-", dir=os.path.dirname(dest)) as stage:
            staged = os.path.join(stage, "submission")
            self._copy_owned(src, staged, uid)
            super().do_copy(staged, dest, log)

    def _copy_owned(self, src, dest, uid):
        """Copy the plain files and folders under `src` that `uid` owns, through file
        descriptors (a link swapped in meanwhile is not followed); leave out the rest."""
        limit, total = 1000 * self.coursedir.max_dir_size, 0
        os.mkdir(dest)
        for folder, dirs, files, folder_fd in os.fwalk(src, follow_symlinks=False):
            target = os.path.join(dest, os.path.relpath(folder, src))
            if os.fstat(folder_fd).st_uid != uid:
                self._leave_out(folder, "not the student's")
                dirs.clear()
                continue
            for name in list(dirs):
                if stat.S_ISDIR(os.stat(name, dir_fd=folder_fd, follow_symlinks=False).st_mode):
                    os.mkdir(os.path.join(target, name))
                else:
                    self._leave_out(os.path.join(folder, name), "a symbolic link")
                    dirs.remove(name)
            for name in files:
                try:
                    handle = os.open(name, OPEN_FLAGS, dir_fd=folder_fd)
                except OSError as error:
                    self._leave_out(os.path.join(folder, name), f"not a plain file ({error.strerror})")
                    continue
                with open(handle, "rb") as source:
                    info = os.fstat(handle)
                    if not stat.S_ISREG(info.st_mode) or info.st_uid != uid:
                        self._leave_out(os.path.join(folder, name), "not a plain file of the student's")
                        continue
                    total += info.st_size
                    if total > limit:
                        self.fail(f"Submission too big (over {limit} bytes): {src}")
                    with open(os.path.join(target, name), "wb") as copy:
                        shutil.copyfileobj(source, copy)

    def _leave_out(self, path, why):
        self.log.warning("Left out %s: %s", path, why)
