"""Attacks on the grader stay in the rootless box (the attacks and the checks:
tests/attacks.py): graded by the unprivileged instructor account, through the real `tensor-gears
grade` (two workers grading side by side); the later run uses plain `nbgrader autograde
tensor_ops`, as that account too."""

from .attacks import *  # noqa: F403 (the checks, collected here)
from .attacks import GRADE, rootless_attacks

attacked = rootless_attacks(GRADE)
