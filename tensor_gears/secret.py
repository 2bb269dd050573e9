"""Per-student random inputs: seeded from the student, the assignment and a course secret.

Only the values are the student's: where a check draws the kinds of its inputs at random (which
entries are negative or zero, how long a shape is, where its 1s are), it draws them from a
generator seeded by the check's name alone (`CheckRandom.structure`), so that a mistake fails
the same checks for every student.

The secret comes from the environment variable TENSOR_GEARS_SECRET, or from the file named
by TENSOR_GEARS_SECRET_FILE (default ~/.config/tensor-gears/secret), both outside the
repository, so students cannot compute their inputs beforehand. Without either, grading
refuses to start, unless TENSOR_GEARS_ALLOW_DEFAULT_SECRET=1 says to use the documented
public default below (the test suite and the sample class do). The same student, assignment
and secret always give the same inputs, so a regrade reproduces.
"""

import hashlib
import os
from functools import cache
from pathlib import Path

import numpy as np

from .errors import TensorGearsError

DEFAULT_SECRET = "tensor-gears public default secret: set TENSOR_GEARS_SECRET for a real course"
SECRET_FILE = Path("~/.config/tensor-gears/secret")
ALLOW_DEFAULT = "TENSOR_GEARS_ALLOW_DEFAULT_SECRET"


class NoSecret(TensorGearsError):
    """No course secret is set and the public default was not allowed."""


@cache
def course_secret() -> str:
    if os.environ.get("TENSOR_GEARS_SECRET"):
        return os.environ["TENSOR_GEARS_SECRET"]
    path = Path(os.environ.get("TENSOR_GEARS_SECRET_FILE", SECRET_FILE)).expanduser()
    if path.is_file():
        return path.read_text().strip()
    if os.environ.get(ALLOW_DEFAULT) == "1":
        return DEFAULT_SECRET
    raise NoSecret("no course secret is set, so students could compute their hidden inputs: set "
                   f"TENSOR_GEARS_SECRET or write it to {path} (or set {ALLOW_DEFAULT}=1 to "
                   "grade with the public default, for tests and demos only)")


def seeded(*parts: str) -> np.random.Generator:
    digest = hashlib.sha256("\0".join(parts).encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:16], "big"))


class CheckRandom:
    """A check's random source: values from the student's generator (its methods: `uniform`,
    `integers`, ...), the kinds of inputs from `structure`, the same for every student."""

    def __init__(self, values: np.random.Generator, structure: np.random.Generator):
        self.values, self.structure = values, structure

    def __getattr__(self, name: str):
        return getattr(self.values, name)


def rng_for(secret: str, assignment: str, student: str, check: str) -> CheckRandom:
    """Values seeded from the secret, the assignment, the student and the check's name; kinds
    of inputs from the assignment and the check's name only."""
    return CheckRandom(seeded(secret, assignment, student, check), seeded(assignment, check))
