"""`tensor-gears report` and `tensor-gears export` on a small class graded for real.

Four students hand in 02 and/or 04 (no timing checks, so grading stays quick): one correct,
one whose 02 breaks the loops-only and no-NumPy rules, one with a wrong function in 04, one
with an unreadable 04; a fifth is in the gradebook with no submission. The report's JSON is
checked against the gradebook (totals, cells, functions, histograms) and results.json (check
pass counts, rules, broken notebooks); the HTML must stand alone and show every plot; the
Canvas CSV must have Canvas's import layout. Timing and sandbox-stop figures, which this class
cannot produce cheaply, are checked on made-up checks.
"""

import base64
import csv
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from nbgrader.api import Gradebook

from tensor_gears.class_report.canvas import canvas_rows
from tensor_gears.class_report.collect import Check, ClassData, Student
from tensor_gears.class_report.figures import report_data
from tensor_gears.class_report.outcomes import stopped_because, timing_of
from tensor_gears.contract import ASSIGNMENT, NOTEBOOKS, TASKS, tasks_of
from tensor_gears.release import nbgrader

from .conftest import make_course, submit

TENSOR_GEARS = str(Path(sys.executable).parent / "tensor-gears")
HANDED_IN = ("02_broadcasting", "04_reshaping")
HANDED_IN_BY = {"alice": HANDED_IN, "bob": ("02_broadcasting",), "carol": ("04_reshaping",), "dave": HANDED_IN}
REFERENCE = {task.name: "reference" for notebook in HANDED_IN for task in tasks_of(notebook)}
LOOPS_BROKEN = '''def naive_add_matrix_and_vector(x, y):
    assert len(x.shape) == 2 and len(y.shape) == 1 and x.shape[1] == y.shape[0]
    out = x.copy()
    for i in range(x.shape[0]):
        out[i] = x[i] + y
    return out'''
NUMPY_USED = '''import numpy as np

def broadcast_shape(shape_a, shape_b):
    return tuple(int(n) for n in np.broadcast_shapes(tuple(shape_a), tuple(shape_b)))'''
WRONG_TRANSPOSE = '''def naive_transpose(x):
    return x.copy()'''


def run(*args, cwd) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, env=env)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = make_course(tmp_path_factory.mktemp("class-report") / "course")
    nbgrader(course, "generate_assignment", ASSIGNMENT)
    nbgrader(course, "db", "student", "add", "alice", "--last-name=Liddell", "--first-name=Alice", "--lms-user-id=1001")
    nbgrader(course, "db", "student", "add", "erin", "--last-name=Ng", "--first-name=Erin")
    submit(course, "alice", REFERENCE, HANDED_IN)
    submit(course, "bob", {**REFERENCE, "naive_add_matrix_and_vector": LOOPS_BROKEN, "broadcast_shape": NUMPY_USED},
           ("02_broadcasting",))
    submit(course, "carol", {**REFERENCE, "naive_transpose": WRONG_TRANSPOSE}, ("04_reshaping",))
    folder = submit(course, "dave", REFERENCE, HANDED_IN)
    (folder / "04_reshaping.ipynb").write_text('{"cells": [ this is not JSON')
    grading = run(TENSOR_GEARS, "grade", "--workers", "2", cwd=course)
    assert grading.returncode == 0, grading.stdout + grading.stderr[-3000:]
    report = run(TENSOR_GEARS, "report", str(course), cwd=course.parent)
    exported = run(TENSOR_GEARS, "export", str(course), cwd=course.parent)
    return course, report, exported


def gradebook(course: Path) -> dict:
    """student -> (total, {notebook: score}, {grade cell: score}), for students with a submission."""
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as book:
        return {s.student.id: (s.score, {nb.name: nb.score for nb in s.notebooks},
                               {g.name: g.score for nb in s.notebooks for g in nb.grades})
                for s in book.assignment_submissions(ASSIGNMENT)}


def results(course: Path, student: str) -> dict:
    return json.loads((course / "autograded" / student / ASSIGNMENT / "results.json").read_text())


def report_json(course: Path) -> dict:
    return json.loads((course / "class_report.json").read_text())


def test_the_commands_print_where_they_wrote(graded):
    course, report, exported = graded
    assert report.returncode == 0, report.stderr[-3000:]
    assert str(course / "class_report.html") in report.stdout and str(course / "class_report.json") in report.stdout
    assert exported.returncode == 0, exported.stderr[-3000:]
    for path in ("grades.csv", "exports/canvas_grades.csv", "exports/results"):
        assert str(course / path) in exported.stdout


def test_totals_notebooks_and_cells_equal_the_gradebook(graded):
    course, _, _ = graded
    data, book = report_json(course), gradebook(course)
    rows = {row["id"]: row for row in data["students"]}
    assert set(rows) == {"alice", "bob", "carol", "dave", "erin"}
    assert not rows["erin"]["submitted"] and data["summary"]["not_submitted"] == ["erin"]
    assert {student for student, row in rows.items() if row["submitted"]} == set(book)
    for student, (total, notebooks, cells) in book.items():
        assert rows[student]["total"] == total
        assert rows[student]["notebooks"] == notebooks
        assert rows[student]["cells"] == {name: score for name, score in cells.items() if name.startswith("hidden_")}
    assert rows["alice"]["total"] == sum(task.points for nb in HANDED_IN for task in tasks_of(nb))
    assert {student: tuple(rows[student]["handed_in"]) for student in book} == HANDED_IN_BY
    assert data["summary"]["mean"] == pytest.approx(np.mean([total for total, _, _ in book.values()]), abs=0.01)
    for cell in data["cells"]:
        scores = [cells[cell["grade_id"]] for _, _, cells in book.values()]
        assert cell["full_marks"] == sum(score >= cell["max_points"] for score in scores)


def test_histogram_counts_equal_the_gradebook(graded):
    course, _, _ = graded
    data, book = report_json(course), gradebook(course)
    overall = data["histograms"]["overall"]
    assert overall["edges"][0] == 0 and overall["edges"][-1] == 100
    assert overall["counts"] == list(np.histogram([total for total, _, _ in book.values()], overall["edges"])[0])
    for notebook in NOTEBOOKS:
        histogram = data["histograms"][notebook]
        scores = [notebooks[notebook] for _, notebooks, _ in book.values()]
        assert histogram["counts"] == list(np.histogram(scores, histogram["edges"])[0])
        assert sum(histogram["counts"]) == len(book)
    assert data["histograms"]["01_elementwise"]["counts"][0] == len(book)  # nobody handed in 01: all score 0
    assert data["histograms"]["01_elementwise"]["not_handed_in"] == len(book)


def test_check_pass_counts_match_results_json_and_the_gradebook(graded):
    course, _, _ = graded
    data, book = report_json(course), gradebook(course)
    counted = {}
    for student, (_, _, cells) in book.items():
        for test in results(course, student)["tests"]:
            checks = test.get("extra_data", {}).get("checks", [])
            if not checks:
                continue
            # each hidden cell's gradebook score is the points of its checks that passed
            assert cells[test["name"]] == sum(c["points"] for c in checks if c["passed"]), (student, test["name"])
            for check in checks:
                if check["name"] != "notebook":
                    ran, passed = counted.get((test["name"], check["name"]), (0, 0))
                    counted[(test["name"], check["name"])] = (ran + 1, passed + check["passed"])
    assert {(row["grade_id"], row["check"]): (row["ran"], row["passed"]) for row in data["checks"]} == counted
    by_name = {row["check"]: row for row in data["checks"]}
    assert "carol" in by_name["check_transpose_values"]["failed_students"]
    assert by_name["check_flatten_values"]["ran"] == 2  # alice and carol: dave's 04 could not be read


def test_functions_rules_and_problems_name_the_right_students(graded):
    course, _, _ = graded
    data, book = report_json(course), gradebook(course)
    functions = {row["function"]: row for row in data["functions"]}
    for task in TASKS:
        row = functions[task.name]
        handed_in = [s for s in book if task.notebook in HANDED_IN_BY[s]]
        assert row["students"] == len(handed_in)
        assert row["full_marks"] == sum(sum(book[s][2][c.grade_id] for c in task.hidden_cells) == task.points
                                        for s in handed_in)
    assert functions["naive_transpose"]["full_marks"] == 1  # alice; carol's is wrong, dave's unreadable
    assert data["summary"]["hardest_function"] in {"flatten_images", "naive_transpose", "make_batches"}
    rules = {row["rule"]: row for row in data["rules"]}
    assert rules["not loops only"]["students"] == ["bob"]
    assert rules["not loops only"]["functions"] == {"naive_add_matrix_and_vector": 1}
    assert rules["uses NumPy"]["students"] == ["bob"]
    assert data["broken_notebooks"] == [{"student": "dave", "notebook": "04_reshaping",
                                         "message": data["broken_notebooks"][0]["message"]}]
    assert data["broken_notebooks"][0]["message"].startswith("the submitted file 04_reshaping.ipynb")
    assert data["grader_failures"] == [] and data["contained"] == [] and data["timings"] == []
    # 02 and 04 only: all below 50
    assert [row["student"] for row in data["failing"]] == sorted(book, key=lambda s: (book[s][0], s))


def test_the_page_stands_alone_and_shows_every_plot(graded):
    course, _, _ = graded
    page, data = (course / "class_report.html").read_text(), report_json(course)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//|file:)""", page)
    assert "<script" not in page and "<link" not in page and "@import" not in page and "<style>" in page
    expected = {"histogram-overall", "histogram-notebooks", "functions", "checks", "rules", "class-map"}
    assert expected <= {plot["id"] for plot in data["plots"]}
    for plot in data["plots"]:
        found = re.search(rf'<figure id="{plot["id"]}"><img src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
        assert found, plot["id"]
        assert base64.b64decode(found.group(1)).startswith(b"\x89PNG\r\n\x1a\n")
    for text in ("dave", "04_reshaping", "not loops only", "uses NumPy", "erin"):
        assert text in page


def test_the_canvas_csv_has_canvas_import_layout(graded):
    course, _, _ = graded
    with (course / "exports" / "canvas_grades.csv").open(newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", ASSIGNMENT]
    assert rows[1] == ["    Points Possible", "", "", "", "", "100"]  # as Canvas's export writes it
    by_login = {row[3]: row for row in rows[2:]}
    assert set(by_login) == {"alice", "bob", "carol", "dave", "erin"} and len(rows) == 7
    assert by_login["alice"][:3] == ["Liddell, Alice", "1001", ""]
    assert by_login["erin"][0] == "Ng, Erin" and by_login["erin"][5] == ""  # no submission: no grade imported
    with (course / "grades.csv").open(newline="") as handle:
        nbgrader_scores = {row["student_id"]: float(row["score"]) for row in csv.DictReader(handle)}
    for student, (total, _, _) in gradebook(course).items():
        assert float(by_login[student][5]) == total == nbgrader_scores[student]
    # Canvas's export titles a column "Name (assignment ID)", and the import matches an existing
    # assignment by that ID; without it, importing creates a new assignment.
    titled = canvas_rows(f"sqlite:///{course / 'gradebook.db'}", canvas_ids={ASSIGNMENT: "48213"})
    assert titled[0][5] == f"{ASSIGNMENT} (48213)" and titled[1:] == rows[1:]
    copied = sorted(path.name for path in (course / "exports" / "results").iterdir())
    assert copied == ["alice.json", "bob.json", "carol.json", "dave.json"]
    assert json.loads((course / "exports" / "results" / "bob.json").read_text()) == results(course, "bob")


def made_up_check(student, grade_id, name, passed, message, stopped_by=None, **measured) -> Check:
    return Check(student, grade_id, name, "", 2, passed, message, measured=measured or None, stopped=stopped_by)


def test_timings_slowest_and_stopped_code_from_made_up_checks():
    checks = {
        "fast": [made_up_check("fast", "hidden_vectorized_add_relu__timing", "check_vectorized_timing", True,
                               "measured: 400.0 times faster than the naive version (at least 20 needed)",
                               kind="speedup", ratio=400.0, threshold=20),
                 made_up_check("fast", "hidden_naive_matrix_dot__timing", "check_matrix_dot_timing", True,
                               "measured: took 1.1 times the naive version's time (at most 50 allowed)",
                               kind="budget", ratio=1.1, threshold=50)],
        "slow": [made_up_check("slow", "hidden_vectorized_add_relu__timing", "check_vectorized_timing", False,
                               "measured: 2.0 times faster than the naive version (at least 20 needed)",
                               kind="speedup", ratio=2.0, threshold=20),
                 made_up_check("slow", "hidden_naive_matrix_dot__timing", "check_matrix_dot_timing", False,
                               "measured: took more than 50 times the naive version's time and was stopped",
                               kind="budget", ratio=None, threshold=50, stopped=True)],
        "attacker": [made_up_check("attacker", "hidden_naive_relu", "check_relu_values", False,
                                   "`naive_relu(x)`: the process running your code was killed by SIGKILL",
                                   stopped_by="killed by SIGKILL"),
                     made_up_check("attacker", "hidden_naive_add", "check_add_values", False,
                                   "`naive_add(x, y)` did not finish within 10 s and was stopped",
                                   stopped_by="stopped at the 10 s time limit")],
    }
    handed_in = ("01_elementwise", "03_tensor_product")
    students = [Student(name, "", None, submitted=True, total=0, max_score=100, handed_in=handed_in,
                        checks=found, has_results=True) for name, found in checks.items()]
    data = report_data(ClassData(Path("."), 100, {}, students))
    assert timing_of(checks["fast"][0]).higher_is_better and not timing_of(checks["fast"][1]).higher_is_better
    slowest = [(row["student"], row["function"]) for row in data["slowest"]]
    assert slowest[:2] == [("slow", "naive_matrix_dot"), ("slow", "vectorized_add_relu")]  # stopped, then 10x short
    assert data["slowest"][0]["stopped"] and data["slowest"][1]["slowness"] == 10
    assert [(row["student"], row["reason"]) for row in data["contained"]] == [
        ("attacker", "killed by SIGKILL"), ("attacker", "stopped at the 10 s time limit")]
    assert stopped_because(checks["slow"][1]) is None  # slow, not stopped: the timing section shows it
