"""The exchange on a shared machine: the whole nbgrader cycle of two courses with the real
`nbgrader` CLI, run by the course's accounts from their own shells, and what a student can and
cannot do to other students' work, to another course and to the time of a submission.

The hub's roster (hub/courses.json): dl101 (graded by grader-dl101; tg-ada, tg-bo) and dl102
(grader-dl102; tg-ada, tg-cy). The exchange is made by the administrator's set-up
(hub/courses.py exchange, on a scratch root); each grader works in a scratch course folder made
by the same set-up (hub/courses.py folder), with hub/grader and hub/common on JUPYTER_CONFIG_PATH,
as the grader's server on the hub has them; students run with hub/common.

The same moves are first made against plain nbgrader's exchange (an exchange everyone writes
to, one course, only the root configured): `test_plain_nbgrader_*` record what its defaults
already prevent and what they let through, which is what tensor_gears/exchange/ hardens.
"""

import contextlib
import datetime
import json
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from tensor_gears import reference
from tensor_gears.contract import ASSIGNMENT, tasks_of
from tensor_gears.exchange.acl import named_readers
from tensor_gears.notebooks import cells_by_grade_id

from .accounts import BIN, ROSTER, account, as_account, login_environment, owned_folder, remove
from .conftest import REPO, grades

DL101, DL102 = (course.id for course in ROSTER.courses)
GRADERS = {course.id: course.grader for course in ROSTER.courses}
ADA, BO, CY = "tg-ada", "tg-bo", "tg-cy"
ENROLLED = {DL101: (ADA, BO), DL102: (ADA, CY)}
NOTEBOOK = "01_elementwise"
LATE_NOTEBOOK = "02_broadcasting"  # bo's late answers (quick to grade, 20 points)
LATE = 8  # seconds after the due date (collect flags a claimed time more than 5 s away)
SETUP = [str(BIN / "python"), str(REPO / "hub" / "courses.py")]
PLAIN_CONFIG = 'c = get_config()\nimport os\nc.Exchange.root = os.environ["TENSOR_GEARS_EXCHANGE"]\n'
# A course's own policy, below its configuration: a late submission scores 0 (nbgrader's plugin).
LATE_POLICY = '\nc.LateSubmissionPlugin.penalty_method = "zero"\n'

# `nbgrader submit` as the student, with every folder made and every mode set under the inbound
# recorded (CPython's audit events os.mkdir and os.chmod), under the laxest umask a student can set.
PROBED_SUBMIT = """
import json, os, sys
inbound, record, args = sys.argv[1], sys.argv[2], sys.argv[3:]
events = []
def hook(event, details):
    if event in ("os.mkdir", "os.chmod") and isinstance(details[0], str) and details[0].startswith(inbound):
        events.append([event, details[0], details[1]])
sys.addaudithook(hook)
os.umask(0)
from nbgrader.apps.nbgraderapp import main
sys.argv = ["nbgrader", "submit", *args]
try:
    main()
finally:
    with open(record, "w") as out:
        json.dump(events, out)
"""


def utc(hours: float = 0, moment: datetime.datetime | None = None) -> str:
    """A timestamp as nbgrader writes it, `hours` from now (or from `moment`)."""
    moment = (moment or datetime.datetime.now(datetime.timezone.utc)) + datetime.timedelta(hours=hours)
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f UTC")


@dataclass
class Machine:
    """A scratch exchange, each course's folder and grader, and each student's working folder."""

    scratch: Path
    config: dict  # role -> JUPYTER_CONFIG_PATH
    courses: dict = field(default_factory=dict)  # course id -> its folder
    secrets: dict = field(default_factory=dict)  # course id -> its secret file
    work: dict = field(default_factory=dict)  # student -> their folder
    plain: bool = False

    @property
    def root(self) -> Path:
        return self.scratch / "exchange"

    def inbound(self, course: str) -> Path:
        return self.root / course / "inbound"

    def outbound(self, course: str) -> Path:
        return self.root / course / "outbound" / ASSIGNMENT

    def fetched(self, student: str, course: str) -> Path:
        """Where `student`'s copy of the assignment is (nbgrader: ./<course>/<assignment> on a
        hub of several courses, ./<assignment> by default)."""
        return self.work[student] / ASSIGNMENT if self.plain else self.work[student] / course / ASSIGNMENT

    def env(self, name: str, course: str | None = None, **extra: str) -> dict[str, str]:
        if name in self.work:  # the students' nbgrader cache goes in their scratch folder
            extra = {"JUPYTER_DATA_DIR": str(self.work[name] / ".jupyter-data"), **extra}
            config = self.config["student"]
        else:
            extra = {"TENSOR_GEARS_COURSE": str(self.courses[course]),
                     "TENSOR_GEARS_SECRET_FILE": str(self.secrets[course]), **extra}
            config = self.config["grader"]
        return login_environment(name, **{"JUPYTER_CONFIG_PATH": config, "TENSOR_GEARS_EXCHANGE": str(self.root),
                                          **extra})

    def cwd(self, name: str, course: str | None) -> Path:
        return self.work[name] if name in self.work else self.courses[course]

    def nbgrader(self, name: str, course: str, *args: str, check: bool = True, **extra: str):
        """`nbgrader ARGS` from `name`'s shell: a grader in the course folder, a student in their
        folder (with --course)."""
        if name in self.work:
            args = (*args, "--course", course)
        result = as_account(name, ["nbgrader", *args], env=self.env(name, course, **extra), cwd=self.cwd(name, course))
        if check:
            assert result.returncode == 0, f"{name}: nbgrader {' '.join(args)}\n{result.stderr[-3000:]}"
        return result

    def shell(self, name: str, script: str, course: str | None = None):
        """`sh -c SCRIPT` as `name`, in their own folder."""
        return as_account(name, ["sh", "-c", script], env=self.env(name, course), cwd=self.cwd(name, course))

    def submissions(self, student: str, course: str) -> list[Path]:
        """The folders `student` submitted to the course's inbound (as root sees them), oldest first."""
        uid = account(student).pw_uid
        folders = [path for path in self.inbound(course).glob(f"{student}+{ASSIGNMENT}+*")
                   if not path.is_symlink() and path.stat().st_uid == uid]
        return sorted(folders, key=lambda path: path.stat().st_ctime)

    def submitted(self, student: str, course: str) -> Path:
        return self.courses[course] / "submitted" / student / ASSIGNMENT


def denied(result) -> bool:
    return result.returncode != 0 and ("Permission denied" in result.stderr
                                       or "Operation not permitted" in result.stderr)


def make_course(machine: Machine, course: str, label: str) -> None:
    """The course folder (hub/courses.py folder) and secret, the grader's, then generate and release."""
    grader = GRADERS[course]
    own = owned_folder(grader, f"{label}-{course}")
    machine.scratch.joinpath(f"{course}.owned").write_text(str(own))
    folder = own / "course"
    subprocess.run([*SETUP, "folder", course, str(folder)], check=True)
    with open(folder / "nbgrader_config.py", "a") as config:
        config.write(LATE_POLICY)
    machine.courses[course] = folder
    machine.secrets[course] = own / "secret"
    done = as_account(grader, ["sh", "-c", f"umask 077 && head -c 32 /dev/urandom | base64 > {own / 'secret'}"])
    assert done.returncode == 0, done.stderr
    machine.nbgrader(grader, course, "generate_assignment", ASSIGNMENT)
    machine.nbgrader(grader, course, "release_assignment", ASSIGNMENT)


@contextlib.contextmanager
def new_machine(label: str, plain: bool):
    """The exchange, the courses with a released assignment, and each enrolled student's fetched
    copy, all removed afterwards. Plain: nbgrader's own exchange (everyone writes to its root)
    and one course, dl101, that all three students fetch."""
    scratch = Path(tempfile.mkdtemp(prefix=f"tg-tests-exchange-{label}-"))
    if plain:
        config = scratch / "plain-config"
        config.mkdir()
        (config / "nbgrader_config.py").write_text(PLAIN_CONFIG)
        roles = {"student": str(config), "grader": str(config)}
    else:
        roles = {"student": str(REPO / "hub" / "common"),
                 "grader": f"{REPO / 'hub' / 'grader'}:{REPO / 'hub' / 'common'}"}
    machine = Machine(scratch, roles, plain=plain)
    courses = {DL101: (ADA, BO, CY)} if plain else ENROLLED
    try:
        scratch.chmod(0o755)
        if plain:
            machine.root.mkdir()
            machine.root.chmod(0o777)  # as nbgrader's documentation makes it
        else:
            subprocess.run([*SETUP, "exchange", str(machine.root)], check=True, capture_output=True)
        for student in (ADA, BO, CY):
            machine.work[student] = owned_folder(student, f"work-{label}")
        for course, students in courses.items():
            make_course(machine, course, label)
            for student in students:
                machine.nbgrader(student, course, "fetch_assignment", ASSIGNMENT)
        yield machine
    finally:
        owned = [Path(path.read_text()) for path in scratch.glob("*.owned")]
        for folder in [machine.scratch, *owned, *machine.work.values()]:
            remove(folder)


def answer(machine: Machine, student: str, course: str, notebook: str = NOTEBOOK) -> None:
    """The reference answers into `student`'s copy of `notebook`, written by the student (the
    solutions are read here, as root: a student's account cannot read them)."""
    path = machine.fetched(student, course) / f"{notebook}.ipynb"
    nb = nbformat.read(path, as_version=4)
    for task in tasks_of(notebook):
        cells_by_grade_id(nb)[task.answer_id].source = reference.solution(task.name).strip("\n")
    done = as_account(student, [str(BIN / "python"), "-c", "import sys; open(sys.argv[1], 'w').write(sys.stdin.read())",
                                str(path)], input=nbformat.writes(nb))
    assert done.returncode == 0, done.stderr


def plant(machine: Machine, student: str, course: str, name: str, script: str):
    """`student` makes the folder `name` in the course's inbound by hand, running `script` inside it."""
    folder = machine.inbound(course) / name
    return machine.shell(student, f"mkdir '{folder}' && cd '{folder}' && {script}")


def set_due_date(machine: Machine, course: str) -> datetime.datetime:
    """The grader sets the assignment's due date to now; returns it (naive UTC, as nbgrader keeps it)."""
    now = datetime.datetime.now(datetime.timezone.utc)
    machine.nbgrader(GRADERS[course], course, "db", "assignment", "add", ASSIGNMENT,
                     f"--duedate={now.strftime('%Y-%m-%d %H:%M:%S.%f')} UTC")
    return now.replace(tzinfo=None)


def hand_in_late_backdated(machine: Machine, student: str, course: str, due: datetime.datetime):
    """After the due date, `student` answers LATE_NOTEBOOK and submits, then, from their shell,
    backdates the submission to a second before the due date: the folder's name, timestamp.txt,
    and every file's modification time (touch -d). It hands in LATE seconds after the due date:
    more than collect's tolerance for a claimed time."""
    time.sleep(max(0.0, (due - datetime.datetime.utcnow()).total_seconds() + LATE))
    answer(machine, student, course, LATE_NOTEBOOK)
    submitted = machine.nbgrader(student, course, "submit", ASSIGNMENT)
    folder = re.search(r"Destination: (.+)", submitted.stderr).group(1).strip()
    claimed = utc(-1 / 3600, due.replace(tzinfo=datetime.timezone.utc))
    stem, _, _, suffix = Path(folder).name.rsplit("+", 3)
    forged = Path(folder).with_name(f"{stem}+{ASSIGNMENT}+{claimed}+{suffix}")
    script = (f"mv '{folder}' '{forged}' && echo '{claimed}' > '{forged}/timestamp.txt' && "
              f"touch -d '{claimed}' '{forged}'/* '{forged}'")
    done = machine.shell(student, script, course)
    assert done.returncode == 0, done.stderr
    return forged, claimed


def attack_one_course(machine: Machine, course: str, outsider_moves: bool) -> dict:
    """The students' moves in `course`: ada submits twice (the second, her answers, counts); bo
    submits his own, then as ada, and plants a folder named after her with a later timestamp.
    The due date passes; bo answers late and backdates his submission. The grader collects."""
    machine.nbgrader(ADA, course, "submit", ASSIGNMENT)
    answer(machine, ADA, course)
    machine.nbgrader(ADA, course, "submit", ASSIGNMENT)
    machine.nbgrader(BO, course, "submit", ASSIGNMENT)
    moves = {
        "bo submits as ada": machine.nbgrader(BO, course, "submit", ASSIGNMENT, "--student", ADA, check=False),
        "bo plants ada's name": plant(
            machine, BO, course, f"{ADA}+{ASSIGNMENT}+{utc(1)}+forged",
            f"cp {machine.fetched(BO, course)}/*.ipynb . && echo '{utc(1)}' > timestamp.txt"),
    }
    if outsider_moves:
        moves.update(link_attacks(machine, CY, course))
    moves["due"] = set_due_date(machine, course)
    moves["bo backdates"] = hand_in_late_backdated(machine, BO, course, moves["due"])
    moves["collect"] = machine.nbgrader(GRADERS[course], course, "collect", ASSIGNMENT)
    return moves


def link_attacks(machine: Machine, student: str, course: str) -> dict:
    """`student` plants a folder of links to the grader's source notebook and secret, and a
    later one that is a link to the source folder."""
    source = machine.courses[course] / "source" / ASSIGNMENT
    return {
        "links": plant(machine, student, course, f"{student}+{ASSIGNMENT}+{utc()}+links",
                       f"ln -s {source}/{NOTEBOOK}.ipynb {NOTEBOOK}.ipynb && "
                       f"ln -s {machine.secrets[course]} secret.txt && echo '{utc()}' > timestamp.txt"),
        "links the source": machine.shell(
            student, f"ln -s {source} '{machine.inbound(course)}/{student}+{ASSIGNMENT}+{utc(2)}+link'"),
    }


@pytest.fixture(scope="module")
def plain():
    """Plain nbgrader's exchange after the students' moves, a collect, bo's autograde and feedback."""
    with new_machine("plain", plain=True) as machine:
        moves = attack_one_course(machine, DL101, outsider_moves=True)
        machine.nbgrader(GRADERS[DL101], DL101, "autograde", ASSIGNMENT, "--student", BO)
        machine.nbgrader(GRADERS[DL101], DL101, "generate_feedback", ASSIGNMENT, "--student", BO)
        machine.nbgrader(GRADERS[DL101], DL101, "release_feedback", ASSIGNMENT, "--student", BO)
        yield machine, moves


@pytest.fixture(scope="module")
def hardened():
    """The course's exchange with two courses after the students' moves and collects; in dl101,
    ada and bo graded (in the grader's rootless box), ada's feedback released and fetched."""
    with new_machine("hardened", plain=False) as machine:
        moves = {DL101: attack_one_course(machine, DL101, outsider_moves=False)}
        machine.nbgrader(ADA, DL102, "submit", ASSIGNMENT)
        machine.nbgrader(CY, DL102, "submit", ASSIGNMENT)
        moves[DL102] = link_attacks(machine, CY, DL102)
        moves[DL102]["collect"] = machine.nbgrader(GRADERS[DL102], DL102, "collect", ASSIGNMENT)
        grader = GRADERS[DL101]
        for student in (ADA, BO):
            machine.nbgrader(grader, DL101, "autograde", ASSIGNMENT, "--student", student)
        machine.nbgrader(grader, DL101, "generate_feedback", ASSIGNMENT, "--student", ADA)
        machine.nbgrader(grader, DL101, "release_feedback", ASSIGNMENT, "--student", ADA)
        machine.nbgrader(ADA, DL101, "fetch_feedback", ASSIGNMENT)
        yield machine, moves


def late_record(course: Path, student: str) -> dict:
    """What the gradebook holds of `student`'s submission's time and the late notebook's points."""
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        submission = gradebook.find_submission(ASSIGNMENT, student)
        notebook = gradebook.find_submission_notebook(LATE_NOTEBOOK, ASSIGNMENT, student)
        return {"timestamp": submission.timestamp, "seconds_late": submission.total_seconds_late,
                "points": sum(grade.auto_score or 0 for grade in notebook.grades),
                "penalty": notebook.late_submission_penalty, "total_penalty": submission.late_submission_penalty}


def probed_submit(machine: Machine, student: str, course: str) -> list:
    """`student`'s `nbgrader submit` with the folders made and modes set under the inbound recorded."""
    record = machine.work[student] / "probe.json"
    args = [ASSIGNMENT, "--course", course]
    done = as_account(student, [str(BIN / "python"), "-c", PROBED_SUBMIT, str(machine.inbound(course)),
                                str(record), *args], env=machine.env(student), cwd=machine.work[student])
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(record.read_text())


# What plain nbgrader's exchange already prevents, and what it lets through.

def test_plain_nbgrader_hides_the_inbound_and_keeps_the_release_and_the_course_private(plain):
    machine, _ = plain
    assert denied(machine.shell(BO, f"ls '{machine.inbound(DL101)}'"))
    assert denied(machine.shell(BO, f"echo x > '{machine.outbound(DL101)}/{NOTEBOOK}.ipynb'"))
    assert denied(machine.shell(BO, f"touch '{machine.outbound(DL101)}/extra.py'"))
    assert denied(machine.shell(BO, f"cat '{machine.courses[DL101]}/source/{ASSIGNMENT}/{NOTEBOOK}.ipynb'"))
    assert denied(machine.shell(BO, f"cat '{machine.secrets[DL101]}'"))


def test_plain_nbgrader_lets_a_student_who_has_the_path_read_and_write_a_submission(plain):
    machine, _ = plain
    ada = machine.submissions(ADA, DL101)[0]
    assert machine.shell(BO, f"cat '{ada}/{NOTEBOOK}.ipynb' '{ada}/submission_secret.txt'").returncode == 0
    assert machine.shell(BO, f"echo x > '{ada}/extra.txt'").returncode == 0
    assert machine.shell(BO, f"mv '{ada}' '{ada}.moved' && mv '{ada}.moved' '{ada}'").returncode == 0


def test_plain_nbgrader_collects_a_submission_in_another_students_name(plain):
    machine, moves = plain
    assert moves["bo submits as ada"].returncode == 0
    assert "cheating attempt?" in moves["collect"].stderr
    bo = (machine.fetched(BO, DL101) / f"{NOTEBOOK}.ipynb").read_bytes()
    assert (machine.submitted(ADA, DL101) / f"{NOTEBOOK}.ipynb").read_bytes() == bo


def test_plain_nbgrader_collects_the_graders_own_files_through_a_students_link(plain):
    machine, _ = plain
    source = machine.courses[DL101] / "source" / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
    assert (machine.submitted(CY, DL101) / f"{NOTEBOOK}.ipynb").read_bytes() == source.read_bytes()


def test_plain_nbgrader_believes_a_backdated_late_submission(plain):
    """bo handed in after the due date and wrote an earlier time: no penalty."""
    machine, moves = plain
    _, claimed = moves["bo backdates"]
    seen = late_record(machine.courses[DL101], BO)
    assert seen["timestamp"] < moves["due"] and seen["seconds_late"] == 0, seen
    assert seen["points"] == 20 and not seen["penalty"] and not seen["total_penalty"], seen
    assert (machine.submitted(BO, DL101) / "timestamp.txt").read_text().strip() == claimed


def test_plain_nbgrader_feedback_is_readable_by_anyone_who_has_its_name(plain):
    machine, _ = plain
    pages = list((machine.root / DL101 / "feedback").glob("*.html"))
    assert pages and all(page.stat().st_mode & 0o004 for page in pages)
    assert machine.shell(CY, f"cat '{pages[0]}'").returncode == 0  # bo's page


def test_plain_nbgrader_lets_a_student_squat_a_course_before_its_first_release(plain):
    """A student makes the course's folder in nbgrader's world-writable exchange first: the
    release is refused until root removes it."""
    machine, _ = plain
    other = machine.scratch / "squatted"
    other.mkdir(mode=0o777)
    other.chmod(0o777)
    assert machine.shell(BO, f"mkdir -p '{other}/{DL101}/outbound' '{other}/{DL101}/inbound'").returncode == 0
    refused = machine.nbgrader(GRADERS[DL101], DL101, "release_assignment", ASSIGNMENT, check=False,
                               TENSOR_GEARS_EXCHANGE=str(other))
    assert refused.returncode != 0 and "You don't own the directory" in refused.stderr, refused.stderr[-2000:]


def test_plain_nbgrader_makes_a_new_submission_world_writable(plain):
    machine, _ = plain
    events = probed_submit(machine, ADA, DL101)
    assert any(mode & 0o002 for _, _, mode in events), events


# The course's exchange.

def test_the_cycle_runs_as_the_accounts(hardened):
    machine, _ = hardened
    ada = machine.fetched(ADA, DL101)
    submitted = machine.submitted(ADA, DL101)
    assert (submitted / f"{NOTEBOOK}.ipynb").read_bytes() == (ada / f"{NOTEBOOK}.ipynb").read_bytes()
    scores = grades(machine.courses[DL101], ADA)
    assert sum(scores[cell.grade_id] for task in tasks_of(NOTEBOOK) for cell in task.hidden_cells) == 18
    feedback = list((ada / "feedback").glob(f"*/{NOTEBOOK}.html"))
    assert len(feedback) == 1 and "naive_relu" in feedback[0].read_text()


def test_the_late_penalty_uses_the_time_the_files_were_written(hardened):
    """bo's backdated late submission: collected at the time its files were written (after the
    due date), flagged, its claims kept beside it; autograde applies the course's late penalty."""
    machine, moves = hardened
    moves = moves[DL101]
    forged, claimed = moves["bo backdates"]
    collect = moves["collect"].stderr
    assert f"{forged.name} claims a time its files were not written at" in collect, collect[-3000:]
    assert f"its folder's name: {claimed}" in collect and f"its timestamp.txt: {claimed}" in collect
    submitted = machine.submitted(BO, DL101)
    written = datetime.datetime.strptime(
        (submitted / "timestamp.txt").read_text().strip(), "%Y-%m-%d %H:%M:%S.%f UTC")
    assert written > moves["due"], (written, moves["due"])
    assert claimed in (submitted / "timestamp_claimed.txt").read_text()
    seen = late_record(machine.courses[DL101], BO)
    assert seen["timestamp"] == written and seen["seconds_late"] > 0, seen
    assert seen["points"] == 20 and seen["penalty"] == 20 and seen["total_penalty"] == 20, seen


def test_an_honest_submission_is_not_flagged_and_keeps_its_time(hardened):
    machine, moves = hardened
    collect = moves[DL101]["collect"].stderr
    ada = machine.submissions(ADA, DL101)[-1]
    assert f"{ada.name} claims" not in collect, collect[-3000:]
    assert not (machine.submitted(ADA, DL101) / "timestamp_claimed.txt").exists()
    claimed = datetime.datetime.strptime(ada.name.split("+")[2], "%Y-%m-%d %H:%M:%S.%f UTC")
    written = datetime.datetime.strptime(
        (machine.submitted(ADA, DL101) / "timestamp.txt").read_text().strip(), "%Y-%m-%d %H:%M:%S.%f UTC")
    assert abs((written - claimed).total_seconds()) < 5, (claimed, written)


def test_a_submission_is_the_students_and_the_graders_only_from_its_first_moment(hardened):
    machine, _ = hardened
    grader = account(GRADERS[DL101])
    for folder in machine.submissions(ADA, DL101)[:2]:
        info = folder.stat()
        assert (info.st_uid, info.st_gid) == (account(ADA).pw_uid, grader.pw_gid)
        assert info.st_mode & 0o777 == 0o770
        assert {path.stat().st_mode & 0o777 for path in folder.iterdir()} == {0o640}
    # Every folder made and every mode set under the inbound, with the student's umask 000.
    events = probed_submit(machine, ADA, DL102)
    assert events and all(mode & 0o007 == 0 for _, _, mode in events), events
    assert all(mode & 0o077 == 0 for event, _, mode in events if event == "os.mkdir"), events


def test_a_student_cannot_list_read_or_guess_another_students_submission(hardened):
    machine, _ = hardened
    ada = machine.submissions(ADA, DL101)[-1]
    assert denied(machine.shell(BO, f"ls '{machine.inbound(DL101)}'"))
    assert denied(machine.shell(BO, f"ls '{ada}'"))
    for path in (ada / f"{NOTEBOOK}.ipynb", ada / "submission_secret.txt"):
        assert denied(machine.shell(BO, f"cat '{path}'"))


def test_feedback_is_readable_by_its_student_alone(hardened):
    machine, _ = hardened
    feedback = machine.root / DL101 / "feedback"
    assert denied(machine.shell(BO, f"ls '{feedback}'"))
    pages = list(feedback.glob("*.html"))
    assert len(pages) == 5, pages
    for page in pages:
        assert page.stat().st_mode & 0o077 == 0o040 and page.stat().st_uid == account(GRADERS[DL101]).pw_uid
        assert named_readers(str(page)) == [account(ADA).pw_uid]
        # bo knows the page's name (say ada told him): he still cannot read it; ada can.
        assert denied(machine.shell(BO, f"cat '{page}'"))
        assert machine.shell(ADA, f"cat '{page}' > /dev/null").returncode == 0


def test_a_student_cannot_read_the_course_the_gradebook_or_the_secret(hardened):
    machine, _ = hardened
    course = machine.courses[DL101]
    for path in (course / "source" / ASSIGNMENT / f"{NOTEBOOK}.ipynb", course / "gradebook.db",
                 machine.submitted(ADA, DL101) / f"{NOTEBOOK}.ipynb", machine.secrets[DL101]):
        assert denied(machine.shell(BO, f"cat '{path}'")), path
    assert machine.secrets[DL101].stat().st_mode & 0o777 == 0o600


def test_a_student_cannot_submit_in_another_students_name(hardened):
    machine, moves = hardened
    moves = moves[DL101]
    assert moves["bo submits as ada"].returncode != 0
    assert f"You are {BO}: you cannot submit as {ADA}" in moves["bo submits as ada"].stderr
    forged = f"{ADA}+{ASSIGNMENT}+"
    assert f"Refused {forged}" in moves["collect"].stderr
    assert f"carries the name {ADA} but belongs to {BO}" in moves["collect"].stderr
    # ada's row holds her own work: her latest real submission, not bo's later forgery.
    for notebook in machine.fetched(ADA, DL101).glob("*.ipynb"):
        assert (machine.submitted(ADA, DL101) / notebook.name).read_bytes() == notebook.read_bytes()
    for notebook in machine.fetched(BO, DL101).glob("*.ipynb"):
        assert (machine.submitted(BO, DL101) / notebook.name).read_bytes() == notebook.read_bytes()
    assert sorted(path.name for path in (machine.courses[DL101] / "submitted").iterdir()) == [ADA, BO]


def test_links_in_a_submission_are_left_out(hardened):
    machine, moves = hardened
    collect = moves[DL102]["collect"].stderr
    assert f"carries the name {CY} but belongs to nobody (it is not a folder)" in collect
    assert "Left out" in collect
    assert sorted(path.name for path in machine.submitted(CY, DL102).iterdir()) == ["timestamp.txt"]


def test_a_student_cannot_write_into_another_students_submission_or_the_release(hardened):
    machine, _ = hardened
    ada = machine.submissions(ADA, DL101)[-1]
    inbound = machine.inbound(DL101)
    assert denied(machine.shell(BO, f"echo x > '{ada}/extra.txt'"))
    assert denied(machine.shell(BO, f"echo x > '{ada}/{NOTEBOOK}.ipynb'"))
    assert denied(machine.shell(BO, f"mv '{ada}' '{inbound}/{BO}+{ASSIGNMENT}+{utc()}+taken'"))
    assert denied(machine.shell(BO, f"rm -rf '{ada}'"))
    assert denied(machine.shell(BO, f"echo x > '{machine.outbound(DL101)}/{NOTEBOOK}.ipynb'"))
    assert denied(machine.shell(BO, f"touch '{machine.outbound(DL101)}/extra.py'"))
    assert denied(machine.shell(BO, f"mv '{machine.root / DL101}' '{machine.root}/taken'"))


@pytest.mark.parametrize("student, course", [(BO, DL102), (CY, DL101)])
def test_a_student_reaches_nothing_of_a_course_they_are_not_in(hardened, student, course):
    machine, _ = hardened
    folder = machine.root / course
    for script in (f"ls '{folder}'", f"cat '{machine.outbound(course)}/{NOTEBOOK}.ipynb'",
                   f"mkdir '{machine.inbound(course)}/{student}+{ASSIGNMENT}+{utc()}+in'",
                   f"ls '{folder}/feedback'"):
        assert denied(machine.shell(student, script)), script
    fetch = machine.nbgrader(student, course, "fetch_assignment", ASSIGNMENT, check=False)
    assert fetch.returncode != 0 and not machine.fetched(student, course).exists(), fetch.stderr[-2000:]
    listed = machine.nbgrader(student, "*", "list", check=False)
    assert course not in listed.stdout + listed.stderr.replace(str(machine.root), ""), listed.stderr[-2000:]


def test_each_course_keeps_its_own_submissions(hardened):
    """ada is in both courses: each grader collected her submission to it, and only that."""
    machine, _ = hardened
    assert machine.submitted(ADA, DL102).is_dir() and not machine.submitted(CY, DL101).exists()
    assert sorted(path.name for path in (machine.courses[DL102] / "submitted").iterdir()) == [ADA, CY]
    grader = GRADERS[DL101]
    assert denied(machine.shell(grader, f"ls '{machine.root / DL102}'", DL101))
    assert denied(machine.shell(grader, f"ls '{machine.courses[DL102]}'", DL101))


def test_the_exchange_root_takes_nothing_from_students(hardened):
    machine, _ = hardened
    assert machine.root.stat().st_mode & 0o777 == 0o755 and machine.root.stat().st_uid == 0
    assert denied(machine.shell(BO, f"mkdir '{machine.root}/dl999'"))


def test_the_setup_and_the_release_refuse_a_course_folder_a_student_made(hardened):
    """On an exchange left world-writable (nbgrader's documented one), a student made a course's
    folder first: the set-up and the grader's release refuse it and say what to remove."""
    machine, _ = hardened
    squatted = machine.scratch / "squatted"
    squatted.mkdir()
    squatted.chmod(0o1777)
    assert machine.shell(BO, f"mkdir -p '{squatted}/{DL101}/inbound'").returncode == 0
    setup = subprocess.run([*SETUP, "exchange", str(squatted)], capture_output=True, text=True)
    assert setup.returncode == 1, setup
    assert f"{squatted / DL101} belongs to {BO}" in setup.stderr and f"rm -r {squatted / DL101}" in setup.stderr
    release = machine.nbgrader(GRADERS[DL101], DL101, "release_assignment", ASSIGNMENT, "--force", check=False,
                               TENSOR_GEARS_EXCHANGE=str(squatted))
    assert release.returncode != 0
    assert f"{squatted / DL101} belongs to {BO}, not to {GRADERS[DL101]}" in release.stderr, release.stderr[-2000:]
    assert f"rm -r {squatted / DL101}" in release.stderr
    shutil.rmtree(squatted)
