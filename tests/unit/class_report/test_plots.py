"""tensor_gears.class_report.plots: a figure only where there is something to show, each an embedded PNG.
The whole set of figures on a graded class: tests/test_class_report.py."""

import base64
from pathlib import Path

from tensor_gears.class_report.collect import ClassData, Student
from tensor_gears.class_report.figures import report_data
from tensor_gears.class_report.plots import check_chart, overall_histogram, rule_chart, timing_chart


def report():
    student = Student("ada", "", None, submitted=True, total=80, max_score=100, has_results=True)
    return report_data(ClassData(Path("/course"), 100, {}, [student]))


def test_charts_with_nothing_to_show_are_left_out():
    data = report()
    assert check_chart(data) is None and rule_chart(data) is None and timing_chart(data) is None


def test_a_figure_is_an_embedded_png_with_its_id_title_and_alt_text():
    figure = overall_histogram(report())
    assert (figure["id"], figure["title"]) == ("histogram-overall", "Total score") and figure["alt"]
    assert base64.b64decode(figure["png"]).startswith(b"\x89PNG\r\n\x1a\n")
