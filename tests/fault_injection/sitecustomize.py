"""Test-only fault injection, for tests/test_grader_failures.py.

That test puts this folder on PYTHONPATH for the `nbgrader` command it runs, so Python
loads this file at start-up. In that process, and only there, it plants a bug in the
grader: building the source rules of a submission whose code contains `TRIGGER` raises,
as a real bug in the grader's rule analysis would.
"""

import sys
from pathlib import Path

TRIGGER = "GRADER_BUG_TRIGGER"


def plant_the_bug():
    from tensor_gears import grading

    class BrokenSource(grading.Source):
        def __init__(self, statements, *args, **kwargs):
            if any(TRIGGER in statement.code for statement in statements):
                raise RuntimeError("a planted bug in the grader's rule analysis")
            super().__init__(statements, *args, **kwargs)

    grading.Source = BrokenSource


if Path(sys.orig_argv[1] if len(sys.orig_argv) > 1 else "").name == "nbgrader":
    plant_the_bug()
