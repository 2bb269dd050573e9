"""tensor_gears.grade_class.worker: what a worker returns for one student, also when the core fails."""

import logging
import os
import subprocess
import sys
import tempfile

from tensor_gears.core import Settings
from tensor_gears.grade_class.worker import failed_report, grade_submission


def dead_pid() -> int:
    """The pid of a process that has ended (nothing reuses it this soon)."""
    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(child.stdout)


def test_a_failed_report_grades_no_notebook_and_says_why():
    assert failed_report("ada", "grader failed: boom") == {"student": "ada", "notebooks": {}, "seconds": 0.0,
                                                           "failed": "grader failed: boom"}


def test_when_the_core_fails_the_report_says_grader_failed_with_the_traceback_and_the_log_has_it(unboxed, caplog):
    broken = Settings(secret="s", kernels=0)  # the core cannot start its kernels' pool
    with caplog.at_level(logging.ERROR, logger="tensor_gears"):
        report = grade_submission("ada", {}, broken)
    assert report["student"] == "ada" and report["notebooks"] == {}
    assert report["failed"].startswith("grader failed: Traceback (most recent call last):")
    assert "ValueError: max_workers must be greater than 0" in report["failed"]
    assert "ada: the grader failed on the whole submission" in caplog.text


def test_a_submission_the_core_grades_comes_back_as_the_cores_report_with_the_isolation_in_force(unboxed):
    report = grade_submission("ada", {"not_a_notebook_of_the_course": b"{}"}, Settings(secret="s"))
    assert report["notebooks"] == {} and "failed" not in report
    assert report["isolation"]["mode"] == "unboxed"


def test_before_grading_the_scratch_folders_of_a_dead_grader_are_removed_and_a_live_ones_kept(
        unboxed, monkeypatch, tmp_path):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    orphan = tmp_path / f"tensor-gears-child-{dead_pid()}-x1"
    alive = tmp_path / f"tensor-gears-child-{os.getpid()}-x2"
    orphan.mkdir()
    alive.mkdir()
    grade_submission("ada", {}, Settings(secret="s", kernels=0))
    assert not orphan.exists() and alive.exists()
