"""Attacks on the grader stay in their box (the attacks and the checks: tests/attacks.py):
graded as root, through the real `tensor-gears grade` (two workers grading side by side);
the later run uses plain `nbgrader autograde tensor_ops`."""

import pytest

from .attacks import *  # noqa: F403 (the checks, collected here)
from .attacks import GRADE, graded_attacks


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    attacked = graded_attacks(tmp_path_factory.mktemp("attacks"), None, GRADE)
    yield attacked
    attacked.victim.kill()
