"""Per-student random inputs: seeded from the student, the assignment and a course secret.

The secret comes from the environment variable TENSOR_GEARS_SECRET, or from the file named
by TENSOR_GEARS_SECRET_FILE (default ~/.config/tensor-gears/secret), both outside the
repository, so students cannot compute their inputs beforehand. Without either, the
documented public default below is used (the test suite relies on it) and a warning is
logged. The same student, assignment and secret always give the same inputs, so a regrade
reproduces.
"""

import hashlib
import logging
import os
from functools import cache
from pathlib import Path

import numpy as np

DEFAULT_SECRET = "tensor-gears public default secret: set TENSOR_GEARS_SECRET for a real course"
SECRET_FILE = Path("~/.config/tensor-gears/secret")

log = logging.getLogger("tensor_gears")


@cache
def course_secret() -> str:
    if os.environ.get("TENSOR_GEARS_SECRET"):
        return os.environ["TENSOR_GEARS_SECRET"]
    path = Path(os.environ.get("TENSOR_GEARS_SECRET_FILE", SECRET_FILE)).expanduser()
    if path.is_file():
        return path.read_text().strip()
    log.warning("no course secret set (TENSOR_GEARS_SECRET): using the public default, so inputs are guessable")
    return DEFAULT_SECRET


def rng_for(secret: str, assignment: str, student: str, check: str) -> np.random.Generator:
    """A generator seeded from the secret, the assignment, the student and the check's name."""
    digest = hashlib.sha256("\0".join((secret, assignment, student, check)).encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:16], "big"))
