"""Wiring the hidden checks into plain `nbgrader autograde` (see nbgrader_config.py).

- `HiddenChecks` runs after the notebook has executed and before `SaveAutoGrades`: it grades
  the submission from this (trusted) process and writes each hidden-check cell's outcome
  into that cell, so the gradebook, feedback, export and formgrader all see the true score.
- `ContainedExecute` is nbgrader's `Execute`, except that a kernel that dies or stops
  answering costs only the cells it could not run, not the student's whole assignment.
- `TolerantNotebookExporter` turns a submitted file that is not a readable notebook (or that
  nbgrader's own checks reject) into the blank student version with a note saying why, so
  that notebook scores 0 and the student's other notebooks are still graded.
- `WriteResults` writes `autograded/<student>/tensor_ops/results.json` (Gradescope's format).
- `refuse_special_files` (a pre-convert hook) takes submitted files as plain files only:
  symbolic links, devices, pipes and sockets are refused, never followed.

When the grader itself fails on a notebook (a check crashes, or anything else in the hidden
checks), that notebook's hidden cells score 0 with a message for the student, the
traceback goes to the log, every other notebook and student is graded as usual, and the
command ends with a summary naming the affected notebooks and exit status 1.
"""

import atexit
import json
import logging
import os
import re
import stat
import sys
from pathlib import Path

import nbformat
from nbconvert.exporters import NotebookExporter
from nbformat.v4 import new_markdown_cell, new_output
from nbgrader.api import Gradebook
from nbgrader.converters import Autograde
from nbgrader.converters.base import NbGraderException
from nbgrader.preprocessors import Execute, NbGraderPreprocessor
from nbclient.exceptions import DeadKernelError
from traitlets import Integer

from .contract import NOTEBOOKS, TASKS
from .errors import GraderError
from .grading import CellResult, CheckResult, grade
from .notebooks import cells_by_grade_id, error_summary, failed, nbgrader_meta, notebook_path, read
from .reference import SOURCE
from .sandbox.box import SandboxUnavailable
from .sandbox.kernel import SandboxedKernelManager
from .sandbox.launch import describe_isolation
from .secret import NoSecret, course_secret
from .submission import Submission

UNREADABLE_CELL = "tensor-gears-unreadable"
TIMEOUTS_BEFORE_STOPPING = 2
SOLUTION = re.compile(r"### BEGIN SOLUTION\n.*?### END SOLUTION", re.S)
STUB = "# YOUR CODE HERE\nraise NotImplementedError()"
GRADER_FAILED = "the grader could not check this notebook; your instructor has been told"


def autograde_preprocessors() -> list:
    """nbgrader's autograde steps, with the kernel contained and the hidden checks wired in."""
    steps = []
    for step in Autograde.class_traits()["autograde_preprocessors"].default():
        if step is Execute:
            steps += [ContainedExecute, HiddenChecks]
        else:
            steps.append(step)
    return steps + [WriteResults]


# ---- what a submission may hold ----------------------------------------------------------

REFUSED = "refused by the grader: a submitted notebook must be a plain file, not a {}"


def refuse_special_files(assignment, student, notebooks, **_):
    """Before nbgrader copies a submission: remove every symbolic link, device, pipe or socket
    in it (a refused notebook becomes an unreadable file, graded as the blank version)."""
    folders = {Path(notebook).parent for notebook in notebooks}
    log = logging.getLogger("tensor_gears")
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            kind = special_kind(path)
            if kind is None:
                continue
            log.error("%s: the submitted %s is a %s; it was refused, not followed", folder.parent.name,
                      path.relative_to(folder), kind)
            path.unlink()
            if path.suffix == ".ipynb":
                path.write_text(REFUSED.format(kind))


def special_kind(path: Path) -> str | None:
    """'symbolic link', 'device', 'pipe' or 'socket', or None for plain files and folders."""
    if path.is_symlink():
        return "symbolic link"
    mode = path.lstat().st_mode
    for test, kind in ((stat.S_ISCHR, "device"), (stat.S_ISBLK, "device"), (stat.S_ISFIFO, "pipe"),
                       (stat.S_ISSOCK, "socket")):
        if test(mode):
            return kind
    return None


# ---- running the student's notebook ----------------------------------------------------------

class ContainedExecute(Execute):
    """nbgrader's Execute, with the kernel in the sandbox; a dead or stuck kernel stops this
    notebook's run, nothing more."""

    output_limit = Integer(1 << 20, help=(
        "Characters of output kept per cell; past them the kernel's output is dropped, with a "
        "note, before it can fill the grader's memory or the student's feedback.")).tag(config=True)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("kernel_manager_class", SandboxedKernelManager)
        super().__init__(*args, **kwargs)
        self._output_used: dict[int, int] = {}

    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content", {})
        size = len(content.get("text", "")) + sum(len(str(value)) for value in content.get("data", {}).values())
        used = self._output_used.get(cell_index, 0)
        self._output_used[cell_index] = used + size
        if used + size <= self.output_limit:
            return super().output(outs, msg, display_id, cell_index)
        if used <= self.output_limit:
            outs.append(new_output("stream", name="stdout",
                                   text=f"\n[output truncated: more than {self.output_limit} characters]\n"))
        return None

    def preprocess(self, nb, resources=None, km=None):
        self._stopped_because = None
        try:
            return super().preprocess(nb, resources, km)
        except Exception as error:  # the kernel could not start, or broke down between cells
            self.stop(f"the kernel stopped ({type(error).__name__}: {error})", resources)
            return nb, resources

    def preprocess_cell(self, cell, resources, index):
        if self._stopped_because:
            if cell.cell_type == "code":
                cell.outputs = [error_output("NotRun", f"not run: {self._stopped_because}")]
            return cell, resources
        try:
            cell, resources = super().preprocess_cell(cell, resources, index)
        except DeadKernelError as error:
            cell.outputs.append(error_output("DeadKernelError", f"the kernel died while running this cell: {error}"))
            self.stop("the kernel died in an earlier cell (out of memory, or the code ended the process)", resources)
        else:
            timeouts = sum(out.get("ename") == "CellTimeoutError" for c in self.nb.cells for out in c.get("outputs", []))
            if timeouts >= TIMEOUTS_BEFORE_STOPPING:
                self.stop(f"{timeouts} cells ran past the {self.timeout} s time limit", resources)
        return cell, resources

    def stop(self, reason: str, resources):
        who = (resources or {}).get("nbgrader", {})
        self.log.error("%s / %s: %s; the remaining cells are not run",
                       who.get("student", "?"), who.get("notebook", "?"), reason)
        self._stopped_because = reason


def error_output(name: str, message: str):
    return new_output("error", ename=name, evalue=message, traceback=[f"{name}: {message}"])


# ---- scoring the hidden-check cells ---------------------------------------------------------

class HiddenChecks(NbGraderPreprocessor):
    """Grade the submission with the hidden checks and write each hidden cell's outcome."""

    def preprocess(self, nb, resources):
        notebook = resources["nbgrader"]["notebook"]
        student = resources["nbgrader"]["student"]
        if notebook not in NOTEBOOKS:
            return nb, resources
        unreadable = next((cell for cell in nb.cells if cell.get("id") == UNREADABLE_CELL), None)
        if unreadable is not None:
            results = unreadable_results(notebook, unreadable.source.split("**")[1].removeprefix("Not graded: "))
        else:
            try:
                results = grade(notebook, Submission.from_notebook(nb), student)
            except Exception as error:  # the grader failed, not the student: contain it, tell the instructor
                detail = str(error) if isinstance(error, GraderError) else repr(error)
                self.log.error("%s / %s: %s; its hidden cells score 0. Grader traceback:\n%s",
                               student, notebook, GRADER_FAILED, detail, exc_info=not isinstance(error, GraderError))
                GRADER_FAILURES.add(student, notebook, self.log)
                results = failed_results(notebook, "the grader could check it", GRADER_FAILED)
        cells = cells_by_grade_id(nb)
        for grade_id, result in results.items():
            if grade_id in cells:
                cells[grade_id].outputs = outputs_for(result)
        for cell in cells.values():
            if nbgrader_meta(cell).get("grade") and nbgrader_meta(cell).get("points") == 0:
                keep_visible_test_from_scoring(cell)
        self.log.info("%s / %s: hidden checks %s", student, notebook,
                      ", ".join(f"{r.grade_id} {r.points:g}/{r.max_points:g}" for r in results.values()))
        return nb, resources


def unreadable_results(notebook: str, reason: str) -> dict[str, CellResult]:
    return failed_results(notebook, "this notebook could be read", reason)


def failed_results(notebook: str, description: str, reason: str) -> dict[str, CellResult]:
    """Every hidden cell of `notebook` at 0 points, with one failed check that says why."""
    results = {}
    for task in TASKS:
        if task.notebook == notebook:
            for cell in task.hidden_cells:
                check = CheckResult("notebook", description, cell.points, False, reason)
                results[cell.grade_id] = CellResult(cell.grade_id, cell.points, [check])
    return results


class GraderFailures:
    """The notebooks the grader failed on in this process. When it is the `nbgrader` command,
    it names them at exit and ends with status 1 (nbgrader would exit 0: the grades are saved)."""

    def __init__(self):
        self.failed: list[tuple[str, str]] = []
        self.log = logging.getLogger("tensor_gears")

    def add(self, student: str, notebook: str, log: logging.Logger):
        if not self.failed and Path(sys.argv[0]).name == "nbgrader":
            atexit.register(self.report)
        self.failed.append((student, notebook))
        self.log = log

    def report(self):
        for student, notebook in self.failed:
            self.log.error("The grader failed on %s / %s: its hidden cells scored 0. Fix the cause shown in the "
                           "traceback above, then regrade: nbgrader autograde tensor_ops --student %s --force",
                           student, notebook, student)
        for handler in self.log.handlers + logging.getLogger().handlers:
            handler.flush()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(1)


GRADER_FAILURES = GraderFailures()


def outputs_for(result: CellResult) -> list:
    """The cell's outputs: the report, then nothing (full marks), the points, or an error (0)."""
    outputs = [new_output("stream", name="stdout", text=result.report() + "\n")]
    if result.points == 0 and result.max_points > 0:
        outputs.append(error_output("HiddenChecksFailed", f"0 of {result.max_points:g} points: see the checks above"))
    elif result.points < result.max_points:
        outputs.append(new_output("execute_result", data={"text/plain": f"{result.points:g}"}, execution_count=None))
    return outputs


def keep_visible_test_from_scoring(cell):
    """A 0-point visible test scores nothing; a number it displays must not break grading."""
    for out in cell.get("outputs", []):
        if out.output_type == "execute_result":
            out.output_type = "display_data"
            out.pop("execution_count", None)


# ---- unreadable notebooks --------------------------------------------------------------------

class TolerantNotebookExporter(NotebookExporter):
    """Reads a submitted notebook; if it cannot be used, grades the blank version instead.
    Autograde creates it once, before any student: that is where grading states what
    protects it, and refuses to start without a sandbox or a course secret."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        try:
            course_secret()
            self.log.info("Isolation of student code: %s", describe_isolation())
        except (NoSecret, SandboxUnavailable) as error:
            self.log.error("Grading refused: %s", error)
            raise NbGraderException(str(error)) from None

    def from_file(self, file_stream, resources=None, **kw):
        name = (resources or {}).get("metadata", {}).get("name", "")
        try:
            nb = nbformat.reads(file_stream.read(), as_version=4)
            nbformat.validate(nb)
        except Exception as error:
            return self.stand_in(name, f"the submitted file {name}.ipynb is not a readable notebook "
                                       f"({type(error).__name__}: {short(error)})", resources, **kw)
        unmark_unknown_and_repeated_cells(nb, name)
        try:
            return self.from_notebook_node(nb, resources, **kw)
        except Exception as error:
            if name not in NOTEBOOKS or not getattr(self.parent, "_sanitizing", False):
                raise
            return self.stand_in(name, f"the submitted notebook {name}.ipynb could not be prepared for grading "
                                       f"({type(error).__name__}: {short(error)})", resources, **kw)

    def stand_in(self, name: str, reason: str, resources, **kw):
        if name not in NOTEBOOKS:
            raise ValueError(reason)
        self.log.error("%s: %s; it is graded as the blank student version (0 points)",
                       (resources or {}).get("nbgrader", {}).get("student", "?"), reason)
        nb = blank_student_version(name)
        nb.cells.insert(0, new_markdown_cell(f"**Not graded: {reason}.** This is the blank student version, "
                                             "so it scores 0. Your other notebooks were graded as usual.",
                                             id=UNREADABLE_CELL))
        return self.from_notebook_node(nb, resources, **kw)


def unmark_unknown_and_repeated_cells(nb, name: str):
    """Make plain cells of nbgrader cells the course does not know, and of copies of a known
    one (a copied test cell would otherwise crash nbgrader's OverwriteCells)."""
    known = {cell_id for task in TASKS if task.notebook == name
             for cell_id in (task.answer_id, task.test_id, *(c.grade_id for c in task.hidden_cells))}
    seen = set()
    for cell in nb.cells:
        grade_id = nbgrader_meta(cell).get("grade_id")
        if "nbgrader" in cell.get("metadata", {}) and (grade_id not in known or grade_id in seen):
            del cell.metadata["nbgrader"]
        seen.add(grade_id)


def blank_student_version(name: str):
    """The source notebook with every solution replaced by the stub, as in the release."""
    nb = read(notebook_path(SOURCE, name))
    for cell in nb.cells:
        if nbgrader_meta(cell).get("solution"):
            cell.source = SOLUTION.sub(STUB, cell.source)
    return nb


def short(error: Exception) -> str:
    text = str(error).splitlines()[0] if str(error) else ""
    return text[:200]


# ---- results.json ----------------------------------------------------------------------------

class WriteResults(NbGraderPreprocessor):
    """Write results.json for the student: every grade cell of the assignment, with the
    gradebook's score and the feedback message (one test per grade cell)."""

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        folder = Path(resources["metadata"]["path"])
        path = folder / "results.json"
        tests = {t["name"]: t for t in json.loads(path.read_text())["tests"]} if path.exists() else {}
        messages = {grade_id: message(cell) for grade_id, cell in cells_by_grade_id(nb).items()
                    if nbgrader_meta(cell).get("grade")}
        with Gradebook(info["db_url"]) as gradebook:
            submission = gradebook.find_submission(info["assignment"], info["student"])
            for notebook in submission.notebooks:
                submitted = (folder / f"{notebook.name}.ipynb").exists()
                for grade in notebook.grades:
                    if notebook.name == info["notebook"]:
                        output = messages.get(grade.name, "")
                    elif grade.name in tests:
                        output = tests[grade.name]["output"]
                    else:
                        output = "graded later in this run" if submitted else "notebook not submitted"
                    tests[grade.name] = {"name": grade.name, "score": grade.score, "max_score": grade.max_score,
                                         "output": output, "visibility": "visible"}
        order = {cell_id: index for index, cell_id in enumerate(grade_ids_in_order())}
        ordered = sorted(tests.values(), key=lambda test: order.get(test["name"], len(order)))
        path.write_text(json.dumps({"score": sum(t["score"] for t in ordered), "tests": ordered,
                                    "extra_data": {"isolation": describe_isolation()}}, indent=1))
        return nb, resources


def grade_ids_in_order() -> list[str]:
    return [grade_id for task in TASKS for grade_id in (task.test_id, *(c.grade_id for c in task.hidden_cells))]


def message(cell) -> str:
    """The feedback text of a graded cell: the hidden checks' report, or the visible test's result."""
    if nbgrader_meta(cell)["grade_id"].startswith("hidden_"):
        return "".join(out.get("text", "") for out in cell.get("outputs", []) if out.output_type == "stream").strip()
    return f"visible test failed: {error_summary(cell)}" if failed(cell) else "visible test passed"

