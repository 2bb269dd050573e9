"""Submit: nbgrader's, but the submission is readable only by the student and the instructor's
group (nbgrader leaves its folder 0777 and its files 0644, hidden only by an unguessable name),
and it carries the name of the account that submits it."""

import os
import tempfile
from stat import S_ISGID

from nbgrader.exchange.default.submit import ExchangeSubmit as DefaultSubmit
from nbgrader.utils import get_osusername

FILES = 0o640
FOLDERS = 0o770
WRITTEN_AFTER_THE_COPY = ("timestamp.txt", "submission_secret.txt")


class ExchangeSubmit(DefaultSubmit):
    """nbgrader's submit, for the student and the instructor's group only. The inbound is setgid
    to the instructor's group (nbgrader's release makes it so), so what is created in it belongs
    to that group; the folder stays group-writable so the instructor can remove it."""

    def init_dest(self):
        login = get_osusername()
        if self.coursedir.student_id not in ("*", login):
            self.fail(f"You are {login}: you cannot submit as {self.coursedir.student_id}.")
        super().init_dest()
        self.submission_path = os.path.join(self.inbound_path, self.assignment_filename)
        self.group = os.stat(self.inbound_path).st_gid
        if not os.stat(self.inbound_path).st_mode & S_ISGID:
            self.fail(f"The inbound folder is not setgid to the instructor's group, so they could "
                      f"not read your submission; please contact your instructor: {self.inbound_path}")

    def do_copy(self, src, dest, log=None):
        """nbgrader's copy; into the inbound, through a staging folder that already holds the two
        files nbgrader writes after the copy, so every file is made while the new folder still
        has the inbound's setgid bit (the copy's last chmod clears it) and gets its group."""
        if dest != self.submission_path:
            return super().do_copy(src, dest, log)
        with tempfile.TemporaryDirectory() as stage:
            staged = os.path.join(stage, "submission")
            super().do_copy(src, staged, log)
            for name in WRITTEN_AFTER_THE_COPY:
                open(os.path.join(staged, name), "w").close()
            super().do_copy(staged, dest, log)

    def set_perms(self, dest, fileperms, dirperms):
        super().set_perms(dest, FILES, FOLDERS)

    def copy_files(self):
        super().copy_files()
        os.chmod(self.submission_path, FOLDERS)
        for folder, dirs, files in os.walk(self.submission_path):
            for name in [folder, *(os.path.join(folder, entry) for entry in dirs + files)]:
                if os.lstat(name).st_gid != self.group:
                    self.fail(f"Your submission is not all in the instructor's group, so they could "
                              f"not read it; please contact your instructor: {name}")
