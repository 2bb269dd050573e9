"""tensor_gears.nbgrader_glue.course: the scheduler side of `tensor-gears grade` reads the course's own
nbgrader_config.py (its limits go to the workers), finds who submitted and who is graded, and records through
nbgrader's Autograde with the worker's report in place of execution."""

from tensor_gears.contract import ASSIGNMENT
from tensor_gears.nbgrader_glue.course import Course

CONFIG = """c = get_config()
c.Execute.timeout = 12
c.ContainedExecute.output_limit = 5000
c.ContainedExecute.kernels = 1
c.HiddenChecks.call_time_limit = 3.5
c.BoxLimits.memory = 1 << 30
c.BoxLimits.processes = 64
c.CourseDirectory.submitted_directory = "handed_in"
"""


def course_folder(tmp_path, config=CONFIG):
    (tmp_path / "nbgrader_config.py").write_text(config)
    for student in ("bo", "ada", "cy"):
        (tmp_path / "handed_in" / student / ASSIGNMENT).mkdir(parents=True)
    (tmp_path / "handed_in" / "di" / "another_assignment").mkdir(parents=True)
    (tmp_path / "autograded" / "ada" / ASSIGNMENT).mkdir(parents=True)
    (tmp_path / "autograded" / "ada" / ASSIGNMENT / "results.json").write_text("{}")
    (tmp_path / "autograded" / "bo" / ASSIGNMENT).mkdir(parents=True)
    return tmp_path


def test_the_courses_limits_are_what_the_workers_get(unboxed, tmp_path):
    course = Course(course_folder(tmp_path))
    execution = course.execution()
    assert (execution.timeout, execution.output_limit, execution.kernels) == (12, 5000, 1)
    assert course.hidden_checks().call_time_limit == 3.5
    limits = course.box_limits()
    assert (limits.memory, limits.processes) == (1 << 30, 64)


def test_the_students_are_those_with_a_submission_of_the_assignment_in_the_configured_folder(unboxed, tmp_path):
    assert Course(course_folder(tmp_path)).students() == ["ada", "bo", "cy"]


def test_a_student_is_graded_once_their_results_json_exists(unboxed, tmp_path):
    course = Course(course_folder(tmp_path))
    assert [course.graded(student) for student in ("ada", "bo", "cy")] == [True, False, False]
    assert course.folder("submitted", "ada") == tmp_path.resolve() / "handed_in" / "ada" / ASSIGNMENT


def test_the_gradebook_is_the_courses_unless_a_url_is_given(unboxed, tmp_path):
    course_folder(tmp_path)
    assert Course(tmp_path).db_url == f"sqlite:///{tmp_path.resolve() / 'gradebook.db'}"
    assert Course(tmp_path, "sqlite:////elsewhere/grades.db").db_url == "sqlite:////elsewhere/grades.db"


def test_recording_applies_the_workers_report_in_place_of_execution_and_the_hidden_checks(unboxed, tmp_path):
    steps = Course(course_folder(tmp_path)).recording.Autograde.autograde_preprocessors
    assert "tensor_gears.nbgrader_glue.apply_report.ApplyReport" in steps
    assert not any(step.endswith(("Execute", "HiddenChecks")) for step in steps)
    assert steps[-1] == "tensor_gears.nbgrader_glue.results_json.WriteResults"


def test_a_folder_without_nbgrader_config_is_a_course_with_nbgraders_defaults(unboxed, tmp_path):
    course = Course(tmp_path)
    assert course.students() == [] and course.execution().timeout == 30
