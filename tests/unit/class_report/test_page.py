"""tensor_gears.class_report.page: the report's data rendered through the real template, one page that stands
alone, with every student-controlled text escaped."""

import re
from pathlib import Path

from tensor_gears.class_report.collect import Check, ClassData, Student
from tensor_gears.class_report.figures import report_data
from tensor_gears.class_report.page import number, percent, render, scores
from tensor_gears.contract import NOTEBOOKS

EVIL = "<script>alert('id')</script>"


def report(*students):
    return report_data(ClassData(Path("/course"), 100, {}, list(students)))


def graded(name, total, handed_in=NOTEBOOKS, checks=()):
    return Student(name, "", None, submitted=True, total=total, max_score=100, handed_in=tuple(handed_in),
                   notebooks={notebook: 3.0 for notebook in handed_in}, checks=list(checks), has_results=True)


def test_the_page_stands_alone_with_its_stylesheet_inline_and_no_links_out():
    page = render(report(graded("ada", 100)), [])
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page and "Class report: tensor_ops" in page
    assert not re.search(r"""(src|href)=["']?(https?:|//)""", page)


def test_student_controlled_text_is_escaped_everywhere_it_appears():
    killed = Check(EVIL, "hidden_naive_relu", "check_relu_values", "values", 3, False, f"printed {EVIL}",
                   stopped="killed by SIGKILL")
    page = render(report(graded(EVIL, 10, checks=[killed]), Student("<b>bo</b>", "<i>Bo</i>", None)), [])
    assert "<script>" not in page and "<b>bo" not in page and "<i>Bo" not in page
    assert "&lt;script&gt;alert(&#39;id&#39;)&lt;/script&gt;" in page
    assert f'<span class="msg">printed {EVIL.replace("<", "&lt;").replace(">", "&gt;")}'.replace("'", "&#39;") in page


def test_scores_list_graded_students_highest_first_then_those_who_did_not_submit_and_mark_failing_rows():
    table = scores(report(graded("cy", 30, NOTEBOOKS[:1]), Student("bo", "", None), graded("ada", 90)))
    assert [row[0] for row in table["rows"]] == ["ada", "cy", "bo"]
    assert table["bad"] == [1]
    assert table["rows"][1][3] == {"kind": "none", "text": "not handed in"}
    assert table["rows"][2][-2:] == ["not submitted", "–"]


def test_numbers_drop_trailing_zeros_and_none_is_a_dash():
    assert [number(2.0), number(2.25, 2), number(7), number(None)] == ["2", "2.25", "7", "–"]
    assert [percent(0.456), percent(None)] == ["46%", "–"]


def test_a_class_without_problems_says_so_instead_of_empty_tables():
    page = render(report(graded("ada", 100)), [])
    for said in ("No rule was broken.", "Every handed-in notebook could be read.", "The grader never failed.",
                 "No check had to stop a student&#39;s code.", "No submission is below the pass mark."):
        assert said in page
