"""Run the hidden checks of one notebook on one submission, and score its hidden-check cells.

The checks are pytest modules (`tensor_gears/checks/test_<notebook>.py`). They run here, in
the grader's own process (the trusted side), with pytest; the student's code only ever runs
in child processes (see `student_code.py`). Each check carries a hidden-check cell, points
and a description; a cell's score is the points of its checks that passed.
"""

import contextlib
import io
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from . import reference
from .checks import CHECKS_DIR, check_marker
from .contract import ASSIGNMENT, tasks_of
from .errors import CheckFailed, GraderError, NotJudged
from .sandbox.process import Child
from .secret import course_secret, rng_for
from .source_rules import Source, inspects_grader
from .student_code import CALL_TIME_LIMIT, StudentCode
from .submission import Submission

# Where the contract lets a graded function call another one, the grader provides the callee.
PROVIDED_CALLEES = {"03_tensor_product": ("naive_vector_dot",)}


@dataclass
class CheckResult:
    """One check's outcome: its verdict, the sentence the student reads, and the same as data."""

    name: str  # the check function, e.g. check_naive_relu_loops_only
    description: str
    points: float
    passed: bool
    message: str = ""  # why it failed, or what was measured when it passed
    judged: bool = True  # False: not judged, the function failed first on a plain input
    call: dict | None = None  # the call that failed: {"function", "inputs": ["x: (3, 4) float64", ...]}
    returned: dict | None = None  # what came back instead: {"what": "type" | "shape" | "dtype", "got", "wanted"}
    raised: str | None = None  # the exception the student's code raised
    rule: dict | None = None  # the rule broken: {"name", "violations": [{"text", "cell", "line", "quote"}]}
    measured: dict | None = None  # a timing: {"kind": "speedup" | "budget", "ratio", "threshold", "rounds", ...}
    stopped: str | None = None  # how the box stopped the code: "killed by SIGKILL", "stopped at the 10 s time limit"


@dataclass
class CellResult:
    """The outcome of one hidden-check cell."""

    grade_id: str
    max_points: float
    checks: list[CheckResult] = field(default_factory=list)

    @property
    def points(self) -> float:
        return sum(check.points for check in self.checks if check.passed)

    def report(self) -> str:
        """What the student reads: each check, passed or not, and why not."""
        lines = [f"{self.grade_id}: {self.points:g} / {self.max_points:g} points"]
        for check in self.checks:
            mark = "PASSED" if check.passed else "FAILED"
            lines.append(f"[{mark}] ({check.points:g} pt) {check.description}")
            if check.message:
                lines.append(f"         {check.message}")
        return "\n".join(lines)


class GradingSession:
    """A pytest plugin: gives the checks their fixtures and records their outcomes."""

    def __init__(self, notebook: str, submission: Submission, student: str, functions=None, secret=None,
                 call_time_limit: float = CALL_TIME_LIMIT):
        self.notebook = notebook
        self.student_id = student
        self.functions = set(functions) if functions else None
        self.secret = secret or course_secret()
        self.provided = PROVIDED_CALLEES.get(notebook, ())
        self.submission = submission
        self.code = StudentCode(submission, {name: reference.callee(name) for name in self.provided}, call_time_limit)
        self.rules: Source | None = None
        self.grader_access: dict[str, list[str]] = {}
        self.reference_children: dict[tuple, Child] = {}
        self.results: dict[str, CellResult] = {}
        self.notes: dict[str, tuple[str, dict]] = {}
        self.crashes: list[str] = []

    # -- fixtures the checks use --

    @pytest.fixture
    def student(self) -> StudentCode:
        return self.code

    @pytest.fixture
    def source(self) -> Source:
        if self.rules is None:
            self.rules = Source(self.submission.statements, provided=self.provided)
        return self.rules

    @pytest.fixture(autouse=True)
    def graded_code_only_computes(self, request, source):
        """Every check of a function whose code (or code run at load) looks at or changes the
        grader fails: the contract gives that function 0 points."""
        function = function_of(check_marker(request.node).kwargs["cell"])
        if function not in self.grader_access:
            graded = tuple(task.name for task in tasks_of(self.notebook))
            self.grader_access[function] = inspects_grader(source, function, graded)
        violations = self.grader_access[function]
        if violations:
            raise CheckFailed("graded code may not look at or change the grader: " + "; ".join(violations[:3])
                              + (" ..." if len(violations) > 3 else ""))

    @pytest.fixture
    def measured(self, request):
        """measured(message, **measurement): what a check measured, shown to the student pass or fail."""
        def note(message: str, **measurement):
            self.notes[request.node.nodeid] = (message, measurement)
        return note

    @pytest.fixture
    def rng(self, request):
        return rng_for(self.secret, ASSIGNMENT, self.student_id, request.node.name)

    @pytest.fixture
    def reference_child(self):
        """A clean child loaded with reference solutions only: reference_child("naive_relu", ...)."""
        def start(*functions: str, extra: str = "") -> Child:
            key = (functions, extra)
            if key not in self.reference_children or self.reference_children[key].process.poll() is not None:
                submission = reference.submission(*functions, extra=extra)
                child = Child(tensorflow=submission.imports("tensorflow"))
                child.request({"op": "load", "statements": submission.wire()}, timeout=60)
                self.reference_children[key] = child
            return self.reference_children[key]
        return start

    # -- hooks --

    def pytest_collection_modifyitems(self, items, config):
        if self.functions is None:
            return
        selected = [item for item in items if function_of(check_marker(item).kwargs["cell"]) in self.functions]
        config.hook.pytest_deselected(items=[item for item in items if item not in selected])
        items[:] = selected

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item, call):
        report = yield
        marker = check_marker(item)
        if call.when == "call" or (call.when == "setup" and call.excinfo is not None):
            self.record(marker.kwargs, item.nodeid, call.excinfo)
        return report

    def record(self, meta: dict, nodeid: str, excinfo):
        cell = meta["cell"]
        note, measurement = self.notes.get(nodeid, ("", {}))
        details = {}
        if excinfo is None:
            passed, message = True, note
        elif isinstance(excinfo.value, CheckFailed):
            passed, message = False, str(excinfo.value)
            details = dict(excinfo.value.details, judged=not isinstance(excinfo.value, NotJudged))
        else:
            passed, message = False, "the grader could not finish this check"
            self.crashes.append(f"hidden check {nodeid} crashed:\n{excinfo.getrepr(style='long')}")
        self.results.setdefault(cell, CellResult(cell, 0)).checks.append(
            CheckResult(nodeid.rsplit("::", 1)[-1], meta["description"], meta["points"], passed, message,
                        measured=measurement or None, **details)
        )

    def close(self):
        self.code.close()
        for child in self.reference_children.values():
            child.close()


UNUSED_PLUGINS = ("cacheprovider", "unraisableexception", "threadexception")


def function_of(grade_id: str) -> str:
    """hidden_naive_relu__timing -> naive_relu"""
    return grade_id.removeprefix("hidden_").split("__")[0]


def check_module(notebook: str) -> Path:
    return CHECKS_DIR / f"test_{notebook}.py"


def grade(notebook: str, submission: Submission, student: str, functions=None, secret=None,
          call_time_limit: float = CALL_TIME_LIMIT) -> dict[str, CellResult]:
    """Run the notebook's hidden checks on `submission`; return every hidden cell's result
    (inputs seeded from `secret`, by default the course secret; each call of a student's
    function stopped after `call_time_limit` seconds).

    Raises GraderError when the grader itself fails (a check crashes, pytest cannot run, or
    anything else goes wrong here): no score of this notebook can then be trusted."""
    try:
        session = GradingSession(notebook, submission, student, functions, secret, call_time_limit)
    except Exception as error:
        raise GraderError(f"the hidden checks of {notebook} could not start:\n{traceback.format_exc()}") from error
    # Without pytest's plugins that report nothing the grader reads: unraisableexception alone
    # runs gc.collect() twice a session (about 0.15 s of CPU, for every notebook of every student).
    args = [str(check_module(notebook)), "-q", "--assert=plain", "-s", "--rootdir", str(CHECKS_DIR),
            "-c", str(CHECKS_DIR / "pytest.ini"), "-W", "ignore",
            *(arg for plugin in UNUSED_PLUGINS for arg in ("-p", f"no:{plugin}"))]
    try:
        with contextlib.redirect_stdout(io.StringIO()) as output:
            code = pytest.main(args, plugins=[session])
    except Exception as error:
        raise GraderError(f"the hidden checks of {notebook} failed to run:\n{traceback.format_exc()}") from error
    finally:
        session.close()
    if code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED, pytest.ExitCode.NO_TESTS_COLLECTED):
        raise GraderError(f"the hidden checks of {notebook} could not run (pytest exit {code}):\n{output.getvalue()}")
    if session.crashes:
        raise GraderError("\n".join(session.crashes))
    return complete(notebook, session.results, functions)


def complete(notebook: str, results: dict[str, CellResult], functions) -> dict[str, CellResult]:
    """Every hidden cell of the notebook, with its contract points (0 if no check ran)."""
    completed = {}
    for task in tasks_of(notebook):
        if functions is not None and task.name not in functions:
            continue
        for cell in task.hidden_cells:
            result = results.get(cell.grade_id, CellResult(cell.grade_id, cell.points))
            result.max_points = cell.points
            completed[cell.grade_id] = result
    return completed
