"""A semester of two courses on a real JupyterHub (tests/hub.py, configured as `make hub`, the
roster hub/courses.json), in headless Chromium driven by Playwright: real PAM logins, the real
proxy, each course's formgrader a hub service run as its grader account, each person's own server.

- dl101 (instructor tg-instructor, TA tg-grader; tg-ada, tg-bo) and dl102 (tg-instructor; tg-ada,
  tg-cy). The instructor logs in, opens each course's formgrader from the hub's Services menu, in
  a tab of its own (JupyterHub 4.1+ forbid the JupyterLab panel's frame, nbgrader#1870), and
  generates and releases `tensor_ops` with its buttons.
- Each student's Assignment List shows the courses of their hub groups. tg-ada fetches both
  courses' (dl101: solves everything, one answer typed in the notebook's editor, the rest put in
  as her own account; dl102: the untouched release); tg-bo makes the sample class's typical
  mistakes in dl101; tg-cy submits the untouched release in dl102 first and the right answers
  second. Each opens a notebook and clicks Validate, then submits in the Assignment List.
- In dl101 the TA, through the hub group formgrade-dl101, collects and grades tg-ada with the
  formgrader's Autograde button (in the grader account's rootless box); tg-bo is graded with
  `tensor-gears grade` as grader-dl101 (a terminal of that server). The manual-grading view shows
  the hidden-check reports; feedback is generated and released with the formgrader's buttons.
  In dl102 the instructor does the same, `tensor-gears grade` for both students.
- Each student fetches the feedback of each course and opens it: the per-function summary first.
- The gradebooks hold the sample class's points, notebook by notebook (tg-cy's second
  submission counts), each course its own students only.
- The TA reaches dl101's formgrader and not dl102's; a student reaches neither; nobody's own
  account can read a course folder.

Screenshots of every step are kept under the test's tmp folder (and copied to
$TENSOR_GEARS_ARTEFACTS/hub/ when set); their paths are printed.
"""

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tensor_gears import reference
from tensor_gears.contract import ASSIGNMENT, NOTEBOOKS, task_named, tasks_of
from tensor_gears.sample_class.job import STUDENTS as SAMPLE
from tensor_gears.sections import read_sections

from .accounts import BIN, GRADER, INSTRUCTOR, ROSTER, as_account, login_environment, password
from .hub import Hub
from .jupyterlab import CHROMIUM, CHROMIUM_ARGS, screenshot_folder

ADA, BO, CY = "tg-ada", "tg-bo", "tg-cy"
DL101, DL102 = (course.id for course in ROSTER.courses)
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
UNTOUCHED = {notebook: 0 for notebook in NOTEBOOKS}

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

# A course's gradebook, as its grader reads it: points per student and notebook.
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

    def formgrader(self, course: str, path: str = "") -> str:
        """A page of the course's formgrader (the service named after the course)."""
        return self.hub.url(f"services/{course}/formgrader/{path.lstrip('/')}")

    def log_in(self, then: str | None = None) -> None:
        """The hub's login form, with the account's PAM password; waits for its JupyterLab, or
        for the page `then`."""
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
            self.shot("landed")

    def menu(self, menu: str, item: str) -> None:
        page = self.page
        page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{re.escape(menu)}$")).click()
        page.locator(".lm-Menu-item", has=page.locator(
            ".lm-Menu-itemLabel", has_text=re.compile(f"^{re.escape(item)}$"))).click()

    def close(self) -> None:
        self.context.close()


# ----------------------------------------------------------------------------- the formgrader

def open_formgrader(person: Person, course: str) -> None:
    """From the hub's home: Services > the course; the formgrader opens in this tab."""
    page = person.page
    page.goto(person.hub.url("hub/home"))
    page.locator("a.dropdown-toggle", has_text="Services").click()
    page.locator("a.dropdown-item", has_text=re.compile(f"^{re.escape(course)}$")).click()
    page.wait_for_url(re.compile(re.escape(f"/services/{course}/formgrader")), timeout=SPAWN_TIMEOUT)
    page.locator("td.name", has_text=ASSIGNMENT).wait_for(timeout=SPAWN_TIMEOUT)
    person.shot(f"{course}-formgrader")


def formgrader_button(person: Person, course: str, column: str, success: str, timeout: float = ACTION_TIMEOUT) -> str:
    """Click `column`'s button in tensor_ops's row of the course's Manage Assignments; the modal's text."""
    page = person.page
    page.goto(person.formgrader(course, "manage_assignments"))
    row = page.locator("tr", has=page.locator("td.name", has_text=re.compile(f"^{ASSIGNMENT}$")))
    row.locator(f"td.{column} a").click()
    return modal(person, f"{course}-{column}", success, timeout)


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


def autograde_with_button(person: Person, course: str, student: str) -> None:
    page = person.page
    page.goto(person.formgrader(course, f"manage_submissions/{ASSIGNMENT}"))
    row = page.locator("tr", has=page.locator("td.student-id", has_text=re.compile(f"^{student}$")))
    row.wait_for()
    person.shot(f"{course}-submissions")
    row.locator("td.autograde a").click()
    modal(person, f"{course}-autograded", "Successfully autograded", GRADE_TIMEOUT)


def grade_from_a_terminal(hub: Hub, course: str) -> str:
    """`tensor-gears grade` as the course's grader account, in its course folder (what a terminal
    of the grader's server runs)."""
    grader = f"grader-{course}"
    env = login_environment(grader, HOME=str(hub.home(grader)))
    graded = as_account(grader, [str(BIN / "tensor-gears"), "grade"], env=env, cwd=hub.course(course), timeout=900)
    assert graded.returncode == 0, graded.stdout[-3000:] + graded.stderr[-3000:]
    return graded.stdout


def gradebook(hub: Hub, course: str) -> dict:
    grader = f"grader-{course}"
    env = login_environment(grader, HOME=str(hub.home(grader)))
    read = as_account(grader, [str(BIN / "python"), "-c", READ_GRADEBOOK], env=env, cwd=hub.course(course))
    assert read.returncode == 0, read.stderr
    return json.loads(read.stdout)


# ----------------------------------------------------------------------------- the students

def assignments_tab(person: Person, course: str) -> None:
    """Nbgrader > Assignment List, the course chosen, and wait until it has loaded."""
    page = person.page
    person.menu("Nbgrader", "Assignment List")
    page.wait_for_selector("#released_assignments_list", timeout=ACTION_TIMEOUT)
    page.wait_for_selector("#released_assignments_list_loading", state="hidden")
    chosen = page.locator("#course_list_default")
    page.wait_for_function("() => !document.querySelector('#course_list_default').textContent.includes('Loading')")
    if chosen.inner_text().strip() != course:
        page.click("#course_list_dropdown")
        page.locator("#course_list a", has_text=re.compile(f"^{re.escape(course)}$")).click()
        page.wait_for_function("c => document.querySelector('#course_list_default').textContent.trim() == c",
                               arg=course)
        page.wait_for_selector("#released_assignments_list_loading", state="hidden")


def courses_listed(person: Person) -> list[str]:
    """The courses in the Assignment List's course menu."""
    page = person.page
    page.click("#course_list_dropdown")
    names = [name.strip() for name in page.locator("#course_list a").all_inner_texts()]
    person.shot("courses")
    page.keyboard.press("Escape")
    return sorted(names)


def fetch(person: Person, course: str) -> None:
    page = person.page
    assignments_tab(person, course)
    page.locator("#released_assignments_list button", has_text="Fetch").click()
    page.locator("#fetched_assignments_list", has_text=ASSIGNMENT).wait_for()
    person.shot(f"{course}-fetched")


def submit(person: Person, course: str) -> None:
    page = person.page
    assignments_tab(person, course)
    before = page.locator("#submitted_assignments_list .list_item").count()
    page.locator("#fetched_assignments_list button", has_text="Submit").click()
    page.wait_for_function("n => document.querySelectorAll('#submitted_assignments_list .list_item').length > n",
                           arg=before, timeout=ACTION_TIMEOUT)
    person.shot(f"{course}-submitted")


def put_answers(person: Person, course: str, answers: dict[str, str]) -> None:
    """The answers into the fetched notebooks, written as the student's own account."""
    folder = person.hub.home(person.name) / course / ASSIGNMENT
    done = as_account(person.name, [str(BIN / "python"), "-c", WRITE_ANSWERS, str(folder)],
                      input=json.dumps(answers))
    assert done.returncode == 0, done.stderr


def open_notebook(person: Person, course: str, notebook: str) -> None:
    page = person.page
    page.goto(person.server(f"lab/tree/{course}/{ASSIGNMENT}/{notebook}.ipynb?reset"))
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


def student_works(person: Person, course: str, answers: dict[str, str], *, typed: str | None = None) -> str:
    """Put in the answers (typing `typed` in the editor), open the validated notebook, Validate."""
    put_answers(person, course, {f: code for f, code in answers.items() if f != typed})
    open_notebook(person, course, VALIDATED)
    if typed:
        type_answer(person, typed)
    return validate(person)


def read_feedback(person: Person, course: str) -> None:
    """Fetch Feedback in the course's Assignment List, then open the validated notebook's page:
    the per-function summary comes first."""
    page = person.page
    page.goto(person.server("lab"))
    page.wait_for_selector("#jp-main-dock-panel", timeout=SPAWN_TIMEOUT)
    assignments_tab(person, course)
    page.locator("#submitted_assignments_list button", has_text="Fetch Feedback").first.click()
    page.locator("#submitted_assignments_list a", has_text="view feedback").first.wait_for(timeout=ACTION_TIMEOUT)
    person.shot(f"{course}-feedback-fetched")
    feedback = sorted((person.hub.home(person.name) / course / ASSIGNMENT / "feedback").glob(f"*/{VALIDATED}.html"))
    assert feedback, f"{person.name} has no feedback in {course}"
    stamp = feedback[-1].parent.name
    page.goto(person.server(f"files/{course}/{ASSIGNMENT}/feedback/{stamp}/{VALIDATED}.html"))
    summary = page.locator("#tensor-gears-feedback").first
    summary.wait_for(timeout=ACTION_TIMEOUT)
    person.shot(f"{course}-feedback")
    text = summary.inner_text()
    assert "What the hidden checks found" in text, text
    assert all(task.name in text for task in tasks_of(VALIDATED)), text
    assert summary.bounding_box()["y"] < page.locator("h1").first.bounding_box()["y"]


def page_has(person: Person, menu: str) -> bool:
    return menu in person.page.locator(".lm-MenuBar-itemLabel").all_text_contents()


# ----------------------------------------------------------------------------- the test

def test_a_semester_of_two_courses_through_the_hub(hub, browser, shots):
    instructor = Person(browser, hub, INSTRUCTOR, shots)
    instructor.log_in(then="/hub/home")
    # Each course's formgrader, from the hub's Services menu: generate the student version, release it.
    for course in (DL101, DL102):
        open_formgrader(instructor, course)
        formgrader_button(instructor, course, "assign", "Successfully created the student version")
        formgrader_button(instructor, course, "release", "Successfully released")

    # The students: each Assignment List offers the courses of their hub groups.
    people = {name: Person(browser, hub, name, shots) for name in (ADA, BO, CY)}
    ada, bo, cy = people[ADA], people[BO], people[CY]
    perfect, mistakes = sample_answers("perfect"), sample_answers("mistakes")
    for person in people.values():
        person.log_in()
    assignments_tab(ada, DL101)
    assert courses_listed(ada) == [DL101, DL102]
    assignments_tab(bo, DL101)
    assert courses_listed(bo) == [DL101]
    assignments_tab(cy, DL102)
    assert courses_listed(cy) == [DL102]
    fetch(ada, DL101)
    fetch(ada, DL102)
    fetch(bo, DL101)
    fetch(cy, DL102)

    said = student_works(ada, DL101, perfect, typed=TYPED)
    assert "Success! Your notebook passes all the tests." in said, said
    saved = json.loads((hub.home(ADA) / DL101 / ASSIGNMENT / f"{VALIDATED}.ipynb").read_text())
    typed = [cell for cell in saved["cells"]
             if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == task_named(TYPED).answer_id]
    assert "".join(typed[0]["source"]) == reference.solution(TYPED).strip("\n"), "Validate saved the typed answer"
    said = student_works(bo, DL101, mistakes)
    assert "The following cell failed:" in said and "broadcast_shape" in said, said
    assert said.split("The following cell failed:")[1].strip().startswith("AssertionError"), said  # the error first
    submit(ada, DL101)
    submit(ada, DL102)
    submit(bo, DL101)
    # tg-cy hands in the untouched release, then the right answers: the second counts.
    submit(cy, DL102)
    said = student_works(cy, DL102, perfect)
    assert "Success!" in said, said
    submit(cy, DL102)

    # dl101: the TA collects, grades tg-ada with the Autograde button (the grader's rootless box).
    ta = Person(browser, hub, GRADER, shots)
    ta.log_in(then="/hub/home")
    open_formgrader(ta, DL101)
    formgrader_button(ta, DL101, "collect", "Successfully collected")
    autograde_with_button(ta, DL101, ADA)
    results = json.loads((hub.course(DL101) / "autograded" / ADA / ASSIGNMENT / "results.json").read_text())
    assert results["extra_data"]["isolation_mode"] == "rootless", results["extra_data"]
    assert "rootless sandbox" in results["extra_data"]["isolation"]
    # tg-bo with `tensor-gears grade`, as grader-dl101 in its course folder.
    graded = grade_from_a_terminal(hub, DL101)
    assert BO in graded, graded

    # Manual grading: the hidden cells' outputs list the checks.
    page = ta.page
    page.goto(ta.formgrader(DL101, f"gradebook/{ASSIGNMENT}/{VALIDATED}"))
    page.locator("td a", has_text="Submission #").first.click()
    hidden = page.locator(".cell", has_text="Hidden checks of broadcast_shape").last
    hidden.wait_for(timeout=ACTION_TIMEOUT)
    hidden.scroll_into_view_if_needed()
    ta.shot("dl101-manual-grading")
    report = hidden.inner_text()
    assert "PASSED" in report or "FAILED" in report, report
    formgrader_button(ta, DL101, "generate-feedback", "Successfully generated feedback", GRADE_TIMEOUT)
    formgrader_button(ta, DL101, "release-feedback", "Successfully released feedback")

    # dl102: the instructor collects, grades both with `tensor-gears grade`, releases feedback.
    formgrader_button(instructor, DL102, "collect", "Successfully collected")
    graded = grade_from_a_terminal(hub, DL102)
    assert ADA in graded and CY in graded, graded
    formgrader_button(instructor, DL102, "generate-feedback", "Successfully generated feedback", GRADE_TIMEOUT)
    formgrader_button(instructor, DL102, "release-feedback", "Successfully released feedback")

    # Each student reads each course's feedback.
    for person, course in ((ada, DL101), (ada, DL102), (bo, DL101), (cy, DL102)):
        read_feedback(person, course)

    # The gradebooks: the sample class's points, notebook by notebook; tg-cy's second submission.
    assert gradebook(hub, DL101) == {ADA: PERFECT, BO: MISTAKES}
    assert gradebook(hub, DL102) == {ADA: UNTOUCHED, CY: PERFECT}
    for person in [instructor, ta, *people.values()]:
        person.close()


def test_each_course_is_reached_through_its_hub_group_only(hub, browser, shots):
    """The TA (formgrade-dl101) uses dl101's formgrader, not dl102's; a student neither; nobody's
    own account can read a course folder; the instructor's and the TA's own servers hold none."""
    ta = Person(browser, hub, GRADER, shots)
    ta.log_in(then="/hub/home")
    services = ta.page.locator("a.dropdown-item").all_inner_texts()
    assert [name.strip() for name in services] == [DL101], services
    response = ta.page.goto(ta.formgrader(DL102, "manage_assignments"))
    assert response.status == 403, response.status
    ta.shot("dl102-formgrader-refused")
    student = Person(browser, hub, ADA, shots)
    student.log_in()
    assert not page_has(student, "Formgrader")
    for course in (DL101, DL102):
        response = student.page.goto(student.formgrader(course, "manage_assignments"))
        assert response.status == 403, response.status
    student.shot("formgraders-refused")
    for name in (INSTRUCTOR, GRADER, ADA, BO, CY, f"grader-{DL102}"):
        listing = as_account(name, ["ls", str(hub.course(DL101))])
        assert listing.returncode != 0, (name, listing.stdout)
    for person in (ta, student):
        person.close()
