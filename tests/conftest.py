"""Shared fixtures: the repository, and scratch course folders built from it."""

import contextlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from tensor_gears.contract import ASSIGNMENT
from tensor_gears.release import nbgrader
from tensor_gears.secret import ALLOW_DEFAULT
from tensor_gears.sample_class.job import stage_student

REPO = Path(__file__).resolve().parents[1]
# The tests grade with the documented public secret, and say so (grading refuses otherwise).
os.environ.setdefault(ALLOW_DEFAULT, "1")


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


def submit(course: Path, student: str, answers: dict[str, str], notebooks: tuple[str, ...] | None = None) -> Path:
    """Submit the release for `student` with `answers` (function -> code, or "reference"),
    keeping only `notebooks` (all by default); returns the submission folder."""
    answers_folder = course / "answers" / student
    answers_folder.mkdir(parents=True)
    sections = [f"# %% {function}: {'reference' if code == 'reference' else 'answer'}\n{code}\n"
                for function, code in answers.items()]
    (answers_folder / "answers.py").write_text("\n".join(sections))
    folder = stage_student(course, answers_folder)
    for path in folder.glob("*.ipynb"):
        if notebooks is not None and path.stem not in notebooks:
            path.unlink()
    return folder


def grades(course: Path, student: str) -> dict[str, float]:
    """Every grade cell's score of `student` in the course's gradebook."""
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        submission = gradebook.find_submission(ASSIGNMENT, student)
        return {grade.name: grade.score for notebook in submission.notebooks for grade in notebook.grades}


@contextlib.contextmanager
def busy_cores(spinners: int = 4):
    """Processes spinning on the machine's cores (four, on two cores) while the block runs."""
    running = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(spinners)]
    try:
        yield
    finally:
        for spinner in running:
            spinner.kill()
            spinner.wait()
