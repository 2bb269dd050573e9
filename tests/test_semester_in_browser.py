"""A semester of the course on a real JupyterHub (tests/hub.py, configured as `make hub`), in
headless Chromium driven by Playwright: real PAM logins, the real proxy, each user's own server.

- The instructor logs in, opens the formgrader, generates and releases `tensor_ops` with its buttons.
- Three students log in and fetch it in the Assignments tab. tg-ada solves everything (one answer
  typed in the notebook's editor, the rest put in as her own account), tg-bo makes the sample
  class's typical mistakes, tg-cy submits the untouched release first and the right answers
  second. Each opens a notebook and clicks Validate, then submits in the Assignments tab.
- The instructor collects; tg-ada is graded with the formgrader's Autograde button in the
  instructor's own unprivileged server (in the rootless box), the others with `tensor-gears
  grade` run as the instructor from a shell in the course folder. The manual-grading view shows
  the hidden-check reports; feedback is generated and released with the formgrader's buttons.
- Each student fetches the feedback and opens it: it starts with the per-function summary.
- The gradebook holds the sample class's totals (perfect 100, mistakes 73; tg-cy's second
  submission counts), notebook by notebook.
- The grader TA reaches the instructor's formgrader through the hub's role, a student does not,
  and neither can read the instructor's files.

Screenshots of every step are kept under the test's tmp folder (and copied to
$TENSOR_GEARS_ARTEFACTS/hub/ when set); their paths are printed.
"""

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tensor_gears import reference
from tensor_gears.contract import ASSIGNMENT, task_named, tasks_of
from tensor_gears.sample_class.job import STUDENTS as SAMPLE
from tensor_gears.sections import read_sections

from .accounts import BIN, GRADER, INSTRUCTOR, STUDENTS, as_account, login_environment, password
from .hub import Hub
from .jupyterlab import CHROMIUM, CHROMIUM_ARGS, screenshot_folder

ADA, BO, CY = STUDENTS
VIEWPORT = {"width": 1280, "height": 900}
# Generous: the machine may be running the rest of the suite at the same time.
SPAWN_TIMEOUT = 150_000
ACTION_TIMEOUT = 120_000
VALIDATE_TIMEOUT = 240_000
GRADE_TIMEOUT = 600_000
VALIDATED = "02_broadcasting"  # the notebook each student validates (quick to run)
TYPED = "naive_add_matrix_and_vector"  # the answer tg-ada types in the editor
# The sample class's points per notebook (README, `make grade-sample`).
PERFECT = {"01_elementwise": 18, "02_broadcasting": 20, "03_tensor_product": 24, "04_reshaping": 15,
           "05_gradient_tape": 23}
MISTAKES = {"01_elementwise": 16, "02_broadcasting": 6, "03_tensor_product": 24, "04_reshaping": 5,
            "05_gradient_tape": 22}

# Put answers into a student's fetched notebooks, as that student (stdin: {function: code}).
WRITE_ANSWERS = """
import json, sys, nbformat
from tensor_gears.contract import task_named
from tensor_gears.notebooks import cells_by_grade_id, read
for function, code in json.load(sys.stdin).items():
    task = task_named(function)
    path = f"{sys.argv[1]}/{task.notebook}.ipynb"
    nb = read(path)
    cells_by_grade_id(nb)[task.answer_id].source = code.strip("\\n")
    nbformat.write(nb, path)
"""

# The instructor's gradebook, as the instructor reads it: points per student and notebook.
READ_GRADEBOOK = """
import json
from nbgrader.api import Gradebook
with Gradebook("sqlite:///gradebook.db") as gradebook:
    print(json.dumps({s.student.id: {n.name: n.score for n in s.notebooks}
                      for s in gradebook.assignment_submissions("tensor_ops")}))
"""


def sample_answers(student: str) -> dict[str, str]:
    """Function -> code of a sample-class student (the reference where its section says so)."""
    sections = read_sections((SAMPLE / student / "answers.py").read_text())
    return {s.function: reference.solution(s.function) if s.label == "reference" else s.code for s in sections}


# ----------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def shots(tmp_path_factory, request):
    """The screenshot folder (tests/jupyterlab.py: copied to $TENSOR_GEARS_ARTEFACTS/hub/)."""
    yield from screenshot_folder(tmp_path_factory, request, "hub")


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no chromium at {CHROMIUM}: `make setup` installs Debian's chromium for this test")
    started = Hub(tmp_path_factory.mktemp("hub"))
    try:
        yield started
    finally:
        started.stop()
        assert not started.left_behind, f"processes left behind by the hub: {started.left_behind}"


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Person:
    """One account's browser (a context of its own: its own hub cookie) and its shots."""

    def __init__(self, browser, hub: Hub, name: str, shots: Path):
        self.hub, self.name, self.shots = hub, name, shots
        self.context = browser.new_context(viewport=VIEWPORT)
        self.context.set_default_timeout(ACTION_TIMEOUT)
        self.page = self.context.new_page()

    def shot(self, label: str) -> None:
        """A screenshot of the window, numbered in the order of the semester."""
        number = len(list(self.shots.glob("*.png"))) + 1
        self.page.screenshot(path=str(self.shots / f"{number:02d}-{self.name}-{label}.png"))

    def server(self, path: str = "") -> str:
        return self.hub.url(f"user/{self.name}/{path.lstrip('/')}")

    def log_in(self, then: str | None = None) -> None:
        """The hub's login form, with the account's PAM password; waits for its JupyterLab."""
        page = self.page
        page.goto(self.hub.url("hub/login"))
        page.fill("#username_input", self.name)
        page.fill("#password_input", password(self.name))
        self.shot("login")
        page.click("#login_submit")
        if then is None:
            page.wait_for_url(re.compile(rf"/user/{self.name}/lab"), timeout=SPAWN_TIMEOUT)
            page.wait_for_selector("#jp-main-dock-panel", timeout=SPAWN_TIMEOUT)
            page.wait_for_selector(".jp-DirListing-content", timeout=SPAWN_TIMEOUT)  # the file browser is up
            page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").wait_for(timeout=SPAWN_TIMEOUT)
            self.shot("lab")
        else:
            page.wait_for_url(re.compile(re.escape(then)), timeout=SPAWN_TIMEOUT)

    def menu(self, menu: str, item: str) -> None:
        page = self.page
        page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{re.escape(menu)}$")).click()
        page.locator(".lm-Menu-item", has=page.locator(
            ".lm-Menu-itemLabel", has_text=re.compile(f"^{re.escape(item)}$"))).click()

    def close(self) -> None:
        self.context.close()


# ----------------------------------------------------------------------------- the formgrader

def formgrader_button(person: Person, column: str, success: str, timeout: float = ACTION_TIMEOUT) -> str:
    """Click `column`'s button in tensor_ops's row of Manage Assignments; the modal's text."""
    page = person.page
    page.goto(person.server("formgrader/manage_assignments"))
    row = page.locator("tr", has=page.locator("td.name", has_text=re.compile(f"^{ASSIGNMENT}$")))
    row.locator(f"td.{column} a").click()
    return modal(person, column, success, timeout)


def modal(person: Person, label: str, success: str, timeout: float) -> str:
    """Wait for the formgrader's result dialog, screenshot it, close it; its text."""
    page = person.page
    dialog = page.locator("#success-modal, #error-modal").first
    dialog.wait_for(state="visible", timeout=timeout)
    page.wait_for_timeout(500)  # the dialog's fade-in, for the screenshot
    person.shot(label)
    text = dialog.inner_text()
    assert dialog.get_attribute("id") == "success-modal" and success in text, text[-3000:]
    dialog.locator("button").last.click()
    dialog.wait_for(state="hidden")
    return text


# ----------------------------------------------------------------------------- the students

def assignments_tab(person: Person) -> None:
    """Nbgrader > Assignment List, and wait until it has loaded."""
    person.menu("Nbgrader", "Assignment List")
    person.page.wait_for_selector("#released_assignments_list", timeout=ACTION_TIMEOUT)
    person.page.wait_for_selector("#released_assignments_list_loading", state="hidden")


def refresh_assignments(person: Person) -> None:
    person.page.click("#refresh_assignments_list")
    person.page.wait_for_selector("#submitted_assignments_list_loading", state="hidden")


def fetch(person: Person) -> None:
    page = person.page
    assignments_tab(person)
    page.locator("#released_assignments_list button", has_text="Fetch").click()
    page.locator("#fetched_assignments_list", has_text=ASSIGNMENT).wait_for()
    person.shot("fetched")


def submit(person: Person) -> None:
    page = person.page
    before = page.locator("#submitted_assignments_list .list_item").count()
    page.locator("#fetched_assignments_list button", has_text="Submit").click()
    page.wait_for_function("n => document.querySelectorAll('#submitted_assignments_list .list_item').length > n",
                           arg=before, timeout=ACTION_TIMEOUT)
    person.shot("submitted")


def put_answers(person: Person, answers: dict[str, str]) -> None:
    """The answers into the fetched notebooks, written as the student's own account."""
    folder = person.hub.home(person.name) / ASSIGNMENT
    done = as_account(person.name, [str(BIN / "python"), "-c", WRITE_ANSWERS, str(folder)],
                      input=json.dumps(answers))
    assert done.returncode == 0, done.stderr


def open_notebook(person: Person, notebook: str) -> None:
    page = person.page
    page.goto(person.server(f"lab/tree/{ASSIGNMENT}/{notebook}.ipynb?reset"))
    page.wait_for_selector('.jp-NotebookPanel-toolbar .jp-Notebook-ExecutionIndicator[data-status="idle"]',
                           timeout=SPAWN_TIMEOUT)


def type_answer(person: Person, function: str) -> None:
    """Type `function`'s reference solution into its answer cell's editor, as a student types."""
    page = person.page
    cell = page.locator(".jp-NotebookPanel .jp-Cell", has=page.locator(".cm-content", has_text=f"def {function}("))
    editor = cell.locator(".cm-content")
    editor.click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    for index, line in enumerate(reference.solution(function).strip("\n").splitlines()):
        if index:
            page.keyboard.press("Enter")
            page.keyboard.press("Shift+Home")  # over the editor's own indentation: the line's own follows
            if not line:
                page.keyboard.press("Delete")
        if line:
            page.keyboard.type(line)
    page.keyboard.press("Escape")
    person.shot("typed")


def validate(person: Person) -> str:
    """The notebook's Validate button; the dialog's text (screenshot taken)."""
    page = person.page
    page.locator(".jp-NotebookPanel-toolbar .validate-button").click()
    message = page.locator(".jp-Dialog #validation-message")
    message.wait_for(timeout=VALIDATE_TIMEOUT)
    person.shot("validate")
    text = message.inner_text()
    page.locator(".jp-Dialog .jp-Dialog-button").last.click()
    return text


def student_works(person: Person, answers: dict[str, str], *, typed: str | None = None) -> str:
    """Put in the answers (typing `typed` in the editor), open the validated notebook, Validate."""
    put_answers(person, {f: code for f, code in answers.items() if f != typed})
    open_notebook(person, VALIDATED)
    if typed:
        type_answer(person, typed)
    return validate(person)


# ----------------------------------------------------------------------------- the test

def test_semester_through_the_hub(hub, browser, shots):
    instructor = Person(browser, hub, INSTRUCTOR, shots)
    instructor.log_in()
    assert page_has(instructor, "Nbgrader")

    # The formgrader: generate the student version, release it to the exchange.
    instructor.page.goto(instructor.server("formgrader/manage_assignments"))
    instructor.page.locator("td.name", has_text=ASSIGNMENT).wait_for()
    instructor.shot("formgrader")
    formgrader_button(instructor, "assign", "Successfully created the student version")
    formgrader_button(instructor, "release", "Successfully released")

    # The students.
    people = {name: Person(browser, hub, name, shots) for name in STUDENTS}
    perfect, mistakes = sample_answers("perfect"), sample_answers("mistakes")
    for name, person in people.items():
        person.log_in()
        fetch(person)
    ada, bo, cy = (people[name] for name in STUDENTS)
    said = student_works(ada, perfect, typed=TYPED)
    assert "Success! Your notebook passes all the tests." in said, said
    saved = json.loads((hub.home(ADA) / ASSIGNMENT / f"{VALIDATED}.ipynb").read_text())
    typed = [cell for cell in saved["cells"]
             if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == task_named(TYPED).answer_id]
    assert "".join(typed[0]["source"]) == reference.solution(TYPED).strip("\n"), "Validate saved the typed answer"
    said = student_works(bo, mistakes)
    assert "The following cell failed:" in said and "broadcast_shape" in said, said
    assert said.split("The following cell failed:")[1].strip().startswith("AssertionError"), said  # the error first
    for person in (ada, bo):
        assignments_tab(person)
        submit(person)
    # tg-cy hands in the untouched release, then the right answers: the second counts.
    assignments_tab(cy)
    submit(cy)
    said = student_works(cy, perfect)
    assert "Success!" in said, said
    assignments_tab(cy)
    submit(cy)

    # Collect; tg-ada graded with the formgrader's Autograde button, in the rootless box.
    formgrader_button(instructor, "collect", "Successfully collected")
    page = instructor.page
    page.goto(instructor.server(f"formgrader/manage_submissions/{ASSIGNMENT}"))
    row = page.locator("tr", has=page.locator("td.student-id", has_text=re.compile(f"^{ADA}$")))
    row.wait_for()
    instructor.shot("submissions")
    row.locator("td.autograde a").click()
    modal(instructor, "autograded", "Successfully autograded", GRADE_TIMEOUT)
    results = json.loads((hub.course / "autograded" / ADA / ASSIGNMENT / "results.json").read_text())
    assert results["extra_data"]["isolation_mode"] == "rootless", results["extra_data"]
    assert "rootless sandbox" in results["extra_data"]["isolation"]

    # The others with `tensor-gears grade`, as the instructor, from a shell in the course folder.
    env = login_environment(INSTRUCTOR, TENSOR_GEARS_SECRET_FILE=str(hub.secret_file))
    graded = as_account(INSTRUCTOR, [str(BIN / "tensor-gears"), "grade"], env=env, cwd=hub.course, timeout=900)
    assert graded.returncode == 0, graded.stdout[-3000:] + graded.stderr[-3000:]
    assert BO in graded.stdout and CY in graded.stdout, graded.stdout

    # Manual grading: the hidden cells' outputs list the checks.
    page.goto(instructor.server(f"formgrader/gradebook/{ASSIGNMENT}/{VALIDATED}"))
    page.locator("td a", has_text="Submission #").first.click()
    hidden = page.locator(".cell", has_text="Hidden checks of broadcast_shape").last
    hidden.wait_for(timeout=ACTION_TIMEOUT)
    hidden.scroll_into_view_if_needed()
    instructor.shot("manual-grading")
    report = hidden.inner_text()
    assert "PASSED" in report or "FAILED" in report, report

    formgrader_button(instructor, "generate-feedback", "Successfully generated feedback", GRADE_TIMEOUT)
    formgrader_button(instructor, "release-feedback", "Successfully released feedback")

    # Each student fetches the feedback and opens it: the per-function summary comes first.
    for person in people.values():
        person.page.goto(person.server("lab"))
        person.page.wait_for_selector("#jp-main-dock-panel", timeout=SPAWN_TIMEOUT)
        assignments_tab(person)
        person.page.locator("#submitted_assignments_list button", has_text="Fetch Feedback").first.click()
        link = person.page.locator("#submitted_assignments_list a", has_text="view feedback").first
        link.wait_for(timeout=ACTION_TIMEOUT)
        person.shot("feedback-fetched")
        feedback = sorted((hub.home(person.name) / ASSIGNMENT / "feedback").glob(
            f"*/{VALIDATED}.html"))
        assert feedback, f"{person.name} has no feedback"
        stamp = feedback[-1].parent.name
        person.page.goto(person.server(f"files/{ASSIGNMENT}/feedback/{stamp}/{VALIDATED}.html"))
        summary = person.page.locator("#tensor-gears-feedback").first
        summary.wait_for(timeout=ACTION_TIMEOUT)
        person.shot("feedback")
        text = summary.inner_text()
        assert "What the hidden checks found" in text, text
        assert all(task.name in text for task in tasks_of(VALIDATED)), text
        assert summary.bounding_box()["y"] < person.page.locator("h1").first.bounding_box()["y"]

    # The gradebook: the sample class's points, notebook by notebook; tg-cy's second submission.
    read = as_account(INSTRUCTOR, [str(BIN / "python"), "-c", READ_GRADEBOOK], env=env, cwd=hub.course)
    assert read.returncode == 0, read.stderr
    points = json.loads(read.stdout)
    assert points == {ADA: PERFECT, BO: MISTAKES, CY: PERFECT}, points
    for person in [instructor, *people.values()]:
        person.close()


def page_has(person: Person, menu: str) -> bool:
    return menu in person.page.locator(".lm-MenuBar-itemLabel").all_text_contents()


def test_the_grader_reaches_the_formgrader_and_nothing_else(hub, browser, shots):
    """The TA, through the hub's role, uses the instructor's formgrader; a student may not;
    neither account can read the instructor's files."""
    instructor = Person(browser, hub, INSTRUCTOR, shots)
    instructor.log_in()  # the instructor's server runs
    ta = Person(browser, hub, GRADER, shots)
    ta.log_in(then="/hub/api/oauth2/authorize")  # the hub asks the TA to allow the instructor's server
    ta.shot("authorize")
    ta.page.click("form button[type=submit]")
    ta.page.wait_for_url(re.compile(f"/user/{INSTRUCTOR}/formgrader"), timeout=SPAWN_TIMEOUT)
    ta.page.locator("td.name", has_text=ASSIGNMENT).wait_for()
    ta.shot("instructor-formgrader")
    student = Person(browser, hub, ADA, shots)
    student.log_in()
    response = student.page.goto(student.hub.url(f"user/{INSTRUCTOR}/formgrader/manage_assignments"))
    assert response.status == 403, response.status
    student.shot("instructor-formgrader-refused")
    assert not page_has(student, "Formgrader")
    for name in (GRADER, ADA):
        listing = as_account(name, ["ls", str(hub.course)])
        assert listing.returncode != 0, listing.stdout
    for person in (instructor, ta, student):
        person.close()
