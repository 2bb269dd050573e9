"""Attacks on the grader stay in the rootless box (the attacks and the checks:
tests/attacks.py): graded by the unprivileged instructor account, through plain `nbgrader autograde tensor_ops`; the later run
uses plain `nbgrader autograde tensor_ops`, as that account too."""

import pytest

from .accounts import INSTRUCTOR, owned_folder, remove
from .attacks import *  # noqa: F401,F403 (the checks, collected here)
from .attacks import AUTOGRADE, graded_attacks


@pytest.fixture(scope="module")
def attacked():
    folder = owned_folder(INSTRUCTOR, "attacks")
    attacked = graded_attacks(folder, INSTRUCTOR, AUTOGRADE)
    yield attacked
    attacked.victim.kill()
    remove(folder)


def test_the_batch_was_graded_in_the_rootless_box(attacked):
    results = (attacked.course / "autograded" / "a_clean" / "tensor_ops" / "results.json").read_text()
    assert '"isolation_mode": "rootless"' in results
