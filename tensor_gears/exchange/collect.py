"""Collect: nbgrader's, but a submission counts only when its folder belongs to the account
whose name it carries, only its plain files and folders owned by that account are copied, and
its time is the one its files were written at, not the one it claims.

nbgrader's own collect only warns when the owner differs ("cheating attempt?") and copies it
anyway; it follows symbolic links as the grader (a student could hand in another student's
name, or a link to the grader's own files); and it takes the time the student's own process
wrote into the folder's name and `timestamp.txt` (nbgrader#1104).

The time (times.py): when it chooses among a student's submissions, collect reads the latest
change time of each submission's folder and files; when it copies one, it reads again, each
file's change time after reading its content and each folder's after listing it, so content
rewritten while it is collected counts as written then. That time goes into the collected
`timestamp.txt`, which autograde's late penalty reads. A submission whose name or
`timestamp.txt` claims a time further than `claimed_time_tolerance` from it is flagged in the
log, and its claims are kept beside it in `timestamp_claimed.txt`.
"""

import os
import pwd
import shutil
import stat
import tempfile
from datetime import datetime, timedelta, timezone

from nbgrader.exchange.default.collect import ExchangeCollect as DefaultCollect
from nbgrader.utils import parse_utc
from traitlets import Float

from .folders import AdministeredFolders
from .times import as_text, written_at

OPEN_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK
CLAIMS = "timestamp_claimed.txt"


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
    return record["owner"] == record["username"] and "unreadable" not in record


def utc(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, timezone.utc).replace(tzinfo=None)


class ExchangeCollect(AdministeredFolders, DefaultCollect):
    """nbgrader's collect (the latest submission counts, due dates as nbgrader reads them) over
    the genuine submissions only, at the times their files were written."""

    claimed_time_tolerance = Float(
        5.0, min=0,
        help="Seconds by which the time a submission claims (in its folder's name and its timestamp.txt, "
             "both written by the student's own process) may differ from the time its files were written "
             "before collect flags it. Late penalties always use the time the files were written.",
    ).tag(config=True)

    def init_src(self):
        self.ensure_course_folders()
        self.chosen = {}
        super().init_src()
        self.src_records = [record for record in self.src_records if genuine(record)]
        self.chosen = {record["filename"]: record for record in self.src_records}

    def _path_to_record(self, path):
        filename = os.path.basename(path)
        username = filename.rsplit("+", 3)[0]
        record = {"username": username, "filename": filename, "owner": owner_of(path), "timestamp": datetime.min}
        if not genuine(record):
            self.log.error("Refused %s: it carries the name %s but belongs to %s", filename, username, record["owner"])
            return record
        try:
            record["timestamp"] = written_at(path)
        except OSError as error:
            record["unreadable"] = error.strerror
            self.log.error("Refused %s: %s (its student may be submitting it; collect again)", filename, error.strerror)
            return record
        record["claims"] = {"its folder's name": self._parse(filename.rsplit("+", 3)[2]),
                            "its timestamp.txt": self._parse(self._read_claim(path, record))}
        return record

    def _parse(self, text):
        try:
            return parse_utc(text.strip()) if text and text.strip() else None
        except (ValueError, OverflowError):
            return None

    def _read_claim(self, path, record):
        """The student's timestamp.txt (a plain file of theirs), or None."""
        try:
            handle = os.open(os.path.join(path, "timestamp.txt"), OPEN_FLAGS)
        except OSError:
            return None
        with open(handle, encoding="utf-8", errors="replace") as claim:
            info = os.fstat(handle)
            if not stat.S_ISREG(info.st_mode) or info.st_uid != pwd.getpwnam(record["username"]).pw_uid:
                return None
            return claim.read(100)

    def _sort_by_timestamp(self, records):
        return super()._sort_by_timestamp([r for r in records if genuine(r)] or records)

    def do_copy(self, src, dest, log=None):
        """Copy what the student owns into a private staging folder, then nbgrader's own copy
        from there (its ignore and include globs and size limits); then the time it was written."""
        record = self.chosen[os.path.basename(src)]
        uid = pwd.getpwnam(record["username"]).pw_uid
        with tempfile.TemporaryDirectory(prefix=".collecting-", dir=os.path.dirname(dest)) as stage:
            staged = os.path.join(stage, "submission")
            copied_at = self._copy_owned(src, staged, uid)
            super().do_copy(staged, dest, log)
        moment = max(record["timestamp"], utc(copied_at))
        if moment - record["timestamp"] > timedelta(seconds=self.claimed_time_tolerance):
            self.log.warning("%s changed while it was collected: its time is now %s", src, as_text(moment))
        with open(os.path.join(dest, "timestamp.txt"), "w") as stamp:
            stamp.write(as_text(moment))
        self._flag_claims(record, moment, dest)

    def _flag_claims(self, record, moment, dest):
        """Log and keep every claimed time that is missing or further than the tolerance."""
        flagged = []
        for where, claim in record["claims"].items():
            if claim is None:
                flagged.append(f"{where}: no time")
            elif abs((claim - moment).total_seconds()) > self.claimed_time_tolerance:
                flagged.append(f"{where}: {as_text(claim)}")
        if flagged:
            self.log.warning("%s claims a time its files were not written at (%s); they were written at %s, "
                             "which the late penalty uses", record["filename"], "; ".join(flagged), as_text(moment))
            with open(os.path.join(dest, CLAIMS), "w") as claims:
                claims.write("".join(line + "\n" for line in flagged))

    def _copy_owned(self, src, dest, uid):
        """Copy the plain files and folders under `src` that `uid` owns, through file
        descriptors (a link swapped in meanwhile is not followed); leave out the rest. Returns
        the latest change time seen: each folder's after listing it, each file's after reading it."""
        limit, total = 1000 * self.coursedir.max_dir_size, 0
        latest = 0.0
        os.mkdir(dest)
        for folder, dirs, files, folder_fd in os.fwalk(src, follow_symlinks=False):
            target = os.path.join(dest, os.path.relpath(folder, src))
            info = os.fstat(folder_fd)
            latest = max(latest, info.st_ctime)
            if info.st_uid != uid:
                self._leave_out(folder, "not the student's")
                dirs.clear()
                continue
            for name in list(dirs):
                entry = os.stat(name, dir_fd=folder_fd, follow_symlinks=False)
                if not stat.S_ISDIR(entry.st_mode) or entry.st_uid != uid:
                    self._leave_out(os.path.join(folder, name),
                                    "not the student's" if stat.S_ISDIR(entry.st_mode) else "a symbolic link")
                    dirs.remove(name)
                    continue
                os.mkdir(os.path.join(target, name))
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
                    latest = max(latest, os.fstat(handle).st_ctime)
        return latest

    def _leave_out(self, path, why):
        self.log.warning("Left out %s: %s", path, why)
