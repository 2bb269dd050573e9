"""The glue between nbgrader and the grading core: it only translates.

- `execute.ContainedExecute`: nbgrader's Execute, contained (the core's `Containment`).
- `hidden_checks.HiddenChecks`: scores the hidden-check cells with the core, in `nbgrader autograde`.
- `apply_report.ApplyReport`: puts a worker's report in place of both, for `tensor-gears grade`.
- `exporter.TolerantNotebookExporter`: an unreadable submission is graded as the blank version.
- `special_files.refuse_special_files`: submitted files are plain files, never links or devices.
- `results_json.WriteResults`: `autograded/<student>/tensor_ops/results.json` (Gradescope's format).
- `validate_dialog`: the students' Validate (a server extension): nbgrader's, each failure led by its error.
- `course.Course`: the scheduler side of `tensor-gears grade`: reads submissions for the
  workers and records their reports through nbgrader's own Autograde, the gradebook's one writer.
"""

from nbgrader.converters import Autograde
from nbgrader.preprocessors import Execute

GLUE = "tensor_gears.nbgrader_glue"


def autograde_preprocessors(execution: tuple[str, ...] = (f"{GLUE}.execute.ContainedExecute",
                                                          f"{GLUE}.hidden_checks.HiddenChecks")) -> list:
    """nbgrader's autograde steps, as import strings, with `execution` in place of Execute."""
    steps = []
    for step in Autograde.class_traits()["autograde_preprocessors"].default():
        steps += list(execution) if step is Execute else [f"{step.__module__}.{step.__name__}"]
    return steps + [f"{GLUE}.results_json.WriteResults"]
