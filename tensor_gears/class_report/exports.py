"""`tensor-gears export`: everything people import, from one command.

COURSE/grades.csv        nbgrader's own export (`nbgrader export`), as it is
COURSE/exports/results/  each graded student's results.json (Gradescope's format), as <student>.json
COURSE/exports/canvas_grades.csv   the gradebook in the layout Canvas imports (see canvas.py)
"""

import shutil
from dataclasses import dataclass
from pathlib import Path

from nbgrader.api import Gradebook

from ..release import nbgrader
from .canvas import write_canvas_csv
from .collect import CourseFolders


@dataclass
class Exported:
    grades_csv: Path
    results: list[Path]
    canvas_csv: Path


def export(root: Path, db_url: str | None = None, id_column: str = "sis_login_id",
           canvas_ids: dict[str, str] | None = None) -> Exported:
    course = CourseFolders(root, db_url)
    course.require_gradebook()
    extra = [f"--CourseDirectory.db_url={db_url}"] if db_url else []
    nbgrader(course.root, "export", *extra)
    folder = course.root / "exports" / "results"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    copied = []
    with Gradebook(course.db_url) as gradebook:
        students = sorted(student.id for student in gradebook.students)
    for student in students:
        results = course.folder("autograded", student) / "results.json"
        if results.exists():
            copied.append(Path(shutil.copy(results, folder / f"{student}.json")))
    canvas = write_canvas_csv(course.db_url, course.root / "exports" / "canvas_grades.csv", id_column, canvas_ids)
    return Exported(course.root / "grades.csv", copied, canvas)
