"""Release: nbgrader's, into the course's folders as the set-up made them (folders.py), which
must be the grader's own: nbgrader's release would make them itself, as whoever releases first,
or refuse ones a student made first with no word on what to do."""

from nbgrader.exchange.default.release_assignment import \
    ExchangeReleaseAssignment as DefaultReleaseAssignment

from .folders import AdministeredFolders


class ExchangeReleaseAssignment(AdministeredFolders, DefaultReleaseAssignment):
    """nbgrader's release, once the course's folders are found to be the grader's."""

    def init_dest(self):
        if self.coursedir.course_id:
            self.ensure_course_folders()
        super().init_dest()
