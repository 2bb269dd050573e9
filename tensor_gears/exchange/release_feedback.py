"""Release feedback: nbgrader's, but each page is readable by its student alone.

nbgrader leaves every page 0644 in a folder that cannot be listed, named by a hash of the
student's submission secret: anyone who learns a page's name reads it. Here each page is the
grader's, 0600, with an access ACL (acl.py) that lets the account named by its student id read
it; it is written under a temporary name and renamed into place, as nbgrader does.
"""

import glob
import os
import pwd
import re

from nbgrader.exchange.default.release_feedback import ExchangeReleaseFeedback as DefaultReleaseFeedback
from nbgrader.utils import notebook_hash

from .acl import readable_by
from .folders import AdministeredFolders


class ExchangeReleaseFeedback(AdministeredFolders, DefaultReleaseFeedback):
    """nbgrader's release of feedback, one private page per student and notebook."""

    def init_dest(self):
        self.ensure_course_folders()
        super().init_dest()

    def copy_files(self):
        excluded = set(filter(None, (self.coursedir.student_id_exclude or "").split(",")))
        pattern = re.escape(os.path.sep).join([
            self.coursedir.format_path(self.coursedir.feedback_directory, "(?P<student_id>.*)",
                                       self.coursedir.assignment_id, escape=True),
            "(?P<notebook_id>.*).html"])
        for page in glob.glob(os.path.join(self.src_path, "*.html")):
            match = re.match(pattern, page)
            if match is None:
                self.log.error("Could not match '%s' with regexp '%s'", page, pattern)
                continue
            student, notebook = match.group("student_id"), match.group("notebook_id")
            if student in excluded:
                continue
            try:
                uid = pwd.getpwnam(student).pw_uid
            except KeyError:
                self.log.error("Feedback for %s not released: no account is named %s", page, student)
                continue
            with open(os.path.join(os.path.dirname(page), "submission_secret.txt")) as secret:
                checksum = notebook_hash(secret=secret.read(), notebook_id=notebook)
            self._write_private(page, os.path.join(self.dest_path, f"{checksum}.html"), uid)
            self.log.info("Releasing feedback for student '%s' on assignment '%s/%s/%s'", student,
                          self.coursedir.course_id, self.coursedir.assignment_id, notebook)

    def _write_private(self, page, dest, uid):
        """`page` at `dest`, the grader's and readable by `uid` only from the moment it exists."""
        partial = dest[:-len(".html")] + "-tmp.html"
        if os.path.lexists(partial):
            os.unlink(partial)
        handle = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with open(handle, "wb") as copy, open(page, "rb") as source:
            readable_by(handle, uid)
            copy.write(source.read())
        os.replace(partial, dest)
