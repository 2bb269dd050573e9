"""The feedback page a student gets from real `nbgrader generate_feedback`: at the top, per
function, the points, each check passed or failed and why, the shapes and dtypes involved, the
measured speed against its threshold, and the line of the student's own code that broke a
rule; then the notebook as usual. Nothing hidden: no check code, hidden inputs or solutions."""

import html
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook
from playwright.sync_api import sync_playwright

from tensor_gears.checks import CHECKS_DIR
from tensor_gears.contract import ASSIGNMENT, TASKS
from tensor_gears.core.hidden_cells import CHECKS_METADATA
from tensor_gears.nbgrader_glue.feedback import SUMMARY_ID
from tensor_gears.reference import solution
from tensor_gears.release import nbgrader

from .bank_sections import FAILS, variants
from .conftest import REPO, grades, make_course, submit
from .jupyterlab import launch_chromium
from .test_autograde import HIDDEN_CHECK_CODE

NOTEBOOK = "01_elementwise"
STUDENT = "learner"


def bank(function: str, label_part: str) -> str:
    """A buggy variant of tests/bank/buggy_01_elementwise.py, by a part of its label (without
    its `# fails:` line, which names the checks)."""
    (variant,) = [v for v in variants("buggy") if v.function == function and label_part in v.label]
    return FAILS.sub("", variant.code).strip("\n") + "\n"


ANSWERS = {
    # breaks "loops only" on one line: `return maximum(x, 0)`
    "naive_relu": bank("naive_relu", "from numpy import"),
    # an int output array: float sums come out truncated, so the value checks fail on float inputs
    "naive_add": bank("naive_add", "integer output array"),
    # the reference: every check passes, the timing check shows its measured speed-up
    "vectorized_add_relu": "reference",
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """One student, one notebook, graded by real `nbgrader autograde`, then real
    `nbgrader generate_feedback`; returns (course, the page's HTML, the autograded notebook)."""
    course = make_course(tmp_path_factory.mktemp("feedback"))
    nbgrader(course, "generate_assignment", ASSIGNMENT)
    submit(course, STUDENT, ANSWERS, notebooks=(NOTEBOOK,))
    nbgrader(course, "autograde", ASSIGNMENT)
    nbgrader(course, "generate_feedback", ASSIGNMENT)
    page = (course / "feedback" / STUDENT / ASSIGNMENT / f"{NOTEBOOK}.html").read_text()
    autograded = nbformat.read(course / "autograded" / STUDENT / ASSIGNMENT / f"{NOTEBOOK}.ipynb", as_version=4)
    return course, page, autograded


def summary_of(page: str) -> str:
    """The summary's HTML (the div with its id, up to the notebook's first heading)."""
    start = page.index(f'id="{SUMMARY_ID}"')
    end = page.index("Element-wise operations", start)  # the notebook's title, right after it
    return page[start:end]


def text_of(fragment: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment)))


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def blocks(summary: str) -> dict[str, str]:
    """The text of each function's block, by function."""
    parts = summary.split('<div class="tg-function')[1:]
    return {re.search(r"<code>(\w+)</code>", part)[1]: text_of(part) for part in parts}


def checks(autograded, grade_id: str) -> list[dict]:
    (cell,) = [c for c in autograded.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id]
    return cell.metadata[CHECKS_METADATA]["checks"]


def test_the_summary_comes_first_with_each_functions_points_from_the_gradebook(graded):
    course, page, _ = graded
    summary = summary_of(page)
    assert page.index(f'id="{SUMMARY_ID}"') < page.index("Element-wise operations")
    scores = grades(course, STUDENT)
    by_function = blocks(summary)
    assert list(by_function) == ["naive_relu", "naive_add", "vectorized_add_relu"]
    for task in TASKS[:3]:
        earned = sum(scores[cell.grade_id] for cell in task.hidden_cells)
        possible = sum(cell.points for cell in task.hidden_cells)
        assert f"{earned:g} / {possible:g} points" in by_function[task.name], by_function[task.name]
    total = sum(scores[cell.grade_id] for task in TASKS[:3] for cell in task.hidden_cells)
    assert f"{total:g} of 18 points" in text_of(summary)
    assert 'href="#hidden_naive_relu"' in summary  # a link down to the hidden cell in the notebook
    # the rest of the page is nbgrader's as usual: the notebook, its cells and their scores
    assert "Student's answer" in page and "hidden_naive_add" in page


def test_each_check_is_listed_passed_or_failed_with_the_failure_message(graded):
    _, page, autograded = graded
    by_function = blocks(summary_of(page))
    for function in ("naive_relu", "naive_add", "vectorized_add_relu"):
        for grade_id in [c.grade_id for task in TASKS if task.name == function for c in task.hidden_cells]:
            for check in checks(autograded, grade_id):
                mark = "PASSED" if check["passed"] else "FAILED"
                assert f"{mark} {check['points']:g} pt" in by_function[function], (function, check["description"])
                assert check["description"] in by_function[function]
    add = by_function["naive_add"]
    failed = [c for c in checks(autograded, "hidden_naive_add") if not c["passed"]]
    assert failed, "the int output array should fail naive_add's value checks"
    for check in failed:
        if "returned wrong values" in check["message"]:
            message = check["message"].replace("`", "").removeprefix("not judged: ")
            assert squeezed(message) in squeezed(add)
            # the shapes and dtypes the message names, on a line of their own under it
            shapes = re.findall(r"(\w+: \([\d, ]*\) \w+)", check["message"])
            flat = squeezed(add)
            listed = flat[flat.index(squeezed(message)):].split("Shapesanddtypes:")[1].split("FAILED")[0]
            assert shapes and all(squeezed(shape) in listed for shape in shapes), (shapes, listed)
    assert "FAILED" not in by_function["vectorized_add_relu"]


def test_a_timing_check_shows_the_measured_ratio_and_its_threshold(graded):
    _, page, autograded = graded
    (timing,) = checks(autograded, "hidden_vectorized_add_relu__timing")
    ratio, threshold = timing["measured"]["ratio"], timing["measured"]["threshold"]
    assert threshold == 20 and ratio > 0
    text = blocks(summary_of(page))["vectorized_add_relu"]
    measured = f"Measured speed: {ratio:g}\u00d7 faster than the naive reference (at least {threshold:g}\u00d7 needed)"
    assert measured in text


def test_a_broken_rule_is_named_with_the_line_of_the_students_code_that_broke_it(graded):
    _, page, autograded = graded
    text = blocks(summary_of(page))["naive_relu"]
    (rule,) = [c for c in checks(autograded, "hidden_naive_relu") if not c["passed"]]
    assert rule["message"].startswith("not loops only:")
    answer = ANSWERS["naive_relu"].strip("\n").splitlines()
    lineno = answer.index("    return maximum(x, 0)") + 1
    assert f"(line {lineno})" in rule["message"]
    assert "Rule broken: not loops only" in text
    assert f"Your answer cell, line {lineno}: maximum uses NumPy's maximum" in text
    assert f"{lineno} | return maximum(x, 0)" in text


def test_the_page_shows_no_hidden_check_code_inputs_or_solutions(graded):
    _, page, autograded = graded
    text = text_of(page)
    summary = text_of(summary_of(page))
    for marker in HIDDEN_CHECK_CODE:
        assert marker not in text, f"the feedback shows hidden check code {marker!r}"
    # no line of the hidden checks' code (their descriptions are public: the hidden cells print them)
    check_code = {line.strip() for line in (CHECKS_DIR / f"test_{NOTEBOOK}.py").read_text().splitlines()}
    leaked = [line for line in check_code if len(line) > 25 and line in text]
    assert not leaked, f"the feedback shows hidden check code: {leaked[:3]}"
    assert "check_naive" not in text  # nor the checks' names
    assert "NBGRADER_EXECUTION" not in text and "HIDDEN TESTS" not in text  # hidden cells as released
    # no solution line the student did not write, beyond what the release shows
    public = (REPO / "release" / ASSIGNMENT / f"{NOTEBOOK}.ipynb").read_text()
    own = "\n".join(cell.source for cell in autograded.cells if cell.cell_type == "code")
    solutions = {line.strip() for task in TASKS[:3] for line in solution(task.name).splitlines()}
    leaked = [line for line in solutions if len(line) > 25 and line in text and line not in public and line not in own]
    assert not leaked, f"the feedback shows solution lines {leaked[:3]}"
    # the summary says only what the hidden cells' own reports say, plus the student's own lines
    reports = "\n".join(out.get("text", "") for cell in autograded.cells for out in cell.get("outputs", []))
    for check in (c for cell in autograded.cells for c in cell.metadata.get(CHECKS_METADATA, {}).get("checks", [])):
        assert check["description"] in reports and (check["message"] in reports)
    assert "[[" not in summary and "array(" not in summary  # no array values at all


def test_the_formgraders_generate_feedback_keeps_the_summary_and_the_instructors_changes(graded, tmp_path):
    """The formgrader's "generate feedback" (NbGraderAPI, which forces nbgrader's `feedback`
    template) gives the same summary, with a manual score and a comment from the gradebook."""
    course = shutil.copytree(graded[0], tmp_path / "course")  # a copy: the gradebook changes here
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        grade = gradebook.find_grade("hidden_naive_relu", NOTEBOOK, ASSIGNMENT, STUDENT)
        grade.manual_score = 6
        comment = gradebook.find_comment("naive_relu", NOTEBOOK, ASSIGNMENT, STUDENT)
        comment.manual_comment = "Loops only means max(x[i, j], 0) one element at a time."
        gradebook.db.commit()
    script = ("from nbgrader.apps import NbGraderAPI\n"
              "from nbgrader.coursedir import CourseDirectory\n"
              "from nbgrader.apps.baseapp import NbGrader\n"
              "app = NbGrader(); app.load_config_file()\n"
              "api = NbGraderAPI(CourseDirectory(config=app.config), config=app.config)\n"
              f"result = api.generate_feedback({ASSIGNMENT!r}, {STUDENT!r}, force=True)\n"
              "import json; print(json.dumps({'success': result['success'], 'error': result.get('error', '')}))\n")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run([sys.executable, "-c", script], cwd=course, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["success"], result["error"][-3000:]
    page = (course / "feedback" / STUDENT / ASSIGNMENT / f"{NOTEBOOK}.html").read_text()
    text = blocks(summary_of(page))["naive_relu"]
    assert "6 / 6 points" in text and "your instructor adjusted the score" in text
    assert "Your instructor: Loops only means max(x[i, j], 0) one element at a time." in text
    assert "Rule broken: not loops only" in text  # the checks' verdicts stay as they were


# Output areas wrap long lines at spaces; an unbroken token longer than a line may still break.
OUTPUT_WRAP = {"white-space": "pre-wrap", "overflow-wrap": "anywhere", "word-break": "normal"}

# Per error output: its computed style, whether anything is cut off at the right, and each word
# (a run of letters, digits and _) that the browser laid out on two or more lines although it is
# narrower than the line; and how many lines it takes on screen and in its text.
MEASURE_ERRORS = """() => [...document.querySelectorAll('div.output_error pre')].map(pre => {
  const style = getComputedStyle(pre);
  const width = pre.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  const split = [];
  const walker = document.createTreeWalker(pre, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const match of node.data.matchAll(/\\w+/g)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const rects = [...range.getClientRects()].filter(r => r.width > 0);
      const lines = new Set(rects.map(r => Math.round(r.top)));
      if (lines.size > 1 && range.getBoundingClientRect().width < width) split.push(match[0]);
    }
  }
  const range = document.createRange();
  range.selectNodeContents(pre);
  const lineHeight = parseFloat(style.lineHeight);
  return {style: {"white-space": style.whiteSpace, "overflow-wrap": style.overflowWrap, "word-break": style.wordBreak},
          cutOff: pre.scrollWidth > pre.clientWidth, split,
          lines: Math.round(range.getBoundingClientRect().height / lineHeight),
          sourceLines: pre.textContent.trim().split("\\n").length};
})"""


def test_error_outputs_wrap_long_lines_at_word_boundaries(graded, tmp_path):
    """The page in headless Chromium, narrower than its tracebacks: each error output wraps
    its long lines (nothing cut off at the right), and never inside a word."""
    _, page, _ = graded
    html_path = tmp_path / "feedback.html"
    html_path.write_text(page)
    with sync_playwright() as playwright:
        context = launch_chromium(playwright, tmp_path / "profile", viewport={"width": 700, "height": 900})
        try:
            browser_page = context.new_page()
            browser_page.goto(html_path.as_uri())
            errors = browser_page.evaluate(MEASURE_ERRORS)
        finally:
            context.close()
    assert errors, "the page should show the failing visible tests' tracebacks"
    for error in errors:
        assert error["style"] == OUTPUT_WRAP, error["style"]
        assert not error["cutOff"], "a traceback line runs off the right edge"
        assert not error["split"], f"words broken across lines: {error['split'][:5]}"
    assert any(error["lines"] > error["sourceLines"] for error in errors), "no traceback line wrapped at 700 px"
