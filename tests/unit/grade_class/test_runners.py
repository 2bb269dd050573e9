"""tensor_gears.grade_class.runners: the local pool takes jobs lazily, hands back each worker's
report, and turns a worker's death or a report that cannot travel into a retry or a failed report.

The workers are real processes; each job's settings make the grading core fail at once (no kernel
starts), so what comes back is the worker's own grader-failed report. The Dask runner needs a
cluster: tests/test_dask_cluster.py."""

import io
import os

import pytest

from tensor_gears.core import Settings
from tensor_gears.grade_class.progress import Progress
from tensor_gears.grade_class.runners import ATTEMPTS, LocalPool

NO_KERNELS = Settings(secret="s", kernels=0)  # grade_student raises before any kernel: a fast worker report
CORE_FAILED = "ValueError: max_workers must be greater than 0"


class KillsItsWorker:
    """A submission whose arrival ends the worker process that receives it (as a crash mid-student would)."""

    def __reduce__(self):
        return os._exit, (3,)


def run(pool, jobs):
    out = io.StringIO()
    reports = list(pool.run(jobs, NO_KERNELS, Progress(len(jobs), stream=out)))
    return reports, out.getvalue()


def test_the_pool_is_sized_by_the_workers_asked_for_and_says_so():
    assert LocalPool(3).describe() == "3 local worker processes"
    assert LocalPool(1).describe() == "1 local worker process"
    assert LocalPool().workers == os.cpu_count()


def test_jobs_are_taken_lazily_no_more_than_the_workers_ahead_and_each_report_comes_back_once():
    taken = []

    def jobs():
        for student in ("ada", "bo", "cy", "di", "ed"):
            taken.append(student)
            yield student, {}

    reports = LocalPool(2).run(jobs(), NO_KERNELS, Progress(5, stream=io.StringIO()))
    first, report = next(reports)
    assert len(taken) <= 2 and first in taken
    rest = list(reports)
    students = [first] + [student for student, _ in rest]
    assert sorted(students) == ["ada", "bo", "cy", "di", "ed"]
    assert all(report["student"] == student and CORE_FAILED in report["failed"]
               for student, report in [(first, report), *rest])


def test_a_worker_that_dies_costs_its_student_a_retry_then_a_failed_report_and_the_others_are_graded():
    reports, said = run(LocalPool(1), [("killer", KillsItsWorker()), ("ada", {}), ("bo", {})])
    assert [student for student, _ in reports] == ["killer", "ada", "bo"]
    killer = reports[0][1]
    assert killer == {"student": "killer", "notebooks": {}, "seconds": 0.0,
                      "failed": f"grader failed: a worker died {ATTEMPTS} times while grading this submission"}
    assert said.count("retrying killer: a worker process died while grading it") == ATTEMPTS - 1
    assert all(CORE_FAILED in report["failed"] for _, report in reports[1:])  # the workers' own reports


def test_a_submission_that_cannot_reach_a_worker_gets_a_grader_failed_report_and_is_not_retried():
    reports, said = run(LocalPool(1), [("ada", {"01_elementwise": lambda: b""}), ("bo", {})])
    assert [student for student, _ in reports] == ["ada", "bo"]
    assert reports[0][1]["failed"].startswith("grader failed: AttributeError: Can't pickle local object")
    assert "retrying" not in said


@pytest.mark.parametrize("workers", [1, 2])
def test_no_jobs_means_no_reports(workers):
    assert run(LocalPool(workers), []) == ([], "")
