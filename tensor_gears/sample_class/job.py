"""Stage the sample class in a scratch course, grade it with nbgrader, print the results."""

import shutil
from pathlib import Path

from nbgrader.api import Gradebook

from ..contract import ASSIGNMENT, NOTEBOOKS, tasks_of
from ..notebooks import cells_by_grade_id, failed, notebook_path, read
from ..release import generate_release, nbgrader

STUDENTS = {
    "reference": "source",  # the instructor's reference solutions, submitted as they are
    "untouched": "release",  # the student version, submitted without any answer
}


def stage_course(root: Path, course: Path) -> None:
    """A fresh course folder with the repository's config and source, and its own gradebook."""
    if course.exists():
        shutil.rmtree(course)
    course.mkdir(parents=True)
    shutil.copy(root / "nbgrader_config.py", course)
    shutil.copytree(root / "source", course / "source")
    nbgrader(course, "generate_assignment", ASSIGNMENT)


def stage_submissions(course: Path) -> None:
    """Copy each sample student's notebooks into `submitted/<student>/tensor_ops/`."""
    for student, folder in STUDENTS.items():
        target = course / "submitted" / student / ASSIGNMENT
        shutil.copytree(course / folder / ASSIGNMENT, target)


def results_table(course: Path) -> str:
    """Per student and function: did the visible test pass, and the hidden points earned."""
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        scores = {
            (student, notebook.name, grade.name): (grade.score, grade.max_score)
            for student in STUDENTS
            for notebook in gradebook.find_submission(ASSIGNMENT, student).notebooks
            for grade in notebook.grades
        }
    header = f"{'notebook / function':<36}" + "".join(f"{student:>22}" for student in STUDENTS)
    lines = [header, "-" * len(header)]
    totals = dict.fromkeys(STUDENTS, 0.0)
    for notebook in NOTEBOOKS:
        lines.append(notebook)
        graded = {s: cells_by_grade_id(read(notebook_path(course / "autograded" / s, notebook))) for s in STUDENTS}
        for task in tasks_of(notebook):
            row = f"  {task.name:<34}"
            for student in STUDENTS:
                visible = "FAIL" if failed(graded[student][task.test_id]) else "pass"
                earned = sum(scores[student, notebook, cell.grade_id][0] for cell in task.hidden_cells)
                totals[student] += earned
                row += f"{f'test {visible}, {earned:g}/{task.points}':>22}"
            lines.append(row)
    lines.append("-" * len(header))
    lines.append(f"{'total (hidden checks)':<36}" + "".join(f"{f'{totals[s]:g}/100':>22}" for s in STUDENTS))
    return "\n".join(lines)


def run(root: Path) -> None:
    """The whole main job, from the repository root `root`."""
    release = generate_release(root)
    print(f"Released {release.relative_to(root)}/ from source/{ASSIGNMENT}/ ({len(NOTEBOOKS)} notebooks).")
    course = root / "build" / "sample_class"
    stage_course(root, course)
    stage_submissions(course)
    print(f"Grading {len(STUDENTS)} sample students with nbgrader autograde in {course.relative_to(root)}/ ...")
    nbgrader(course, "autograde", ASSIGNMENT)
    print()
    print(results_table(course))
