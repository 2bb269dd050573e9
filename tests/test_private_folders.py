"""On a hub, students run the course's environment from this checkout (`.venv`, `hub/`,
`tensor_gears/`), so their accounts can read it, all but its private folders
(hub/private_folders.sh, run by `make setup` and `make hub`): the solutions, the hidden
checks, the tests' correct answers and the history; and `build/`, where the commands write
what they generate (tensor_gears/private.py: the course staff's alone from the moment it
exists). No file a student can read holds a solution, a hidden check, a gradebook, a
submission or feedback: in the checkout (with whatever `make grade-sample` wrote before the
suite, as CI runs it), in a copy of it where the main job has just run, and in the temporary
folder where the suite's scratch courses live. The course staff read everything; a student's
server still imports what it needs.

This module runs late in the suite (it is not among conftest's SLOWEST_FIRST), so most of the
suite's scratch courses exist, or existed, when it scans."""

import json
import tempfile
from pathlib import Path

import pytest

from tensor_gears.checks import CHECKS_DIR
from tensor_gears.contract import NOTEBOOKS, TASKS
from tensor_gears.private import BUILD, is_private
from tensor_gears.reference import solution

from .accounts import GRADER, INSTRUCTOR, ROSTER, STUDENTS, as_account, login_environment
from .conftest import REPO

PRIVATE = ("source", "tensor_gears/checks", "tests", ".git")
# What a student's server imports from the checkout: Validate's dialog and the hardened exchange.
SERVER_IMPORTS = ("tensor_gears.nbgrader_glue.validate_dialog", "tensor_gears.exchange.submit",
                  "tensor_gears.exchange.student_steps")

# Every file the account can read below the roots given (environments aside, and the account's
# own files: a student may read what they wrote, and the exchange's feedback pages granted to it by
# name, its own feedback), and what it holds that students must not read:
# a needle on stdin (a notebook: in its cells' sources), a database (a gradebook), or a place in
# a course folder that holds submissions or feedback. Also the folders it cannot list.
SCAN = """
import json, os, sys
from tensor_gears.exchange.acl import named_readers
roots, skip = sys.argv[1].split(os.pathsep), sys.argv[2].split(os.pathsep)
needles, me = json.load(sys.stdin), os.getuid()
COURSE_PARTS = {"submitted", "autograded", "feedback"}
found, unlisted, read = [], [], 0
for root in roots:
    for folder, dirs, files in os.walk(root, onerror=lambda error: unlisted.append(error.filename)):
        dirs[:] = [name for name in dirs if name != ".venv" and os.path.join(folder, name) not in skip]
        for name in files:
            path = os.path.join(folder, name)
            try:
                if os.lstat(path).st_uid == me or me in named_readers(path) or os.path.getsize(path) > 16 << 20:
                    continue
                with open(path, "rb") as file:
                    data = file.read()
            except OSError:
                continue
            read += 1
            text = data.decode("utf-8", "replace")
            if name.endswith(".ipynb"):
                try:
                    text = "\\n".join("".join(cell["source"]) for cell in json.loads(text)["cells"])
                except (ValueError, KeyError, TypeError):
                    pass
            found += [[path, needle[:60]] for needle in needles if needle in text]
            if data.startswith(b"SQLite format 3"):
                found.append([path, "a database"])
            if COURSE_PARTS & set(os.path.relpath(path, root).split(os.sep)):
                found.append([path, "a submission or feedback"])
print(json.dumps({"found": found, "unlisted": sorted(unlisted), "read": read}))
"""


def secrets() -> list[str]:
    """Each reference solution's code (after its docstring), and a line of each hidden-check module."""
    bodies = [solution(task.name).split('"""')[-1].strip("\n") for task in TASKS]
    checks = [next(line.strip() for line in (CHECKS_DIR / f"test_{name}.py").read_text().splitlines()
                   if line.lstrip().startswith("@check(")) for name in NOTEBOOKS]
    return bodies + checks


def scan(account: str, roots: list[Path], skip: tuple[Path, ...] = ()) -> dict:
    argv = [str(REPO / ".venv" / "bin" / "python"), "-c", SCAN, ":".join(map(str, roots)), ":".join(map(str, skip))]
    done = as_account(account, argv, input=json.dumps(secrets()), cwd="/")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def relative(paths: list[str], root: Path) -> list[str]:
    return sorted(str(Path(path).relative_to(root)) for path in paths)


@pytest.mark.parametrize("student", STUDENTS)
def test_no_file_a_student_can_read_in_the_checkout_holds_a_solution(student):
    seen = scan(student, [REPO])
    assert seen["found"] == [], f"{student} can read: {seen['found'][:8]} ({len(seen['found'])} in all)"
    expected = sorted(PRIVATE + ((BUILD,) if (REPO / BUILD).exists() else ()))
    assert relative(seen["unlisted"], REPO) == expected, seen["unlisted"]
    assert seen["read"] > 50, seen  # the rest of the checkout is there to read


@pytest.mark.parametrize("student", STUDENTS)
def test_what_the_main_job_wrote_is_the_staffs_alone(main_job, student):
    """The main job, run in a copy of the checkout that every account can read, as on a hub."""
    root, _ = main_job
    assert (root / BUILD / "sample_class" / "gradebook.db").exists()
    seen = scan(student, [root])
    assert seen["found"] == [], f"{student} can read: {seen['found'][:8]} ({len(seen['found'])} in all)"
    assert relative(seen["unlisted"], root) == ["build", "source"], seen["unlisted"]
    assert is_private(root / BUILD)


@pytest.mark.parametrize("student", STUDENTS)
def test_no_file_a_student_can_read_in_the_temporary_folder_holds_a_solution(main_job, student):
    """What the suite's scratch courses left (and the main job's copy, scanned above)."""
    seen = scan(student, [Path(tempfile.gettempdir())], skip=(REPO, main_job[0]))
    assert seen["found"] == [], f"{student} can read: {seen['found'][:8]} ({len(seen['found'])} in all)"


@pytest.mark.parametrize("staff", [INSTRUCTOR, GRADER, *(course.grader for course in ROSTER.courses)])
def test_the_course_staff_read_the_private_folders(staff, main_job):
    seen = scan(staff, [REPO, main_job[0] / BUILD])
    assert seen["unlisted"] == [], seen["unlisted"]
    assert any(path.startswith(str(REPO / "source")) for path, _ in seen["found"]), seen["found"]
    assert any(path.startswith(str(main_job[0] / BUILD)) for path, _ in seen["found"]), seen["found"]


def test_a_students_server_still_imports_what_it_needs():
    imports = "; ".join(f"import {module}" for module in SERVER_IMPORTS)
    done = as_account(STUDENTS[0], [str(REPO / ".venv" / "bin" / "python"), "-c", imports],
                      env=login_environment(STUDENTS[0]), cwd="/")
    assert done.returncode == 0, done.stderr
