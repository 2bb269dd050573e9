"""tensor_gears.class_report.figures: the report's numbers from the class's data."""

from pathlib import Path

from tensor_gears.class_report.collect import Check, ClassData, Student
from tensor_gears.class_report.figures import histogram, report_data
from tensor_gears.contract import NOTEBOOKS, TASKS

FULL = {cell.grade_id: float(cell.points) for task in TASKS for cell in task.hidden_cells}


def student(name, total, cells=None, handed_in=NOTEBOOKS, checks=(), submitted=True):
    cells = FULL if cells is None else cells
    return Student(name, name.title(), None, submitted=submitted, total=total, max_score=100, cells=dict(cells),
                   handed_in=tuple(handed_in), checks=list(checks), has_results=submitted)


def loops_broken(name):
    return Check(name, "hidden_naive_relu", "check_naive_relu_loops_only", "loops only", 3, False, "uses numpy",
                 rule={"name": "not loops only", "violations": []})


def a_class():
    return ClassData(Path("/course"), 100, {"hidden_naive_relu": 6}, [
        student("ada", 100),
        student("bo", 94, FULL | {"hidden_naive_relu": 0.0}, checks=[loops_broken("bo")]),
        student("cy", 30, {"hidden_naive_relu": 6, "hidden_naive_add": 6}, handed_in=NOTEBOOKS[:1]),
        student("di", 0, {}, submitted=False),
    ])


def test_the_summary_counts_the_graded_and_the_not_submitted():
    summary = report_data(a_class())["summary"]
    assert (summary["students"], summary["graded"], summary["not_submitted"]) == (4, 3, ["di"])
    assert (summary["mean"], summary["median"], summary["full_marks"]) == (74.67, 94, 1)
    assert summary["pass_mark"] == 50 and summary["most_broken_rule"] == "not loops only"


def test_a_submission_below_the_pass_mark_is_failing_with_the_points_it_lost_and_what_was_not_handed_in():
    [failing] = report_data(a_class(), pass_fraction=0.5)["failing"]
    assert failing["student"] == "cy" and failing["not_handed_in"] == list(NOTEBOOKS[1:])
    assert failing["points_lost"]["sgd_step"] == 8 and "naive_add" not in failing["points_lost"]
    assert [row["student"] for row in report_data(a_class(), pass_fraction=0.95)["failing"]] == ["cy", "bo"]


def test_function_rates_count_only_students_who_handed_in_its_notebook():
    functions = {row["function"]: row for row in report_data(a_class())["functions"]}
    assert functions["naive_relu"]["students"] == 3 and functions["naive_relu"]["full_marks"] == 2
    assert functions["sgd_step"]["students"] == 2 and functions["sgd_step"]["not_handed_in"] == 1
    assert report_data(a_class())["summary"]["hardest_function"] == "naive_relu"


def test_rules_count_who_broke_them_in_which_function():
    rules = {row["rule"]: row for row in report_data(a_class())["rules"]}
    assert rules["not loops only"]["broken"] == 1 and rules["not loops only"]["students"] == ["bo"]
    assert rules["not loops only"]["functions"] == {"naive_relu": 1}
    assert rules["uses NumPy"]["broken"] == 0


def test_histogram_bins_are_half_open_the_last_closed_like_numpy():
    counts = histogram([0, 9.99, 10, 100], 100, 10)
    assert counts["edges"][0] == 0 and counts["edges"][-1] == 100 and len(counts["counts"]) == 10
    assert counts["counts"][0] == 2 and counts["counts"][1] == 1 and counts["counts"][-1] == 1 and counts["n"] == 4
