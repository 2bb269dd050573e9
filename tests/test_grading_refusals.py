"""Grading says what protects it, and refuses to start unprotected unless told to.

Real `nbgrader autograde tensor_ops` on one submission: with the box and a secret it logs the
isolation and records it in results.json; without a course secret, or without the box
(no bubblewrap on PATH), it refuses, grades nothing and exits 1, unless the explicit flag
for that case is set; below a temporary folder too deep for a kernel's sockets, it refuses.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tensor_gears.contract import ASSIGNMENT, TASKS
from tensor_gears.release import nbgrader
from tensor_gears.sandbox.launch import ALLOW_UNBOXED
from tensor_gears.secret import ALLOW_DEFAULT

from .accounts import INSTRUCTOR, as_account, give, login_environment, owned_folder, remove
from .conftest import make_course, submit

NOTEBOOK = "02_broadcasting"


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    course = make_course(tmp_path_factory.mktemp("released"))
    nbgrader(course, "generate_assignment", ASSIGNMENT)
    return course


@pytest.fixture
def course(released, tmp_path):
    """A fresh copy of the released course (gradebook included), with one submission."""
    course = Path(shutil.copytree(released, tmp_path / "course"))
    submit(course, "ada", {task.name: "reference" for task in TASKS if task.notebook == NOTEBOOK}, (NOTEBOOK,))
    return course


def autograde(course, **environment):
    with pytest.MonkeyPatch.context() as patch:
        for name, value in environment.items():
            if value is None:
                patch.delenv(name, raising=False)
            else:
                patch.setenv(name, value)
        return nbgrader(course, "autograde", ASSIGNMENT, check=False)


def results(course) -> dict:
    return json.loads((course / "autograded" / "ada" / ASSIGNMENT / "results.json").read_text())


def test_it_states_the_isolation_and_records_it(course):
    run = autograde(course)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "Isolation of student code: sandbox: bubblewrap" in run.stderr
    assert results(course)["extra_data"]["isolation"].startswith("sandbox: bubblewrap")


def test_without_a_secret_it_refuses(course):
    run = autograde(course, **{ALLOW_DEFAULT: None, "TENSOR_GEARS_SECRET": None,
                               "TENSOR_GEARS_SECRET_FILE": str(course / "no-such-file")})
    assert run.returncode == 1
    assert "Grading refused: no course secret is set" in run.stderr
    assert f"write it to {course / 'no-such-file'} " in run.stderr  # the file it looked for
    assert not (course / "autograded").exists()


def test_without_the_box_it_refuses_unless_allowed(course):
    no_bwrap = os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep) if not (p and os.path.exists(
        os.path.join(p, "bwrap"))))
    run = autograde(course, PATH=no_bwrap)
    assert run.returncode == 1
    assert "Grading refused: cannot run student code safely: bubblewrap (bwrap) is not installed" in run.stderr
    allowed = autograde(course, PATH=no_bwrap, **{ALLOW_UNBOXED: "1"})
    assert allowed.returncode == 0, allowed.stderr[-2000:]
    assert results(course)["extra_data"]["isolation"].startswith("unboxed")
    assert sum(test["score"] for test in results(course)["tests"]) == sum(
        task.points for task in TASKS if task.notebook == NOTEBOOK)


def test_a_temporary_folder_too_deep_for_the_kernels_sockets_is_refused(course, tmp_path):
    """A kernel's sockets live below the temporary folder, and a socket's path holds at most
    107 bytes: below a deeper TMPDIR every kernel failed to start (`nbgrader autograde` graded
    on without the notebooks' cells; `tensor-gears grade` stalled). Both refuse it, naming it."""
    deep = tmp_path / "deep"
    deep.mkdir()
    assert len(str(deep)) > 42
    run = autograde(course, TMPDIR=str(deep))
    assert run.returncode == 1, run.stderr[-2000:]
    assert f"Grading refused: the temporary folder {deep} is too deep for the kernels' sockets" in run.stderr
    assert "set TMPDIR to a folder of at most 42 bytes" in run.stderr
    assert not (course / "autograded").exists()
    env = {**os.environ, "TMPDIR": str(deep), "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    refused = subprocess.run([str(Path(sys.executable).parent / "tensor-gears"), "grade"], cwd=course, env=env,
                             capture_output=True, text=True, timeout=300)
    assert refused.returncode == 2, refused.stdout + refused.stderr[-2000:]
    assert f"grading refused: the temporary folder {deep} is too deep" in refused.stderr
    assert list(deep.iterdir()) == []


def test_an_unprivileged_grader_refuses_only_without_user_namespaces(released):
    """As the instructor's own account: where the machine refuses unprivileged user namespaces
    (here: inside a user namespace that allows no more of them), it refuses, naming the settings."""
    folder = owned_folder(INSTRUCTOR, "refusal")
    try:
        shutil.copy(released / "nbgrader_config.py", folder)
        give(INSTRUCTOR, folder)
        no_namespaces = ["bwrap", "--unshare-user", "--disable-userns", "--dev-bind", "/", "/", "--"]
        refused = as_account(INSTRUCTOR, [*no_namespaces, "tensor-gears", "grade", str(folder)],
                             env=login_environment(INSTRUCTOR, **{ALLOW_DEFAULT: "1"}))
        assert refused.returncode == 2, refused.stderr[-2000:]
        assert "grading refused: cannot run student code safely: the grader is not root and this machine " \
               "refuses unprivileged user namespaces" in refused.stderr
        assert "user.max_user_namespaces" in refused.stderr
        boxed = as_account(INSTRUCTOR, ["python", "-c", "from tensor_gears.sandbox.launch import describe_isolation;"
                                        "print(describe_isolation())"])
        assert boxed.stdout.startswith("rootless sandbox (the grader is not root)"), boxed.stderr
    finally:
        remove(folder)
