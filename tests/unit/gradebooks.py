"""A new nbgrader gradebook on a SQLite file, fast: nbgrader stamps a new gradebook with the head of its
migrations by running the `alembic` command (a second or more); here the stamp is read from nbgrader's
own migration scripts and written first, and nbgrader's Gradebook creates its tables as usual, once: each
new gradebook is a copy of that one (creating the tables costs a fraction of a second of disk syncs)."""

import re
import shutil
import sqlite3
import tempfile
import warnings
from functools import cache
from pathlib import Path

from nbgrader.api import Gradebook
from nbgrader.dbutil import ALEMBIC_DIR

from tensor_gears.contract import ASSIGNMENT, NOTEBOOKS, TASKS, tasks_of


@cache
def alembic_head() -> str:
    """The revision no other migration of nbgrader's revises (what `alembic heads` prints)."""
    revised, revisions = set(), set()
    for script in (Path(ALEMBIC_DIR) / "versions").glob("*.py"):
        text = script.read_text()
        revisions.add(re.search(r"^revision = '(\w+)'", text, re.M)[1])
        revised.update(re.findall(r"^down_revision = '(\w+)'", text, re.M))
    [head] = revisions - revised
    return head


FOLDER = tempfile.TemporaryDirectory(prefix="tg-unit-gradebook-")  # removed when the tests end


@cache
def blank() -> Path:
    """An empty gradebook, made once."""
    path = Path(FOLDER.name) / "gradebook.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
        db.execute("INSERT INTO alembic_version (version_num) VALUES (?)", (alembic_head(),))
    Gradebook(f"sqlite:///{path}").close()
    return path


def new_gradebook(path: Path) -> str:
    """A gradebook at `path` with nbgrader's tables and nothing in them; returns its URL."""
    shutil.copyfile(blank(), path)
    return f"sqlite:///{path}"


def class_gradebook(path: Path, scores: dict[str, dict[str, float] | None], students: dict | None = None) -> str:
    """A gradebook at `path` of the assignment with the contract's grade cells (visible tests and hidden
    cells), and a submission per student of `scores` (grade id -> auto score; None: no submission). Built
    in memory's filesystem (each of nbgrader's commits syncs the disk), then copied to `path`."""
    with tempfile.TemporaryDirectory(prefix="tg-unit-gradebook-", dir="/dev/shm" if Path("/dev/shm").is_dir()
                                     else None) as folder:
        building = Path(folder) / "gradebook.db"
        url = new_gradebook(building)
        with Gradebook(url) as gradebook, warnings.catch_warnings():
            warnings.simplefilter("ignore")  # nbgrader's add_submission makes SQLAlchemy warn of its autoflush
            gradebook.add_assignment(ASSIGNMENT)
            for notebook in NOTEBOOKS:
                gradebook.update_or_create_notebook(notebook, ASSIGNMENT)
                for task in tasks_of(notebook):
                    cells = [(task.test_id, 0), *((cell.grade_id, cell.points) for cell in task.hidden_cells)]
                    for grade_id, points in cells:
                        gradebook.add_grade_cell(grade_id, notebook, ASSIGNMENT, max_score=points, cell_type="code")
            for student, cells in scores.items():
                gradebook.add_student(student, **(students or {}).get(student, {}))
                if cells is None:
                    continue
                submission = gradebook.add_submission(ASSIGNMENT, student)
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        grade.auto_score = cells.get(grade.name, 0.0)
                gradebook.db.commit()
        shutil.copyfile(building, path)
    return f"sqlite:///{path}"


# A small graded class: ada with a few points lost, bo without a submission, cy with 01 only.
CLASS_SCORES = {
    "ada": {cell.grade_id: cell.points for task in TASKS for cell in task.hidden_cells} | {"hidden_naive_relu": 3},
    "bo": None,
    "cy": {"hidden_naive_relu": 6, "hidden_naive_add": 6},
}
CLASS_STUDENTS = {"ada": {"first_name": "Ada", "last_name": "Lovelace", "lms_user_id": "1001"},
                  "cy": {"last_name": "Young"}}


@cache
def _class() -> Path:
    path = Path(FOLDER.name) / "class.db"
    class_gradebook(path, CLASS_SCORES, CLASS_STUDENTS)
    return path


def class_of_three(path: Path) -> str:
    """The gradebook of CLASS_SCORES at `path` (built once, copied); returns its URL."""
    shutil.copyfile(_class(), path)
    return f"sqlite:///{path}"
