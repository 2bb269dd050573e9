"""nbgrader configuration of the tensor-gears course (run nbgrader from this folder)."""

from tensor_gears import nbgrader_glue
from tensor_gears.notebooks import STUB

c = get_config()  # noqa: F821 (provided by nbgrader)

c.CourseDirectory.course_id = "tensor-gears"

# What students see in place of a solution.
c.ClearSolutions.code_stub = {"python": STUB}

# Autograde: the kernel runs in the sandbox; the hidden checks score the hidden-check cells
# from this trusted process; a dying kernel or an unreadable notebook costs only that
# notebook; results.json is written. (Import strings, so the formgrader can show them.)
c.Autograde.autograde_preprocessors = nbgrader_glue.autograde_preprocessors()
c.Autograde.exporter_class = "tensor_gears.nbgrader_glue.exporter.TolerantNotebookExporter"
# Submitted files are plain files only: symbolic links and special files are refused.
c.Autograde.pre_convert_hook = "tensor_gears.nbgrader_glue.special_files.refuse_special_files"

# A test cell the student deleted or edited is restored from the gradebook.
c.OverwriteCells.add_missing_cells = True

# Feedback: nbgrader's own steps, then a summary per function at the top of the page (each
# check passed or failed and why, shapes and dtypes, measured speed against its threshold, the
# line of the student's code that broke a rule), in nbgrader's feedback template.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
    "tensor_gears.nbgrader_glue.feedback.FeedbackSummary",
]
