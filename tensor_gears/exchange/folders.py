"""The exchange's folders, made by the administrator's set-up and checked by every step.

nbgrader wants an exchange root everyone can write to, and its release makes a course's
folders as whoever releases first: a student who makes `<root>/<course>/` before the first
release owns it, and the release is refused until root removes it. Here the root is root's
(0755: nobody else makes anything in it) and the set-up (hub/courses.py, as root) makes each
course's folders for its grader account, with the modes below. The steps need only to search
the root; the grader's steps (release, collect, release feedback) refuse a course folder that is
not the grader's, saying what to remove.

Who reaches what (`<course>`'s grader account `grader-<course>`, its students the Unix group
`nbgrader-<course>`):

- `<course>/`: the grader's, group `nbgrader-<course>`, 0750: nobody else enters a course's
  folders, so another course's students reach none of its release, submissions or feedback.
- `outbound/`: the release, 0755 (behind the course folder).
- `inbound/`: 3733 (setgid, sticky): students make submissions in it but cannot list it, and
  cannot rename or remove another's; a submission gets the grader's own group.
- `feedback/`: 0711: pages cannot be listed, and each is readable by its student alone.
"""

import os
import pwd
import stat

ROOT_MODE = 0o755
COURSE_MODE = 0o750
OUTBOUND_MODE = 0o755
INBOUND_MODE = 0o3733
FEEDBACK_MODE = 0o711
SUBFOLDERS = {"outbound": OUTBOUND_MODE, "inbound": INBOUND_MODE, "feedback": FEEDBACK_MODE}
SETUP = "the administrator's set-up makes it (as root: make courses, or python hub/courses.py exchange)"


def owner_name(info: os.stat_result) -> str:
    try:
        return pwd.getpwuid(info.st_uid).pw_name
    except KeyError:
        return f"uid {info.st_uid}"


class AdministeredFolders:
    """A step of nbgrader's exchange on folders the set-up made: the root need only be searchable
    (nbgrader's own steps want it writable by everyone)."""

    def ensure_root(self):
        if not os.path.isdir(self.root):
            self.fail(f"There is no exchange at {self.root}: {SETUP}.")
        if not os.access(self.root, os.X_OK):
            self.fail(f"You cannot enter the exchange {self.root}; please contact your instructor.")

    def ensure_course_folders(self):
        """The grader's steps: the course's folders exist and are this account's own."""
        course = os.path.join(self.root, self.coursedir.course_id)
        me = pwd.getpwuid(os.getuid()).pw_name
        for path in [course, *(os.path.join(course, name) for name in SUBFOLDERS)]:
            try:
                info = os.lstat(path)
            except FileNotFoundError:
                self.fail(f"The exchange has no folder {path}: {SETUP}.")
            if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
                what = (f"belongs to {owner_name(info)}, not to {me}" if stat.S_ISDIR(info.st_mode) else
                        f"is {'a symbolic link' if stat.S_ISLNK(info.st_mode) else 'a file'}, not a folder of {me}")
                self.fail(f"{path} {what}, who grades the course {self.coursedir.course_id}: an administrator must "
                          f"remove it (as root: rm -r {path}), then run the set-up again (make courses).")
