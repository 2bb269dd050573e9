"""`tensor-gears grade` against plain `nbgrader autograde`: the sample class graded both ways
(the main job's run, shared with test_autograde) gives the same gradebook, row for row; the
command shows progress, resumes, regrades, and leaves nothing in the temporary folder."""

import contextlib
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import psutil
import pytest
from nbformat.v4 import new_code_cell
from nbgrader.api import Gradebook

from tensor_gears.contract import ASSIGNMENT
from tensor_gears.nbgrader_glue.results_json import grade_ids_in_order
from tensor_gears.notebooks import read
from tensor_gears.release import nbgrader
from tensor_gears.sandbox.cgroups import CGROUP_ROOTS, GROUP_PARENT, LIMIT_ROOTS
from tensor_gears.sample_class.job import COURSE, STUDENTS, stage_student, student_names
from tensor_gears.secret import ALLOW_DEFAULT

from .accounts import INSTRUCTOR, give, login_environment, owned_folder, popen_as_account, remove
from .conftest import make_course

CLASS = tuple(student_names())  # the sample class: full, partial and no credit, a broken file
TENSOR_GEARS = str(Path(sys.executable).parent / "tensor-gears")


def course_with_class(folder: Path) -> Path:
    course = make_course(folder)
    nbgrader(course, "generate_assignment", ASSIGNMENT)
    for student in CLASS:
        stage_student(course, STUDENTS / student)
    return course


def run(*args, cwd, **extra_env: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}", **extra_env}
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, env=env)


def gradebook_rows(course: Path) -> dict:
    """(student, notebook, grade cell) -> (auto score, max score, needs manual grade), every row."""
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        return {(submission.student.id, notebook.name, grade.name): (grade.auto_score, grade.max_score,
                                                                    grade.needs_manual_grade)
                for submission in gradebook.assignment_submissions(ASSIGNMENT)
                for notebook in submission.notebooks for grade in notebook.grades}


@pytest.fixture(scope="module")
def both_ways(main_job, tmp_path_factory):
    """The sample class graded by plain `nbgrader autograde` here, and by `tensor-gears grade`
    (two workers) in the main job: (plain course, the main job's course; read-only)."""
    plain = course_with_class(tmp_path_factory.mktemp("nbgrader"))
    autograded = run("nbgrader", "autograde", ASSIGNMENT, cwd=plain)
    assert autograded.returncode == 0, autograded.stderr[-3000:]
    return plain, main_job[0] / COURSE


def test_every_gradebook_row_equals_plain_nbgrader(both_ways):
    plain, parallel = both_ways
    expected, got = gradebook_rows(plain), gradebook_rows(parallel)
    assert len(expected) == len(CLASS) * len(grade_ids_in_order())  # every grade cell of every student
    assert got == expected


def test_results_json_and_autograded_notebooks_are_written_as_by_nbgrader(both_ways):
    plain, parallel = both_ways
    for student in CLASS:
        ours, theirs = (course / "autograded" / student / ASSIGNMENT for course in (parallel, plain))
        assert sorted(p.name for p in ours.iterdir()) == sorted(p.name for p in theirs.iterdir())


def test_a_second_run_skips_the_graded_and_a_forced_one_regrades_with_progress(both_ways, tmp_path):
    _, graded = both_ways
    parallel = shutil.copytree(graded, tmp_path / "course", symlinks=True)
    before = gradebook_rows(parallel)
    again = run(TENSOR_GEARS, "grade", cwd=parallel)
    assert again.returncode == 0 and f"{len(CLASS)} already graded, skipped" in again.stdout
    assert "Grading 0 students" in again.stdout
    shutil.rmtree(parallel / "autograded" / "perfect")
    # The run's own temporary folder, so that what its workers leave there is seen (short: the
    # kernels' IPC sockets live in it, and a socket's path has at most 107 bytes).
    scratch = Path(tempfile.mkdtemp(prefix="tg-tmp-"))
    scratch.chmod(0o755)
    try:
        forced = run(TENSOR_GEARS, "grade", "--workers", "2", "--force", "--student", "perfect", "--student",
                     "broken_file", cwd=parallel, TMPDIR=str(scratch))
        left = sorted(path.name for path in scratch.iterdir())
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    assert forced.returncode == 0 and "Grading 2 students" in forced.stdout, forced.stderr[-2000:]
    assert left == [], f"scratch folders left behind: {left}"
    assert "with 2 local worker processes" in forced.stdout
    for index, line in enumerate(sorted(line for line in forced.stderr.splitlines() if line.startswith("  ["))):
        assert line.split("]")[0].strip() == f"[{index + 1}/2"
    (perfect,) = [line.split() for line in forced.stdout.splitlines() if line.startswith("perfect ")]
    assert perfect == ["perfect", "18", "20", "24", "15", "23", "100/100"]
    assert "broken_file:\n  - 04_reshaping: the submitted file 04_reshaping.ipynb is not a readable notebook" \
        in forced.stdout
    assert gradebook_rows(parallel) == before


@pytest.mark.parametrize("account", [None, INSTRUCTOR], ids=["root", "rootless"])
def test_a_worker_killed_mid_student_costs_a_retry_not_a_grade(tmp_path, account):
    """As root and as the unprivileged instructor (the rootless box, no cgroups of its own)."""
    from .conftest import submit

    folder = tmp_path if account is None else owned_folder(account, "worker-death")
    course = make_course(folder / "course")
    nbgrader(course, "generate_assignment", ASSIGNMENT)
    notebooks = ("04_reshaping",)
    for student in ("ada", "bo"):
        submit(course, student, {"flatten_images": "reference", "naive_transpose": "reference",
                                 "make_batches": "reference"}, notebooks)
    command = [TENSOR_GEARS, "grade", "--workers", "1"]
    pipes = dict(cwd=course, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if account is None:
        env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
        grading = subprocess.Popen(command, env=env, **pipes)
    else:
        give(account, folder)
        grading = popen_as_account(account, command, env=login_environment(account, **{ALLOW_DEFAULT: "1"}), **pipes)
    worker, deadline = None, time.monotonic() + 120
    while grading.poll() is None and worker is None and time.monotonic() < deadline:  # a pool worker grading
        for process in psutil.Process(grading.pid).children(recursive=True):
            try:
                if "multiprocessing.forkserver" in " ".join(process.cmdline()) and process.children() \
                        and process.ppid() != grading.pid:
                    worker = process
            except psutil.NoSuchProcess:
                pass
        time.sleep(0.05)  # a poll, not a spin: the grading needs the cores
    assert worker is not None, "no worker was seen grading"
    scratch = f"{tempfile.gettempdir()}/tensor-gears-*-{worker.pid}-*"
    groups = [f"{root}/{GROUP_PARENT}/{worker.pid}-*" for root in (*CGROUP_ROOTS, *LIMIT_ROOTS.values())]

    def boxed() -> bool:  # its first boxes are made (its templates start first; a rootless worker has no cgroups)
        return bool(glob.glob(scratch)) and (account is not None or any(glob.glob(group) for group in groups))

    deadline = time.monotonic() + 60
    while not boxed() and grading.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert glob.glob(scratch), "the worker grading has no scratch folder"
    if account is None:
        assert any(glob.glob(group) for group in groups), "the worker grading has no box cgroup"
    boxes = worker.children(recursive=True)
    assert_short_commands(boxes)
    worker.kill()
    stdout, stderr = grading.communicate(timeout=600)
    assert grading.returncode == 0, stdout + stderr[-3000:]
    assert "retrying" in stderr and "a worker process died while grading it" in stderr
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for student in ("ada", "bo"):
            assert gradebook.find_submission(ASSIGNMENT, student).score == 15, stdout
    assert [box.pid for box in boxes if box.is_running()] == [], "the killed worker's boxes are still running"
    assert [group for pattern in groups for group in glob.glob(pattern)] == [], "the killed worker's cgroups are left"
    assert glob.glob(scratch) == [], "the killed worker's scratch folders (kernels' and children's) are left"
    if account is not None:
        remove(folder)


def assert_short_commands(processes: list) -> None:
    """What `ps` shows of a worker's boxes: short commands that run the box's code by path, no
    source and no page of bubblewrap options (the launching shells, which become bwrap within
    milliseconds, are left out)."""
    commands = []
    for process in processes:
        with contextlib.suppress(psutil.NoSuchProcess):
            commands.append(" ".join(process.cmdline()))
    boxed = [command for command in commands if command and not command.startswith("/bin/sh -c ")]
    assert any(command.startswith("bwrap --args ") for command in boxed), commands
    assert any("/sandbox/code/forkserver.py" in command for command in boxed), commands
    assert [command for command in boxed if len(command) > 300 or "\n" in command] == []


def test_without_a_secret_the_command_refuses_to_grade(tmp_path):
    course = make_course(tmp_path / "course")
    env = {key: value for key, value in os.environ.items() if not key.startswith("TENSOR_GEARS_")}
    env.update(PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
               TENSOR_GEARS_SECRET_FILE=str(tmp_path / "no-secret"))
    refused = subprocess.run([TENSOR_GEARS, "grade"], cwd=course, capture_output=True, text=True, env=env)
    assert refused.returncode == 2
    assert "grading refused: no course secret is set" in refused.stderr


# Right in the notebook's kernel, an endless loop in the hidden checks' child (which has no IPython).
HANGS_IN_THE_CHECKS = """def naive_transpose(x):
    while x.size > 6:  # the visible test's arrays hold 6 values, every hidden check's another number
        pass
    return x.T
"""


def test_the_courses_cell_time_and_output_limits_apply(tmp_path):
    """nbgrader_config.py's `Execute.timeout`, `ContainedExecute.output_limit`,
    `HiddenChecks.call_time_limit` and `BoxLimits` (the box's /tmp here) hold for `tensor-gears
    grade` as for `nbgrader autograde`,
    and `ContainedExecute.report_limit` caps a whole submission's output, with a note in the
    feedback and the points intact."""
    from .conftest import submit

    course = make_course(tmp_path / "course")
    with (course / "nbgrader_config.py").open("a") as config:
        config.write("\nc.Execute.timeout = 5\nc.ContainedExecute.output_limit = 2000\n"
                     "c.ContainedExecute.report_limit = 60000\nc.HiddenChecks.call_time_limit = 2\n"
                     "c.BoxLimits.tmp_size = 32 << 20\n")
    nbgrader(course, "generate_assignment", ASSIGNMENT)
    folder = submit(course, "ada", {"flatten_images": "reference", "naive_transpose": HANGS_IN_THE_CHECKS,
                                    "make_batches": "reference"}, ("04_reshaping",))
    path = folder / "04_reshaping.ipynb"
    nb = read(path)
    nb.cells += [new_code_cell('import os\nprint("TMP", os.statvfs("/tmp").f_blocks * os.statvfs("/tmp").f_frsize)',
                               id="box"),
                 new_code_cell('print("x" * 100_000)', id="flood"),
                 new_code_cell("import time\ntime.sleep(60)", id="nap")]
    nb.cells += [new_code_cell('print("y" * 1900)', id=f"chatter-{n}") for n in range(40)]
    nbformat.write(nb, str(path))
    graded = run(TENSOR_GEARS, "grade", "--workers", "1", cwd=course)
    assert graded.returncode == 0, graded.stdout + graded.stderr[-3000:]
    cells = {cell.get("id"): cell for cell in read(course / "autograded" / "ada" / ASSIGNMENT / path.name).cells}
    assert "".join(out.get("text", "") for out in cells["box"].outputs).split() == ["TMP", str(32 << 20)]
    flood = "".join(out.get("text", "") for out in cells["flood"].outputs)
    assert len(flood) < 2100 and "[output truncated: more than 2000 characters]" in flood
    assert "CellTimeoutError" in [out.ename for out in cells["nap"].outputs if out.output_type == "error"]
    chatter = ["".join(out.get("text", "") for out in cells[f"chatter-{n}"].outputs) for n in range(40)]
    assert chatter[0].startswith("y" * 1900) and "[output dropped: your notebooks printed more than 60000" \
        " characters in all" in chatter[-1]
    nbgrader(course, "generate_feedback", ASSIGNMENT)
    assert "[output dropped" in (course / "feedback" / "ada" / ASSIGNMENT / "04_reshaping.html").read_text()
    checks = {test["name"]: test for test in json.loads(
        (course / "autograded" / "ada" / ASSIGNMENT / "results.json").read_text())["tests"]}
    assert "did not finish within 2 s" in checks["hidden_naive_transpose"]["output"]
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        assert gradebook.find_submission(ASSIGNMENT, "ada").score == 10  # all but naive_transpose's 5
