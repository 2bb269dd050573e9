"""Submit: nbgrader's, but the submission is readable only by the student and the grader, at
every moment, and it carries the name of the account that submits it.

nbgrader's submit leaves the folder 0777 and its files 0644, hidden only by an unguessable name
(and before that, the folder is made with the student's umask). Here the folder is made 0700,
filled, and only then opened to the grader's group (folders 0770, files 0640): the inbound is
setgid to the grader's own group (the set-up makes it so, folders.py), so everything made in it
belongs to that group. The folder stays group-writable so the grader can remove it.
"""

import os
import secrets
import shutil
import stat
import tempfile

from nbgrader.exchange.default.submit import ExchangeSubmit as DefaultSubmit
from nbgrader.utils import get_osusername

from .folders import AdministeredFolders

FILES = 0o640
FOLDERS = 0o770
PRIVATE_FOLDER = 0o700
PRIVATE_FILE = 0o600


class ExchangeSubmit(AdministeredFolders, DefaultSubmit):
    """nbgrader's submit, for the student and the grader only."""

    def init_dest(self):
        login = get_osusername()
        if self.coursedir.student_id not in ("*", login):
            self.fail(f"You are {login}: you cannot submit as {self.coursedir.student_id}.")
        super().init_dest()
        info = os.stat(self.inbound_path)
        self.group = info.st_gid
        if not info.st_mode & stat.S_ISGID:
            self.fail(f"The inbound folder is not setgid to the grader's group, so they could "
                      f"not read your submission; please contact your instructor: {self.inbound_path}")

    def copy_files(self):
        """nbgrader's steps (release check, missing notebooks, the copy's globs and limits, the
        timestamp and the submission secret, the cache), with the inbound copy made private first."""
        self.init_release()
        submission_secret = secrets.token_hex(64)
        dest_path = os.path.join(self.inbound_path, self.assignment_filename)
        self.log.info("Source: %s", self.src_path)
        self.log.info("Destination: %s", dest_path)
        self.check_filename_diff()
        with tempfile.TemporaryDirectory() as stage:
            staged = os.path.join(stage, "submission")
            self.do_copy(self.src_path, staged)
            for name, text in (("timestamp.txt", self.timestamp), ("submission_secret.txt", submission_secret)):
                with open(os.path.join(staged, name), "w") as handle:
                    handle.write(text)
            self._place(staged, dest_path)
            cache_path = os.path.join(self.cache_path, self.assignment_filename.rsplit("+", 1)[0]
                                      if self.add_random_string else self.assignment_filename)
            os.makedirs(self.cache_path, exist_ok=True)
            shutil.copytree(staged, cache_path)
        self.log.info("Submitted as: %s %s %s", self.coursedir.course_id, self.coursedir.assignment_id,
                      self.timestamp)

    def _place(self, staged, dest):
        """Copy `staged` to `dest` in the inbound: made private (0700 folders, 0600 files), then
        opened to the grader's group from the leaves up, the submission's own folder last."""
        made = []
        for folder, _, files in os.walk(staged):
            target = os.path.normpath(os.path.join(dest, os.path.relpath(folder, staged)))
            os.mkdir(target, PRIVATE_FOLDER)
            made.append(target)
            for name in files:
                with open(os.path.join(folder, name), "rb") as source:
                    handle = os.open(os.path.join(target, name), os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
                    with open(handle, "wb") as copy:
                        shutil.copyfileobj(source, copy)
                        os.fchmod(handle, FILES)
        for folder in reversed(made):
            os.chmod(folder, FOLDERS)
        for folder, dirs, files in os.walk(dest):
            for path in [folder, *(os.path.join(folder, entry) for entry in dirs + files)]:
                if os.lstat(path).st_gid != self.group:
                    self.fail(f"Your submission is not all in the grader's group, so they could "
                              f"not read it; please contact your instructor: {path}")
