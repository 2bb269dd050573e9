"""Release: nbgrader's, with a sticky inbound, so a student cannot rename or remove another
student's submission (nbgrader makes the inbound 2733: anyone may create, rename and delete
entries in it)."""

import os
from stat import S_ISVTX

from nbgrader.exchange.default.release_assignment import \
    ExchangeReleaseAssignment as DefaultReleaseAssignment


class ExchangeReleaseAssignment(DefaultReleaseAssignment):
    """nbgrader's release, then the sticky bit on the course's inbound."""

    def init_dest(self):
        super().init_dest()
        mode = os.stat(self.inbound_path).st_mode
        if not mode & S_ISVTX:
            os.chmod(self.inbound_path, (mode | S_ISVTX) & 0o7777)
