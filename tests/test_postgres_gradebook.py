"""The gradebook on PostgreSQL: real `nbgrader autograde tensor_ops` with
`--CourseDirectory.db_url=postgresql+psycopg://...` against a server the test starts itself
(tests/postgres.py), with two graders writing to it at the same time.

The gradebook is created (tables, alembic stamp, the assignment's notebooks and cells) by
`nbgrader generate_assignment` before any grading: nbgrader's first use of an empty database
is not safe to run concurrently (two `Gradebook()` on an empty PostgreSQL database can both
run CREATE TABLE and one fails), grading different students in parallel afterwards is.
"""

import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from nbgrader.api import Gradebook
from sqlalchemy import create_engine, text

from tensor_gears.contract import ASSIGNMENT, TASKS, tasks_of
from tensor_gears.release import nbgrader
from tensor_gears.secret import ALLOW_DEFAULT

from .conftest import make_course, submit
from .postgres import postgres_url  # noqa: F401 (the fixture)

# Notebooks without timing aspects, so two graders sharing two busy cores score the same.
NOTEBOOKS = ("02_broadcasting", "04_reshaping")
# Student -> (the notebooks submitted, the notebooks answered with the reference solutions).
STUDENTS = {
    "ada": (NOTEBOOKS, NOTEBOOKS),
    "bo": (NOTEBOOKS[:1], NOTEBOOKS[:1]),
    "cy": (NOTEBOOKS, NOTEBOOKS[1:]),
    "di": (NOTEBOOKS[:1], ()),
}
# Two graders at once, each grading its students one after the other.
LANES = (("ada", "cy"), ("bo", "di"))


def answers(notebooks) -> dict[str, str]:
    return {task.name: "reference" for notebook in notebooks for task in tasks_of(notebook)}


def expected_points(student: str) -> int:
    return sum(task.points for notebook in STUDENTS[student][1] for task in tasks_of(notebook))


def grader_environment() -> dict[str, str]:
    """As `tensor_gears.release.nbgrader` runs nbgrader: the venv's bin first on PATH (a new
    gradebook shells out to alembic), and the tests' public default secret allowed."""
    bin_dir = Path(sys.executable).parent
    return {**os.environ, ALLOW_DEFAULT: "1", "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}


def autograde(course: Path, url: str, student: str) -> dict:
    """`nbgrader autograde tensor_ops --student=<student>` on the gradebook at `url`."""
    started = time.monotonic()
    run = subprocess.Popen([str(Path(sys.executable).parent / "nbgrader"), "autograde", ASSIGNMENT,
                            f"--student={student}", f"--CourseDirectory.db_url={url}"],
                           cwd=course, env=grader_environment(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True)
    output = run.communicate(timeout=600)[0]
    return {"student": student, "returncode": run.returncode, "output": output,
            "started": started, "ended": time.monotonic()}


@pytest.fixture(scope="module")
def graded(tmp_path_factory, postgres_url):  # noqa: F811 (the imported fixture)
    """The course released into the PostgreSQL gradebook, then graded by two concurrent graders,
    each grading its lane of students one after the other."""
    course = make_course(tmp_path_factory.mktemp("postgres_course"))
    nbgrader(course, "generate_assignment", ASSIGNMENT, f"--CourseDirectory.db_url={postgres_url}")
    for student, (submitted, answered) in STUDENTS.items():
        submit(course, student, answers(answered), submitted)
    started = time.monotonic()
    with ThreadPoolExecutor(len(LANES)) as pool:
        lanes = list(pool.map(lambda students: [autograde(course, postgres_url, s) for s in students], LANES))
    return {"course": course, "url": postgres_url, "lanes": lanes, "seconds": time.monotonic() - started}


def scores(url: str, student: str) -> dict[str, tuple[float, float]]:
    """Every grade cell of `student`'s submission in the gradebook at `url`: (score, max score)."""
    with Gradebook(url, course_id="tensor-gears") as gradebook:
        submission = gradebook.find_submission(ASSIGNMENT, student)
        return {grade.name: (grade.score, grade.max_score)
                for notebook in submission.notebooks for grade in notebook.grades}


def test_two_graders_at_once_both_succeed(graded):
    runs = [run for lane in graded["lanes"] for run in lane]
    for run in runs:
        assert run["returncode"] == 0, f"{run['student']}:\n{run['output'][-4000:]}"
    first, second = (lane[0] for lane in graded["lanes"])
    assert max(first["started"], second["started"]) < min(first["ended"], second["ended"]), \
        "the two graders did not run at the same time"
    assert not (graded["course"] / "gradebook.db").exists(), "a SQLite gradebook was used"
    print(f"graded {len(runs)} students in {len(graded['lanes'])} concurrent graders in {graded['seconds']:.0f} s")


def test_every_student_has_the_expected_scores_on_postgresql(graded):
    url = graded["url"]
    with Gradebook(url, course_id="tensor-gears") as gradebook:
        assert sorted(student.id for student in gradebook.students) == sorted(STUDENTS)
        assert [assignment.name for assignment in gradebook.assignments] == [ASSIGNMENT]
    for student, (_, answered) in STUDENTS.items():
        graded_cells = scores(url, student)
        assert set(graded_cells) == {grade_id for task in TASKS for grade_id in grade_ids(task)}
        for task in TASKS:
            for grade_id in grade_ids(task):
                score, max_score = graded_cells[grade_id]
                expected = max_score if task.notebook in answered else 0
                assert score == expected, f"{student} {grade_id}: {score} (expected {expected})"
        assert sum(score for score, _ in graded_cells.values()) == expected_points(student), student
        # results.json is written from the gradebook too (nbgrader_glue.results_json.WriteResults).
        results = json.loads((graded["course"] / "autograded" / student / ASSIGNMENT / "results.json").read_text())
        assert results["score"] == expected_points(student), student


def grade_ids(task):
    return (task.test_id, *(cell.grade_id for cell in task.hidden_cells))


def test_the_rows_are_in_the_postgresql_database(graded):
    """Read back without nbgrader: one submission per student, a scored grade row for every graded cell."""
    engine = create_engine(graded["url"])
    try:
        with engine.connect() as connection:
            submitted = connection.execute(text(
                "SELECT student_id, count(*) FROM submitted_assignment GROUP BY student_id")).all()
            cells = connection.execute(text(
                "SELECT (SELECT count(*) FROM grade_cells) + (SELECT count(*) FROM task_cells)")).scalar()
            grades = connection.execute(text("SELECT count(*) FROM grade")).scalar()
            unscored = connection.execute(text("SELECT count(*) FROM grade WHERE auto_score IS NULL")).scalar()
            stamped = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    finally:
        engine.dispose()
    assert dict(submitted) == dict.fromkeys(STUDENTS, 1)
    assert cells > 0 and grades == cells * len(STUDENTS)
    assert unscored == 0
    assert len(stamped) == 1


def test_tensor_gears_grade_on_postgresql_writes_the_same_rows(graded):
    """The parallel command regrades the class into the same PostgreSQL gradebook: every row is unchanged."""
    before = {student: scores(graded["url"], student) for student in STUDENTS}
    run = subprocess.run([str(Path(sys.executable).parent / "tensor-gears"), "grade", "--force", "--workers", "2",
                          "--db-url", graded["url"]], cwd=graded["course"], env=grader_environment(),
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr[-3000:]
    assert f"Grading {len(STUDENTS)} students" in run.stdout
    assert {student: scores(graded["url"], student) for student in STUDENTS} == before
