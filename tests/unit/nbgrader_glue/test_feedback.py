"""tensor_gears.nbgrader_glue.feedback: the summary at the top of a feedback page, rendered from the checks'
data through the real templates: what a student reads for passed, failed and not judged checks, timings and
broken rules, with the student's own text escaped."""

import html
import re
from dataclasses import asdict

from nbformat.v4 import new_code_cell, new_notebook

from tensor_gears.grading import CheckResult
from tensor_gears.nbgrader_glue.feedback import SUMMARY_ID, FeedbackSummary, fits, render, summarise, timing_of

GUARD = "### BEGIN HIDDEN TESTS\nraise RuntimeError('hidden checks not wired in')\n### END HIDDEN TESTS\n"


def answer(function: str, source: str):
    return new_code_cell(source, metadata={"nbgrader": {"grade_id": function, "solution": True, "locked": False}})


def hidden(grade_id: str, points: float, *checks: CheckResult, score=None):
    meta = {"grade_id": grade_id, "grade": True, "locked": True, "points": points}
    if score is not None:
        meta["score"] = score
    return new_code_cell(f"# checks of {grade_id}\n{GUARD}", metadata={
        "nbgrader": meta, "tensor_gears": {"checks": [asdict(check) for check in checks]}})


RELU = "def naive_relu(x):\n    return np.maximum(x, 0.0)\n"
RULE = {"name": "not loops only", "violations": [
    {"text": "`np.maximum` is NumPy math (line 2)", "cell": "cell 1", "line": 2, "quote": "np.maximum(x, 0.0)"},
    {"text": "a helper imported from elsewhere uses NumPy", "cell": None, "line": None, "quote": None}]}


def graded_notebook():
    return new_notebook(cells=[
        answer("naive_relu", RELU),
        hidden("hidden_naive_relu", 6,
               CheckResult("check_relu_values", "values on 2-D float inputs", 3, True),
               CheckResult("check_relu_loops_only", "loops only", 3, False, "not loops only: `np.maximum`", rule=RULE)),
        answer("vectorized_add_relu", "def vectorized_add_relu(x, y):\n    return np.maximum(x + y, 0)\n"),
        hidden("hidden_vectorized_add_relu", 4,
               CheckResult("check_shapes", "keeps the shape", 2, False, "returned shape (3,) instead of (3, 4)",
                           call={"function": "vectorized_add_relu",
                                 "inputs": ["x: (3, 4) float64", "y: (3, 4) float64"]},
                           returned={"what": "shape", "got": "(3,)", "wanted": "(3, 4)"}),
               CheckResult("check_pure", "pure Python: no NumPy at all", 2, False, "not judged: `vectorized_add_relu` "
                           "must first return an array on a plain input (ValueError: incompatible shapes)",
                           judged=False)),
        hidden("hidden_vectorized_add_relu__timing", 2,
               CheckResult("check_vectorized_timing", "at least 20x faster than naive", 2, False,
                           "measured: 7.5 times faster (at least 20 needed)",
                           measured={"kind": "speedup", "ratio": 7.5, "threshold": 20, "alone": 8,
                                     "alone_threshold": 2.5}),
               score=1.5),
    ])


def page(nb=None, resources=None) -> tuple[str, object]:
    nb = nb or graded_notebook()
    nb, resources = FeedbackSummary().preprocess(nb, resources or {})
    return nb.cells[0].source, resources


def text_of(markup: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", markup)))


def test_the_summary_is_the_first_cell_a_raw_html_cell_with_its_stylesheets_inlined():
    nb, resources = FeedbackSummary().preprocess(graded_notebook(), {})
    assert nb.cells[0].cell_type == "raw" and nb.cells[0].metadata["raw_mimetype"] == "text/html"
    assert nb.cells[0].source.startswith(f'<div id="{SUMMARY_ID}"')
    css = resources["inlining"]["css"]
    assert len(css) == 2 and f"#{SUMMARY_ID}" in css[0]


def test_points_and_counts_per_function_with_the_gradebooks_adjusted_score():
    shown = text_of(page()[0])
    assert "What the hidden checks found 4.5 of 12 points" in shown
    assert "1 of 5 checks passed." in shown
    assert "naive_relu 3 / 6 points 1 of 2 checks passed" in shown
    assert "vectorized_add_relu 1.5 / 6 points 0 of 3 checks passed (the checks gave 0; your instructor adjusted" \
           in shown


def test_a_passed_and_a_failed_check_are_marked_with_their_points_and_why():
    shown = text_of(page()[0])
    assert "PASSED 3 pts values on 2-D float inputs" in shown
    assert "FAILED 2 pts keeps the shape Why: returned shape (3,) instead of (3, 4)" in shown
    assert "Shapes and dtypes: x: (3, 4) float64 y: (3, 4) float64" in shown
    assert "Returned shape: (3,) expected (3, 4)" in shown


def test_a_check_not_judged_says_so_instead_of_why_it_failed():
    markup = page()[0]
    shown = text_of(markup)
    assert ("FAILED 2 pts pure Python: no NumPy at all Not judged: vectorized_add_relu must first return an array on "
            "a plain input (ValueError: incompatible shapes)") in shown
    assert "Not judged:</span>Not judged: <code>" not in markup and "Not judged:</span><code>vectorized" in markup
    assert "Why: not judged" not in shown


def test_a_timing_shows_the_measured_ratio_against_its_threshold_and_fails_below_it():
    markup = page()[0]
    assert "timing: at least 20x faster than naive Measured speed: 7.5× faster than the naive reference " \
           "(at least 20× needed)" in text_of(markup)
    assert '<span class="tg-ratio-bad">7.5× faster' in markup
    assert timing_of({"kind": "speedup", "ratio": 25, "threshold": 20})["ok"]
    assert not timing_of({"kind": "speedup", "ratio": 25, "threshold": 20, "alone": 1, "alone_threshold": 2.5})["ok"]
    budget = timing_of({"kind": "budget", "ratio": None, "threshold": 50})
    assert budget == {"measured": "over 50× the naive reference's time (stopped)", "needed": "at most 50× allowed",
                      "ok": False, "plain": True}


def test_a_broken_rule_is_named_with_its_hint_and_the_students_line_quoted_with_its_number():
    markup = page()[0]
    shown = text_of(markup)
    assert "Rule broken: not loops only (the rule: compute one element at a time" in shown
    assert "Your answer cell, line 2: np.maximum is NumPy math" in shown
    assert '<span class="tg-lineno">  2 | </span>    return np.maximum(x, 0.0)</pre>' in markup
    assert "In your code: a helper imported from elsewhere uses NumPy" in shown


def test_student_controlled_text_is_escaped():
    nb = new_notebook(cells=[
        answer("naive_relu", "def naive_relu(x):\n    return '<script>alert(1)</script>' and x\n"),
        hidden("hidden_naive_relu", 6, CheckResult(
            "check_relu_values", "values", 6, False, "returned <b>bold</b> & `<img src=x>`",
            returned={"what": "type", "got": "<class '<script>'>", "wanted": "ndarray"},
            rule={"name": "not loops only", "violations": [{"text": "uses `'<script>'`", "cell": "cell 1", "line": 2,
                                                            "quote": "'<script>alert(1)</script>'"}]}))])
    nb.cells[1].metadata.nbgrader["comment"] = None
    nb.cells[0].metadata.nbgrader["comment"] = "<i>see me</i>"
    markup = page(nb)[0]
    assert "<script>" not in markup and "<img" not in markup and "<i>see me" not in markup and "<b>bold" not in markup
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markup and "&lt;i&gt;see me&lt;/i&gt;" in markup


def test_the_guard_autograde_restored_is_taken_out_of_each_hidden_cell():
    nb, _ = FeedbackSummary().preprocess(graded_notebook(), {})
    assert all("BEGIN HIDDEN TESTS" not in cell.source for cell in nb.cells)
    assert nb.cells[2].source == "# checks of hidden_naive_relu\n"


def test_a_late_penalty_is_shown_and_a_second_run_replaces_the_summary_rather_than_adding_one():
    nb, _ = FeedbackSummary().preprocess(graded_notebook(), {"nbgrader": {"late_penalty": 2}})
    nb, _ = FeedbackSummary().preprocess(nb, {"nbgrader": {"late_penalty": 2}})
    assert [cell.get("metadata", {}).get("tensor_gears_summary") for cell in nb.cells].count(True) == 1
    assert "Late submission penalty: -2 points" in nb.cells[0].source


def test_a_notebook_without_checks_gets_no_summary_but_keeps_the_output_stylesheet():
    nb, resources = FeedbackSummary().preprocess(new_notebook(cells=[answer("naive_relu", RELU)]), {})
    assert len(nb.cells) == 1 and len(resources["inlining"]["css"]) == 1
    assert summarise(new_notebook(cells=[hidden("hidden_naive_relu", 6)])) == [
        {"function": "naive_relu", "anchor": "hidden_naive_relu", "points": 0.0, "max_points": 6.0,
         "checks_points": 0.0, "checks": [], "state": "tg-none", "passed": 0, "adjusted": False}]


def test_a_quote_matches_a_line_whatever_its_spacing_and_quotes_and_a_loop_by_its_keyword():
    assert fits('    y = np.sum( x, axis = "0")', "np.sum(x, axis='0')")
    assert fits("    for i in range(n):", "for")
    assert not fits("    total = 0", "for")
    assert not fits("   ", "anything")


def test_comments_on_cells_without_a_function_summary_are_listed_after_the_functions():
    markup = render([], {"naive_add": "good start"})
    assert "Comment on <code>naive_add</code>" in markup and "good start" in markup
