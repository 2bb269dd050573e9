"""Stage the sample class in a scratch course, grade it with nbgrader, print the results.

Each sample student is a folder under `students/`: `answers.py` holds their answers as
sections (`# %% <function>: <label>`; the label `reference` means the reference solution),
and any other file is copied over their submission as it is (a broken notebook, say).
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

from .. import reference
from ..contract import ASSIGNMENT, NOTEBOOKS, task_named
from ..notebooks import cells_by_grade_id, read
from ..release import generate_release, nbgrader
from ..sections import read_sections
from ..sandbox.launch import describe_isolation
from ..private import BUILD, private_folder
from ..secret import ALLOW_DEFAULT, DEFAULT_SECRET, course_secret
from ..class_report import write_report
from ..class_report.exports import export

STUDENTS = Path(__file__).resolve().parent / "students"
COURSE = Path(BUILD) / "sample_class"


def student_names() -> list[str]:
    return sorted(path.name for path in STUDENTS.iterdir() if path.is_dir())


def stage_course(root: Path, course: Path) -> None:
    """A fresh course folder with the repository's config and source, and its own gradebook."""
    if course.exists():
        shutil.rmtree(course)
    course.mkdir(parents=True)
    shutil.copy(root / "nbgrader_config.py", course)
    shutil.copytree(root / "source", course / "source")
    nbgrader(course, "generate_assignment", ASSIGNMENT)


def stage_student(course: Path, student: Path) -> Path:
    """Submit the release with the answers of the student folder `student`, plus its extra files."""
    folder = course / "submitted" / student.name / ASSIGNMENT
    shutil.copytree(course / "release" / ASSIGNMENT, folder)
    for section in read_sections((student / "answers.py").read_text()):
        task = task_named(section.function)
        path = folder / f"{task.notebook}.ipynb"
        nb = read(path)
        answer = reference.solution(task.name) if section.label == "reference" else section.code
        cells_by_grade_id(nb)[task.answer_id].source = answer.strip("\n")
        nbformat.write(nb, str(path))
    for extra in student.iterdir():
        if extra.name != "answers.py":
            shutil.copy(extra, folder / extra.name)
    return folder


def run(root: Path) -> None:
    """The whole main job, from the repository root `root`."""
    release = generate_release(root)
    print(f"Released {release.relative_to(root)}/ from source/{ASSIGNMENT}/ ({len(NOTEBOOKS)} notebooks).")
    course = root / COURSE
    private_folder(root / BUILD)  # solutions, submissions, gradebook, feedback: the staff's alone
    stage_course(root, course)
    students = student_names()
    for student in students:
        stage_student(course, STUDENTS / student)
    os.environ.setdefault(ALLOW_DEFAULT, "1")  # a demo: the documented public secret will do
    print(f"Grading {len(students)} sample students with `tensor-gears grade` in {COURSE}/ ...")
    print(f"  student code runs in: {describe_isolation()}")
    if course_secret() == DEFAULT_SECRET:
        print("  hidden inputs seeded with the public default secret (a demo; set TENSOR_GEARS_SECRET for a course)")
    command = [str(Path(sys.executable).parent / "tensor-gears"), "grade", str(course)]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as graded:  # progress goes to stderr
        for line in graded.stdout:
            print(line, end="", flush=True)
    nbgrader(course, "generate_feedback", ASSIGNMENT)
    exported = export(course)  # runs `nbgrader export` too
    report_html, report_json = write_report(course)
    print()
    print(f"Per-check details: {COURSE}/autograded/<student>/{ASSIGNMENT}/results.json")
    print(f"Feedback for students: {COURSE}/feedback/<student>/{ASSIGNMENT}/*.html")
    print(f"Grades export: {COURSE}/grades.csv")
    print(f"Canvas gradebook import: {COURSE}/exports/{exported.canvas_csv.name}; "
          f"results.json of each student: {COURSE}/exports/results/")
    print(f"Class report: {COURSE}/{report_html.name} (its figures as data: {COURSE}/{report_json.name})")
