"""Shared fixtures: the repository, and scratch course folders built from it."""

import contextlib
import fcntl
import io
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from tensor_gears.contract import ASSIGNMENT
from tensor_gears.secret import ALLOW_DEFAULT
from tensor_gears.sample_class.job import run as run_main_job
from tensor_gears.sample_class.job import stage_student

REPO = Path(__file__).resolve().parents[1]
# The tests grade with the documented public secret, and say so (grading refuses otherwise).
os.environ.setdefault(ALLOW_DEFAULT, "1")


# The modules that take longest (about 1 to 4 minutes each on 2 cores, measured; the VM's longer), handed to
# the xdist workers first, so that no long one is left running alone at the end (`make test`
# passes --no-loadscope-reorder: xdist would otherwise hand out the modules with most tests
# first). The module that runs the main job comes early, the other one that reads it later. The
# VM boots in the first module and runs beside the others; the other module that reads its report
# (tests/platforms.py) comes last, when the report is there, so that no worker waits for it.
SLOWEST_FIRST = ("test_platform_cgroup_v2.py", "test_timing_attacks.py",
                 "test_timing_in_real_grading.py", "test_semester_in_browser.py", "test_grade_command.py",
                 "test_check_banks.py", "test_browser.py", "test_exchange_accounts.py",
                 "test_misbehaving_students.py", "test_attacks_are_contained.py", "test_attacks_rootless_grade.py",
                 "test_attacks_rootless_nbgrader.py", "test_check_banks_rootless.py", "test_dask_cluster.py",
                 "test_postgres_gradebook.py", "test_tljh_shape.py", "test_class_report.py",
                 "test_grading_refusals.py", "test_feedback.py", "test_templates.py", "test_autograde.py",
                 "test_grader_failures.py", "test_platform_container.py")


LAST = ("test_platform_userns_restricted.py",)


def pytest_collection_modifyitems(items):
    rank = {REPO / "tests" / name: index for index, name in enumerate(SLOWEST_FIRST)}
    rank.update({REPO / "tests" / name: len(rank) + 1 + index for index, name in enumerate(LAST)})
    items.sort(key=lambda item: rank.get(item.path, len(SLOWEST_FIRST)))  # stable: each module keeps its order


def make_course(folder: Path) -> Path:
    """A scratch course folder: the repository's nbgrader config and source notebooks."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "nbgrader_config.py", folder)
    shutil.copytree(REPO / "source", folder / "source")
    return folder


def shared_folder(config) -> Path:
    """The test run's own temporary folder, which every xdist worker's folder is below."""
    basetemp = config._tmp_path_factory.getbasetemp()
    return basetemp.parent if hasattr(config, "workerinput") else basetemp


@pytest.fixture(scope="session")
def main_job(request) -> tuple[Path, str]:
    """The main job (release, the sample class graded by `tensor-gears grade`, feedback,
    exports), run once per test run in a scratch copy of the repository and shared by the
    modules that check it, in whichever xdist worker they run (a lock: the first one runs it,
    the others wait for it). The copy is readable by every account, as a checkout that a hub's
    students run the environment from (test_private_folders scans it after the job). Its
    release/ is generated from source/ (test_release compares it with the committed one).
    Returns (root, what it printed); read-only: copy before changing. Removed when the run ends."""
    shared = shared_folder(request.config)
    where, printed = shared / "main-job.root", shared / "main-job.printed"
    with open(shared / "main-job.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not printed.exists():
            root = Path(tempfile.mkdtemp(prefix="tg-tests-main-job-"))
            root.chmod(0o755)
            where.write_text(str(root))
            make_course(root)
            with contextlib.redirect_stdout(io.StringIO()) as output:
                run_main_job(root)
            printed.write_text(output.getvalue())
    return Path(where.read_text()), printed.read_text()


def pytest_sessionfinish(session):
    """The run's end (in xdist's controller, once every worker is done): remove the main job's copy."""
    if hasattr(session.config, "workerinput"):
        return
    where = shared_folder(session.config) / "main-job.root"
    if where.exists():
        shutil.rmtree(where.read_text(), ignore_errors=True)


def submit(course: Path, student: str, answers: dict[str, str], notebooks: tuple[str, ...] | None = None) -> Path:
    """Submit the release for `student` with `answers` (function -> code, or "reference"),
    keeping only `notebooks` (all by default); returns the submission folder."""
    answers_folder = course / "answers" / student
    answers_folder.mkdir(parents=True)
    sections = [f"# %% {function}: {'reference' if code == 'reference' else 'answer'}\n{code}\n"
                for function, code in answers.items()]
    (answers_folder / "answers.py").write_text("\n".join(sections))
    folder = stage_student(course, answers_folder)
    for path in folder.glob("*.ipynb"):
        if notebooks is not None and path.stem not in notebooks:
            path.unlink()
    return folder


def grades(course: Path, student: str) -> dict[str, float]:
    """Every grade cell's score of `student` in the course's gradebook."""
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        submission = gradebook.find_submission(ASSIGNMENT, student)
        return {grade.name: grade.score for notebook in submission.notebooks for grade in notebook.grades}


@contextlib.contextmanager
def busy_cores(spinners: int = 4):
    """Processes spinning on the machine's cores (four, on two cores) while the block runs."""
    running = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(spinners)]
    try:
        yield
    finally:
        for spinner in running:
            spinner.kill()
            spinner.wait()
