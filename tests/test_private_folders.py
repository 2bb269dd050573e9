"""On a hub, students run the course's environment from this checkout (`.venv`, `hub/`,
`tensor_gears/`), so their accounts can read it, all but its private folders
(hub/private_folders.sh, run by `make setup` and `make hub`): the solutions, the hidden
checks, the tests' correct answers and the history. No file a student can read holds a
solution; the course staff read everything; a student's server still imports what it needs."""

import json

import pytest

from tensor_gears.contract import TASKS
from tensor_gears.reference import solution

from .accounts import GRADER, INSTRUCTOR, ROSTER, STUDENTS, as_account, login_environment
from .conftest import REPO

PRIVATE = ("source", "tensor_gears/checks", "tests", ".git")
# What a student's server imports from the checkout: Validate's dialog and the hardened exchange.
SERVER_IMPORTS = ("tensor_gears.nbgrader_glue.validate_dialog", "tensor_gears.exchange.submit",
                  "tensor_gears.exchange.student_steps")

# Every file the account can read under the checkout (the environment in .venv aside), and
# which of the needles on stdin it holds (a notebook: in its cells' sources); the folders it
# cannot list.
SCAN = """
import json, os, sys
root, needles = sys.argv[1], json.load(sys.stdin)
found, unlisted, read = [], [], 0
for folder, dirs, files in os.walk(root, onerror=lambda error: unlisted.append(error.filename)):
    dirs[:] = [name for name in dirs if os.path.join(folder, name) != os.path.join(root, ".venv")]
    for name in files:
        path = os.path.join(folder, name)
        try:
            text = open(path, encoding="utf-8", errors="replace").read()
        except OSError:
            continue
        read += 1
        if name.endswith(".ipynb"):
            try:
                text = "\\n".join("".join(cell["source"]) for cell in json.loads(text)["cells"])
            except (ValueError, KeyError, TypeError):
                pass
        found += [[os.path.relpath(path, root), needle[:60]] for needle in needles if needle in text]
print(json.dumps({"found": found, "unlisted": sorted(os.path.relpath(p, root) for p in unlisted), "read": read}))
"""


def solution_bodies() -> list[str]:
    """Each reference solution's code, after its docstring."""
    return [solution(task.name).split('"""')[-1].strip("\n") for task in TASKS]


def scan(account: str) -> dict:
    done = as_account(account, [str(REPO / ".venv" / "bin" / "python"), "-c", SCAN, str(REPO)],
                      input=json.dumps(solution_bodies()), cwd="/")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize("student", STUDENTS)
def test_no_file_a_student_can_read_holds_a_solution(student):
    seen = scan(student)
    assert seen["found"] == [], f"{student} can read solutions: {seen['found']}"
    assert seen["unlisted"] == sorted(PRIVATE), seen["unlisted"]
    assert seen["read"] > 50, seen  # the rest of the checkout is there to read


@pytest.mark.parametrize("staff", [INSTRUCTOR, GRADER, *(course.grader for course in ROSTER.courses)])
def test_the_course_staff_read_the_private_folders(staff):
    seen = scan(staff)
    assert seen["unlisted"] == [], seen["unlisted"]
    assert any(path.startswith("source/") for path, _ in seen["found"]), seen["found"]


def test_a_students_server_still_imports_what_it_needs():
    imports = "; ".join(f"import {module}" for module in SERVER_IMPORTS)
    done = as_account(STUDENTS[0], [str(REPO / ".venv" / "bin" / "python"), "-c", imports],
                      env=login_environment(STUDENTS[0]), cwd="/")
    assert done.returncode == 0, done.stderr
