"""The scheduler side of `tensor-gears grade`: a course folder and its gradebook.

It reads each submission for the workers the way nbgrader's autograde prepares it (special
files refused, unreadable notebooks replaced by the blank version, locked and test cells
restored from the gradebook), and records each worker's report through nbgrader's own
Autograde, with `ApplyReport` in place of execution: the gradebook, `autograded/`, the
late penalties and results.json come out as `nbgrader autograde` makes them, from one writer.
"""

import logging
from pathlib import Path

from nbgrader.converters import Autograde
from nbgrader.converters.base import NbGraderException
from nbgrader.coursedir import CourseDirectory
from traitlets.config import Config, PyFileConfigLoader

from ..contract import ASSIGNMENT, NOTEBOOKS
from . import GLUE, autograde_preprocessors
from .execute import ContainedExecute
from .hidden_checks import HiddenChecks
from .apply_report import REPORTS
from .exporter import TolerantNotebookExporter
from ..sandbox.limits import BoxLimits, Limits
from .special_files import refuse_in

log = logging.getLogger("tensor_gears")


class Course:
    """The course folder at `root` (its nbgrader_config.py applies), optionally on `db_url`."""

    def __init__(self, root: Path, db_url: str | None = None):
        self.root = Path(root).resolve()
        self.config = Config()
        if (self.root / "nbgrader_config.py").exists():
            self.config = PyFileConfigLoader("nbgrader_config.py", path=str(self.root)).load_config()
        self.config.CourseDirectory.root = str(self.root)
        if db_url:
            self.config.CourseDirectory.db_url = db_url
        self.db_url = self.directory().db_url
        self.recording = Config(self.config)
        self.recording.Autograde.autograde_preprocessors = autograde_preprocessors(
            execution=(f"{GLUE}.apply_report.ApplyReport",))
        self.sanitizer = TolerantNotebookExporter(config=self.config)
        for step in Autograde.class_traits()["sanitize_preprocessors"].default():
            self.sanitizer.register_preprocessor(step, enabled=True)

    def execution(self) -> ContainedExecute:
        """nbgrader's Execute step as this course configures it: its time limit per cell
        (`Execute.timeout`), output limit per cell (`ContainedExecute.output_limit`) and for a
        whole submission (`ContainedExecute.report_limit`)."""
        return ContainedExecute(config=self.config)

    def box_limits(self) -> Limits:
        """What one box may use, as this course configures it (`BoxLimits`)."""
        return BoxLimits(config=self.config).limits()

    def hidden_checks(self) -> HiddenChecks:
        """nbgrader's hidden-checks step as this course configures it: its time limit per call
        of a student's function (`HiddenChecks.call_time_limit`)."""
        return HiddenChecks(config=self.config)

    def directory(self, student: str = "*") -> CourseDirectory:
        return CourseDirectory(config=self.config, root=str(self.root), assignment_id=ASSIGNMENT, student_id=student)

    def folder(self, kind: str, student: str) -> Path:
        directory = self.directory(student)
        return Path(directory.format_path(getattr(directory, f"{kind}_directory"), student, ASSIGNMENT))

    def students(self) -> list[str]:
        """Every student with a submission of the assignment."""
        submitted = self.root / self.directory().submitted_directory
        return sorted(path.parent.name for path in submitted.glob(f"*/{ASSIGNMENT}") if path.is_dir())

    def graded(self, student: str) -> bool:
        return (self.folder("autograded", student) / "results.json").exists()

    def submission(self, student: str) -> dict[str, bytes]:
        """The student's notebooks as nbgrader's autograde prepares them for execution."""
        folder = self.folder("submitted", student)
        refuse_in(folder)
        notebooks = {}
        for name in NOTEBOOKS:
            path = folder / f"{name}.ipynb"
            if path.is_file():
                resources = {"unique_key": name, "output_files_dir": f"{name}_files",
                             "nbgrader": {"student": student, "assignment": ASSIGNMENT, "notebook": name,
                                          "db_url": self.db_url}}
                output, _ = self.sanitizer.from_filename(str(path), resources=resources)
                notebooks[name] = output.encode()
        return notebooks

    def record(self, report: dict) -> bool:
        """Write a worker's report into the gradebook and autograded/ with nbgrader's Autograde."""
        student = report["student"]
        REPORTS[student] = report
        try:
            converter = Autograde(coursedir=self.directory(student), config=self.recording)
            converter.force = True
            converter.start()
            return True
        except NbGraderException:
            log.error("%s: nbgrader could not record the grades (see its log above)", student)
            return False
        finally:
            del REPORTS[student]
