"""Timing points that cannot be faked, in the real flow: a class of students whose
`vectorized_add_relu` or `naive_matrix_dot` is far too slow when honest and tries to look fast
when timed (tests/bank/adversarial_*.py: telling timed calls from others by the call stack,
the garbage collector, the rhythm or count of the calls, the clock, or reaching the harness from
code run at load), graded by plain `nbgrader autograde tensor_ops` and by `tensor-gears grade`,
as root and as the unprivileged instructor (the rootless box). Each loses its timing points,
and every point of its function where it looks at or changes the grader (their other answer
cells are left as handed out: a trick costs only its own function), and an honest student
graded beside them keeps everything. The gradebook says so, cell by cell."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tensor_gears.checks import declared_checks
from tensor_gears.contract import ASSIGNMENT, tasks_of
from tensor_gears.grading import function_of

from .accounts import INSTRUCTOR, as_account, give, login_environment, owned_folder, remove
from .bank_sections import variants
from .conftest import grades, make_course, submit

NOTEBOOKS = ("01_elementwise", "03_tensor_product")
BIN = Path(sys.executable).parent
COMMANDS = {
    "nbgrader": ["nbgrader", "autograde", ASSIGNMENT],
    "grade": ["tensor-gears", "grade", "--workers", "2"],
}


def class_of_attackers() -> dict[str, dict[str, str]]:
    """Student -> answers: the reference answers of both notebooks for the honest student; one
    adversarial 01 and one adversarial 03 for each other student, while both last."""
    tricks = {name: [v for v in variants("adversarial") if v.notebook == name] for name in NOTEBOOKS}
    students = {"honest": {task.name: "reference" for name in NOTEBOOKS for task in tasks_of(name)}}
    for index in range(max(len(found) for found in tricks.values())):
        answers = {}
        for found in tricks.values():
            if index < len(found):
                answers[found[index].function] = found[index].code
        students[f"tricks_{index:02d}"] = answers
    return students


def handed_in(answers: dict[str, str]) -> tuple[str, ...]:
    """The notebooks a student hands in: those they answered something in."""
    return tuple(name for name in NOTEBOOKS if any(task.name in answers for task in tasks_of(name)))


def expected_scores(answers: dict[str, str]) -> dict[str, float]:
    """Each hidden cell's points: those of the checks of an answered function that its variant
    (the reference: none) does not fail; an unanswered function earns nothing."""
    failing = {name for variant in variants("adversarial") if answers.get(variant.function) == variant.code
               for name in variant.fails}
    scores: dict[str, float] = {}
    for notebook in handed_in(answers):
        for check in declared_checks(notebook):
            earned = check.name not in failing and function_of(check.cell) in answers
            scores[check.cell] = scores.get(check.cell, 0) + (check.points if earned else 0)
    return scores


@pytest.fixture(scope="module", params=[(command, mode) for command in COMMANDS for mode in ("root", "rootless")],
                ids=lambda param: "-".join(param))
def graded(request, tmp_path_factory):
    command, mode = request.param
    account = None if mode == "root" else INSTRUCTOR
    folder = tmp_path_factory.mktemp("timing-attacks") if account is None else owned_folder(account, "timing-attacks")
    try:
        course = make_course(folder / "course")
        students = class_of_attackers()
        run = runner(course, account, {"TENSOR_GEARS_ALLOW_DEFAULT_SECRET": "1"})
        if account is not None:
            give(account, folder)
        released = run(["nbgrader", "generate_assignment", ASSIGNMENT])
        assert released.returncode == 0, released.stderr[-3000:]
        for student, answers in students.items():
            submit(course, student, answers, handed_in(answers))
        if account is not None:
            give(account, folder)
        yield course, run(COMMANDS[command]), students, mode
    finally:
        if account is not None:
            remove(folder)


def runner(course: Path, account: str | None, environment: dict[str, str]):
    """A command run in the course folder, as `account` (None: this process's user, root)."""
    def run(argv: list[str]) -> subprocess.CompletedProcess:
        if account is None:
            env = {**os.environ, **environment, "PATH": f"{BIN}:{os.environ['PATH']}"}
            return subprocess.run(argv, cwd=course, capture_output=True, text=True, env=env)
        return as_account(account, argv, cwd=course, env=login_environment(account, **environment))
    return run


def test_every_trick_loses_its_timing_points_and_nothing_else_is_lost(graded):
    course, done, students, mode = graded
    assert done.returncode == 0, done.stderr[-3000:]
    for student, answers in students.items():
        expected = expected_scores(answers)
        got = {cell: score for cell, score in grades(course, student).items() if cell in expected}
        assert got == expected, (student, mode)
        results = json.loads((course / "autograded" / student / ASSIGNMENT / "results.json").read_text())
        assert results["extra_data"]["isolation_mode"] == mode


def test_the_feedback_says_why(graded):
    course, _, students, _ = graded
    outputs = {}
    for student in students:
        results = json.loads((course / "autograded" / student / ASSIGNMENT / "results.json").read_text())
        outputs.update({f"{student}:{test['name']}": test["output"] for test in results["tests"]})
    said = "\n".join(outputs.values())
    assert "graded code may not look at or change the grader" in said
    assert "not judged: the timing measures what a call does with its inputs alone" in said
    assert "the timing was interfered with" in said
    assert "measured: " in outputs["honest:hidden_vectorized_add_relu__timing"]
