"""Shared fixtures: the repository, and scratch course folders built from it."""

import shutil
from pathlib import Path

import pytest

from tensor_gears.release import nbgrader

REPO = Path(__file__).resolve().parents[1]


def make_course(folder: Path) -> Path:
    """A scratch course folder: the repository's nbgrader config and source notebooks."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "nbgrader_config.py", folder)
    shutil.copytree(REPO / "source", folder / "source")
    return folder


@pytest.fixture(scope="session")
def released_course(tmp_path_factory) -> Path:
    """A scratch course with a freshly generated release and its own gradebook."""
    course = make_course(tmp_path_factory.mktemp("course"))
    nbgrader(course, "generate_assignment", "tensor_ops")
    return course
