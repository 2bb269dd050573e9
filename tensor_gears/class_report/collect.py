"""What the gradebook and each student's results.json say, gathered once for the report.

Scores (per student, notebook and grade cell) come from nbgrader's gradebook; the hidden
checks behind them (passed, message, the rule broken, what a timing measured, how the box stopped
the code) come from autograded/<student>/tensor_ops/results.json.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.coursedir import CourseDirectory
from traitlets.config import Config, PyFileConfigLoader

from ..contract import ASSIGNMENT, NOTEBOOKS, task_named


@dataclass
class Check:
    """One hidden check's outcome for one student."""

    student: str
    grade_id: str
    name: str  # the check function, or "notebook" when the whole notebook scored 0
    description: str
    points: float
    passed: bool
    message: str
    rule: dict | None = None  # the rule broken: {"name", "violations"}
    measured: dict | None = None  # a timing: {"kind": "speedup" | "budget", "ratio", "threshold", ...}
    stopped: str | None = None  # how the box stopped the student's code

    @property
    def function(self) -> str:
        return function_of(self.grade_id)

    @property
    def notebook(self) -> str:
        return task_named(self.function).notebook


@dataclass
class Student:
    id: str
    name: str
    lms_user_id: str | None
    submitted: bool = False
    total: float = 0.0  # the gradebook's score (before any late penalty)
    late_penalty: float = 0.0
    max_score: float = 0.0
    notebooks: dict[str, float] = field(default_factory=dict)  # gradebook score per notebook
    cells: dict[str, float] = field(default_factory=dict)  # gradebook score per grade cell
    handed_in: tuple[str, ...] = ()  # the notebooks found in the submission
    checks: list[Check] = field(default_factory=list)  # from results.json
    visible: dict[str, bool] = field(default_factory=dict)  # function -> its visible test passed
    has_results: bool = False


@dataclass
class ClassData:
    course: Path
    max_score: float
    cell_points: dict[str, float]  # grade id -> max points, from the gradebook
    students: list[Student]
    isolation: str = ""

    @property
    def graded(self) -> list[Student]:
        return [student for student in self.students if student.submitted]


def function_of(grade_id: str) -> str:
    return grade_id.removeprefix("hidden_").removeprefix("test_").split("__")[0]


class CourseFolders:
    """The course's folders and gradebook URL, as its nbgrader_config.py sets them (no secret needed)."""

    def __init__(self, root: Path, db_url: str | None = None):
        self.root = Path(root).resolve()
        config = Config()
        if (self.root / "nbgrader_config.py").exists():
            config = PyFileConfigLoader("nbgrader_config.py", path=str(self.root)).load_config()
        config.CourseDirectory.root = str(self.root)
        if db_url:
            config.CourseDirectory.db_url = db_url
        self.directory = CourseDirectory(config=config, root=str(self.root), assignment_id=ASSIGNMENT)
        self.db_url = self.directory.db_url

    def require_gradebook(self) -> None:
        """Refuse a course with no gradebook yet (opening one would create it empty)."""
        if self.db_url.startswith("sqlite:///"):
            path = Path(self.db_url.removeprefix("sqlite:///"))
            if not path.is_absolute():
                path = self.root / path
            if not path.exists():
                raise FileNotFoundError(f"no gradebook at {path}: grade the course first (tensor-gears grade)")

    def folder(self, kind: str, student: str) -> Path:
        pattern = getattr(self.directory, f"{kind}_directory")
        return Path(self.directory.format_path(pattern, student, ASSIGNMENT))


def collect(root: Path, db_url: str | None = None) -> ClassData:
    """Every student of the gradebook with their scores, and the checks of those graded."""
    course = CourseFolders(root, db_url)
    course.require_gradebook()
    students, cell_points, isolation = [], {}, ""
    with Gradebook(course.db_url) as gradebook:
        try:
            max_score = gradebook.find_assignment(ASSIGNMENT).max_score
        except MissingEntry:
            raise LookupError(f"the gradebook has no assignment {ASSIGNMENT}: grade the course first") from None
        for record in sorted(gradebook.students, key=lambda s: s.id):
            name = " ".join(part for part in (record.first_name, record.last_name) if part)
            student = Student(record.id, name, record.lms_user_id)
            try:
                submission = gradebook.find_submission(ASSIGNMENT, record.id)
            except MissingEntry:
                students.append(student)
                continue
            student.submitted, student.total, student.max_score = True, submission.score, submission.max_score
            student.late_penalty = submission.late_submission_penalty or 0.0
            for notebook in submission.notebooks:
                student.notebooks[notebook.name] = notebook.score
                for grade in notebook.grades:
                    student.cells[grade.name] = grade.score
                    cell_points[grade.name] = grade.max_score
            students.append(student)
    for student in students:
        if student.submitted:
            submitted = course.folder("submitted", student.id)
            student.handed_in = tuple(nb for nb in NOTEBOOKS if (submitted / f"{nb}.ipynb").exists())
            isolation = read_results(course.folder("autograded", student.id) / "results.json", student) or isolation
    return ClassData(Path(root), max_score, cell_points, students, isolation)


def read_results(path: Path, student: Student) -> str:
    """Fill in the student's checks and visible tests from results.json; return its isolation note."""
    if not path.exists():
        return ""
    results = json.loads(path.read_text())
    student.has_results = True
    for test in results["tests"]:
        if test["name"].startswith("test_"):
            output = test.get("output", "")
            if output.startswith("visible test"):
                student.visible[function_of(test["name"])] = output == "visible test passed"
            continue
        for check in test.get("extra_data", {}).get("checks", []):
            student.checks.append(Check(student.id, test["name"], check["name"], check.get("description", ""),
                                        float(check.get("points", 0)), bool(check["passed"]),
                                        check.get("message", "") or "", check.get("rule"), check.get("measured"),
                                        check.get("stopped")))
    return str(results.get("extra_data", {}).get("isolation", ""))
