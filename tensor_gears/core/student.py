"""Grade one student: every notebook executed in its own sandboxed kernel (two at a time),
while the hidden checks, which read the submitted source and not the kernel's state, run
alongside, one notebook after the other."""

import logging
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass

import nbformat

from ..contract import NOTEBOOKS
from ..errors import GraderError
from ..grading import CellResult, grade
from ..notebooks import failed, grade_id, is_grade_cell
from ..sandbox.launch import describe_isolation, isolation
from ..student_code import CALL_TIME_LIMIT
from ..submission import Submission
from ..sandbox import limits
from ..sandbox.limits import DEFAULTS, Limits
from .execution import (
    CELL_TIMEOUT, KERNELS, OUTPUT_LIMIT, REPORT_LIMIT, ContainedExecution, cap_outputs, imports_tensorflow,
)
from .hidden_cells import GRADER_FAILED, failed_results, write_results
from .stand_in import stand_in, stand_in_reason

log = logging.getLogger("tensor_gears")


@dataclass(frozen=True)
class Settings:
    """The course's settings a worker needs, as plain data."""

    secret: str
    cell_timeout: int = CELL_TIMEOUT  # seconds per notebook cell
    output_limit: int = OUTPUT_LIMIT  # characters of output kept per cell
    report_limit: int = REPORT_LIMIT  # characters of output kept in all of the student's notebooks
    kernels: int = KERNELS  # notebooks of one student run at once, each in a kernel of its own
    call_time_limit: float = CALL_TIME_LIMIT  # seconds per call of a student's function in the hidden checks
    limits: Limits = DEFAULTS  # what one box may use (sandbox.limits.BoxLimits)


def grade_student(student: str, notebooks: dict[str, bytes], settings: Settings) -> dict:
    """Grade `student`'s notebooks (name without .ipynb -> the file's bytes); return the report:

    {"student", "seconds", "notebooks": {name: {"executed": notebook JSON, "cells": {grade_id:
    {"points", "max_points", "checks": [...]}}, "visible_tests": {test id: passed}, "errors": [...],
    "grader_failed": bool, "seconds": {"execute", "checks"}}}, "isolation": {"mode", "description"}}.
    Only contract notebooks are graded.
    """
    start = time.perf_counter()
    limits.use(settings.limits)
    work = {name: read_submitted(name, data) for name, data in sorted(notebooks.items()) if name in NOTEBOOKS}
    reports = {}
    # Read here, before the kernels' threads start: no ast.parse may run in one of them beside
    # the hidden checks' (pytest's own, formatting a failed check, takes no lock; see submission.py).
    tensorflow = {name: imports_tensorflow(nb) for name, (nb, _) in work.items()}
    with ThreadPoolExecutor(settings.kernels, thread_name_prefix=f"kernels-{student}") as kernels:
        runs = {name: kernels.submit(execute, name, nb, student, settings, tensorflow[name])
                for name, (nb, _) in work.items()}
        checked = {name: hidden_checks(name, nb, reason, student, settings) for name, (nb, reason) in work.items()}
        executions = {name: run.result() for name, run in runs.items()}
        if cap_outputs([executed for executed, _, _ in executions.values()], settings.report_limit):
            log.warning("%s: output past %d characters dropped from the report", student, settings.report_limit)
        for name, (executed, errors, seconds) in executions.items():
            results, grader_failed, check_errors, check_seconds = checked[name]
            write_results(executed, results)
            reports[name] = {
                "executed": nbformat.writes(executed),
                "cells": {cell: asdict(result) for cell, result in results.items()},
                "visible_tests": {grade_id(cell): not failed(cell) for cell in executed.cells
                                  if is_grade_cell(cell) and not grade_id(cell).startswith("hidden_")},
                "errors": check_errors + errors,
                "grader_failed": grader_failed,
                "seconds": {"execute": seconds, "checks": check_seconds},
            }
    return {"student": student, "notebooks": reports, "seconds": time.perf_counter() - start,
            "isolation": isolation_in_force()}


def isolation_in_force() -> dict[str, str]:
    """What protected the grader from this student's code, here, where it ran (for results.json)."""
    return {"mode": isolation(), "description": describe_isolation()}


def read_submitted(name: str, data: bytes):
    """(notebook, reason it stands in or None): an unreadable file becomes the blank version."""
    try:
        nb = nbformat.reads(data.decode("utf-8"), as_version=4)
        nbformat.validate(nb)
    except Exception as error:
        first_line = (str(error).splitlines() or [""])[0][:200]
        reason = f"the submitted file {name}.ipynb is not a readable notebook ({type(error).__name__}: {first_line})"
        return stand_in(name, reason), reason
    return nb, stand_in_reason(nb)


def execute(name: str, nb, student: str, settings: Settings, tensorflow: bool):
    """(executed copy of nb, errors, seconds): run in a fresh sandboxed kernel."""
    start = time.perf_counter()
    nb = nbformat.from_dict(nb)
    executor = ContainedExecution(timeout=settings.cell_timeout, output_limit=settings.output_limit,
                                  tensorflow=tensorflow)
    resources = {"nbgrader": {"student": student, "notebook": name}, "metadata": {"path": "."}}
    executor.preprocess(nb, resources)
    errors = [f"kernel: {executor.stopped_because}"] if executor.stopped_because else []
    return nb, errors, time.perf_counter() - start


def hidden_checks(name: str, nb, reason: str | None, student: str, settings: Settings, log=log):
    """(results per hidden cell, whether the grader failed, errors, seconds)."""
    start = time.perf_counter()
    if reason is not None:
        return failed_results(name, "this notebook could be read", reason), False, [reason], time.perf_counter() - start
    try:
        results: dict[str, CellResult] = grade(name, Submission.from_notebook(nb), student, secret=settings.secret,
                                                   call_time_limit=settings.call_time_limit)
    except Exception as error:  # the grader failed, not the student: contain it, tell the instructor
        detail = str(error) if isinstance(error, GraderError) else traceback.format_exc()
        log.error("%s / %s: %s; its hidden cells score 0. Grader traceback:\n%s", student, name, GRADER_FAILED, detail)
        return (failed_results(name, "the grader could check it", GRADER_FAILED), True,
                [f"grader failed: {detail}"], time.perf_counter() - start)
    return results, False, [], time.perf_counter() - start
