"""Scoring the hidden-check cells inside `nbgrader autograde`.

`HiddenChecks` runs after the notebook has executed and before `SaveAutoGrades`: it grades
the submission from this (trusted) process with the core's hidden checks and writes each
hidden-check cell's outcome into that cell, so gradebook, feedback and export see the true
score. When the grader itself fails on a notebook, its hidden cells score 0 with a message
for the student, the traceback goes to the log, and the command ends naming the affected
notebooks, with exit status 1.
"""

import atexit
import logging
import os
import sys
from pathlib import Path

from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Float

from ..contract import NOTEBOOKS
from ..core.hidden_cells import write_results
from ..core.stand_in import stand_in_reason
from ..core.student import Settings, hidden_checks
from ..sandbox.limits import BoxLimits
from ..secret import course_secret
from ..student_code import CALL_TIME_LIMIT


class HiddenChecks(NbGraderPreprocessor):
    """Grade the submission with the hidden checks and write each hidden cell's outcome."""

    call_time_limit = Float(CALL_TIME_LIMIT, help=(
        "Seconds one call of a student's function may run in the hidden checks (timing "
        "measurements have a budget of their own). Past them the call is stopped and its check "
        "fails with a message; after two such calls, that function's remaining checks are not run.")).tag(config=True)

    def preprocess(self, nb, resources):
        notebook = resources["nbgrader"]["notebook"]
        student = resources["nbgrader"]["student"]
        if notebook not in NOTEBOOKS:
            return nb, resources
        settings = Settings(secret=course_secret(), call_time_limit=self.call_time_limit,
                            limits=BoxLimits(config=self.config).limits())
        results, grader_failed, _, _ = hidden_checks(notebook, nb, stand_in_reason(nb), student, settings, self.log)
        if grader_failed:
            GRADER_FAILURES.add(student, notebook, self.log)
        write_results(nb, results)
        self.log.info("%s / %s: hidden checks %s", student, notebook,
                      ", ".join(f"{r.grade_id} {r.points:g}/{r.max_points:g}" for r in results.values()))
        return nb, resources


class GraderFailures:
    """The notebooks the grader failed on in this process. When it is the `nbgrader` command,
    it names them at exit and ends with status 1 (nbgrader would exit 0: the grades are saved)."""

    def __init__(self):
        self.failed: list[tuple[str, str]] = []
        self.log = logging.getLogger("tensor_gears")

    def add(self, student: str, notebook: str, log: logging.Logger):
        if not self.failed and Path(sys.argv[0]).name == "nbgrader":
            atexit.register(self.report)
        self.failed.append((student, notebook))
        self.log = log

    def report(self):
        for student, notebook in self.failed:
            self.log.error("The grader failed on %s / %s: its hidden cells scored 0. Fix the cause shown in the "
                           "traceback above, then regrade: nbgrader autograde tensor_ops --student %s --force",
                           student, notebook, student)
        for handler in self.log.handlers + logging.getLogger().handlers:
            handler.flush()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(1)


GRADER_FAILURES = GraderFailures()
