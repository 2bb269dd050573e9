"""The grader's own versions of the graded functions: the instructor notebooks' solutions.

The checks never send them to a student's process, with one exception the contract makes:
a function that may call another graded function (`naive_vector_dot`) is given the
grader's version of that callee, so that one bug costs points once.
"""

import re
from functools import cache
from pathlib import Path

from .contract import task_named
from .notebooks import cells_by_grade_id, notebook_path, read
from .submission import Submission

SOURCE = Path(__file__).resolve().parents[1] / "source"
MARKER = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*(?:\n|\Z)", re.M)
PRELUDE = "import numpy as np\n"


@cache
def solution(function: str) -> str:
    """The reference definition of `function`, without the solution markers."""
    task = task_named(function)
    cell = cells_by_grade_id(read(notebook_path(SOURCE, task.notebook)))[task.answer_id]
    return MARKER.sub("", cell.source)


def callee(function: str) -> str:
    """Source defining the reference `function`, ready to run in a child on its own."""
    return PRELUDE + solution(function)


def submission(*functions: str, extra: str = "") -> Submission:
    """A submission made of reference solutions only (plus `extra` code), for a clean child."""
    return Submission.from_source(PRELUDE + "\n\n".join(solution(f) for f in functions) + "\n\n" + extra)
